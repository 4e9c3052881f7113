package cache

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// A cache of schema 12 holds a referenced physician as her bare id, which
// the mapping now writes as display text. Opening it at schema 13 makes
// each such row what the data say: the physician the kept CarePlan JSON
// names (a reference, or a display that merely looks like an id), else
// the reference the console that stored it would have written; a name as
// text stays text. Then changing the physician of a regime stored before
// the upgrade replaces the server's reference instead of adding a second
// physician beside it.
func TestMigrationPhysicianReferences(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	carePlan := func(id, version, pid string, physician fhir.Reference) []byte {
		t.Helper()
		cp, _ := fhir.RegimeToFHIR(domain.Regime{ID: id, Version: version, PatientID: pid, EffectiveFrom: day(-5), Start: day(-30),
			Thresholds: domain.DefaultThresholds(80)})
		cp.Meta = &fhir.Meta{VersionID: version, LastUpdated: fhir.FormatInstant(day(-5))}
		cp.Extension = append(cp.Extension, fhir.Extension{URL: fhir.ExtPhysician, ValueReference: &physician})
		b, err := json.Marshal(cp)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	referenced := carePlan("cp1", "2", "p1", fhir.Reference{Reference: "Practitioner/prac-1"})
	older := func(tx *Tx, id, version, pid, physician string) error {
		return tx.PutRegime(domain.Regime{ID: id, Version: version, PatientID: pid, EffectiveFrom: day(-40), Start: day(-40),
			Thresholds: domain.DefaultThresholds(80), Physician: physician}, Meta{LastUpdated: day(-40)})
	}
	mustWrite(t, s, func(tx *Tx) error {
		if err := addPatients(tx, "p1", "p2", "p3", "p4", "p5"); err != nil {
			return err
		}
		// Older versions without JSON of their own: p2's one-word name as
		// text (her current JSON says display Hansen), p4's a reference
		// her current JSON names too, p5's the console's own unsent
		// version (schema 12 wrote every id-like entry as a reference).
		if err := older(tx, "cp2", "0", "p2", "Hansen"); err != nil {
			return err
		}
		if err := older(tx, "cp4", "1", "p4", "prac-9"); err != nil {
			return err
		}
		if err := older(tx, "cp5", domain.PendingVersion("u-1"), "p5", "prac-x"); err != nil {
			return err
		}
		if res, err := tx.ApplyResource(carePlan("cp4", "2", "p4", fhir.Reference{Reference: "Practitioner/prac-9"})); err != nil || res.Outcome != Applied {
			t.Fatalf("care plan: %+v, %v", res, err)
		}
		// p1's older version names a practitioner the cache holds.
		if err := tx.PutPractitioner("prac-old", "Læge Old", "", Meta{VersionID: "1", LastUpdated: day(-60)}); err != nil {
			return err
		}
		// p1: an older version with no JSON kept, and the current one.
		if err := tx.PutRegime(domain.Regime{ID: "cp1", Version: "1", PatientID: "p1", EffectiveFrom: day(-30), Start: day(-30),
			Thresholds: domain.DefaultThresholds(80), Physician: "prac-old"}, Meta{LastUpdated: day(-30)}); err != nil {
			return err
		}
		for _, raw := range [][]byte{referenced, carePlan("cp2", "1", "p2", fhir.Reference{Display: "Hansen"})} {
			if res, err := tx.ApplyResource(raw); err != nil || res.Outcome != Applied {
				t.Fatalf("care plan: %+v, %v", res, err)
			}
		}
		return tx.PutRegime(domain.Regime{ID: "cp3", Version: "1", PatientID: "p3", EffectiveFrom: day(-5), Start: day(-5),
			Thresholds: domain.DefaultThresholds(80), Physician: "Dr. Jensen"}, Meta{LastUpdated: day(-5)})
	})
	downgrade(t, s, 12)
	// The rows as a console of schema 12 stored them: a reference as
	// the bare id.
	if _, err := s.w.ExecContext(ctx, `UPDATE regimes SET physician = 'prac-1' WHERE id = 'cp1' AND version_id = '2'`); err != nil {
		t.Fatal(err)
	}
	s = reopen(t, s)
	if v, err := s.SchemaVersion(ctx); err != nil || v != latestMigration {
		t.Fatalf("schema %d, %v", v, err)
	}
	hist, err := s.RegimeHistory(ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 {
		t.Fatalf("p1 has %d versions", len(hist))
	}
	if hist[0].Physician != "Practitioner/prac-old" || hist[1].Physician != "Practitioner/prac-1" {
		t.Errorf("p1's physicians after the upgrade: %q, %q; want Practitioner/prac-old, Practitioner/prac-1", hist[0].Physician, hist[1].Physician)
	}
	for pid, want := range map[string][]string{"p2": {"Hansen", "Hansen"}, "p4": {"Practitioner/prac-9", "Practitioner/prac-9"}, "p5": {"Practitioner/prac-x"}} {
		h, err := s.RegimeHistory(ctx, pid)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range h {
			got = append(got, r.Physician)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s's physicians after the upgrade, oldest first: %q, want %q", pid, got, want)
		}
	}
	for pid, want := range map[string]string{"p2": "Hansen", "p3": "Dr. Jensen"} {
		d, err := s.Patient(ctx, pid, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if d.Regime.Physician != want {
			t.Errorf("%s: physician %q after the upgrade, want %q", pid, d.Regime.Physician, want)
		}
	}

	// A change of p1's physician to a name as text, merged onto the
	// server's CarePlan as the console sends it: one physician, the text.
	cur := hist[1]
	next := cur
	next.Physician = "Hansen"
	oldCP, _ := fhir.RegimeToFHIR(cur)
	newCP, _ := fhir.RegimeToFHIR(next)
	ob, _ := json.Marshal(oldCP)
	nb, _ := json.Marshal(newCP)
	merged, err := fhir.MergeChange(referenced, ob, nb)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := fhir.Decode[*fhir.CarePlan](merged)
	if err != nil {
		t.Fatal(err)
	}
	phys := fhir.FindExtensions(cp.Extension, fhir.ExtPhysician)
	if len(phys) != 1 || phys[0].ValueReference == nil || phys[0].ValueReference.Reference != "" || phys[0].ValueReference.Display != "Hansen" {
		t.Errorf("the changed CarePlan names the physicians %+v; want the one text Hansen:\n%s", phys, merged)
	}
}
