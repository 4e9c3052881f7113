package domain

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Phase is where a patient is in the monitoring course.
type Phase string

// Phases of a regime.
const (
	PhaseStartUp Phase = "startup" // daily morning readings, the first 1–2 weeks
	PhaseOngoing Phase = "ongoing"
	// PhaseEnded: the course has ended ("afslut forløb"); the version's End
	// says when.
	PhaseEnded Phase = "ended"
)

// FreqKind is how often a kind is to be measured.
type FreqKind string

// Frequencies a regime can ask for.
const (
	Daily        FreqKind = "daily"          // every day by the deadline
	TimesPerWeek FreqKind = "times-per-week" // N readings per ISO week, due by Sunday's deadline
	OnWeekdays   FreqKind = "weekdays"       // on each of the listed weekdays by the deadline
	Weekly       FreqKind = "weekly"         // once per ISO week, due on Weekdays[0] (Monday if empty)
)

// Frequency of one scheduled measurement kind.
type Frequency struct {
	Kind     FreqKind
	N        int            // for TimesPerWeek
	Weekdays []time.Weekday // for OnWeekdays and Weekly
}

// Schedule says how often one kind is expected and by what time of day.
type Schedule struct {
	Kind     Kind
	Freq     Frequency
	Deadline time.Duration // time of day, local, e.g. 12h for "before noon"
}

// Period is a half-open interval [From, To). A zero To means open-ended.
type Period struct {
	From, To time.Time
	Reason   string
}

// Contains reports whether t lies in the period.
func (p Period) Contains(t time.Time) bool {
	return !t.Before(p.From) && (p.To.IsZero() || t.Before(p.To))
}

// Regime is one version of a patient's measurement regime ("måleregime"):
// what to measure, how often, for how long, and the thresholds.
type Regime struct {
	ID        string // CarePlan id
	Version   string
	PatientID string
	// EffectiveFrom is when this version came into force: readings taken from
	// then on are classified by its thresholds.
	EffectiveFrom time.Time
	Start, End    time.Time // duration of monitoring; zero End = open-ended
	Phase         Phase
	Schedules     []Schedule
	Thresholds    Thresholds
	// TrendRule is optional: a weight gain of at least GainKg within Days
	// gives the colour Color.
	TrendRule    *TrendRule
	Reevaluation time.Time // next planned re-evaluation with the patient
	Pauses       []Period  // no missing-measurement alarms inside these
	Author       string    // who made this version
	Physician    string    // responsible physician
	Reason       string    // why it was changed

	// StartUpEnd ends the start-up period (zero: none planned); see
	// CourseFlags.
	StartUpEnd time.Time
	// ReviewDays is the agreed review interval in days (0: none agreed).
	ReviewDays int
	// ProRules are the severities the physician gave answers of the
	// symptom questionnaire for this patient (see ClassifyPro).
	ProRules []ProRule
	// Questionnaires are the canonical references (url|version) of the
	// questionnaires the patient answers under this regime.
	Questionnaires []string
}

// TrendRule flags a weight gain over a few days.
type TrendRule struct {
	GainKg float64
	Days   int
	Color  Color
}

// Validate checks the regime before it is saved: thresholds in order, an end
// after the start, schedules that make sense.
func (r Regime) Validate() error {
	if err := r.Thresholds.Validate(); err != nil {
		return fmt.Errorf("thresholds: %w", err)
	}
	if !r.End.IsZero() && !r.End.After(r.Start) {
		return fmt.Errorf("end %s must be after start %s", r.End.Format(time.DateOnly), r.Start.Format(time.DateOnly))
	}
	for _, s := range r.Schedules {
		if _, err := ParseKind(string(s.Kind)); err != nil {
			return fmt.Errorf("schedule: %w", err)
		}
		if s.Deadline <= 0 || s.Deadline > 24*time.Hour {
			return fmt.Errorf("%s: deadline %s must be a time of day", s.Kind, s.Deadline)
		}
		switch s.Freq.Kind {
		case Daily, Weekly:
		case TimesPerWeek:
			if s.Freq.N < 1 || s.Freq.N > 7 {
				return fmt.Errorf("%s: %d times a week must be 1–7", s.Kind, s.Freq.N)
			}
		case OnWeekdays:
			if len(s.Freq.Weekdays) == 0 {
				return fmt.Errorf("%s: choose at least one weekday", s.Kind)
			}
		default:
			return fmt.Errorf("%s: unknown frequency %q", s.Kind, s.Freq.Kind)
		}
		for _, wd := range s.Freq.Weekdays {
			if wd < time.Sunday || wd > time.Saturday {
				return fmt.Errorf("%s: %d is not a weekday", s.Kind, wd)
			}
		}
	}
	if r.TrendRule != nil && (!(r.TrendRule.GainKg > 0) || math.IsInf(r.TrendRule.GainKg, 0) || r.TrendRule.Days < 1) {
		return fmt.Errorf("weight trend rule: gain must be positive over at least one day")
	}
	return nil
}

// PendingVersionPrefix starts the version id of a regime version made in
// the console and not yet answered by the central (the central's answer,
// with its own opaque version id, replaces it).
const PendingVersionPrefix = "local:"

// PendingVersion is the version id of a pending version made by the outbox
// entry uuid.
func PendingVersion(uuid string) string { return PendingVersionPrefix + uuid }

// IsPendingVersion reports whether v is a pending (console-made) version.
func IsPendingVersion(v string) bool { return strings.HasPrefix(v, PendingVersionPrefix) }
