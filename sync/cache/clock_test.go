package cache

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// A Store opened WithClock picks the regime in force by that clock, so a
// training session with its clock moved forward sees the version that
// starts later.
func TestWithClockChoosesRegimeInForce(t *testing.T) {
	ctx := context.Background()
	now := day(0)
	s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"), WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	mustWrite(t, s, func(tx *Tx) error {
		if err := addPatient(tx, "p1", "A"); err != nil {
			return err
		}
		if err := tx.PutRegime(fullRegime("1", day(-30)), Meta{}); err != nil {
			return err
		}
		return tx.PutRegime(fullRegime("2", day(5)), Meta{})
	})
	if !s.Now().Equal(day(0)) {
		t.Fatalf("Now = %v, want the injected clock", s.Now())
	}
	d, err := s.Patient(ctx, "p1", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Regime.Version != "1" {
		t.Errorf("at day 0 regime = %q, want 1", d.Regime.Version)
	}
	now = day(6)
	if d, err = s.Patient(ctx, "p1", time.Time{}); err != nil || d.Regime.Version != "2" {
		t.Errorf("at day 6 regime = %q (%v), want 2", d.Regime.Version, err)
	}
}
