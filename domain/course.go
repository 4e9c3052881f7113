package domain

import (
	"sort"
	"time"
)

// Course rules: the shape of a patient's time in TeleHjerte (enrolment, a
// start-up period, re-evaluation every 2–3 months, review at an agreed
// interval, an end). CourseFlags says which of them need a nurse now; all
// dates are local calendar days (Europe/Copenhagen in the console), so a
// DST change never moves a due date.

// CourseFlagKind names one thing about a course that needs a nurse.
type CourseFlagKind string

// The course flags, in display order.
const (
	// FlagNewPatient: enrolled and not yet opened by anyone ("ny borger").
	FlagNewPatient CourseFlagKind = "new-patient"
	// FlagStartUpEnded: the start-up period is over and no version with
	// individual thresholds has been saved ("opstart slut: sæt individuelle
	// grænser").
	FlagStartUpEnded CourseFlagKind = "startup-ended"
	// FlagReevaluationOverdue: the re-evaluation date has passed with no
	// re-evaluation recorded (yellow group).
	FlagReevaluationOverdue CourseFlagKind = "reevaluation-overdue"
	// FlagReevaluationDue: the re-evaluation date is at most
	// ReevaluationNoticeDays away ("revurdering").
	FlagReevaluationDue CourseFlagKind = "reevaluation-due"
	// FlagNotSeen: nobody has reviewed the patient's data within the agreed
	// review interval ("ikke set i N dage").
	FlagNotSeen CourseFlagKind = "not-seen"
	// FlagFailingToMeasure: missing on at least FailingMissingDays of the
	// last FailingWindowDays days that expected a measurement.
	FlagFailingToMeasure CourseFlagKind = "failing-to-measure"
)

// Course rule constants.
const (
	StartUpDays            = 14 // default length of the start-up period
	ReevaluationNoticeDays = 7  // "revurdering" shows this many days ahead
	FailingWindowDays      = 7  // expected days looked back over
	FailingMissingDays     = 3  // missing days within the window that flag
)

// CourseFlag is one flag with what the nurse needs to read it.
type CourseFlag struct {
	Kind CourseFlagKind
	// Days: for FlagNotSeen the whole days since the last review (or since
	// enrolment when never reviewed); for FlagReevaluationDue the days left
	// (0 = today); for FlagReevaluationOverdue the days past; for
	// FlagFailingToMeasure the missing days in the window.
	Days int
	// Of: for FlagFailingToMeasure the expected days in the window.
	Of int
	// Date: the start-up end or re-evaluation date the flag is about.
	Date time.Time
}

// CourseState is what CourseFlags reads about one patient.
type CourseState struct {
	Regime   Regime    // the version in force now
	Enrolled time.Time // when the patient was enrolled
	// Opened reports whether anyone has opened the patient since enrolment.
	Opened bool
	// StartUpEnd ends the start-up period (zero: none planned). While the
	// regime is still in PhaseStartUp at or after it, the flag shows.
	StartUpEnd time.Time
	// LastReview is the last time a nurse acknowledged the patient's data;
	// zero when never.
	LastReview time.Time
	// ReviewDays is the agreed review interval in days; 0 means none agreed.
	ReviewDays int
	// Slots are the expected measurements of the last days, as
	// EvaluateSlots returns them.
	Slots []SlotResult
}

// CourseFlags returns the flags of one patient at now, in display order.
func CourseFlags(s CourseState, now time.Time, loc *time.Location) []CourseFlag {
	if loc == nil {
		loc = time.UTC
	}
	today := civilDate(now, loc)
	// Civil dates are midnight UTC: whole days apart, exactly.
	days := func(from, to civil) int { return int(to.Sub(from) / (24 * time.Hour)) }
	var out []CourseFlag
	if !s.Opened {
		out = append(out, CourseFlag{Kind: FlagNewPatient, Date: s.Enrolled})
	}
	if !s.StartUpEnd.IsZero() && s.Regime.Phase == PhaseStartUp && !today.Before(civilDate(s.StartUpEnd, loc)) {
		out = append(out, CourseFlag{Kind: FlagStartUpEnded, Date: s.StartUpEnd})
	}
	if r := s.Regime.Reevaluation; !r.IsZero() {
		due := civilDate(r, loc)
		switch left := days(today, due); {
		case left < 0:
			out = append(out, CourseFlag{Kind: FlagReevaluationOverdue, Days: -left, Date: r})
		case left <= ReevaluationNoticeDays:
			out = append(out, CourseFlag{Kind: FlagReevaluationDue, Days: left, Date: r})
		}
	}
	if s.ReviewDays > 0 {
		since := s.LastReview
		if since.IsZero() {
			since = s.Enrolled
		}
		if !since.IsZero() {
			if n := days(civilDate(since, loc), today); n > s.ReviewDays {
				out = append(out, CourseFlag{Kind: FlagNotSeen, Days: n})
			}
		}
	}
	if missing, expected := failingDays(s.Slots, today, loc); missing >= FailingMissingDays {
		out = append(out, CourseFlag{Kind: FlagFailingToMeasure, Days: missing, Of: expected})
	}
	return out
}

// failingDays looks at the last FailingWindowDays local days before today
// that expected a measurement (paused and still pending slots do not count)
// and returns on how many of them something was missing, and how many
// such days there were.
func failingDays(slots []SlotResult, today civil, loc *time.Location) (missing, expected int) {
	type day struct{ missing bool }
	byDay := map[civil]*day{}
	for _, r := range slots {
		if r.State == SlotPaused || r.State == SlotPending {
			continue
		}
		d := civilDate(r.Due, loc)
		if !d.Before(today) {
			continue // today is not over
		}
		e := byDay[d]
		if e == nil {
			e = &day{}
			byDay[d] = e
		}
		if r.State == SlotMissing {
			e.missing = true
		}
	}
	dates := make([]civil, 0, len(byDay))
	for d := range byDay {
		dates = append(dates, d)
	}
	sort.Slice(dates, func(i, j int) bool { return dates[i].After(dates[j]) })
	if len(dates) > FailingWindowDays {
		dates = dates[:FailingWindowDays]
	}
	for _, d := range dates {
		if byDay[d].missing {
			missing++
		}
	}
	return missing, len(dates)
}

// StartUpEndFrom is the default end of the start-up period of a course
// starting at start: StartUpDays local calendar days later, at the same
// wall-clock time (so a DST change does not shift it by an hour).
func StartUpEndFrom(start time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return start.In(loc).AddDate(0, 0, StartUpDays)
}
