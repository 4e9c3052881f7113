package tui

import (
	"strings"
	"testing"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// j and k move the worklist cursor like ↓ and ↑, within the
// rows, with and without actions; neither opens a dialog.
func TestVimKeysMoveWorklistCursor(t *testing.T) {
	ro, _ := loaded(t, testOptions(), 100, 30)
	acting, _ := actingModel(t, 100, 30)
	for name, m := range map[string]*Model{"read-only": ro, "actions": acting} {
		n := len(m.worklist.visible)
		send(m, char('j'))
		if m.worklist.cursor != 1 {
			t.Errorf("%s: j: cursor %d, want 1", name, m.worklist.cursor)
		}
		send(m, char('j'), char('j'))
		if m.worklist.cursor != 3 {
			t.Errorf("%s: jj: cursor %d, want 3", name, m.worklist.cursor)
		}
		send(m, char('k'))
		if m.worklist.cursor != 2 {
			t.Errorf("%s: k: cursor %d, want 2", name, m.worklist.cursor)
		}
		for i := 0; i < n+5; i++ {
			send(m, char('j'))
		}
		if m.worklist.cursor != n-1 {
			t.Errorf("%s: j past the end: cursor %d, want %d", name, m.worklist.cursor, n-1)
		}
		for i := 0; i < n+5; i++ {
			send(m, char('k'))
		}
		if m.worklist.cursor != 0 {
			t.Errorf("%s: k above the top: cursor %d", name, m.worklist.cursor)
		}
		if m.dialog != nil || m.patient != nil {
			t.Errorf("%s: j/k opened %T (patient open %v)", name, m.dialog, m.patient != nil)
		}
	}
}

// In the open-items and messages panes j and k move the item cursor.
func TestVimKeysMovePatientCursors(t *testing.T) {
	m, act := actingModel(t, 100, 30)
	openPatient(t, m, "p-anna")
	if len(m.patient.detail.OpenTasks) < 2 || len(m.patient.detail.Messages) < 2 {
		t.Fatalf("fixture: %d open items, %d messages; want 2 or more of each", len(m.patient.detail.OpenTasks), len(m.patient.detail.Messages))
	}
	send(m, char('5'))
	start := m.patient.taskCursor
	send(m, char('j'))
	if m.patient.taskCursor != start+1 {
		t.Errorf("open items: j: cursor %d, want %d", m.patient.taskCursor, start+1)
	}
	send(m, char('k'))
	if m.patient.taskCursor != start {
		t.Errorf("open items: k: cursor %d, want %d", m.patient.taskCursor, start)
	}

	send(m, char('4'))
	last := len(m.patient.detail.Messages) - 1
	if m.patient.msgCursor != last {
		t.Fatalf("messages: cursor starts at %d, want the newest %d", m.patient.msgCursor, last)
	}
	send(m, char('k'))
	if m.patient.msgCursor != last-1 {
		t.Errorf("messages: k: cursor %d, want %d", m.patient.msgCursor, last-1)
	}
	send(m, char('j'))
	if m.patient.msgCursor != last {
		t.Errorf("messages: j: cursor %d, want %d", m.patient.msgCursor, last)
	}
	if m.dialog != nil || len(act.recorded()) != 0 {
		t.Errorf("j/k started an action: dialog %T calls %v", m.dialog, act.recorded())
	}
}

// In a pane without a cursor (read-only) j and k scroll like ↓ and ↑.
func TestVimKeysScrollPane(t *testing.T) {
	m, _ := loaded(t, testOptions(), 80, 14)
	send(m, keyDown, keyEnter, char('4'), char('g'))
	top := m.View().Content
	send(m, char('j'))
	byJ := m.View().Content
	if byJ == top {
		t.Fatalf("j did not scroll the messages pane:\n%s", top)
	}
	send(m, char('k'))
	if got := m.View().Content; got != top {
		t.Errorf("k did not scroll back to the top:\n%s", got)
	}
	send(m, keyDown)
	if got := m.View().Content; got != byJ {
		t.Errorf("↓ and j scroll differently:\n%s\n---\n%s", got, byJ)
	}
}

// j in a confirm line is "ja": it confirms and does not also move the
// worklist cursor.
func TestConfirmLineJIsYesNotMove(t *testing.T) {
	m, act := actingModel(t, 100, 30)
	selectPatient(t, m, "p-anna")
	at := m.worklist.cursor
	send(m, char('x'))
	if _, ok := m.dialog.(*confirmLine); !ok {
		t.Fatalf("x: no confirm line: %T %q", m.dialog, m.err)
	}
	send(m, char('j'))
	calls := act.recorded()
	if len(calls) != 1 {
		t.Fatalf("j did not confirm: calls %v", calls)
	}
	if a := calls[0].(domain.Acknowledgement); a.Scope.Kind != domain.AckPatient || a.Scope.PatientID != "p-anna" {
		t.Fatalf("acknowledgement = %+v", a)
	}
	// The test double leaves the cache as it was, so the reloaded
	// worklist has the same rows: the cursor must not have moved.
	if m.worklist.cursor != at || m.worklist.selectedID() != "p-anna" {
		t.Errorf("cursor moved from %d to %d (%s)", at, m.worklist.cursor, m.worklist.selectedID())
	}

	// The composer's "discard?" line: j discards, and moves nothing.
	openPatient(t, m, "p-anna")
	send(m, char('4'))
	msgAt := m.patient.msgCursor
	send(m, char('n'), keyTab)
	typeText(m, "Hej")
	send(m, keyEsc, char('j'))
	if m.dialog != nil || m.patient.msgCursor != msgAt || len(act.recorded()) != 1 {
		t.Errorf("j in the discard line: dialog %T, msg cursor %d (was %d), calls %d", m.dialog, m.patient.msgCursor, msgAt, len(act.recorded()))
	}
}

// A j or k typed into a text field is a letter there, not a move: the
// worklist filter, the composer and a form.
func TestVimKeysAreLettersInTextInputs(t *testing.T) {
	m, act := actingModel(t, 100, 30)
	send(m, char('/'))
	typeText(m, "jk")
	if v := m.worklist.filter.Value(); v != "jk" || m.worklist.cursor != 0 {
		t.Errorf("filter = %q cursor %d, want \"jk\" and 0", v, m.worklist.cursor)
	}
	if v := m.View().Content; strings.Contains(v, "/jk") || !strings.Contains(v, "↑↓") {
		t.Errorf("the filter's footer should offer only the arrows:\n%s", v)
	}
	send(m, keyEsc)

	openPatient(t, m, "p-anna")
	send(m, char('n'))
	c, ok := m.dialog.(*composer)
	if !ok {
		t.Fatalf("n: dialog %T", m.dialog)
	}
	typeText(m, "jk")
	send(m, keyTab)
	typeText(m, "kj")
	if c.title.Value() != "jk" || c.body.Value() != "kj" {
		t.Errorf("composer title %q body %q, want \"jk\" and \"kj\"", c.title.Value(), c.body.Value())
	}
	send(m, keyEsc, char('y'))
	if m.dialog != nil {
		t.Fatalf("composer not discarded: %T", m.dialog)
	}

	send(m, char('N'))
	if _, ok := m.dialog.(formDialog); !ok {
		t.Fatalf("N: dialog %T", m.dialog)
	}
	typeText(m, "jk ok")
	send(m, keyCtrl('s'))
	calls := act.recorded()
	if len(calls) != 1 {
		t.Fatalf("note not saved: calls %v", calls)
	}
	if n := calls[0].(domain.Note); n.Text != "jk ok" {
		t.Errorf("note text %q, want \"jk ok\"", n.Text)
	}
}
