package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/telehjerte/telehjerte-tui/console"
)

// footer is the last line of the screen, without escapes.
func footer(m *Model) string {
	lines := strings.Split(ansi.Strip(m.View().Content), "\n")
	return lines[len(lines)-1]
}

// At 80×24 the footer keeps "? hjælp" (and quit or back) visible, dropping
// less important keys instead (the defect: the footer cut "? hjælp" off).
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

// "/" starts a new search; it does not append to the last one.
func TestSlashStartsFreshSearch(t *testing.T) {
	m, _ := loaded(t, testOptions(), 100, 30)
	send(m, char('/'))
	typeText(m, "anna")
	send(m, keyEnter, char('/'))
	typeText(m, "bent")
	send(m, keyEnter)
	if v := m.worklist.filter.Value(); v != "bent" {
		t.Fatalf("search = %q, want bent", v)
	}
	if len(m.worklist.visible) != 1 || m.worklist.rows[m.worklist.visible[0]].Patient.ID != "p-bent" {
		t.Fatalf("search shows %v", m.worklist.visible)
	}
}

// The worklist says how many rows are above and below the screen, and a
// pane how many lines it has beyond the screen.
func TestMoreRowsHint(t *testing.T) {
	m, _ := loaded(t, testOptions(), 100, 10)
	h := m.worklist.bodyHeight()
	if h >= len(m.worklist.visible) {
		t.Fatalf("all %d rows fit %d lines", len(m.worklist.visible), h)
	}
	below := len(m.worklist.visible) - h
	if l := screenLine(t, m, "rød"); !strings.Contains(l, "↓ "+itoa(below)+" flere") {
		t.Errorf("no hint of the %d rows below: %q", below, l)
	}
	send(m, char('G'))
	if l := screenLine(t, m, "rød"); !strings.Contains(l, "↑ "+itoa(below)+" over") || strings.Contains(l, "flere") {
		t.Errorf("at the end: %q", l)
	}
	m.worklist.filter.SetValue("")
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
	if err := WriteWorklistTable(&b, m.worklist.rows[:1], opts, 100); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "1 borger\n") {
		t.Errorf("one patient:\n%s", b.String())
	}
}

// An error next to a field goes when the nurse changes the field; it does
// not stay after the field is fixed.
func TestFieldErrorClearsWhenFixed(t *testing.T) {
	m, _ := actingModel(t, 100, 30)
	openPatient(t, m, "p-anna")
	send(m, char('p'))
	fd := m.dialog.(formDialog)
	send(m, keyTab)
	typeText(m, "01.03.2026") // before the start
	send(m, keyCtrl('s'))
	if fd.errs["to"] == "" || !strings.Contains(ansi.Strip(m.View().Content), "skal ligge efter fra-datoen") {
		t.Fatalf("no error for the end date: %v", fd.errs)
	}
	send(m, tea.KeyPressMsg{Code: tea.KeyBackspace})
	if _, ok := fd.errs["to"]; ok || strings.Contains(ansi.Strip(m.View().Content), "skal ligge efter fra-datoen") {
		t.Fatalf("error still shown after the field changed: %v", fd.errs)
	}
	// The composer too.
	send(m, keyEsc, char('y'), char('n'))
	c := m.dialog.(*composer)
	typeText(m, "Vægt")
	send(m, keyTab)
	c.body.SetValue(strings.Repeat("a", 2001))
	send(m, keyCtrl('s'))
	if c.errs["body"] == "" {
		t.Fatalf("no error for 2001 characters")
	}
	send(m, tea.KeyPressMsg{Code: tea.KeyBackspace})
	if _, ok := c.errs["body"]; ok {
		t.Fatalf("body error still shown after the text changed")
	}
}

// At 80 columns the group counts go compact to make room for the hint.
func TestMoreRowsHintAt80(t *testing.T) {
	m, _ := loaded(t, testOptions(), 80, 10)
	below := len(m.worklist.visible) - m.worklist.bodyHeight()
	if below <= 0 {
		t.Fatalf("all rows fit")
	}
	if l := screenLine(t, m, "!! "); !strings.Contains(l, "↓ "+itoa(below)+" flere") {
		t.Errorf("no hint at 80 columns: %q", l)
	}
}

// The components are sized from the footer's height, counted without
// drawing it: the count is the footer drawn, in every state of the footer
// (nothing, loading, an error, a flash, an inline dialog, the status bar),
// and the screen fills exactly the terminal's height.
func TestFooterHeightIsTheFooterDrawn(t *testing.T) {
	for _, withStatus := range []bool{false, true} {
		opts := testOptions()
		if withStatus {
			opts.Status = func() console.SyncStatus { return console.SyncStatus{Online: true, LastSync: testNow} }
			opts.StatusEvery = -1
		}
		m, _ := actingModel(t, 90, 20)
		m.opts.Status = opts.Status
		check := func(state string) {
			t.Helper()
			if got, want := m.footerHeight(), len(m.footerLines()); got != want {
				t.Errorf("status %v, %s: footerHeight %d, footer drawn %d lines", withStatus, state, got, want)
			}
			if n := len(strings.Split(m.View().Content, "\n")); n != m.height {
				t.Errorf("status %v, %s: %d lines on a screen of %d", withStatus, state, n, m.height)
			}
		}
		check("worklist")
		m.loading = true
		check("loading")
		m.loading, m.err = false, "boom"
		check("error")
		m.err, m.flash = "", "gemt"
		check("flash")
		m.flash = ""
		send(m, char('x'))
		if _, ok := m.dialog.(*confirmLine); !ok {
			t.Fatalf("no confirm line: %T", m.dialog)
		}
		check("inline confirm")
	}
}
