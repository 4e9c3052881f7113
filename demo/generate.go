package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// PatientRecord is everything generated for one patient.
type PatientRecord struct {
	Patient        domain.Patient
	Responsibility domain.Responsibility
	Regimes        []domain.Regime      // versions, oldest first
	Readings       []domain.Reading     // oldest first, classified on arrival by the version in force when taken
	Questionnaires []domain.ProResponse // oldest first
	Messages       []domain.Message     // oldest first
	Tasks          []domain.Task        // review and missing-measurement tasks, by Created
	Story          Story                // what the patient shows; StoryNone for the filler patients
}

// Generate builds the demo clinic described by opts and passes each patient
// to emit, in id order, without holding more than one patient in memory. The
// output depends only on opts. Generation stops at the first error from
// emit, which is returned wrapped.
//
// Every reading and questionnaire is taken, received and (if acknowledged)
// acknowledged at or before opts.Now, inside the opts.Days calendar days that
// end on Now's day.
func Generate(opts Options, emit func(PatientRecord) error) error {
	o, err := opts.normalize()
	if err != nil {
		return err
	}
	if emit == nil {
		return fmt.Errorf("demo: emit function is nil")
	}
	c := newClock(o)
	for i := range o.Patients {
		rec := c.patient(i)
		if err := emit(rec); err != nil {
			return fmt.Errorf("demo: emit %s: %w", rec.Patient.ID, err)
		}
	}
	return nil
}

// clock holds the calendar every patient shares.
type clock struct {
	o     Options
	now   time.Time
	loc   *time.Location
	y     int
	m     time.Month
	d     int
	first time.Time // local midnight of the first day of history
	// cutoff is yesterday's local midnight: items that arose before it have
	// been acknowledged for every patient except where a story keeps them.
	cutoff time.Time
	// storyDay is the morning the stories happen: today when Now is past
	// 08:00 local, otherwise yesterday.
	storyDay int
	// lateDay is the day of the late arrival: today when Now is past 14:30
	// local, otherwise yesterday.
	lateDay int
	// missFrom is the first of the three missed mornings whose deadline
	// has passed.
	missFrom int
}

func newClock(o Options) *clock {
	c := &clock{o: o, now: o.Now, loc: o.Loc}
	c.y, c.m, c.d = o.Now.In(o.Loc).Date()
	c.first = c.day(-(o.Days - 1))
	c.cutoff = c.day(-1)
	c.storyDay, c.lateDay, c.missFrom = -1, -1, -3
	if !c.now.Before(c.at(0, 8*time.Hour)) {
		c.storyDay = 0
	}
	if !c.now.Before(c.at(0, 14*time.Hour+30*time.Minute)) {
		c.lateDay = 0
	}
	if c.now.After(c.at(0, deadline)) {
		c.missFrom = -2
	}
	return c
}

// day is local midnight k days from today (negative: in the past).
func (c *clock) day(k int) time.Time {
	return time.Date(c.y, c.m, c.d+k, 0, 0, 0, 0, c.loc)
}

// at is wall-clock time tod on day k.
func (c *clock) at(k int, tod time.Duration) time.Time {
	return time.Date(c.y, c.m, c.d+k, 0, 0, 0, int(tod), c.loc)
}

// dayIndex is the day k of local time t.
func (c *clock) dayIndex(t time.Time) int {
	y, m, d := t.In(c.loc).Date()
	a := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	b := time.Date(c.y, c.m, c.d, 0, 0, 0, 0, time.UTC)
	return int(a.Sub(b) / (24 * time.Hour))
}

// inWindow reports whether t lies in the generated history: on or after the
// first day and not after Now.
func (c *clock) inWindow(t time.Time) bool {
	return !t.Before(c.first) && !t.After(c.now)
}

// deadline is the time of day every scheduled measurement is due.
const deadline = 12 * time.Hour

// newRand is the patient's own random source: patient n gets the same data
// whatever the number of patients.
func newRand(seed int64, n int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), uint64(n)*0x9E3779B97F4A7C15+1))
}
