package cache

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// TestImplausibleTimeNeverLatest: readings dated 9999-12-31 (received
// today) and year 1 are kept and flagged with the reason, but the latest
// weight stays the newest plausible one, a later plausible reading still
// takes over, and the worklist lists the patient with it.
func TestImplausibleTimeNeverLatest(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	put := func(r domain.Reading) {
		t.Helper()
		mustWrite(t, s, func(tx *Tx) error { return tx.PutReading(r, Meta{}) })
	}
	latest := func() string {
		t.Helper()
		rows, err := s.Worklist(ctx, true)
		if err != nil || len(rows) != 1 {
			t.Fatalf("worklist: %d rows, %v", len(rows), err)
		}
		l, ok := rows[0].Latest[domain.KindWeight]
		if !ok {
			return ""
		}
		return l.Taken.UTC().Format(time.DateOnly)
	}
	mustWrite(t, s, func(tx *Tx) error { return addPatient(tx, "p1", "A") })
	future := reading("o-future", "p1", domain.KindWeight, time.Date(9999, 12, 31, 23, 59, 0, 0, time.UTC), 99, domain.Red)
	future.Received = day(1)
	put(future)
	if got := latest(); got != "" {
		t.Errorf("latest weight with only a reading dated 9999: %s, want none", got)
	}
	put(reading("o1", "p1", domain.KindWeight, day(1), 81, domain.Green))
	ancient := reading("o-year1", "p1", domain.KindWeight, time.Date(1, 1, 1, 0, 0, 0, 0, time.FixedZone("", 23*3600+59*60)), 70, domain.Green)
	ancient.Received = day(1)
	put(ancient)
	if got, want := latest(), day(1).UTC().Format(time.DateOnly); got != want {
		t.Errorf("latest weight = %s, want the reading of %s (not 9999)", got, want)
	}
	put(reading("o2", "p1", domain.KindWeight, day(2), 82, domain.Green))
	if got, want := latest(), day(2).UTC().Format(time.DateOnly); got != want {
		t.Errorf("latest weight after a newer reading = %s, want %s", got, want)
	}
	// The latest corrected to an impossible time: the next plausible one
	// takes over.
	moved := reading("o2", "p1", domain.KindWeight, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 82, domain.Green)
	moved.Received = day(2)
	put(moved)
	if got, want := latest(), day(1).UTC().Format(time.DateOnly); got != want {
		t.Errorf("latest weight after o2 moved to 9999 = %s, want %s", got, want)
	}
	d, err := s.Patient(ctx, "p1", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	flagged := map[string]bool{}
	for _, r := range d.Readings {
		if strings.Contains(r.Implausible, "time taken") {
			flagged[r.ID] = true
		}
	}
	if len(d.Readings) != 4 || !flagged["o-future"] || !flagged["o-year1"] || !flagged["o2"] || flagged["o1"] {
		t.Errorf("readings %d, flagged for their time %v; want all 4 kept, the three impossible ones flagged", len(d.Readings), flagged)
	}
}
