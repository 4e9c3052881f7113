package domain_test

import (
	"testing"
	"time"
	_ "time/tzdata" // Europe/Copenhagen without system tzdata
)

// cph loads Europe/Copenhagen, the production time zone.
func cph(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatalf("load Europe/Copenhagen: %v", err)
	}
	return loc
}

// at is a wall-clock time in loc.
func at(loc *time.Location, y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, loc)
}
