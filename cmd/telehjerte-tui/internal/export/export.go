// Package export writes the worklist in machine-readable forms (JSON and
// CSV) for the `worklist` subcommand. CPR numbers are always masked; text
// that came from patients or servers is cleaned before it reaches a terminal
// or a spreadsheet.
package export

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// Row is one worklist row as exported.
type Row struct {
	Status     string            `json:"status"` // the worklist group (open items and course reminders): red, yellow, missing, messages, green, unclassified, none
	PatientID  string            `json:"patient_id"`
	Name       string            `json:"name"`
	CPR        string            `json:"cpr"` // masked, DDMMYY-xxxx
	Open       Open              `json:"open"`
	OldestOpen *Time             `json:"oldest_open"` // RFC3339; null when nothing is open
	Latest     map[string]Latest `json:"latest"`      // by measurement kind (weight, pulse, bp, steps, spo2)
	// WorstOpen is, by kind, the most severe reading not yet acknowledged:
	// what puts the patient in her group and what the console's value
	// cell shows (the latest may be a later, milder one); {} when none is
	// open.
	WorstOpen map[string]WorstOpen `json:"worst_open"`
	Team      Team                 `json:"team"`
	// Reminders are the course's reminders (ny borger, opstart slut,
	// revurdering, ikke set i N dage, failing to measure), most pressing
	// first; [] when none.
	Reminders []Reminder `json:"reminders"`
}

// Reminder is one course reminder: kind is a domain.CourseFlagKind
// (new-patient, startup-ended, reevaluation-due, reevaluation-overdue,
// not-seen, failing-to-measure); days as domain.CourseFlag.Days (days
// left, days overdue, days not seen, days missing); of the expected days
// for failing-to-measure.
type Reminder struct {
	Kind string `json:"kind"`
	Days int    `json:"days"`
	Of   int    `json:"of,omitempty"`
}

// reminderOrder puts the most pressing reminder first.
var reminderOrder = map[domain.CourseFlagKind]int{
	domain.FlagReevaluationOverdue: 0, domain.FlagFailingToMeasure: 1, domain.FlagStartUpEnded: 2,
	domain.FlagReevaluationDue: 3, domain.FlagNewPatient: 4, domain.FlagNotSeen: 5,
}

// String is the reminder as one CSV word: kind, with its days (and of).
func (r Reminder) String() string {
	switch {
	case r.Of > 0:
		return fmt.Sprintf("%s:%d/%d", r.Kind, r.Days, r.Of)
	case r.Kind == string(domain.FlagNewPatient) || r.Kind == string(domain.FlagStartUpEnded):
		return r.Kind
	}
	return fmt.Sprintf("%s:%d", r.Kind, r.Days)
}

// Open counts what is open for the patient.
type Open struct {
	New          int `json:"new"`
	Red          int `json:"red"`
	Yellow       int `json:"yellow"`
	Green        int `json:"green"`
	Unclassified int `json:"unclassified"`
	Implausible  int `json:"implausible"`
	Missing      int `json:"missing"`
	Unread       int `json:"unread"`
}

// Latest is the most recent reading of one kind.
type Latest struct {
	Value       float64  `json:"value"`
	Value2      *float64 `json:"value2,omitempty"` // diastolic, for bp
	Unit        string   `json:"unit"`
	Color       string   `json:"color"`
	Implausible bool     `json:"implausible"`
	Taken       Time     `json:"taken"`
}

// WorstOpen is the most severe open reading of one kind, and how many
// readings of the kind are open.
type WorstOpen struct {
	Latest
	Open int `json:"open"`
}

// Time is a time as exported: RFC 3339 in the clinic's zone, whatever the
// year. encoding/json refuses a time.Time outside the years 0–9999, and a
// reading dated 9999-12-31 in UTC is in the year 10000 in Copenhagen: one
// such row made the whole listing fail with no output.
type Time struct{ time.Time }

// MarshalJSON writes the time as an RFC 3339 string; it never fails.
func (t Time) MarshalJSON() ([]byte, error) {
	return strconv.AppendQuote(nil, t.Format(time.RFC3339Nano)), nil
}

// Team is who holds monitoring responsibility now.
type Team struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Cover bool   `json:"cover"` // holiday cover for the home team
	// HomeName is the home team when Cover is true.
	HomeName string `json:"home_name,omitempty"`
}

// Rows converts worklist rows, in their order, with times in loc and the
// responsible team as of now.
func Rows(rows []domain.WorklistRow, now time.Time, loc *time.Location) []Row {
	if loc == nil {
		loc = time.UTC
	}
	out := make([]Row, 0, len(rows))
	for _, r := range rows {
		o := r.Open
		e := Row{
			Status:    r.Group().String(),
			PatientID: safetext.Sanitize(r.Patient.ID),
			Name:      safetext.Sanitize(r.Patient.Name),
			CPR:       domain.MaskCPR(r.Patient.CPR),
			Open: Open{New: o.New(), Red: o.Red, Yellow: o.Yellow, Green: o.Green,
				Unclassified: o.Unclassified, Implausible: o.Implausible, Missing: o.Missing, Unread: o.Unread},
			Latest:    map[string]Latest{},
			WorstOpen: map[string]WorstOpen{},
			Reminders: []Reminder{},
		}
		flags := slices.Clone(r.Course)
		slices.SortStableFunc(flags, func(a, b domain.CourseFlag) int { return reminderOrder[a.Kind] - reminderOrder[b.Kind] })
		for _, f := range flags {
			e.Reminders = append(e.Reminders, Reminder{Kind: string(f.Kind), Days: f.Days, Of: f.Of})
		}
		if !o.Oldest.IsZero() {
			e.OldestOpen = &Time{o.Oldest.In(loc)}
		}
		for _, k := range domain.Kinds() {
			if l, ok := r.Latest[k]; ok && !l.Taken.IsZero() {
				e.Latest[string(k)] = latest(k, l, loc)
			}
			if w, ok := r.WorstOpen[k]; ok && !w.Taken.IsZero() {
				e.WorstOpen[string(k)] = WorstOpen{Latest: latest(k, w, loc), Open: max(r.OpenReadings[k], 1)}
			}
		}
		holder, cover := r.Responsibility.HolderAt(now)
		e.Team = Team{ID: safetext.Sanitize(holder.ID), Name: safetext.Sanitize(holder.Name), Cover: cover}
		if cover {
			e.Team.HomeName = safetext.Sanitize(r.Responsibility.Home.Name)
		}
		out = append(out, e)
	}
	return out
}

// latest is one reading of kind k as exported, its time in loc.
func latest(k domain.Kind, l domain.Latest, loc *time.Location) Latest {
	x := Latest{Value: l.Value, Unit: k.Unit(), Color: l.Color.String(), Implausible: l.Implausible, Taken: Time{l.Taken.In(loc)}}
	if k == domain.KindBloodPressure {
		v2 := l.Value2
		x.Value2 = &v2
	}
	return x
}
