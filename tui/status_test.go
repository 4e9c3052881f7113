package tui

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// emptyCache is a new cache, as on a first start.
func emptyCache(t *testing.T) *recordingSource {
	t.Helper()
	st, err := cache.Open(context.Background(), filepath.Join(t.TempDir(), "cache.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &recordingSource{Store: st}
}

// statusModel is the console over src with the status st, driven step by
// step.
func statusModel(t *testing.T, src console.Source, lang string, w, h int, st func() console.SyncStatus) *Model {
	t.Helper()
	opts := testOptions()
	opts.Lang = lang
	opts.Status = st
	opts.StatusEvery = -1
	m := New(context.Background(), src, opts)
	send(m, tea.WindowSizeMsg{Width: w, Height: h})
	drive(m, m.Init())
	if !m.worklist.loaded || m.err != "" {
		t.Fatalf("worklist not loaded: %q", m.err)
	}
	return m
}

// Every connection state is shown distinctly, in words, with the age of
// the data, in both languages (the defect: a refused
// token showed "● online").
func TestStatusBarStatesInWords(t *testing.T) {
	src := newClinic(t)
	last := ago(3*time.Hour + 29*time.Minute) // 06:31
	cases := []struct {
		state  console.ConnState
		online bool
		da, en string
	}{
		{console.ConnOnline, true, "● online", "● online"},
		{console.ConnOffline, false, "○ offline: centralen kan ikke nås", "○ offline: the central cannot be reached"},
		{console.ConnAuthRefused, false, "✗ adgang afvist: log ind igen (401 Unauthorized)", "✗ access refused: log in again (401 Unauthorized)"},
		{console.ConnServerError, false, "✗ fejl hos centralen", "✗ error at the central"},
		{console.ConnCertProblem, false, "✗ certifikatfejl: forbindelsen er ikke sikker", "✗ certificate problem: the connection is not secure"},
		{console.ConnBusy, false, "◐ synkroniseres af et andet program på denne computer", "◐ being synced by another program on this computer"},
		// The OAuth login's refresh was refused or has expired: never "online".
		{console.ConnLoginExpired, false, "✗ login udløbet: kør telehjerte-tui login", "✗ login expired: run telehjerte-tui login"},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		st := console.SyncStatus{State: c.state, Online: c.online, LastSync: last, LastAttempt: ago(time.Minute)}
		if c.state == console.ConnAuthRefused {
			st.Detail = "401 Unauthorized\x1b[2J"
		}
		for _, lang := range []string{"da", "en"} {
			m := statusModel(t, src, lang, 160, 30, func() console.SyncStatus { return st })
			line := ansi.Strip(m.statusLine())
			want, age := c.da, "data fra 06:31, 3 t gamle"
			if lang == "en" {
				want, age = c.en, "data from 06:31, 3 h old"
			}
			if !strings.Contains(line, want) || !strings.Contains(line, age) {
				t.Errorf("%s %s: status %q, want %q and %q", c.state, lang, line, want, age)
			}
			if strings.Contains(line, "\x1b") {
				t.Errorf("%s: raw escape in the status", c.state)
			}
			if seen[line] {
				t.Errorf("%s %s: status %q not distinct", c.state, lang, line)
			}
			seen[line] = true
		}
	}
	// A producer that fills only Online (State unknown) still shows the
	// truth, and an older cache's sync shows its date.
	m := statusModel(t, src, "da", 160, 30, func() console.SyncStatus {
		return console.SyncStatus{LastSync: time.Date(2026, 3, 9, 9, 31, 0, 0, cph), LastAttempt: ago(time.Minute)}
	})
	if line := ansi.Strip(m.statusLine()); !strings.Contains(line, "○ offline") || !strings.Contains(line, "data fra man 09.03 09:31, 24 t gamle") {
		t.Errorf("offline from Online=false: %q", line)
	}
}

// Singular and plural in both languages.
func TestStatusBarPlural(t *testing.T) {
	src := newClinic(t)
	for _, c := range []struct {
		lang string
		n    int
		want string
	}{{"da", 1, "1 konflikt "}, {"da", 2, "2 konflikter"}, {"en", 1, "1 conflict "}, {"en", 2, "2 conflicts"}} {
		n := c.n
		m := statusModel(t, src, c.lang, 160, 30, func() console.SyncStatus {
			return console.SyncStatus{State: console.ConnOnline, LastSync: ago(time.Minute), Conflicts: n}
		})
		if line := ansi.Strip(m.statusLine()); !strings.Contains(line, c.want) {
			t.Errorf("%s %d: %q", c.lang, c.n, line)
		}
	}
}

// While the first sync runs, the console says so with its progress and
// never "no patients" or "0 borgere"; before any sync
// succeeded it says there are no data yet, and why.
func TestFirstSyncNeverSaysNoPatients(t *testing.T) {
	src := emptyCache(t)
	st := console.SyncStatus{FirstSync: true, Syncing: true, Resources: 1234, Patients: 27}
	for _, lang := range []string{"da", "en"} {
		m := statusModel(t, src, lang, 80, 24, func() console.SyncStatus { return st })
		v := ansi.Strip(m.View().Content)
		for _, bad := range []string{"Ingen borgere", "0 borgere", "No patients", "0 patients"} {
			if strings.Contains(v, bad) {
				t.Errorf("%s: first sync shows %q:\n%s", lang, bad, v)
			}
		}
		want := []string{"Første synkronisering med centralen er i gang", "1234 ressourcer", "27 borgere", "første synk. i gang"}
		if lang == "en" {
			want = []string{"The first sync with the central is running", "1234 resources", "27 patients", "first sync running"}
		}
		for _, w := range want {
			if !strings.Contains(v, w) {
				t.Errorf("%s: %q missing:\n%s", lang, w, v)
			}
		}
	}
	// Never synced and the central refused: no data, and why.
	refused := console.SyncStatus{State: console.ConnAuthRefused, LastAttempt: ago(time.Minute)}
	m := statusModel(t, src, "da", 100, 24, func() console.SyncStatus { return refused })
	v := ansi.Strip(m.View().Content)
	if strings.Contains(v, "Ingen borgere") || !strings.Contains(v, "Ingen data endnu") || !strings.Contains(v, "adgang afvist") {
		t.Errorf("never synced, refused:\n%s", v)
	}
	// Once synced, an empty list is the truth.
	ok := console.SyncStatus{State: console.ConnOnline, LastSync: ago(time.Minute)}
	m = statusModel(t, src, "da", 100, 24, func() console.SyncStatus { return ok })
	if v := ansi.Strip(m.View().Content); !strings.Contains(v, "Ingen borgere med åbne opgaver") || !strings.Contains(v, "0 borgere") {
		t.Errorf("synced and empty:\n%s", v)
	}
}

// Patients appear while the first sync stores them, and the list is
// reloaded when it ends, without a key press.
func TestFirstSyncShowsPatientsAsTheyArrive(t *testing.T) {
	src := emptyCache(t)
	var mu sync.Mutex
	st := console.SyncStatus{FirstSync: true, Syncing: true}
	opts := testOptions()
	opts.Status = func() console.SyncStatus { mu.Lock(); defer mu.Unlock(); return st }
	opts.StatusEvery = 10 * time.Millisecond
	p := &probe{Model: New(context.Background(), src, opts)}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(100, 30), teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	waitModel(t, tm, p, func(m *Model) bool { return m.worklist.loaded && len(m.worklist.rows) == 0 })

	if err := src.Write(context.Background(), fillClinic); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	st.Resources, st.Patients = 120, 9
	mu.Unlock()
	waitModel(t, tm, p, func(m *Model) bool { return len(m.worklist.rows) == 8 })
	mu.Lock()
	st = console.SyncStatus{State: console.ConnOnline, LastSync: testNow}
	mu.Unlock()
	waitModel(t, tm, p, func(m *Model) bool { return !m.lastStatus.FirstSync && m.lastStatus.State == console.ConnOnline })
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
}

// While the first sync runs with patients already stored, the header
// counts them as not final, and the status bar fits 80 columns.
func TestFirstSyncWithPatientsAt80(t *testing.T) {
	src := newClinic(t)
	st := console.SyncStatus{FirstSync: true, Syncing: true, Resources: 11456, Patients: 30, Pending: 2}
	m := statusModel(t, src, "da", 80, 24, func() console.SyncStatus { return st })
	if l := screenLine(t, m, "TeleHjerte"); !strings.Contains(l, "8 borgere … (kun åbne)") {
		t.Errorf("header: %q", l)
	}
	line := ansi.Strip(m.statusLine())
	if ansi.StringWidth(line) > 80 || !strings.Contains(line, "… forbinder") || !strings.Contains(line, "11456 ressourcer, 30 borgere") || !strings.Contains(line, "2 afventer") {
		t.Errorf("status at 80: %q", line)
	}
}

// The first sync has ended but the worklist on screen was loaded while it
// ran: until the reload that follows it arrives, the status bar still says
// the first sync is running, never "online, data from now" above a list
// that does not hold those data yet (end-to-end tests opened the wrong
// patient in that moment).
func TestOnlineOnlyOnceTheListHoldsTheFirstSync(t *testing.T) {
	src := newClinic(t)
	st := console.SyncStatus{State: console.ConnOnline, FirstSync: true, Syncing: true, Resources: 40, Patients: 3}
	m := statusModel(t, src, "da", 100, 30, func() console.SyncStatus { return st })
	st = console.SyncStatus{State: console.ConnOnline, LastSync: testNow}
	if line := ansi.Strip(m.statusLine()); !strings.Contains(line, "første synk") || strings.Contains(line, "data fra") {
		t.Errorf("list from during the first sync, status after it: %q", line)
	}
	send(m, RefreshMsg{})
	if line := ansi.Strip(m.statusLine()); !strings.Contains(line, "● online") || !strings.Contains(line, "data fra") {
		t.Errorf("after the reload: %q", line)
	}
}

// Idle, synced and online, the status bar is redrawn only when what it
// shows can change, and every 10 s for the minutes on screen: over ten
// simulated minutes the console wakes at most 8 times a minute (not every
// second), and the bar drawn at each wake-up is the one a redraw at any
// second until the next would show.
func TestIdleStatusRedrawsOnlyWhenItsTextChanges(t *testing.T) {
	src := newClinic(t)
	now := testNow.Add(17 * time.Second)
	st := console.SyncStatus{State: console.ConnOnline, Online: true, LastSync: testNow.Add(-3*time.Hour - 29*time.Minute - 41*time.Second)}
	m := statusModel(t, src, "da", 120, 24, func() console.SyncStatus { return st })
	m.opts.StatusEvery = time.Second
	m.opts.Now = func() time.Time { return now }
	end := now.Add(10 * time.Minute)
	wakes := 0
	for now.Before(end) {
		drawn := m.statusLine()
		next := now.Add(m.nextStatusChange(st))
		for now = now.Add(time.Second); now.Before(next); now = now.Add(time.Second) {
			if l := m.statusLine(); l != drawn {
				t.Fatalf("at %s the bar reads %q, but the one drawn (%q) stays until %s", now.Format(time.TimeOnly), l, drawn, next.Format(time.TimeOnly))
			}
		}
		now = next
		wakes++
	}
	if wakes > 8*10+1 {
		t.Errorf("%d redraws in 10 idle minutes, want at most 8 a minute", wakes)
	}
	// While a sync runs (or none has completed), its progress is redrawn
	// every StatusEvery.
	for _, s := range []console.SyncStatus{{FirstSync: true, Syncing: true}, {State: console.ConnOffline}, {LastSync: testNow, Syncing: true}} {
		if d := m.nextStatusChange(s); d != time.Second {
			t.Errorf("status %+v: next redraw in %s, want 1s", s, d)
		}
	}
}
