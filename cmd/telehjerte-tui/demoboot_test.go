package main

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/demo/live"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
)

// loadDemoConfig is the configuration of a demo console in an isolated
// home.
func loadDemoConfig(t testing.TB, e *env, args ...string) config.Config {
	t.Helper()
	root := newRootCmd(e)
	if err := root.PersistentFlags().Parse(args); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.LoadOptions{Flags: root.PersistentFlags()})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// The demo console is usable before the embedded central is built: the
// console opens an empty cache at once (the screen shows the build's
// progress), the whole clinic lands in the cache straight from the
// generator, and only then is the central built, its first sync finding
// the cache already holding what the central has. The demo used to build
// the central and pull everything before the first screen (9 s of blank
// screen on two cores).
func TestDemoIsUsableBeforeItsCentralIsBuilt(t *testing.T) {
	isolate(t)
	e, _, _ := testEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := loadDemoConfig(t, e, "--demo-patients", "12", "--demo-days", "14")
	d, err := openDemoLater(ctx, e, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	rows, err := d.store.Worklist(ctx, true)
	if err != nil || len(rows) != 0 {
		t.Fatalf("the cache is not fresh: %d rows, %v", len(rows), err)
	}
	opts, err := consoleOptions(d, cfg, e)
	if err != nil {
		t.Fatal(err)
	}
	if s := opts.Status(); !s.FirstSync || s.Connected() {
		t.Errorf("before the build: %+v, want the build's progress", s)
	}
	// The header and the audit log name the demo nurse the console acts
	// as (what it writes is hers on the central), not the OS user.
	if opts.User != demo.NurseA || opts.UserName != demo.NurseName {
		t.Errorf("the DEMO console names %q (%q), but acts as %s (%s)", opts.User, opts.UserName, demo.NurseA, demo.NurseName)
	}

	// The central is held back until the test has looked at the console.
	release := make(chan struct{})
	var held sync.Once
	d.boot.start = func(ctx context.Context, o live.Options) (*live.Central, error) {
		<-release
		return live.Start(ctx, o)
	}
	defer held.Do(func() { close(release) })
	rounds := make(chan engine.Report, 64)
	var progress []int
	var mu sync.Mutex
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.boot.run(ctx, consoleFlags{}, func(rep engine.Report, err error) {
			if err != nil {
				t.Errorf("round: %v", err)
			}
			mu.Lock()
			progress = append(progress, opts.Status().Patients)
			mu.Unlock()
			rounds <- rep
		})
	}()
	eventually(t, "the clinic in the cache while the central is held back", func() (bool, string) {
		s := opts.Status()
		rows, err := d.store.Worklist(ctx, true)
		return err == nil && len(rows) == 12 && !s.FirstSync && !s.LastSync.IsZero(), ""
	})
	if s := opts.Status(); s.Connected() || s.State != console.ConnUnknown || !s.Syncing {
		t.Errorf("with the central not yet up: %+v, want connecting", s)
	}
	mu.Lock()
	if len(progress) < 2 {
		t.Errorf("the console was told of the cache's progress %d times, want every batch and the end", len(progress))
	}
	mu.Unlock()
	// The access report (U) is offered, and says the central is not up.
	if opts.Reporter == nil {
		t.Fatal("the DEMO console offers no access report; its nurse is a member of the demo team")
	}
	if _, err := opts.Reporter.AccessReport(ctx, time.Time{}); !errors.Is(err, errDemoCentralStarting) {
		t.Errorf("the access report before the central: %v", err)
	}
	// Nurse actions work already: they wait in the outbox.
	tasks, err := opts.Actions.OpenTasks(ctx)
	if err != nil || len(tasks) == 0 {
		t.Fatalf("open tasks before the central: %d, %v", len(tasks), err)
	}

	held.Do(func() { close(release) })
	eventually(t, "online with the embedded central", func() (bool, string) {
		return opts.Status().Connected(), ""
	})
	// The embedded central's access report for the demo nurse's team.
	lines, err := opts.Reporter.AccessReport(ctx, time.Now().Add(-time.Hour))
	users := map[string]bool{}
	for _, l := range lines {
		users[l.User] = true
	}
	if err != nil || !users[demo.NurseA] || !users[demo.NurseB] {
		t.Errorf("the DEMO access report: %v, %+v", err, lines)
	}
	// The first round found the cache holding what the central has.
	var rep engine.Report
	for rep = range rounds {
		if rep.Known > 0 {
			break
		}
	}
	if rep.Pulled["Observation"] != 0 || rep.Pulled["Patient"] != 0 || rep.Pulled["Task"] != 0 {
		t.Errorf("the first round pulled again what the cache had: %v (known %d)", rep.Pulled, rep.Known)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the demo did not stop with its context")
	}
}

// BenchmarkDemoStart measures the demo console's start as the nurse sees
// it: how long until the worklist is complete in the cache (usable), and
// until the embedded central is built and the first sync round with it
// ended (online). The screen itself is drawn before either (the cache is
// opened empty at once).
func BenchmarkDemoStart(b *testing.B) {
	dir := b.TempDir()
	b.Setenv("XDG_DATA_HOME", filepath.Join(dir, "data"))
	b.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	b.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	e := newEnv()
	cfg := loadDemoConfig(b, e)
	var usable, online time.Duration
	for range b.N {
		ctx, cancel := context.WithCancel(context.Background())
		start := time.Now()
		d, err := openDemoLater(ctx, e, cfg, slog.New(slog.DiscardHandler))
		if err != nil {
			b.Fatal(err)
		}
		var once sync.Once
		ready := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			d.boot.run(ctx, consoleFlags{}, func(rep engine.Report, _ error) {
				if rep.Known > 0 {
					once.Do(func() { close(ready) })
				}
			})
		}()
		for d.boot.status().FirstSync || d.boot.status().LastSync.IsZero() {
			time.Sleep(time.Millisecond)
		}
		usable += time.Since(start)
		<-ready
		online += time.Since(start)
		cancel()
		<-done
		d.close()
	}
	b.ReportMetric(float64(usable.Milliseconds())/float64(b.N), "ms-usable")
	b.ReportMetric(float64(online.Milliseconds())/float64(b.N), "ms-online")
}
