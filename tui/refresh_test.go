package tui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// driveAll is drive for command chains that may batch (a refresh with the
// patient view open reloads two things).
func driveAll(m *Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			driveAll(m, c)
		}
		return
	}
	if msg == nil {
		return
	}
	_, next := m.Update(msg)
	driveAll(m, next)
}

func refreshNow(m *Model) {
	_, cmd := m.Update(RefreshMsg{})
	driveAll(m, cmd)
}

// addUnread puts a new unread message from the patient into the cache.
func addUnread(t *testing.T, src *recordingSource, pid, id string) {
	t.Helper()
	err := src.Store.Write(context.Background(), func(tx *cache.Tx) error {
		return tx.PutMessage(domain.Message{ID: id, PatientID: pid, ThreadID: "th-" + pid, FromPatient: true,
			Sender: "Borger", Title: "Ny", Body: "Ny besked", Sent: testNow.Add(-1)}, meta)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A background refresh keeps the all/open mode, the search filter and the
// cursor on the same patient, shows new data, and writes no audit entry.
func TestRefreshKeepsModeFilterCursorAndIsNotAudited(t *testing.T) {
	m, src := loaded(t, testOptions(), 120, 30)
	send(m, char('a'))
	if !m.worklist.all {
		t.Fatal("a did not switch to all patients")
	}
	send(m, char('/'), char('e'), keyEnter) // names with an "e"
	if m.worklist.filter.Value() != "e" || len(m.worklist.visible) < 2 {
		t.Fatalf("filter %q shows %d rows", m.worklist.filter.Value(), len(m.worklist.visible))
	}
	send(m, keyDown)
	sel := m.worklist.selectedID()
	audits := len(src.entries())

	// Dorte (not on the open worklist before: another team's patient with
	// nothing open) gets a message; the selection must not move.
	addUnread(t, src, "p-dorte", "p-dorte-msg-new")
	refreshNow(m)
	if !m.worklist.all || m.worklist.filter.Value() != "e" || m.worklist.selectedID() != sel {
		t.Errorf("after refresh: all=%v filter=%q selected %q, want true, \"e\", %q", m.worklist.all, m.worklist.filter.Value(), m.worklist.selectedID(), sel)
	}
	if n := len(src.entries()); n != audits {
		t.Errorf("refresh wrote %d audit entries, want none", n-audits)
	}
	var dorte *domain.WorklistRow
	for i := range m.worklist.rows {
		if m.worklist.rows[i].Patient.ID == "p-dorte" {
			dorte = &m.worklist.rows[i]
		}
	}
	if dorte == nil || dorte.Open.Unread == 0 {
		t.Errorf("refreshed worklist does not show Dorte's new message: %+v", dorte)
	}
	// Toggling is still a look-up and is audited.
	send(m, char('a'))
	if n := len(src.entries()); n != audits+1 || m.worklist.all {
		t.Errorf("toggle after refresh: %d new audit entries, all=%v", n-audits, m.worklist.all)
	}
}

// A refresh that answers after the nurse toggled all/open does not undo
// the toggle.
func TestRefreshDoesNotUndoAToggleInFlight(t *testing.T) {
	m, _ := loaded(t, testOptions(), 120, 30)
	_, refresh := m.Update(RefreshMsg{})
	_, toggle := m.Update(char('a')) // asks for all; not yet arrived
	driveAll(m, refresh)             // the open-only refresh arrives first
	driveAll(m, toggle)
	if !m.worklist.all {
		t.Error("a refresh started before the toggle undid it")
	}
}

// With the patient view open, a refresh shows the new message in place,
// without leaving the pane or writing an audit entry.
func TestRefreshUpdatesOpenPatientView(t *testing.T) {
	m, src := loaded(t, testOptions(), 120, 40)
	selectPatient(t, m, "p-anna")
	send(m, keyEnter)
	if m.patient == nil || !m.patient.loaded {
		t.Fatal("patient view not open")
	}
	send(m, keyTab)
	pane := m.patient.pane
	before := len(m.patient.detail.Messages)
	audits := len(src.entries())
	addUnread(t, src, "p-anna", "p-anna-msg-new")
	refreshNow(m)
	if m.patient == nil || m.patient.id != "p-anna" || m.patient.pane != pane {
		t.Fatalf("refresh moved the nurse: screen %v id %s pane %v", m.patient != nil, m.patient.id, m.patient.pane)
	}
	if got := len(m.patient.detail.Messages); got != before+1 {
		t.Errorf("messages after refresh = %d, want %d", got, before+1)
	}
	if n := len(src.entries()); n != audits {
		t.Errorf("refresh of the patient view wrote %d audit entries", n-audits)
	}
}

// ctrl+r calls Options.SyncNow and is listed in the full help only when it
// is set.
func TestSyncNowKey(t *testing.T) {
	calls := 0
	opts := testOptions()
	opts.SyncNow = func() { calls++ }
	m, _ := loaded(t, opts, 120, 40)
	send(m, keyCtrl('r'))
	if calls != 1 {
		t.Errorf("SyncNow called %d times, want 1", calls)
	}
	send(m, char('?'))
	if v := m.View().Content; !strings.Contains(v, "ctrl+r") || !strings.Contains(v, "synkronisér nu") {
		t.Errorf("help does not list ctrl+r synkronisér nu:\n%s", v)
	}
	plain, _ := loaded(t, testOptions(), 120, 40)
	send(plain, keyCtrl('r'), char('?'))
	if strings.Contains(plain.View().Content, "ctrl+r") {
		t.Error("ctrl+r listed without SyncNow")
	}
}
