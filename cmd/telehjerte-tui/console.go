package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/cmd/telehjerte-tui/internal/syncrun"
	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/demo/live"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
	"github.com/telehjerte/telehjerte-tui/tui"
)

// consoleFlags are the root command's own flags (not configuration keys).
type consoleFlags struct {
	// demoEvery is the pause between simulated patient events in the demo;
	// 0 turns the simulator off.
	demoEvery time.Duration
	// demoSeed fixes the simulator's choices.
	demoSeed uint64
}

// runConsole opens the data and runs the interactive console until the
// nurse quits. Bubbletea restores the terminal on every way out. With a
// central (embedded in the demo, or configured) the sync engine runs in the
// background; an unreachable central is shown as offline, never fatal.
func runConsole(ctx context.Context, e *env, cfg config.Config, f consoleFlags) error {
	if e.locErr != nil {
		return e.locErr
	}
	if !e.terminal() {
		return errors.New("the console needs a terminal; for plain output use `telehjerte-tui worklist`")
	}
	log, closeLog := logOrWarn(e, cfg.LogFile)
	defer closeLog()
	log.Info("console start", "version", versionString(), "mode", cfg.Mode().String(), "lang", cfg.Lang)

	d, err := openData(ctx, e, cfg, log)
	if err != nil {
		log.Error("open data", "err", err)
		return err
	}
	defer func() {
		if err := d.close(); err != nil {
			log.Error("close data", "err", err)
		}
	}()

	opts := tui.Options{
		Lang: cfg.Lang, Demo: d.demo, Clinic: d.clinic, User: cfg.User,
		Now: e.now, Loc: e.loc, Days: cfg.PatientDays,
	}
	sh := shell{}
	if d.engine != nil {
		sh.status = statusLine(d.engine.Status, cfg.Lang, e.loc)
	}
	sh.Model = tui.New(ctx, d.store, opts)
	if d.note != "" {
		// Shown on the terminal before the alternate screen and after it.
		fmt.Fprintln(e.stderr, "telehjerte-tui:", d.note)
	}
	p := tea.NewProgram(sh, tea.WithContext(ctx))

	bg, stopBG := context.WithCancel(ctx)
	var wg sync.WaitGroup
	if d.engine != nil {
		startSync(bg, &wg, p, d, cfg, f, log)
	}

	start := time.Now()
	_, err = p.Run()
	stopBG()
	wg.Wait()
	log.Info("console stop", "duration", time.Since(start).Round(time.Second))
	if d.note != "" {
		fmt.Fprintln(e.stderr, "telehjerte-tui:", d.note)
	}
	if ctx.Err() != nil {
		// SIGINT or SIGTERM from outside: bubbletea has restored the terminal.
		log.Info("console stopped by signal")
		return errors.New("stopped by signal")
	}
	if err != nil && !errors.Is(err, tea.ErrInterrupted) {
		log.Error("console", "err", err)
		return fmt.Errorf("console: %w", err)
	}
	return nil
}

// startSync runs the sync loop (and in the demo the patient simulator) in
// the background until ctx ends. After every round the console is told, so
// it redraws the status and reloads the worklist when something changed.
func startSync(ctx context.Context, wg *sync.WaitGroup, p *tea.Program, d *data, cfg config.Config, f consoleFlags, log *slog.Logger) {
	loop := syncrun.NewLoop(d.engine, cfg.SyncInterval, log, func(rep engine.Report, err error) {
		p.Send(syncedMsg{changed: total(rep.Pulled)+rep.Pushed+rep.Resolved > 0})
	})
	// The demo has just pulled everything; a configured central is tried at
	// once.
	wg.Go(func() { _ = loop.Run(ctx, d.embedded != nil) })
	if d.embedded == nil || f.demoEvery <= 0 {
		return
	}
	sim := d.embedded.Simulator(f.demoSeed, nil)
	wg.Go(func() {
		_ = sim.Run(ctx, f.demoEvery, func(ev live.Event, err error) {
			if err != nil {
				log.Warn("demo simulator", "error_kind", "step-failed")
				return
			}
			log.Info("demo simulator", "event", string(ev.Kind), "measurement", string(ev.Measurement), "color", ev.Color.String())
			loop.Trigger()
		})
	})
}

// syncedMsg tells the console that a sync round ended.
type syncedMsg struct{ changed bool }

// shell makes sure the console runs on the alternate screen, so the
// nurse's shell is back untouched when it quits; it reloads the worklist
// after a sync round that changed something, and (until the console draws
// its own sync status bar) adds a status line at the bottom.
type shell struct {
	tea.Model
	status func() string // nil: no status line
}

func (s shell) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case syncedMsg:
		if !msg.changed {
			return s, nil // redrawn for the status line
		}
		// The console's Init loads the worklist (audited like any look-up).
		return s, s.Model.Init()
	case tea.WindowSizeMsg:
		if s.status != nil {
			msg.Height = max(msg.Height-1, 1)
		}
		m, cmd := s.Model.Update(msg)
		s.Model = m
		return s, cmd
	}
	m, cmd := s.Model.Update(msg)
	s.Model = m
	return s, cmd
}

func (s shell) View() tea.View {
	v := s.Model.View()
	if s.status != nil {
		v.Content += "\n" + s.status()
	}
	v.AltScreen = true
	return v
}
