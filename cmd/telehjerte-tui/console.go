package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/telehjerte/telehjerte-tui/cmd/telehjerte-tui/internal/syncrun"
	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/demo/live"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
	"github.com/telehjerte/telehjerte-tui/tui"
	"github.com/telehjerte/telehjerte-tui/tui/display"
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
// nurse quits. The display restores the terminal on every way out. With a
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

	// With a central: the console follows a training central's clock
	// (training.go); a configured clock.offset is kept as it is.
	var follow *followClock
	if cfg.Mode() == config.ModeCentral && cfg.ClockOffset == 0 {
		follow = &followClock{real: e.now}
		e = e.following(follow)
	}
	open := openData
	if cfg.Mode() == config.ModeDemo {
		// The screen comes at once; the clinic is built behind it.
		open = openDemoLater
	}
	d, err := open(ctx, e, cfg, log)
	if err != nil {
		log.Error("open data", "err", err)
		return err
	}
	defer func() {
		if err := d.close(); err != nil {
			log.Error("close data", "err", err)
		}
	}()

	if d.client != nil {
		if d.identity, err = resolveIdentity(ctx, d.store, d.client, cfg); err != nil {
			log.Error("identity", "err", "the configured user is not who the token belongs to")
			return err
		}
		log.Info("identity", "confirmed", d.identity.warning == "", "role", string(d.identity.Role))
	}
	opts, err := consoleOptions(d, cfg, e)
	if err != nil {
		return err
	}
	banner := consoleBanner(cfg, d.identity)
	var tr training
	if d.client != nil && cfg.Mode() == config.ModeCentral {
		tr = askTraining(ctx, d.client, d.store, cfg, follow, log)
		tr.loc = e.loc
		log.Info("central", "training", tr.on, "follows_clock", tr.clock != nil)
	}
	if d.note != "" {
		// Shown on the terminal before the alternate screen and after it.
		fmt.Fprintln(e.stderr, "telehjerte-tui:", d.note)
	}
	var p *tea.Program
	if s, ok := opts.Resolver.(*settling); ok {
		// The program exists before the nurse can settle anything.
		s.refresh = func() { p.Send(syncedMsg{changed: true}) }
	}
	// Frames are drawn when the view changes, never on a clock: Bubble
	// Tea's renderer woke at its frame rate (20 a second here) to find
	// nothing changed, which was ~90 % of an idle console's CPU (see
	// docs/benchmarks.md). Without it Bubble Tea still reads the keys and
	// calls View after every Update; tui/display draws each new view on
	// its own goroutine (coalesced, at most 60 frames a second), owns raw
	// mode, the alternate screen, the size and the colour profile, and
	// gives the terminal back on every way out (including a panic). Bubble
	// Tea's ticker still runs, at 1 a second, to flush its query buffer.
	scr, err := display.Open(os.Stdin, os.Stdout, os.Environ())
	if err != nil {
		return err
	}
	closeScreen := func() {
		if err := scr.Close(); err != nil {
			log.Error("restore the terminal", "err", err)
		}
	}
	defer closeScreen() // a second Close does nothing
	w, h := scr.Size()
	root := display.Wrap(shell{Model: tui.New(ctx, d.store, opts), banner: banner, training: tr.banner}, scr.Display,
		func(fields []string) { log.Warn("a view sets what the display does not draw", "fields", fields) })
	p = tea.NewProgram(root, tea.WithContext(ctx), tea.WithoutRenderer(), tea.WithFPS(1),
		tea.WithWindowSize(w, h), tea.WithColorProfile(scr.Profile()))
	scr.FollowSize(func(m tea.WindowSizeMsg) { p.Send(m) })

	bg, stopBG := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var fwd *auditForwarder
	if d.client != nil {
		fwd = newAuditForwarder(d.store, d.client, log)
	}
	onRound := func(rep engine.Report, roundErr error) {
		if fwd == nil && d.boot != nil {
			// The DEMO's audit log goes to its embedded central once that
			// is up, so that the access report counts the patients its
			// nurse opened as a configured central does.
			if cl := d.boot.centralClient(); cl != nil {
				fwd = newAuditForwarder(d.store, cl, log)
			}
		}
		if fwd != nil && roundErr == nil {
			// The audit log goes to the central too (auditfwd.go).
			if n, err := fwd.forward(bg); err != nil {
				log.Warn("audit entries not sent", "sent", n, "error_kind", syncrun.ErrorKind(err))
			}
		}
		// Redraw the status bar; reload the worklist when something changed.
		p.Send(syncedMsg{changed: roundChanged(rep)})
	}
	switch {
	case d.boot != nil:
		wg.Go(func() { d.boot.run(bg, f, onRound) })
	case d.engine != nil:
		startSync(bg, &wg, d, f, log, onRound)
	}
	if tr.clock != nil {
		// The instructor moved the classroom's clock: sync now and redraw.
		wg.Go(func() {
			followLoop(bg, d.client, tr.clock, 2*time.Second, func() {
				if d.engine != nil {
					d.engine.Trigger()
				}
				p.Send(syncedMsg{changed: true})
			})
		})
	}

	start := time.Now()
	_, err = p.Run()
	closeScreen()
	stopBG()
	wg.Wait()
	log.Info("console stop", "duration", time.Since(start).Round(time.Second))
	if d.note != "" {
		fmt.Fprintln(e.stderr, "telehjerte-tui:", d.note)
	}
	if ctx.Err() != nil {
		// SIGINT or SIGTERM from outside: the terminal is restored.
		log.Info("console stopped by signal")
		return errors.New("stopped by signal")
	}
	if err != nil && !errors.Is(err, tea.ErrInterrupted) {
		log.Error("console", "err", err)
		return fmt.Errorf("console: %w", err)
	}
	return nil
}

// startSync runs the sync engine's loop (and in the demo the patient
// simulator) in the background until ctx ends; onRound gets every round.
func startSync(ctx context.Context, wg *sync.WaitGroup, d *data, f consoleFlags, log *slog.Logger, onRound func(engine.Report, error)) {
	// The demo has just pulled everything; a configured central is tried at
	// once.
	var firstIn time.Duration
	if d.embedded != nil {
		firstIn = d.engine.Interval()
	}
	wg.Go(func() { _ = d.engine.Run(ctx, firstIn, onRound) })
	if d.embedded == nil || f.demoEvery <= 0 {
		return
	}
	sim := d.embedded.Simulator(f.demoSeed, nil)
	wg.Go(func() { runSimulator(ctx, sim, f.demoEvery, d.engine, log) })
}

// runSimulator runs the demo's patient simulator until ctx ends, asking
// the engine for a round after every event.
func runSimulator(ctx context.Context, sim *live.Simulator, every time.Duration, eng *engine.Engine, log *slog.Logger) {
	_ = sim.Run(ctx, every, func(ev live.Event, err error) {
		if err != nil {
			log.Warn("demo simulator", "error_kind", "step-failed")
			return
		}
		log.Info("demo simulator", "event", string(ev.Kind), "measurement", string(ev.Measurement), "color", ev.Color.String())
		eng.Trigger()
	})
}

// roundChanged tells whether a sync round changed anything the console
// shows: resources pulled, outbox entries sent, resolved, in conflict or
// failed (the thread and the status show them), patients that appeared
// (a cover began, a transfer in) or were purged (a cover ended).
func roundChanged(rep engine.Report) bool {
	return total(rep.Pulled)+rep.Pushed+rep.Resolved+rep.Conflicts+rep.Failed+rep.Appeared+rep.Removed > 0
}

// syncedMsg tells the console that a sync round ended.
type syncedMsg struct{ changed bool }

// shell makes sure the console runs on the alternate screen, so the
// nurse's shell is back untouched when it quits, refreshes what is shown
// (worklist and an open patient view, in place) after a sync round that
// changed something, and, when banner is set (a
// moved clock), shows it as a line of its own above every screen.
type shell struct {
	tea.Model
	banner string
	// training, when set, gives the training line (ØVELSE and the
	// training central's clock) shown first in the banner.
	training func() string
	width    int // of the terminal, to cut the banner to
}

func (s shell) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case syncedMsg:
		if !msg.changed {
			return s, nil // the status bar is redrawn
		}
		// Reload the screen the nurse already has open, in place; not a
		// new look-up, so not audited (see tui.RefreshMsg).
		m, cmd := s.Model.Update(tui.RefreshMsg{})
		s.Model = m
		return s, cmd
	case tea.WindowSizeMsg:
		s.width = msg.Width
		if s.bannerText() != "" {
			// The banner takes the top line.
			msg.Height = max(1, msg.Height-1)
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
	v.AltScreen = true
	if banner := s.bannerText(); banner != "" {
		b := []rune(banner)
		if s.width > 0 && len(b) > s.width {
			b = b[:s.width]
		}
		v.Content = lipgloss.NewStyle().Bold(true).Reverse(true).Render(string(b)) + "\n" + v.Content
		if v.Cursor != nil {
			v.Cursor.Y++
		}
	}
	return v
}

// bannerText is the line above every screen: the training line first.
func (s shell) bannerText() string {
	t := ""
	if s.training != nil {
		t = s.training()
	}
	switch {
	case t == "":
		return s.banner
	case s.banner == "":
		return t
	}
	return t + "|" + s.banner
}
