package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/tui"
)

// runConsole opens the data and runs the interactive console until the
// nurse quits. Bubbletea restores the terminal on every way out.
func runConsole(ctx context.Context, e *env, cfg config.Config) error {
	if e.locErr != nil {
		return e.locErr
	}
	if !e.terminal() {
		return errors.New("the console needs a terminal; for plain output use `telehjerte-tui worklist`")
	}
	log, closeLog := logOrWarn(e, cfg.LogFile)
	defer closeLog()
	log.Info("console start", "version", versionString(), "mode", cfg.Mode().String(), "lang", cfg.Lang)

	d, err := openData(ctx, cfg, e.now(), e.loc, log)
	if err != nil {
		log.Error("open data", "err", err)
		return err
	}
	defer d.store.Close()

	model := tui.New(ctx, d.store, tui.Options{
		Lang: cfg.Lang, Demo: d.demo, Clinic: d.clinic, User: cfg.User,
		Now: e.now, Loc: e.loc, Days: cfg.PatientDays,
	})
	if d.note != "" {
		// Shown on the terminal before the alternate screen and after it.
		fmt.Fprintln(e.stderr, "telehjerte-tui:", d.note)
	}
	start := time.Now()
	_, err = tea.NewProgram(altScreen{model}, tea.WithContext(ctx)).Run()
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

// altScreen makes sure the console runs on the alternate screen, so the
// nurse's shell is back untouched when it quits.
type altScreen struct{ tea.Model }

func (a altScreen) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := a.Model.Update(msg)
	return altScreen{m}, cmd
}

func (a altScreen) View() tea.View {
	v := a.Model.View()
	v.AltScreen = true
	return v
}
