package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// footer is the last line of the screen, without escapes.
func footer(m *Model) string {
	lines := strings.Split(ansi.Strip(m.View().Content), "\n")
	return lines[len(lines)-1]
}

// At 80×24 the footer keeps "? hjælp" (and quit or back) visible, dropping
// less important keys instead (issue 7: the footer cut "? hjælp" off).
func TestFooterKeepsHelpAt80(t *testing.T) {
	m, _ := actingModel(t, 80, 24)
	f := footer(m)
	if !strings.Contains(f, "? hjælp") || !strings.Contains(f, "q afslut") || strings.Contains(f, "…") {
		t.Errorf("worklist footer at 80: %q", f)
	}
	openPatient(t, m, "p-anna")
	send(m, char('5'))
	f = footer(m)
	if !strings.Contains(f, "? hjælp") || strings.Contains(f, "…") || !strings.Contains(f, "x kvitter") {
		t.Errorf("patient footer at 80: %q", f)
	}
	if ansi.StringWidth(f) > 80 {
		t.Errorf("footer wider than the screen: %q", f)
	}
}

// "/" starts a new search; it does not append to the last one (issue 7).
func TestSlashStartsFreshSearch(t *testing.T) {
	m, _ := loaded(t, testOptions(), 100, 30)
	send(m, char('/'))
	typeText(m, "anna")
	send(m, keyEnter, char('/'))
	typeText(m, "bent")
	send(m, keyEnter)
	if v := m.wl.filter.Value(); v != "bent" {
		t.Fatalf("search = %q, want bent", v)
	}
	if len(m.wl.visible) != 1 || m.wl.rows[m.wl.visible[0]].Patient.ID != "p-bent" {
		t.Fatalf("search shows %v", m.wl.visible)
	}
}

// The worklist says how many rows are above and below the screen, and a
// pane how many lines it has beyond the screen.
func TestMoreRowsHint(t *testing.T) {
	m, _ := loaded(t, testOptions(), 100, 10)
	h := m.worklistBodyHeight()
	if h >= len(m.wl.visible) {
		t.Fatalf("all %d rows fit %d lines", len(m.wl.visible), h)
	}
	below := len(m.wl.visible) - h
	if l := screenLine(t, m, "rød"); !strings.Contains(l, "↓ "+itoa(below)+" flere") {
		t.Errorf("no hint of the %d rows below: %q", below, l)
	}
	send(m, char('G'))
	if l := screenLine(t, m, "rød"); !strings.Contains(l, "↑ "+itoa(below)+" over") || strings.Contains(l, "flere") {
		t.Errorf("at the end: %q", l)
	}
	m.wl.filter.SetValue("")
	openPatient(t, m, "p-anna")
	if l := screenLine(t, m, "Vægtkurve"); !strings.Contains(l, "linje 1–") {
		t.Errorf("measurements pane longer than the screen without a hint: %q", l)
	}
}

// The header names the team and the user; with a single patient it says
// "1 borger".
func TestHeaderTeamUserAndSingular(t *testing.T) {
	opts := testOptions()
	opts.Team = "Hjertesvigt Aarhus"
	m, _ := loaded(t, opts, 120, 30)
	l := screenLine(t, m, "TeleHjerte")
	if !strings.Contains(l, "Hjertesvigt Aarhus · sygeplejerske-1") {
		t.Errorf("header: %q", l)
	}
	var b strings.Builder
	if err := WriteWorklistTable(&b, m.wl.rows[:1], opts, 100); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "1 borger\n") {
		t.Errorf("one patient:\n%s", b.String())
	}
}
