package demo

import (
	"errors"
	"fmt"
	"time"
)

// Defaults used when an Options field is zero.
const (
	DefaultPatients = 40
	DefaultDays     = 60
	DefaultLocation = "Europe/Copenhagen"
)

// Options control the generated clinic. Zero fields take defaults, except
// Now, which is required (the package has no clock).
type Options struct {
	Patients int            // number of patients; 0 means DefaultPatients
	Days     int            // days of history up to and including Now's day; 0 means DefaultDays
	Seed     int64          // random seed; the same Options give the same clinic
	Now      time.Time      // the moment the clinic is generated for; required
	Loc      *time.Location // local time of the clinic; nil means Europe/Copenhagen
}

// ErrNoNow is returned when Options.Now is zero.
var ErrNoNow = errors.New("demo: Options.Now is required")

// normalize validates o and fills in defaults.
func (o Options) normalize() (Options, error) {
	if o.Now.IsZero() {
		return o, ErrNoNow
	}
	if o.Patients < 0 {
		return o, fmt.Errorf("demo: Options.Patients must not be negative, got %d", o.Patients)
	}
	if o.Days < 0 {
		return o, fmt.Errorf("demo: Options.Days must not be negative, got %d", o.Days)
	}
	if o.Patients == 0 {
		o.Patients = DefaultPatients
	}
	if o.Days == 0 {
		o.Days = DefaultDays
	}
	if o.Patients > maxPatients {
		return o, fmt.Errorf("demo: Options.Patients %d exceeds the maximum %d", o.Patients, maxPatients)
	}
	if o.Days > maxDays {
		return o, fmt.Errorf("demo: Options.Days %d exceeds the maximum %d", o.Days, maxDays)
	}
	if o.Loc == nil {
		loc, err := time.LoadLocation(DefaultLocation)
		if err != nil {
			return o, fmt.Errorf("demo: load %s: %w", DefaultLocation, err)
		}
		o.Loc = loc
	}
	return o, nil
}

// Limits that keep ids fixed-width and generation bounded.
const (
	maxPatients = 999999
	maxDays     = 3660
)
