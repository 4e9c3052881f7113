package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
)

// The course reminders: with a CourseReader wired, every worklist row gets
// its domain.CourseFlags, and a patient with a reminder belongs on the
// worklist of open items even with nothing else open.

// WorklistWithCourse reads the worklist and adds the course flags. Without
// a CourseReader it is the source's worklist as it is. The console's
// worklist and the worklist subcommand both read it this way, so they list
// the same patients.
// It runs in a command: it is given what it reads, never the Model.
func WorklistWithCourse(ctx context.Context, src console.Source, cr console.CourseReader, now time.Time, loc *time.Location, all bool) ([]domain.WorklistRow, error) {
	if cr == nil {
		return src.Worklist(ctx, all)
	}
	rows, err := src.Worklist(ctx, all)
	if err != nil {
		return nil, err
	}
	states, err := cr.CourseStates(ctx, now, loc)
	if err != nil {
		return nil, fmt.Errorf("course reminders: %w", err)
	}
	ended, err := cr.EndedCourses(ctx, now)
	if err != nil {
		return nil, fmt.Errorf("ended courses: %w", err)
	}
	if !all && domain.ReminderOutside(rows, states, now, loc) {
		// The worklist of open items holds the patients with something
		// open; one with only a reminder needs the whole list (read only
		// when there is such a patient).
		if rows, err = src.Worklist(ctx, true); err != nil {
			return nil, err
		}
	}
	return domain.WithCourse(rows, states, ended, now, loc, all), nil
}

// courseFlagText says one flag in words.
func (t *texts) courseFlagText(f domain.CourseFlag) string {
	c := &t.Course
	switch f.Kind {
	case domain.FlagNewPatient:
		return c.FlagNew
	case domain.FlagStartUpEnded:
		return c.FlagStartUp
	case domain.FlagReevaluationDue:
		if f.Days == 0 {
			return c.FlagReevalToday
		}
		return fmt.Sprintf(c.FlagReevalDue, f.Days)
	case domain.FlagReevaluationOverdue:
		return fmt.Sprintf(c.FlagReevalOverdue, f.Days)
	case domain.FlagNotSeen:
		return fmt.Sprintf(c.FlagNotSeen, f.Days)
	case domain.FlagFailingToMeasure:
		return fmt.Sprintf(c.FlagFailing, f.Days, f.Of)
	}
	return string(f.Kind)
}

// flagUrgency orders the reminders on a row, most pressing first, so a
// narrow cell cuts the least pressing.
var flagUrgency = map[domain.CourseFlagKind]int{
	domain.FlagReevaluationOverdue: 0, domain.FlagFailingToMeasure: 1, domain.FlagStartUpEnded: 2,
	domain.FlagReevaluationDue: 3, domain.FlagNewPatient: 4, domain.FlagNotSeen: 5,
}

// courseSummary is the reminders of a worklist row, most pressing first.
func (t *texts) courseSummary(flags []domain.CourseFlag) string {
	sorted := slices.Clone(flags)
	slices.SortStableFunc(sorted, func(a, b domain.CourseFlag) int { return flagUrgency[a.Kind] - flagUrgency[b.Kind] })
	parts := make([]string, 0, len(sorted))
	for _, f := range sorted {
		parts = append(parts, t.courseFlagText(f))
	}
	return strings.Join(parts, " · ")
}

// courseHeaderLine is the patient header's line of course reminders (the
// "new patient" one ends as the nurse opens the patient, so it is left
// out), "" when there are none.
func (p *patientScreen) courseHeaderLine() string {
	var flags []domain.CourseFlag
	if r, ok := p.known(p.id); ok {
		for _, f := range r.Course {
			if f.Kind != domain.FlagNewPatient {
				flags = append(flags, f)
			}
		}
	}
	if len(flags) == 0 {
		return ""
	}
	return p.st.bold.Render(p.t.Course.Reminders+": ") + p.t.courseSummary(flags)
}

// opened drops the "new patient" reminder of patient id from the rows
// shown, and the row itself from the worklist of open items when nothing
// else keeps it there: the audited look-up that ends the reminder has just
// been written, and the worklist is not reloaded when the nurse goes back.
func (w *worklistScreen) opened(id string) {
	rows := make([]domain.WorklistRow, 0, len(w.rows))
	changed := false
	for _, r := range w.rows {
		if r.Patient.ID == id {
			kept := make([]domain.CourseFlag, 0, len(r.Course))
			for _, f := range r.Course {
				if f.Kind != domain.FlagNewPatient {
					kept = append(kept, f)
				}
			}
			if len(kept) != len(r.Course) {
				r.Course, changed = kept, true
				if !w.all && !r.NeedsAttention() {
					continue
				}
			}
		}
		rows = append(rows, r)
	}
	if changed {
		w.setRows(rows, w.all)
	}
}
