package domain

import (
	"testing"
	"time"
)

// An overdue re-evaluation puts a patient with nothing open in the yellow
// group, failing to measure in the missing group; a new patient or a due
// re-evaluation only shows as a reminder; an open red reading still wins.
func TestCourseFlagsOnTheWorklist(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	rows := []WorklistRow{
		{Patient: Patient{ID: "new", Name: "A"}, Course: []CourseFlag{{Kind: FlagNewPatient}}},
		{Patient: Patient{ID: "overdue", Name: "B"}, Course: []CourseFlag{{Kind: FlagReevaluationOverdue, Days: 2}}},
		{Patient: Patient{ID: "failing", Name: "C"}, Course: []CourseFlag{{Kind: FlagFailingToMeasure, Days: 3, Of: 7}}},
		{Patient: Patient{ID: "red", Name: "D"}, Open: OpenItems{Red: 1, Oldest: t0}, Course: []CourseFlag{{Kind: FlagReevaluationOverdue}}},
		{Patient: Patient{ID: "plain", Name: "E"}},
	}
	want := map[string]Group{"new": GroupNone, "overdue": GroupYellow, "failing": GroupMissing, "red": GroupRed, "plain": GroupNone}
	for _, r := range rows {
		if g := r.Group(); g != want[r.Patient.ID] {
			t.Errorf("%s: group %v, want %v", r.Patient.ID, g, want[r.Patient.ID])
		}
	}
	OrderWorklist(rows)
	var order []string
	for _, r := range rows {
		order = append(order, r.Patient.ID)
	}
	if got := order[0] + " " + order[1] + " " + order[2]; got != "red overdue failing" {
		t.Errorf("order %v", order)
	}
	if c := GroupCounts(rows); c[GroupYellow] != 1 || c[GroupMissing] != 1 || c[GroupNone] != 2 {
		t.Errorf("counts %v", c)
	}
	if !rows[3].NeedsAttention() || rows[4].NeedsAttention() {
		t.Errorf("attention: %v %v", rows[3], rows[4])
	}
}
