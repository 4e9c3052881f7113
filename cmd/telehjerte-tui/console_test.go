package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
	"github.com/telehjerte/telehjerte-tui/tui"
	"github.com/telehjerte/telehjerte-tui/tui/display"
)

func TestShellRefreshesOnlyWhenARoundChangedSomething(t *testing.T) {
	ctx := context.Background()
	e, _, _ := testEnv(t)
	store, err := buildDemo(ctx, filepath.Join(t.TempDir(), "c.sqlite"), demo.Options{Patients: 10, Days: 3, Now: e.now(), Loc: e.loc})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	audits := func() int {
		t.Helper()
		log, err := store.AuditLog(ctx, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		return len(log)
	}
	sh := shell{Model: tui.New(ctx, store, tui.Options{User: "unit-nurse", Now: e.now, Loc: e.loc})}
	if _, cmd := sh.Update(syncedMsg{changed: false}); cmd != nil {
		t.Error("a round that changed nothing reloads the worklist")
	}
	before := audits()
	m, cmd := sh.Update(syncedMsg{changed: true})
	if cmd == nil {
		t.Fatal("a round that changed something does not refresh the screen")
	}
	cmd() // the refresh: read, not a new look-up, so not audited
	if audits() != before {
		t.Errorf("refresh wrote %d audit entries, want none", audits()-before)
	}
	if v := m.View(); !v.AltScreen {
		t.Error("the console is not on the alternate screen")
	}
}

func TestRoundChanged(t *testing.T) {
	for _, c := range []struct {
		rep  engine.Report
		want bool
	}{
		{engine.Report{}, false},
		{engine.Report{Known: 40, Pages: 3, Retrying: 1}, false},
		{engine.Report{Pulled: map[string]int{"Observation": 1}}, true},
		{engine.Report{Pushed: 1}, true},
		{engine.Report{Resolved: 1}, true},
		{engine.Report{Conflicts: 1}, true},
		{engine.Report{Failed: 1}, true},
		{engine.Report{Appeared: 2}, true},
		{engine.Report{Removed: 2}, true},
	} {
		if got := roundChanged(c.rep); got != c.want {
			t.Errorf("roundChanged(%+v) = %t, want %t", c.rep, got, c.want)
		}
	}
}

func TestSyncStatusAdaptsTheEngineStatus(t *testing.T) {
	at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	got := syncStatus(func() engine.Status {
		return engine.Status{State: engine.StateOnline, Online: true, LastSync: at, LastAttempt: at.Add(time.Minute),
			Syncing: true, FirstSync: true, Resources: 40, Patients: 3, Pending: 2, Conflicts: 1, Failed: 3,
			LastError: "x", Detail: "d"}
	})()
	want := console.SyncStatus{State: console.ConnOnline, Online: true, Detail: "d", LastSync: at, LastAttempt: at.Add(time.Minute),
		Syncing: true, FirstSync: true, Resources: 40, Patients: 3, Pending: 2, Conflicts: 1, Failed: 3}
	if got != want {
		t.Errorf("syncStatus = %+v, want %+v", got, want)
	}
	// Every engine state is its own console state; none but online is
	// connected.
	seen := map[console.ConnState]engine.State{}
	for _, st := range []engine.State{engine.StateOnline, engine.StateOffline, engine.StateRefused,
		engine.StateServerError, engine.StateCertificate, engine.StateBusy} {
		cs := syncStatus(func() engine.Status { return engine.Status{State: st} })()
		if prev, dup := seen[cs.State]; dup || cs.State == console.ConnUnknown {
			t.Errorf("engine %q shows as %q (also %q)", st, cs.State, prev)
		}
		seen[cs.State] = st
		if cs.Connected() != (st == engine.StateOnline) {
			t.Errorf("engine %q: connected = %v", st, cs.Connected())
		}
	}
}

// Through main's wiring (openData's engine and the status adapter) against
// a real central: a refused token is not "online" (it was shown as
// "● online · aldrig synkroniseret" for as long as one watched), and after
// a restart with the central down the console still knows when its cache
// last synced.
func TestStatusThroughTheWiring(t *testing.T) {
	ctx := context.Background()
	url := seCentral(t)
	dir := t.TempDir()
	cachePath := filepath.Join(dir, "replica.sqlite")
	isolate(t)
	open := func(url, token string) (*data, func() console.SyncStatus) {
		t.Helper()
		tokFile := filepath.Join(dir, "token")
		if err := os.WriteFile(tokFile, []byte(token), 0o600); err != nil {
			t.Fatal(err)
		}
		e, _, _ := testEnv(t)
		root := newRootCmd(e)
		if err := root.PersistentFlags().Parse([]string{"--central-url", url, "--central-token-file", tokFile,
			"--cache", cachePath}); err != nil {
			t.Fatal(err)
		}
		cfg, err := config.Load(config.LoadOptions{Flags: root.PersistentFlags()})
		if err != nil {
			t.Fatal(err)
		}
		d, err := openData(ctx, e, cfg, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		return d, syncStatus(d.engine.Status)
	}

	d, status := open(url, "wrong-token")
	_, _ = d.engine.Once(ctx)
	if s := status(); s.State != console.ConnAuthRefused || s.Connected() || !s.LastSync.IsZero() {
		t.Errorf("wrong token: %+v", s)
	}
	d.close()

	d, status = open(url, seToken)
	if _, err := d.engine.Once(ctx); err != nil {
		t.Fatal(err)
	}
	synced := status().LastSync
	if s := status(); s.State != console.ConnOnline || synced.IsZero() {
		t.Errorf("good token: %+v", s)
	}
	d.close()

	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	d, status = open(down.URL, seToken)
	defer d.close()
	if s := status(); !s.LastSync.Equal(synced) {
		t.Errorf("restarted with the central down, before any round: last sync %v, want %v", s.LastSync, synced)
	}
	_, _ = d.engine.Once(ctx)
	if s := status(); s.State != console.ConnOffline || !s.LastSync.Equal(synced) {
		t.Errorf("restarted with the central down: %+v, want offline, last sync %v", s, synced)
	}
}

// A moved clock is shown on a line of its own above every screen; the
// console below gets one line less, so nothing of it is pushed off.
func TestShellShowsTheMovedClock(t *testing.T) {
	ctx := context.Background()
	e, _, _ := testEnv(t)
	store, err := buildDemo(ctx, filepath.Join(t.TempDir(), "c.sqlite"), demo.Options{Patients: 4, Days: 3, Now: e.now(), Loc: e.loc})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if b := clockBanner("da", 0); b != "" {
		t.Fatalf("real time has a banner: %q", b)
	}
	banner := clockBanner("da", 50*time.Hour)
	if !strings.Contains(banner, "Klokke forskudt +2d2h0m0s") {
		t.Fatalf("banner = %q", banner)
	}
	if b := clockBanner("en", -24*time.Hour); !strings.Contains(b, "Clock shifted -1d") {
		t.Fatalf("english banner = %q", b)
	}
	var m tea.Model = shell{Model: tui.New(ctx, store, tui.Options{User: "unit-nurse", Now: e.now, Loc: e.loc}), banner: banner}
	m, _ = m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m, cmd := m.Update(syncedMsg{changed: true})
	for cmd != nil {
		// Load the worklist (a batch or a single command).
		msg := cmd()
		m, cmd = m.Update(msg)
	}
	v := m.View().Content
	lines := strings.Split(v, "\n")
	if !strings.Contains(lines[0], "Klokke forskudt +2d2h0m0s") {
		t.Errorf("first line is not the banner: %q", lines[0])
	}
	if len(lines) != 30 {
		t.Errorf("%d lines on a 30-line terminal, want 30:\n%s", len(lines), v)
	}
	m, _ = m.Update(tea.WindowSizeMsg{Width: 20, Height: 30})
	if first := strings.Split(m.View().Content, "\n")[0]; strings.Contains(first, "ikke den rigtige") {
		t.Errorf("banner not cut to a 20-column terminal: %q", first)
	}
}

// The audit log is a real record: on a moved clock (training) its entries
// still carry the real time, through main's wiring of the cache.
func TestAuditKeepsRealTimeOnAMovedClock(t *testing.T) {
	ctx := context.Background()
	isolate(t)
	e, _, _ := testEnv(t)
	real := e.now()
	path := filepath.Join(t.TempDir(), "c.sqlite")
	store, err := buildDemo(ctx, path, demo.Options{Patients: 2, Days: 3, Now: real, Loc: e.loc})
	if err != nil {
		t.Fatal(err)
	}
	store.Close()
	moved := e.shifted(48 * time.Hour)
	root := newRootCmd(moved)
	if err := root.PersistentFlags().Parse([]string{"--cache", path, "--clock-offset", "2d"}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.LoadOptions{Flags: root.PersistentFlags()})
	if err != nil {
		t.Fatal(err)
	}
	d, err := openData(ctx, moved, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	// What the console does on a look-up: it stamps the entry with its own
	// (moved) clock.
	if err := d.store.Audit(ctx, domain.AuditEntry{At: moved.now(), User: "nurse", Action: "view-worklist"}); err != nil {
		t.Fatal(err)
	}
	log, err := d.store.AuditLog(ctx, time.Time{})
	if err != nil || len(log) == 0 {
		t.Fatalf("audit log: %v, %v", log, err)
	}
	if got := log[len(log)-1].At; !got.Equal(real) {
		t.Errorf("audit entry at %v on a +2d clock, want the real %v", got, real)
	}
}

// The console draws through tui/display, which draws the alternate
// screen, the title and a cursor, and not mouse, focus, terminal colours
// or progress bars: no view of the console's (worklist, search with its
// cursor, patient view, help) sets one of those.
func TestConsoleViewsSetOnlyWhatTheDisplayDraws(t *testing.T) {
	ctx := context.Background()
	e, _, _ := testEnv(t)
	store, err := buildDemo(ctx, filepath.Join(t.TempDir(), "c.sqlite"), demo.Options{Patients: 6, Days: 3, Now: e.now(), Loc: e.loc})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var m tea.Model = shell{Model: tui.New(ctx, store, tui.Options{User: "unit-nurse", Now: e.now, Loc: e.loc}), banner: "banner"}
	step := func(msg tea.Msg) {
		var cmd tea.Cmd
		m, cmd = m.Update(msg)
		drain(cmd, func(msg tea.Msg) { m, _ = m.Update(msg) })
	}
	check := func(what string, wantCursor bool) {
		t.Helper()
		v := m.View()
		if f := display.Unsupported(v); len(f) > 0 {
			t.Errorf("%s: the view sets %v, which the display does not draw", what, f)
		}
		if (v.Cursor != nil) != wantCursor {
			t.Errorf("%s: cursor %v, want a cursor %v", what, v.Cursor, wantCursor)
		}
	}
	step(tea.WindowSizeMsg{Width: 100, Height: 30})
	drain(m.Init(), step)
	check("the worklist", false)
	step(tea.KeyPressMsg{Code: '/', Text: "/"})
	step(tea.KeyPressMsg{Code: 'o', Text: "o"})
	check("the search field", true)
	step(tea.KeyPressMsg{Code: tea.KeyEscape})
	step(tea.KeyPressMsg{Code: tea.KeyEnter})
	if !strings.Contains(m.View().Content, "760") && !strings.Contains(m.View().Content, "-xxxx") {
		t.Fatalf("no patient view opened:\n%s", m.View().Content)
	}
	check("the patient view", false)
	step(tea.KeyPressMsg{Code: '?', Text: "?"})
	check("the help", false)
}
