package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Re-evaluation with the patient (every 2–3 months) and the end of the
// course ("afslut forløb").

// ReevalOutcome is what a re-evaluation decided.
type ReevalOutcome string

// Re-evaluation outcomes.
const (
	ReevalContinue ReevalOutcome = "continue" // go on as now, re-evaluate again on Next
	ReevalChange   ReevalOutcome = "change"   // change the regime (the regime form follows), re-evaluate on Next
	ReevalEnd      ReevalOutcome = "end"      // end the course (the end form follows)
)

// ReevalOutcomes lists the outcomes in display order.
func ReevalOutcomes() []ReevalOutcome {
	return []ReevalOutcome{ReevalContinue, ReevalChange, ReevalEnd}
}

// MaxCourseNote is the longest note of a re-evaluation or an end, in
// characters.
const MaxCourseNote = 2000

// Reevaluation records a re-evaluation.
type Reevaluation struct {
	PatientID string
	Outcome   ReevalOutcome
	Next      time.Time // the next re-evaluation (continue, change)
	Note      string
	By        string
	At        time.Time
}

// Validate checks a re-evaluation at today (the local day). Fields:
// "outcome", "next" (after today and within a year, for continue and
// change), "note".
func (r Reevaluation) Validate(today time.Time) error {
	var p Problems
	switch r.Outcome {
	case ReevalContinue, ReevalChange:
		y, m, d := today.Date()
		end := time.Date(y, m, d+1, 0, 0, 0, 0, today.Location())
		switch {
		case r.Next.IsZero():
			p.add("next", CodeRequired, "the next re-evaluation date is required")
		case r.Next.Before(end):
			p.add("next", CodeAfter, "the next re-evaluation must lie after today").Other = "today"
		case r.Next.After(today.AddDate(1, 0, 0)):
			fe := p.add("next", CodeRange, "the next re-evaluation must lie within a year")
			fe.Min, fe.Max = 1, 366
		}
	case ReevalEnd:
	default:
		p.add("outcome", CodeInvalid, "unknown outcome %q", r.Outcome)
	}
	if utf8.RuneCountInString(r.Note) > MaxCourseNote {
		p.add("note", CodeTooLong, "at most %d characters", MaxCourseNote).Max = MaxCourseNote
	}
	if strings.TrimSpace(r.PatientID) == "" {
		p.add("patient", CodeRequired, "the patient must be known")
	}
	return p.err()
}

// EndReason is why a course ends.
type EndReason string

// End reasons, in display order.
const (
	EndStable      EndReason = "stable"            // stable, titration done
	EndNotNeeded   EndReason = "no-longer-needed"  // no longer needs monitoring
	EndFailed      EndReason = "failed-to-measure" // repeatedly failed to measure
	EndMoved       EndReason = "moved"
	EndDied        EndReason = "died"
	EndOwnWish     EndReason = "own-wish"
	EndOtherReason EndReason = "other" // Note says what
)

// EndReasons lists the reasons in display order.
func EndReasons() []EndReason {
	return []EndReason{EndStable, EndNotNeeded, EndFailed, EndMoved, EndDied, EndOwnWish, EndOtherReason}
}

// AfterCare is who holds treatment responsibility after the course.
type AfterCare string

// Treatment responsibility after the end.
const (
	AfterGP     AfterCare = "gp"     // the patient's own GP (the normal case)
	AfterClinic AfterCare = "clinic" // prolonged at the clinic (hard cases)
)

// CodeOpenItems is the problem code of an end with open items neither
// acknowledged nor closed with it.
const CodeOpenItems = "open-items"

// CourseEnd ends a patient's course.
type CourseEnd struct {
	PatientID string
	Reason    EndReason
	End       time.Time // the last day of the course (local midnight of it)
	After     AfterCare
	Note      string // closing note; required for EndOtherReason
	// OpenItems is how many items are open now; CloseOpen says the nurse
	// closes them with the end.
	OpenItems int
	CloseOpen bool
	By        string
	At        time.Time
}

// Validate checks an end at today against the course's start. Fields:
// "reason", "end" (the last day: not before the day the course began, not
// after today), "after",
// "note" (required for other), "open" (open items neither acknowledged nor
// closed, CodeOpenItems).
func (e CourseEnd) Validate(today, start time.Time) error {
	var p Problems
	known := false
	for _, r := range EndReasons() {
		known = known || r == e.Reason
	}
	if !known {
		p.add("reason", CodeRequired, "choose why the course ends")
	}
	switch {
	case e.End.IsZero():
		p.add("end", CodeRequired, "the end date is required")
	case !start.IsZero() && !e.End.AddDate(0, 0, 1).After(start):
		p.add("end", CodeAfter, "the last day cannot lie before the course began").Other = "start"
	case e.End.After(today):
		p.add("end", CodeInvalid, "the end date cannot lie in the future: end the course on the day it ends")
	}
	if e.After != AfterGP && e.After != AfterClinic {
		p.add("after", CodeRequired, "say who holds treatment responsibility afterwards")
	}
	note := strings.TrimSpace(e.Note)
	switch {
	case e.Reason == EndOtherReason && note == "":
		p.add("note", CodeRequired, "say why the course ends")
	case utf8.RuneCountInString(note) > MaxCourseNote:
		p.add("note", CodeTooLong, "at most %d characters", MaxCourseNote).Max = MaxCourseNote
	}
	if e.OpenItems > 0 && !e.CloseOpen {
		fe := p.add("open", CodeOpenItems, "%d open items must be acknowledged, or closed with the end", e.OpenItems)
		fe.Max = float64(e.OpenItems)
	}
	if strings.TrimSpace(e.PatientID) == "" {
		p.add("patient", CodeRequired, "the patient must be known")
	}
	return p.err()
}

// EndedCourse is a course that has ended, for the list of ended courses.
type EndedCourse struct {
	Patient Patient
	End     time.Time
	Reason  string // the regime version's reason text
}

// EndAt is when the course ends: now when the last day is today, else the
// midnight after the last day (loc is the clinic's time).
func (e CourseEnd) EndAt(now time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	d := e.End.In(loc)
	after := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
	if after.After(now) {
		return now
	}
	return after
}
