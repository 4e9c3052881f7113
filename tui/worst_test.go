package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// screenLine is the line of the stripped screen that contains s.
func screenLine(t *testing.T, m *Model, s string) string {
	t.Helper()
	for _, l := range strings.Split(ansi.Strip(m.View().Content), "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	t.Fatalf("%q not on screen:\n%s", s, ansi.Strip(m.View().Content))
	return ""
}

// Each worklist cell shows the most severe open reading of its kind, marked
// when more are open, and a red row always shows a red value (the defect:
// a red weight followed by a yellow one showed only the yellow).
func TestWorklistShowsWorstOpenReading(t *testing.T) {
	m, _ := loaded(t, testOptions(), 120, 30)
	st := m.src.(*recordingSource).Store
	if err := st.Write(context.Background(), func(tx *cache.Tx) error {
		put := func(id, pid string, k domain.Kind, at time.Time, v float64, c domain.Color) error {
			r := domain.Reading{
				Measurement:    domain.Measurement{ID: id, PatientID: pid, Kind: k, Taken: at, Value: v},
				Classification: domain.Classification{Color: c},
			}
			if err := tx.PutReading(r, meta); err != nil {
				return err
			}
			return tx.PutTask(domain.Task{ID: "task-" + id, PatientID: pid, Category: domain.TaskMeasurement, FocusID: id, Color: c, Created: at}, meta)
		}
		// Anna: after her red pulse 104 (07:01) a yellow 92 at 09:00.
		if err := put("anna-pulse-2", "p-anna", domain.KindPulse, ago(time.Hour), 92, domain.Yellow); err != nil {
			return err
		}
		// Hanne: a red step count only (no column for steps).
		if err := put("hanne-steps", "p-hanne", domain.KindSteps, ago(2*time.Hour), 150, domain.Red); err != nil {
			return err
		}
		// Dorte: a red questionnaire.
		return tx.PutTask(domain.Task{ID: "dorte-q", PatientID: "p-dorte", Category: domain.TaskMeasurement, FocusID: "q-dorte", Color: domain.Red, Created: ago(time.Hour)}, meta)
	}); err != nil {
		t.Fatal(err)
	}
	send(m, RefreshMsg{})
	anna := screenLine(t, m, "Anna Andersen")
	if !strings.Contains(anna, "104!!+") || strings.Contains(anna, "92!") {
		t.Errorf("Anna's row shows %q, want the red pulse 104!! marked + (two open)", anna)
	}
	if hanne := screenLine(t, m, "Hanne Iversen"); !strings.Contains(hanne, "!! Skridt 150") {
		t.Errorf("Hanne's red row shows no red value: %q", hanne)
	}
	if dorte := screenLine(t, m, "Dorte Dahl"); !strings.Contains(dorte, "!! Skema") {
		t.Errorf("Dorte's red row shows no red value: %q", dorte)
	}
	// Every red row carries a red value on screen.
	for _, idx := range m.worklist.visible {
		r := &m.worklist.rows[idx]
		if r.Open.Group() != domain.GroupRed {
			continue
		}
		lay := m.worklist.layout(m.t, m.width, m.opts.Now())
		red := false
		for _, c := range lay.cells(m.t, r) {
			red = red || (c.style == styleReading && c.color == domain.Red && strings.Contains(c.text, SymRed))
		}
		if !red {
			t.Errorf("red row %s shows no red value", r.Patient.ID)
		}
	}
}
