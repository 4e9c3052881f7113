package cache

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// "Ny borger" belongs to a course: a patient enrolled again (a new plan on
// the same Patient record after her first course ended) is new again on a
// workstation that opened her during the first course, until she is opened
// in the new one; an acknowledgement made in the first course does not
// count either. The console's clock (a training clock running 40 days
// ahead) dates the courses and the real clock stamps the look-ups, so the
// two clocks are never compared.
func TestNewPatientAgainAfterReenrolment(t *testing.T) {
	ctx := context.Background()
	now := day(0)
	real := day(0).Add(-40 * 24 * time.Hour)
	s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"),
		WithClock(func() time.Time { return now }), WithAuditClock(func() time.Time { return real }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	course := func(plan string, start time.Time, phase domain.Phase, version string, from time.Time) domain.Regime {
		return domain.Regime{ID: plan, Version: version, PatientID: "p1", EffectiveFrom: from, Start: start, Phase: phase,
			StartUpEnd: start.AddDate(0, 0, domain.StartUpDays)}
	}
	mustWrite(t, s, func(tx *Tx) error {
		if err := addPatient(tx, "p1", "Ny Igen"); err != nil {
			return err
		}
		return tx.PutRegime(course("cp-1", day(0), domain.PhaseStartUp, "1", day(0)), Meta{})
	})
	opened := func(at time.Time) bool {
		t.Helper()
		st, err := s.CourseStates(ctx, at, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		cs, ok := st["p1"]
		if !ok {
			t.Fatalf("no course going on at %s", at)
		}
		return cs.Opened
	}
	look := func() {
		t.Helper()
		if err := s.Audit(ctx, domain.AuditEntry{At: now, User: "nurse-a", Action: AuditViewPatient, PatientID: "p1"}); err != nil {
			t.Fatal(err)
		}
	}
	if opened(day(1)) {
		t.Fatal("just enrolled: already opened")
	}
	now = day(1)
	look()
	if !opened(day(1)) {
		t.Fatal("opened in the first course: still new")
	}
	// A reading of the first course acknowledged; then the course ends.
	mustWrite(t, s, func(tx *Tx) error {
		tk := openTask("t1", "p1", domain.Yellow, day(1))
		tk.Done, tk.DoneBy, tk.DoneAt = true, "nurse-a", day(2)
		if err := tx.PutTask(tk, Meta{VersionID: "2", LastUpdated: day(2)}); err != nil {
			return err
		}
		end := course("cp-1", day(0), domain.PhaseEnded, "2", day(20))
		end.End = day(20)
		return tx.PutRegime(end, Meta{})
	})
	// Enrolled again on day 30: a new plan on the same record.
	mustWrite(t, s, func(tx *Tx) error {
		return tx.PutRegime(course("cp-2", day(30), domain.PhaseStartUp, "1", day(30)), Meta{})
	})
	if opened(day(31)) {
		t.Fatal("the new course counts a look-up or acknowledgement of the first course: 'ny borger' is not shown")
	}
	now = day(31)
	look()
	if !opened(day(31)) {
		t.Fatal("opened in the new course: still new")
	}
}

// Another workstation's opening of the patient reaches this cache only as
// an acknowledgement of her data (look-ups are not pulled): one made in
// the new course ends its "ny borger", one made in the earlier course
// does not.
func TestAcknowledgementInTheNewCourseEndsNewPatient(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	plan := func(id string, start time.Time, phase domain.Phase, version string, from time.Time) domain.Regime {
		return domain.Regime{ID: id, Version: version, PatientID: "p1", EffectiveFrom: from, Start: start, Phase: phase}
	}
	mustWrite(t, s, func(tx *Tx) error {
		if err := addPatient(tx, "p1", "Ny Igen"); err != nil {
			return err
		}
		done := openTask("t-old", "p1", domain.Red, day(1))
		done.Done, done.DoneBy, done.DoneAt = true, "nurse-b", day(2)
		if err := tx.PutTask(done, Meta{VersionID: "2", LastUpdated: day(2)}); err != nil {
			return err
		}
		if err := tx.PutRegime(plan("cp-1", day(0), domain.PhaseStartUp, "1", day(0)), Meta{}); err != nil {
			return err
		}
		end := plan("cp-1", day(0), domain.PhaseEnded, "2", day(20))
		end.End = day(20)
		if err := tx.PutRegime(end, Meta{}); err != nil {
			return err
		}
		return tx.PutRegime(plan("cp-2", day(30), domain.PhaseStartUp, "1", day(30)), Meta{})
	})
	opened := func() bool {
		t.Helper()
		st, err := s.CourseStates(ctx, day(32), time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		return st["p1"].Opened
	}
	if opened() {
		t.Fatal("an acknowledgement of the earlier course ends 'ny borger' of the new one")
	}
	mustWrite(t, s, func(tx *Tx) error {
		done := openTask("t-new", "p1", domain.Red, day(31))
		done.Done, done.DoneBy, done.DoneAt = true, "nurse-b", day(31).Add(time.Hour)
		return tx.PutTask(done, Meta{VersionID: "2", LastUpdated: day(31)})
	})
	if !opened() {
		t.Fatal("another workstation's acknowledgement in the new course does not end 'ny borger'")
	}
}
