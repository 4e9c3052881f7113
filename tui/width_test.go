package tui

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// putPatient stores one more patient with an open red weight of value w.
func putPatient(t *testing.T, src *recordingSource, id, name string, w float64) {
	t.Helper()
	if err := src.Write(context.Background(), func(tx *cache.Tx) error {
		if err := tx.PutPatient(domain.Patient{ID: id, CPR: "0202021234", Name: name, BirthDate: time.Date(1950, 2, 2, 0, 0, 0, 0, time.UTC), Programmes: []string{domain.ProgrammeHeartFailure}, Synthetic: true}, meta); err != nil {
			return err
		}
		if err := tx.PutResponsibility(id, domain.Responsibility{Home: teamA}, cache.Meta{ID: "eoc-" + id, VersionID: "1", LastUpdated: meta.LastUpdated}); err != nil {
			return err
		}
		r := domain.Reading{
			Measurement:    domain.Measurement{ID: id + "-w", PatientID: id, Kind: domain.KindWeight, Taken: ago(time.Hour), Value: w},
			Classification: domain.Classification{Color: domain.Red},
		}
		if err := tx.PutReading(r, meta); err != nil {
			return err
		}
		return tx.PutTask(domain.Task{ID: id + "-t", PatientID: id, Category: domain.TaskMeasurement, FocusID: r.ID, Color: domain.Red, Created: r.Taken}, meta)
	}); err != nil {
		t.Fatal(err)
	}
}

// Names with emoji joined by zero-width joiners, combining marks and
// extreme lengths do not shift the worklist's columns: every row's CPR
// starts in the same column.
func TestWorklistColumnsWithHostileNames(t *testing.T) {
	m, src := loaded(t, testOptions(), 120, 40)
	putPatient(t, src, "p-zwj", "Familie 👨\u200d👩\u200d👧\u200d👦 Hansen", 90)
	putPatient(t, src, "p-flag", "Ib 🏳️\u200d🌈 Sørensen", 91)
	putPatient(t, src, "p-comb", "Rene\u0301 Ha\u0308hn", 92)
	putPatient(t, src, "p-long", strings.Repeat("Meget Langt Navn ", 600), 93)
	send(m, RefreshMsg{})
	col, rows := -1, 0
	for _, l := range strings.Split(ansi.Strip(m.View().Content), "\n") {
		i := strings.Index(l, "-xxxx")
		if i < 0 {
			continue
		}
		rows++
		c := ansi.StringWidth(l[:i])
		if col < 0 {
			col = c
		}
		if c != col {
			t.Errorf("CPR at column %d, not %d: %q", c, col, l)
		}
		if w := ansi.StringWidth(l); w > m.width {
			t.Errorf("row %d cells wide: %q", w, l)
		}
	}
	if rows != len(m.worklist.visible) || rows < 12 {
		t.Fatalf("%d rows on screen, %d on the worklist", rows, len(m.worklist.visible))
	}
}

// A 10,000-character name does not push the CPR out of the patient header.
func TestPatientHeaderLongName(t *testing.T) {
	m, src := loaded(t, testOptions(), 80, 24)
	putPatient(t, src, "p-long", strings.Repeat("Æ", 10000), 95)
	send(m, RefreshMsg{})
	openPatient(t, m, "p-long")
	head := strings.Split(ansi.Strip(m.View().Content), "\n")[0]
	if !strings.Contains(head, "020202-xxxx") || !strings.Contains(head, "år") {
		t.Errorf("header lost the CPR or age: %q", head)
	}
}

// An absurd weight keeps its colour flag: -1e308 is shown with its symbol,
// not cut off.
func TestAbsurdWeightKeepsFlag(t *testing.T) {
	m, src := loaded(t, testOptions(), 120, 40)
	putPatient(t, src, "p-absurd", "Absurd Vægt", -1e308)
	putPatient(t, src, "p-inf", "Uendelig Vægt", math.Inf(1))
	send(m, RefreshMsg{})
	for _, name := range []string{"Absurd Vægt", "Uendelig Vægt"} {
		l := screenLine(t, m, name)
		if !strings.Contains(l, "!!") || strings.Count(l, "!!") < 2 {
			t.Errorf("%s: the red flag of the weight is lost: %q", name, l)
		}
	}
	openPatient(t, m, "p-absurd")
	send(m, char('5'))
	if l := screenLine(t, m, "Måling til vurdering"); !strings.Contains(l, "-1e+308!!") {
		t.Errorf("open item without its flag: %q", l)
	}
}
