package domain

import "time"

// CourseGroup is the worklist group a patient's course flags ask for on
// their own: an overdue re-evaluation is yellow ("revurdering" past its
// date), failing to measure sits with the missing measurements; the other
// flags are reminders that show on the row without moving it up
// (GroupNone).
func CourseGroup(flags []CourseFlag) Group {
	g := GroupNone
	for _, f := range flags {
		switch f.Kind {
		case FlagReevaluationOverdue:
			g = min(g, GroupYellow)
		case FlagFailingToMeasure:
			g = min(g, GroupMissing)
		}
	}
	return g
}

// Group places the row on the worklist: the more urgent of its open items'
// group and its course flags' group.
func (r WorklistRow) Group() Group { return min(r.Open.Group(), CourseGroup(r.Course)) }

// NeedsAttention reports whether the row belongs on the worklist of open
// items: something open or a course flag.
func (r WorklistRow) NeedsAttention() bool { return r.Open.Any() || len(r.Course) > 0 }

// WithCourse adds the course reminders to worklist rows (in their order):
// each row of a patient with a course going on (states, from the
// CourseReader) gets its CourseFlags; a patient whose courses have all
// ended (in ended and not in states) leaves the worklist (the list of
// ended courses shows her), but a patient enrolled again after an ended
// course stays; with all false only the rows that need attention are
// kept. The rows must hold every patient with a reminder (see
// ReminderOutside).
func WithCourse(rows []WorklistRow, states map[string]CourseState, ended []EndedCourse, now time.Time, loc *time.Location, all bool) []WorklistRow {
	gone := make(map[string]bool, len(ended))
	for _, e := range ended {
		if _, going := states[e.Patient.ID]; !going {
			gone[e.Patient.ID] = true
		}
	}
	out := make([]WorklistRow, 0, len(rows))
	for _, r := range rows {
		if gone[r.Patient.ID] {
			continue
		}
		if st, ok := states[r.Patient.ID]; ok {
			r.Course = CourseFlags(st, now, loc)
		}
		if all || r.NeedsAttention() {
			out = append(out, r)
		}
	}
	return out
}

// ReminderOutside reports whether a patient with a course reminder is
// missing from rows (the worklist of open items holds only the patients
// with something open): then the whole list must be read for WithCourse.
func ReminderOutside(rows []WorklistRow, states map[string]CourseState, now time.Time, loc *time.Location) bool {
	shown := make(map[string]bool, len(rows))
	for _, r := range rows {
		shown[r.Patient.ID] = true
	}
	for id, st := range states {
		if !shown[id] && len(CourseFlags(st, now, loc)) > 0 {
			return true
		}
	}
	return false
}
