package tui

import (
	"context"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// X under a search acknowledges the green items of the patients the search
// shows, and says so; not every green item of the clinic (the defect:
// with 1 of 27 patients shown, X offered all 21 green patients).
func TestAckAllGreenFollowsSearch(t *testing.T) {
	m, act := actingModel(t, 100, 30)
	st := m.src.(*recordingSource).Store
	// Dorte gets a green reading too: two patients with green items.
	if err := st.Write(context.Background(), func(tx *cache.Tx) error {
		r := domain.Reading{
			Measurement:    domain.Measurement{ID: "p-dorte-green", PatientID: "p-dorte", Kind: domain.KindPulse, Taken: ago(30 * time.Minute), Value: 64},
			Classification: domain.Classification{Color: domain.Green},
		}
		if err := tx.PutReading(r, meta); err != nil {
			return err
		}
		return tx.PutTask(domain.Task{ID: "p-dorte-green-task", PatientID: "p-dorte", Category: domain.TaskMeasurement, FocusID: r.ID, Color: domain.Green, Created: r.Taken}, meta)
	}); err != nil {
		t.Fatal(err)
	}
	send(m, RefreshMsg{})
	send(m, char('/'))
	typeText(m, "dorte")
	send(m, keyEnter)
	if len(m.worklist.visible) != 1 {
		t.Fatalf("search shows %d patients", len(m.worklist.visible))
	}
	send(m, char('X'))
	c, ok := m.dialog.(*confirmLine)
	if !ok {
		t.Fatalf("no confirm line: %T %q", m.dialog, m.err)
	}
	if want := "Kvitter 1 grøn måling for 1 borger – kun dem søgningen »dorte« viser?"; c.question != want {
		t.Fatalf("question = %q, want %q", c.question, want)
	}
	send(m, char('y'))
	a := act.recorded()[0].(domain.Acknowledgement)
	if len(a.TaskIDs) != 1 || a.TaskIDs[0] != "p-dorte-green-task" || len(a.PatientIDs) != 1 || a.PatientIDs[0] != "p-dorte" {
		t.Fatalf("acknowledged %v of %v, want only Dorte's green item", a.TaskIDs, a.PatientIDs)
	}

	// Without a search: every green item of the worklist.
	send(m, keyEsc, char('X'))
	c = m.dialog.(*confirmLine)
	if want := "Kvitter 4 grønne målinger for 2 borgere?"; c.question != want {
		t.Fatalf("question = %q, want %q", c.question, want)
	}
	// A search that shows nobody acknowledges nothing.
	send(m, keyEsc, char('/'))
	typeText(m, "zzz")
	send(m, keyEnter, char('X'))
	if _, ok := m.dialog.(*notice); !ok {
		t.Fatalf("search with no patients: %T", m.dialog)
	}
}
