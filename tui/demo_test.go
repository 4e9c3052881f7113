package tui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// The demo clinic from the generator, on an 80x24 terminal: the banner is on
// every screen, every line fits, and every pane of the first patient opens.
// (Behavioural rather than golden, so changes to the generator's stories do
// not break the console's tests.)
func TestDemoClinic80x24(t *testing.T) {
	ctx := context.Background()
	st, err := cache.Open(ctx, filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := demo.SeedCache(ctx, st, demo.Options{Patients: 60, Days: 28, Seed: 7, Now: testNow, Loc: cph}); err != nil {
		t.Fatalf("seed demo: %v", err)
	}
	opts := testOptions()
	opts.Demo = true
	m := New(ctx, st, opts)
	send(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	drive(m, m.Init())
	if m.err != "" || len(m.worklist.visible) == 0 {
		t.Fatalf("demo worklist: err %q, %d rows", m.err, len(m.worklist.visible))
	}
	check := func(what string) {
		t.Helper()
		v := m.View().Content
		lines := strings.Split(v, "\n")
		if len(lines) != 24 {
			t.Errorf("%s: %d lines", what, len(lines))
		}
		if !strings.Contains(lines[0], "DEMO") {
			t.Errorf("%s: no DEMO banner on top: %q", what, lines[0])
		}
		for _, l := range lines {
			if w := displayWidth(l); w > 80 {
				t.Errorf("%s: line of width %d: %q", what, w, l)
			}
		}
	}
	check("worklist")
	send(m, char('G'))
	check("worklist end")
	send(m, char('g'), keyEnter)
	if !m.patient.loaded {
		t.Fatalf("patient did not load: %q", m.err)
	}
	for p := 1; p <= paneCount; p++ {
		send(m, char(rune('0'+p)))
		check("pane " + itoa(p))
	}
	send(m, char('?'))
	check("help")
}
