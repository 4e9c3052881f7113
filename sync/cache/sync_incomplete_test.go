package cache

import (
	"context"
	"testing"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// UncachedPatients names the Patients of a page the cache does not hold;
// an incomplete mark stays until MarkComplete or until the patient is
// purged.
func TestIncompletePatients(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustWrite(t, s, func(tx *Tx) error { return addPatient(tx, "p1", "Anna") })
	var page []Pulled
	for _, id := range []string{"p1", "p2"} {
		raw, err := fhir.Encode(fhir.PatientToFHIR(patient(id, "X")))
		if err != nil {
			t.Fatal(err)
		}
		page = append(page, Decode(raw))
	}
	page = append(page, Decode([]byte(`{"resourceType":"Observation","id":"o1"}`)), Decode([]byte(`{not json`)))
	mustWrite(t, s, func(tx *Tx) error {
		got, err := tx.UncachedPatients(page)
		if err != nil {
			return err
		}
		if len(got) != 1 || got[0] != "p2" {
			t.Errorf("uncached = %v, want [p2]", got)
		}
		return tx.MarkIncomplete([]string{"p1", "p1"})
	})
	if inc, err := s.Incomplete(ctx); err != nil || len(inc) != 1 || !inc["p1"] {
		t.Fatalf("incomplete = %v (%v), want p1", inc, err)
	}
	mustWrite(t, s, func(tx *Tx) error {
		_, err := tx.PurgePatient("p1")
		return err
	})
	if inc, err := s.Incomplete(ctx); err != nil || len(inc) != 0 {
		t.Fatalf("incomplete after purging p1 = %v (%v)", inc, err)
	}
	mustWrite(t, s, func(tx *Tx) error { return tx.MarkIncomplete([]string{"p3"}) })
	if err := s.MarkComplete(ctx, []string{"p3"}); err != nil {
		t.Fatal(err)
	}
	if inc, err := s.Incomplete(ctx); err != nil || len(inc) != 0 {
		t.Fatalf("incomplete after MarkComplete = %v (%v)", inc, err)
	}
}

// Upgrading a cache to schema 14 marks every cached patient incomplete:
// which of them became visible without their earlier records cannot be
// told, so the first round pulls each one's records once more.
func TestMigrationMarksCachedPatientsIncomplete(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustWrite(t, s, func(tx *Tx) error { return addPatients(tx, "p1", "p2") })
	downgrade(t, s, 13)
	s = reopen(t, s)
	if inc, err := s.Incomplete(ctx); err != nil || len(inc) != 2 || !inc["p1"] || !inc["p2"] {
		t.Fatalf("incomplete after the upgrade = %v (%v), want p1 and p2", inc, err)
	}
}
