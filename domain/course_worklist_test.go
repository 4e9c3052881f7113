package domain

import (
	"strings"
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

// WithCourse: a patient with only a reminder is on the worklist of open
// items with her flags; a patient whose course has ended leaves it; a
// patient enrolled again after an ended course is back on it.
func TestWithCourse(t *testing.T) {
	now := time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC)
	row := func(id string, red int) WorklistRow {
		return WorklistRow{Patient: Patient{ID: id}, Open: OpenItems{Red: red, Oldest: now.Add(-time.Hour)}}
	}
	rows := []WorklistRow{row("quiet", 0), row("new", 0), row("ended", 1), row("again", 1)}
	fresh := CourseState{Enrolled: now.Add(-time.Hour), Regime: Regime{Phase: PhaseStartUp, Start: now.Add(-time.Hour)}}
	states := map[string]CourseState{"new": fresh, "again": fresh}
	ended := []EndedCourse{{Patient: Patient{ID: "ended"}}, {Patient: Patient{ID: "again"}}}
	if !ReminderOutside(rows[2:], states, now, time.UTC) || ReminderOutside(rows, states, now, time.UTC) {
		t.Error("ReminderOutside: the new patient's reminder is outside the rows with something open only")
	}
	got := WithCourse(rows, states, ended, now, time.UTC, false)
	var ids []string
	for _, r := range got {
		ids = append(ids, r.Patient.ID)
	}
	if strings.Join(ids, ",") != "new,again" {
		t.Fatalf("rows %v, want new,again", ids)
	}
	if len(got[0].Course) == 0 || got[0].Course[0].Kind != FlagNewPatient {
		t.Errorf("the new patient's flags: %+v", got[0].Course)
	}
	if all := WithCourse(rows, states, ended, now, time.UTC, true); len(all) != 3 {
		t.Errorf("all rows: %d, want 3 (the ended course leaves)", len(all))
	}
}
