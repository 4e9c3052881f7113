package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/tui"
)

// TestConsoleWiringOffersEveryCapability checks the options runConsole
// builds, through the same function, on real data: with a central the
// nurse can act, settle sync problems (S) and see regime versions; a cache
// opened without a central is read-only but keeps the version history. It
// then presses S on a console built from those options, so a capability
// that is wired but lost on the way (as when a wrapper around Actions hid
// the resolver) fails here, not in a clinic.
func TestConsoleWiringOffersEveryCapability(t *testing.T) {
	dir := isolate(t)
	e, _, _ := testEnv(t)
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	cachePath := filepath.Join(dir, "replica.sqlite")

	t.Run("central", func(t *testing.T) {
		// Nothing listens there: wiring must not need the network.
		cfg := flagConfig(t, e, "--cache", cachePath, "--central-url", "http://127.0.0.1:9", "--user", "nurse-a")
		d, err := openData(ctx, e, cfg, log)
		if err != nil {
			t.Fatal(err)
		}
		defer d.close()
		opts, err := consoleOptions(d, cfg, e)
		if err != nil {
			t.Fatal(err)
		}
		if opts.Actions == nil || opts.Resolver == nil || opts.History == nil || opts.Status == nil || opts.SyncNow == nil {
			t.Fatalf("central console misses a capability: actions %v resolver %v history %v status %v syncNow %v",
				opts.Actions != nil, opts.Resolver != nil, opts.History != nil, opts.Status != nil, opts.SyncNow != nil)
		}
		if _, err := opts.Resolver.SyncProblems(ctx); err != nil {
			t.Fatalf("the wired resolver does not read the cache: %v", err)
		}
		view := pressS(t, ctx, d, opts)
		if !strings.Contains(view, "Synk-problemer") {
			t.Errorf("S does not open the sync-problems screen in the wired console:\n%s", view)
		}
	})

	t.Run("cache only", func(t *testing.T) {
		cfg := flagConfig(t, e, "--cache", cachePath)
		d, err := openData(ctx, e, cfg, log)
		if err != nil {
			t.Fatal(err)
		}
		defer d.close()
		opts, err := consoleOptions(d, cfg, e)
		if err != nil {
			t.Fatal(err)
		}
		if opts.Actions != nil || opts.Resolver != nil {
			t.Error("a cache without a central offers actions that could never be sent")
		}
		if opts.History == nil {
			t.Error("a read-only console lost the regime version history")
		}
		if view := pressS(t, ctx, d, opts); strings.Contains(view, "Synk-problemer") {
			t.Errorf("read-only console opened the sync-problems screen:\n%s", view)
		}
	})
}

// pressS runs the console model of opts over d's cache, loads it and
// presses S; it returns the screen.
func pressS(t *testing.T, ctx context.Context, d *data, opts tui.Options) string {
	t.Helper()
	var m tea.Model = tui.New(ctx, d.store, opts)
	step := func(msg tea.Msg) {
		var cmd tea.Cmd
		m, cmd = m.Update(msg)
		drain(cmd, func(msg tea.Msg) { m, _ = m.Update(msg) })
	}
	step(tea.WindowSizeMsg{Width: 100, Height: 30})
	drain(m.Init(), func(msg tea.Msg) { step(msg) })
	step(tea.KeyPressMsg{Code: 'S', Text: "S"})
	return m.View().Content
}

// drain runs cmd (and the commands inside a batch) and hands each message
// to deliver; ticks and other messages that would wait are not run.
func drain(cmd tea.Cmd, deliver func(tea.Msg)) {
	if cmd == nil {
		return
	}
	msg := cmd()
	if batch, ok := msg.(tea.BatchMsg); ok {
		for _, c := range batch {
			drain(c, deliver)
		}
		return
	}
	if msg != nil {
		deliver(msg)
	}
}

// sync.overlap and sync.settle, as the configuration reads them, are the
// engine's Overlap and Settle; sync.settle 0 is never (Settle -1).
func TestSyncSettingsAreTheEnginesOptions(t *testing.T) {
	isolate(t)
	e, _, _ := testEnv(t)
	for _, c := range []struct {
		overlap, settle     string
		wantOver, wantSettl time.Duration
	}{
		{"", "", 0, 5 * time.Second},
		{"2s", "0", 2 * time.Second, -1},
		{"0s", "1m", 0, time.Minute},
	} {
		t.Setenv("TELEHJERTE_SYNC_OVERLAP", c.overlap)
		t.Setenv("TELEHJERTE_SYNC_SETTLE", c.settle)
		o := engineOptions(flagConfig(t, e), time.Now, slog.New(slog.DiscardHandler))
		if o.Overlap != c.wantOver || o.Settle != c.wantSettl {
			t.Errorf("overlap %q settle %q: engine Overlap %s Settle %s, want %s and %s", c.overlap, c.settle, o.Overlap, o.Settle, c.wantOver, c.wantSettl)
		}
	}
}
