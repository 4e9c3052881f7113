package tui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// drive runs a command chain synchronously, feeding each message back into
// the model (batches are not used by the console's loads).
func drive(m *Model, cmd tea.Cmd) {
	for cmd != nil {
		msg := cmd()
		if msg == nil {
			return
		}
		if _, ok := msg.(tea.QuitMsg); ok {
			return
		}
		_, cmd = m.Update(msg)
	}
}

// keysNow is the key map the footer and the help show now: the help's,
// else the dialog's, else the screen's.
func keysNow(m *Model) help.KeyMap {
	if m.overlay != nil {
		return m.overlay
	}
	return m.top()
}

func send(m *Model, msgs ...tea.Msg) {
	for _, msg := range msgs {
		_, cmd := m.Update(msg)
		drive(m, cmd)
	}
}

func loaded(t *testing.T, opts Options, w, h int) (*Model, *recordingSource) {
	t.Helper()
	src := newClinic(t)
	opts.History = src // as the binary wires it: the cache keeps every regime version
	m := New(context.Background(), src, opts)
	send(m, tea.WindowSizeMsg{Width: w, Height: h})
	drive(m, m.Init())
	if !m.worklist.loaded || m.err != "" {
		t.Fatalf("worklist not loaded: %q", m.err)
	}
	return m, src
}

func TestCursorBounds(t *testing.T) {
	m, _ := loaded(t, testOptions(), 100, 30)
	n := len(m.worklist.visible)
	if n != 8 {
		t.Fatalf("visible rows = %d, want 8", n)
	}
	send(m, keyUpMsg(), keyUpMsg())
	if m.worklist.cursor != 0 {
		t.Errorf("cursor above the top: %d", m.worklist.cursor)
	}
	for i := 0; i < 20; i++ {
		send(m, keyDown)
	}
	if m.worklist.cursor != n-1 {
		t.Errorf("cursor past the end: %d, want %d", m.worklist.cursor, n-1)
	}
	send(m, char('g'))
	if m.worklist.cursor != 0 {
		t.Errorf("g: cursor %d", m.worklist.cursor)
	}
	send(m, char('G'))
	if m.worklist.cursor != n-1 {
		t.Errorf("G: cursor %d", m.worklist.cursor)
	}
}

func keyUpMsg() tea.KeyPressMsg { return tea.KeyPressMsg{Code: tea.KeyUp} }

func TestScrollKeepsCursorVisibleOnResize(t *testing.T) {
	m, _ := loaded(t, testOptions(), 100, 30)
	send(m, char('G'))
	send(m, tea.WindowSizeMsg{Width: 80, Height: 8})
	h := m.worklist.bodyHeight()
	if h >= len(m.worklist.visible) {
		t.Fatalf("body height %d should be smaller than the rows", h)
	}
	if m.worklist.cursor < m.worklist.offset || m.worklist.cursor >= m.worklist.offset+h {
		t.Fatalf("cursor %d not in view [%d,%d)", m.worklist.cursor, m.worklist.offset, m.worklist.offset+h)
	}
	v := m.View().Content
	if got := strings.Count(v, "\n") + 1; got != 8 {
		t.Errorf("view has %d lines, want 8", got)
	}
	if !strings.Contains(v, "Gustav Holm") {
		t.Errorf("selected last row not on screen:\n%s", v)
	}
	for _, l := range strings.Split(v, "\n") {
		if w := displayWidth(l); w > 80 {
			t.Errorf("line wider than 80: %d %q", w, l)
		}
	}
}

func TestMatchFilter(t *testing.T) {
	cases := []struct {
		q, name, cpr string
		want         bool
	}{
		{"", "anna andersen", "0103451234", true},
		{"ANNA", "anna andersen", "0103451234", true},
		{"dersen", "anna andersen", "0103451234", true},
		{"010345", "anna andersen", "0103451234", true},
		{"010345-1234", "anna andersen", "0103451234", true},
		{"3451", "anna andersen", "0103451234", true},
		{"bent", "anna andersen", "0103451234", false},
		{"9999", "anna andersen", "0103451234", false},
		{"a1", "anna andersen", "0103451234", false},
	}
	for _, c := range cases {
		if got := matchFilter(c.q, c.name, c.cpr); got != c.want {
			t.Errorf("matchFilter(%q, %q, %q) = %v, want %v", c.q, c.name, c.cpr, got, c.want)
		}
	}
}

func TestFilterTypingAndEsc(t *testing.T) {
	m, _ := loaded(t, testOptions(), 100, 30)
	send(m, char('/'))
	if !m.worklist.filtering {
		t.Fatal("/ did not start the filter")
	}
	for _, r := range "christ" {
		send(m, char(r))
	}
	if len(m.worklist.visible) != 1 || m.worklist.selectedID() != "p-carla" {
		t.Fatalf("filter christ: visible %v selected %q", m.worklist.visible, m.worklist.selectedID())
	}
	// q is text while filtering, not quit.
	send(m, char('q'))
	if len(m.worklist.visible) != 0 || !strings.Contains(m.View().Content, danishTexts().NoMatch) {
		t.Errorf("christq should match nothing and say so")
	}
	send(m, keyEsc)
	if m.worklist.filtering || m.worklist.filter.Value() != "" || len(m.worklist.visible) != 8 {
		t.Errorf("esc did not clear the filter: %v %q %d", m.worklist.filtering, m.worklist.filter.Value(), len(m.worklist.visible))
	}
}

func TestEnterOpensPatientAndEscReturns(t *testing.T) {
	m, src := loaded(t, testOptions(), 100, 30)
	send(m, keyDown, keyEnter)
	if m.patient == nil || m.patient.id != "p-anna" || !m.patient.loaded {
		t.Fatalf("enter: patient open %v id %q loaded %v err %q", m.patient != nil, m.patient.id, m.patient.loaded, m.err)
	}
	if !strings.Contains(m.View().Content, "Anna Andersen") {
		t.Error("patient name not shown")
	}
	send(m, keyTab, keyTab)
	if m.patient.pane != paneAnswers {
		t.Errorf("tab tab: pane %d", m.patient.pane)
	}
	send(m, tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift})
	if m.patient.pane != paneChart {
		t.Errorf("shift+tab: pane %d", m.patient.pane)
	}
	send(m, keyEsc)
	if m.patient != nil || m.worklist.selectedID() != "p-anna" {
		t.Errorf("esc: screen %v selected %q", m.patient != nil, m.worklist.selectedID())
	}
	// q on the patient view goes back too; q on the worklist quits.
	send(m, keyEnter, char('q'))
	if m.patient != nil {
		t.Error("q on the patient view did not go back")
	}
	if _, cmd := m.Update(char('q')); cmd == nil || cmd() != tea.Quit() {
		t.Error("q on the worklist does not quit")
	}

	want := []domain.AuditEntry{
		{At: testNow, User: testUser, Action: ActionViewWorklist},
		{At: testNow, User: testUser, Action: ActionViewPatient, PatientID: "p-anna"},
		{At: testNow, User: testUser, Action: ActionViewPatient, PatientID: "p-anna"},
	}
	got := src.entries()
	if len(got) != len(want) {
		t.Fatalf("audit entries = %+v, want %+v", got, want)
	}
	for i := range want {
		if !got[i].At.Equal(want[i].At) || got[i].User != want[i].User || got[i].Action != want[i].Action || got[i].PatientID != want[i].PatientID {
			t.Errorf("audit[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	// And they are in the cache's audit log.
	log, err := src.Store.AuditLog(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != len(want) {
		t.Errorf("cache audit log has %d entries, want %d", len(log), len(want))
	}
}

func TestAllToggleReloadsAndAudits(t *testing.T) {
	m, src := loaded(t, testOptions(), 100, 30)
	send(m, char('a'))
	if !m.worklist.all || len(m.worklist.rows) != 9 {
		t.Fatalf("a: all=%v rows=%d", m.worklist.all, len(m.worklist.rows))
	}
	send(m, char('a'))
	if m.worklist.all || len(m.worklist.rows) != 8 {
		t.Fatalf("a again: all=%v rows=%d", m.worklist.all, len(m.worklist.rows))
	}
	e := src.entries()
	if len(e) != 3 || e[1].Action != ActionViewWorklist || e[1].Detail != "all" {
		t.Errorf("audit after toggles: %+v", e)
	}
}

func TestCtrlCAlwaysQuits(t *testing.T) {
	m, _ := loaded(t, testOptions(), 100, 30)
	ctrlC := tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	for _, setup := range []func(){
		func() {},
		func() { send(m, char('/')) },
		func() { send(m, keyEsc, char('?')) },
		func() { send(m, keyEsc, keyEnter) },
	} {
		setup()
		if _, cmd := m.Update(ctrlC); cmd == nil || cmd() != tea.Quit() {
			t.Errorf("ctrl+c did not quit (screen %v help %v filtering %v)", m.patient != nil, (m.overlay != nil), m.worklist.filtering)
		}
	}
}

// failingSource fails its audit: no look-up may happen without a log entry.
type failingSource struct{ *recordingSource }

func (f failingSource) Audit(context.Context, domain.AuditEntry) error {
	return errors.New("disk full")
}

func (f failingSource) Worklist(ctx context.Context, all bool) ([]domain.WorklistRow, error) {
	panic("worklist read without an audit entry")
}

func TestNoLookUpWithoutAudit(t *testing.T) {
	m := New(context.Background(), failingSource{newClinic(t)}, testOptions())
	drive(m, m.Init())
	if m.worklist.loaded || !strings.Contains(m.err, "audit") {
		t.Fatalf("loaded=%v err=%q", m.worklist.loaded, m.err)
	}
	if !strings.Contains(m.View().Content, "disk full") {
		t.Error("error not shown")
	}
}

func helpNames(bs []key.Binding) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Help().Key)
	}
	return out
}

func TestHelpShowsOnlyActiveKeys(t *testing.T) {
	m, _ := loaded(t, testOptions(), 100, 30)
	has := func(keys []string, k string) bool {
		for _, x := range keys {
			if x == k {
				return true
			}
		}
		return false
	}
	wl := helpNames(keysNow(m).ShortHelp())
	for _, k := range []string{"enter", "/", "a", "?", "q"} {
		if !has(wl, k) {
			t.Errorf("worklist help lacks %q: %v", k, wl)
		}
	}
	for _, k := range []string{"tab", "esc", "esc/q"} {
		if has(wl, k) {
			t.Errorf("worklist help shows inactive %q: %v", k, wl)
		}
	}
	send(m, char('/'))
	fl := helpNames(keysNow(m).ShortHelp())
	if has(fl, "q") || has(fl, "a") || !has(fl, "esc") {
		t.Errorf("filter help: %v", fl)
	}
	send(m, char('x'), char('y'), char('z'), keyEnter)
	nm := helpNames(keysNow(m).ShortHelp())
	if has(nm, "enter") || has(nm, "↑↓") || !has(nm, "esc") {
		t.Errorf("no-match help should offer clearing, not opening: %v", nm)
	}
	send(m, keyEsc, keyEnter)
	pv := helpNames(keysNow(m).ShortHelp())
	if !has(pv, "tab") || !has(pv, "esc/q") || has(pv, "/") || has(pv, "a") {
		t.Errorf("patient help: %v", pv)
	}
	send(m, char('?'))
	hv := helpNames(keysNow(m).ShortHelp())
	if len(hv) != 2 || !strings.Contains(m.View().Content, SymImplausible) {
		t.Errorf("help overlay keys %v or legend missing", hv)
	}
}

func TestPatientWindowStartsAtLocalMidnight(t *testing.T) {
	m := New(context.Background(), nil, testOptions())
	got := m.windowStart(testNow)
	want := time.Date(2026, 2, 25, 0, 0, 0, 0, cph)
	if !got.Equal(want) {
		t.Errorf("windowStart = %v, want %v", got, want)
	}
}

func TestMessagesPaneStartsAtNewest(t *testing.T) {
	m, _ := loaded(t, testOptions(), 80, 14)
	send(m, keyDown, keyEnter, char('4'))
	v := m.View().Content
	if !strings.Contains(v, "Pulsen føles hurtig.") {
		t.Errorf("newest message not in view:\n%s", v)
	}
	if strings.Contains(v, "\x07") || strings.Contains(v, "\x1b[2J") {
		t.Errorf("control characters from a message reached the view")
	}
	send(m, char('g'))
	if !strings.Contains(m.View().Content, "ikke akutte") {
		t.Errorf("g does not scroll to the top")
	}
}

// When the selected patient leaves the worklist (acknowledged, so nothing
// is open any more), the cursor stays where it was: on the patient who
// took her place, the next one down; on the last row, the new last row.
func TestCursorTakesTheNextPatientWhenTheSelectedLeaves(t *testing.T) {
	m, _ := loaded(t, testOptions(), 100, 30)
	w := m.worklist
	name := func(i int) string { return w.rows[w.visible[i]].Patient.Name }
	without := func(id string) []domain.WorklistRow {
		var rows []domain.WorklistRow
		for _, r := range w.rows {
			if r.Patient.ID != id {
				rows = append(rows, r)
			}
		}
		return rows
	}
	send(m, keyDown, keyDown)
	if w.cursor != 2 {
		t.Fatalf("cursor %d, want 2", w.cursor)
	}
	gone, next := w.selectedID(), name(3)
	w.setRows(without(gone), w.all)
	if got := name(w.cursor); got != next {
		t.Errorf("after %q left, the cursor is on %q, want %q (the next one down)", gone, got, next)
	}

	send(m, char('G'))
	gone = w.selectedID()
	w.setRows(without(gone), w.all)
	if w.cursor != len(w.visible)-1 {
		t.Errorf("after the last row left, the cursor is on row %d of %d, want the new last", w.cursor, len(w.visible))
	}

	// A patient who stays is followed wherever the new order puts her.
	send(m, char('g'), keyDown)
	kept := w.selectedID()
	rows := append([]domain.WorklistRow(nil), w.rows...)
	w.setRows(rows, w.all)
	if w.selectedID() != kept {
		t.Errorf("the cursor left %q, who is still on the list", kept)
	}
}

// An escape and the key after it that reach the console in one read (it
// was busy for a moment, or a slow link delivered them together) arrive
// as alt+key. The console binds no alt keys outside text fields, so it
// takes them as the escape and then the key: Esc, q on the patient view
// goes back and quits, as the nurse pressed it.
func TestEscapeAndKeyReadTogether(t *testing.T) {
	altQ := tea.KeyPressMsg{Code: 'q', Mod: tea.ModAlt}

	m, _ := loaded(t, testOptions(), 100, 30)
	send(m, keyEnter)
	if m.patient == nil {
		t.Fatal("enter did not open the patient view")
	}
	_, cmd := m.Update(altQ)
	if m.patient != nil {
		t.Error("esc+q on the patient view: the view is still open")
	}
	if cmd == nil || cmd() != tea.Quit() {
		t.Error("esc+q on the patient view does not quit")
	}

	// On the worklist: a search cleared, then quit.
	m, _ = loaded(t, testOptions(), 100, 30)
	send(m, char('/'), char('a'), keyEnter)
	if m.worklist.filter.Value() != "a" || m.worklist.filtering {
		t.Fatalf("search not applied: %q filtering %v", m.worklist.filter.Value(), m.worklist.filtering)
	}
	_, cmd = m.Update(altQ)
	if m.worklist.filter.Value() != "" {
		t.Errorf("esc+q on the worklist did not clear the search %q", m.worklist.filter.Value())
	}
	if cmd == nil || cmd() != tea.Quit() {
		t.Error("esc+q on the worklist does not quit")
	}

	// Esc then G (read as alt+shift+g): the upper-case key, to the end.
	m, _ = loaded(t, testOptions(), 100, 30)
	send(m, tea.KeyPressMsg{Code: 'g', ShiftedCode: 'G', Mod: tea.ModAlt | tea.ModShift})
	if last := len(m.worklist.visible) - 1; last < 1 || m.worklist.cursor != last {
		t.Errorf("esc+G: cursor on row %d of %d, want the last", m.worklist.cursor, len(m.worklist.visible))
	}

	// In a text field alt+key is the field's (word moves, alt+b/alt+f):
	// it is not split, and nothing typed is lost.
	m, _ = loaded(t, testOptions(), 100, 30)
	send(m, char('/'), char('a'), char('n'))
	if _, cmd := m.Update(tea.KeyPressMsg{Code: 'b', Mod: tea.ModAlt}); cmd != nil && cmd() == tea.Quit() {
		t.Error("alt+b in the search quit")
	}
	if !m.worklist.filtering || m.worklist.filter.Value() != "an" {
		t.Errorf("alt+b in the search: filtering %v value %q, want the search kept", m.worklist.filtering, m.worklist.filter.Value())
	}
}
