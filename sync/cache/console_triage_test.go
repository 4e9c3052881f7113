package cache

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// A reading the central sent without triage is classified against the
// regime version in force when it was taken, not the newest: the same
// pulse of 38 is red under the old limits (red below 40) and yellow under
// the version in force from yesterday (red below 35, yellow below 45).
func TestConsoleTriageUsesTheThresholdsInForceWhenTaken(t *testing.T) {
	ctx := context.Background()
	now := day(0)
	s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"), WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	v1 := domain.Regime{ID: "cp", Version: "a9", PatientID: "p1", EffectiveFrom: day(-30), Start: day(-30),
		Thresholds: domain.DefaultThresholds(80)}
	v2 := v1
	v2.Version, v2.EffectiveFrom = "7f", day(-1)
	v2.Thresholds = domain.Thresholds{ByKind: map[domain.Kind]domain.KindThresholds{
		domain.KindPulse: {Primary: domain.Limits{RedLow: domain.L(35), YellowLow: domain.L(45), YellowHigh: domain.L(90), RedHigh: domain.L(100)}}}}
	mustWrite(t, s, func(tx *Tx) error {
		if err := addPatient(tx, "p1", "Patient"); err != nil {
			return err
		}
		if err := tx.PutRegime(v1, Meta{LastUpdated: day(-30)}); err != nil {
			return err
		}
		return tx.PutRegime(v2, Meta{LastUpdated: day(-1)})
	})
	for _, m := range []domain.Measurement{
		{ID: "before", PatientID: "p1", Kind: domain.KindPulse, Value: 38, Taken: day(-2), Received: day(-2)},
		{ID: "after", PatientID: "p1", Kind: domain.KindPulse, Value: 38, Taken: now.Add(-time.Hour), Received: now.Add(-time.Hour)},
	} {
		o := fhir.MeasurementToObservation(m, nil)
		o.Meta = &fhir.Meta{VersionID: "x", LastUpdated: fhir.FormatInstant(m.Received)}
		raw, _ := json.Marshal(o)
		mustWrite(t, s, func(tx *Tx) error {
			res, err := tx.ApplyResource(raw)
			if err == nil && res.Outcome != Applied {
				t.Errorf("%s: %+v", m.ID, res)
			}
			return err
		})
	}
	d, err := s.Patient(ctx, "p1", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]domain.Color{"before": domain.Red, "after": domain.Yellow}
	for _, r := range d.Readings {
		if r.Color != want[r.ID] || !r.ByConsole {
			t.Errorf("reading %s = %v (by console %v), want %v by the console", r.ID, r.Color, r.ByConsole, want[r.ID])
		}
	}
	open := map[string]domain.Color{}
	for _, tk := range d.OpenTasks {
		if tk.ByConsole {
			open[tk.FocusID] = tk.Color
		}
	}
	if len(open) != 2 || open["before"] != domain.Red || open["after"] != domain.Yellow {
		t.Errorf("the console's items = %v", open)
	}
}
