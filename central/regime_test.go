package central

import (
	"net/http"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// A reading is classified by the regime version in force when it was
// taken, even when it arrives after a newer version was saved.
func TestTriageUsesVersionInForceWhenTaken(t *testing.T) {
	e := newEnv(t)
	v2 := testRegime("p1")
	v2.EffectiveFrom = t0.Add(-time.Hour)
	v2.Thresholds.ByKind[domain.KindPulse] = domain.KindThresholds{Primary: domain.Limits{YellowHigh: domain.L(110), RedHigh: domain.L(120)}}
	e.putRegime(v2, t0.Add(time.Second))
	e.clock.Set(t0.Add(time.Minute))
	for _, c := range []struct {
		taken time.Time
		want  domain.Color
	}{{t0.Add(-2 * time.Hour), domain.Red}, {t0, domain.Green}} {
		m := domain.Measurement{PatientID: "p1", Kind: domain.KindPulse, Value: 100, Taken: c.taken}
		r := e.want(e.do(http.MethodPost, "/Observation", tokPatient1, fhir.MeasurementToObservation(m, nil)), http.StatusCreated)
		o, _ := fhir.Decode[*fhir.Observation](r.body)
		if got, _ := fhir.ColourOf(o.Interpretation); got != c.want {
			t.Errorf("pulse 100 taken %v: %v, want %v", c.taken, got, c.want)
		}
	}
}

// The weight-trend rule of the regime in force is applied on arrival: a
// gain of 2 kg over three days turns a weight that is inside the
// thresholds yellow, on the Observation and on its review Task.
func TestTriageAppliesWeightTrendRule(t *testing.T) {
	e := newEnv(t)
	v2 := testRegime("p1")
	v2.Version = "2"
	v2.EffectiveFrom = t0.Add(-48 * time.Hour)
	v2.TrendRule = &domain.TrendRule{GainKg: 2, Days: 3, Color: domain.Yellow}
	e.putRegime(v2, t0.Add(time.Second))
	e.clock.Set(t0.Add(time.Minute))
	for i, c := range []struct {
		kg   float64
		want domain.Color
	}{
		{79.0, domain.Green},  // first weight: no trend yet
		{80.2, domain.Green},  // +1.2 kg
		{81.0, domain.Yellow}, // +2.0 kg in two days, still inside the thresholds (ref 80, yellow at 82)
	} {
		taken := t0.Add(-48*time.Hour + time.Duration(i)*24*time.Hour)
		r := e.want(e.do(http.MethodPost, "/Observation", tokPatient1, weightObs("p1", c.kg, taken, "")), http.StatusCreated)
		o, err := fhir.Decode[*fhir.Observation](r.body)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := fhir.ColourOf(o.Interpretation); got != c.want {
			t.Errorf("weight %.1f: %v, want %v", c.kg, got, c.want)
		}
		if task := findTask(t, e, "Observation/"+o.ID); task.Priority != map[domain.Color]string{domain.Green: "routine", domain.Yellow: "urgent"}[c.want] {
			t.Errorf("weight %.1f: task priority %q", c.kg, task.Priority)
		}
	}
}

// A regime saved after readings were triaged applies to the next reading:
// nothing of the earlier triage (the store keeps patients' regimes between
// transactions) outlives the change.
func TestTriageFollowsARegimeChange(t *testing.T) {
	e := newEnv(t)
	post := func(taken time.Time) domain.Color {
		t.Helper()
		m := domain.Measurement{PatientID: "p1", Kind: domain.KindPulse, Value: 105, Taken: taken}
		r := e.want(e.do(http.MethodPost, "/Observation", tokPatient1, fhir.MeasurementToObservation(m, nil)), http.StatusCreated)
		o, _ := fhir.Decode[*fhir.Observation](r.body)
		c, _ := fhir.ColourOf(o.Interpretation)
		return c
	}
	e.clock.Set(t0.Add(time.Minute))
	if got := post(t0); got != domain.Red {
		t.Fatalf("pulse 105 under the first regime: %v, want red", got)
	}
	v2 := testRegime("p1")
	v2.EffectiveFrom = t0.Add(2 * time.Minute)
	v2.Thresholds.ByKind[domain.KindPulse] = domain.KindThresholds{Primary: domain.Limits{YellowHigh: domain.L(110), RedHigh: domain.L(120)}}
	e.putRegime(v2, t0.Add(2*time.Minute))
	e.clock.Set(t0.Add(4 * time.Minute))
	if got := post(t0.Add(3 * time.Minute)); got != domain.Green {
		t.Fatalf("pulse 105 after the regime allows up to 110: %v, want green", got)
	}
}

// A weight marked entered-in-error is no part of the weight trend: a later
// weight is compared with the valid weights only.
func TestWeightTrendLeavesOutVoidWeights(t *testing.T) {
	e := newEnv(t)
	v2 := testRegime("p1")
	v2.Version = "2"
	v2.EffectiveFrom = t0.Add(-48 * time.Hour)
	v2.TrendRule = &domain.TrendRule{GainKg: 2, Days: 3, Color: domain.Yellow}
	e.putRegime(v2, t0.Add(time.Second))
	e.clock.Set(t0.Add(time.Minute))
	r := e.want(e.do(http.MethodPost, "/Observation", tokPatient1, weightObs("p1", 79.0, t0.Add(-48*time.Hour), "")), http.StatusCreated)
	wrong, _ := fhir.Decode[*fhir.Observation](r.body)
	wrong.Status = "entered-in-error"
	e.want(e.do(http.MethodPut, "/Observation/"+wrong.ID, tokNurseA, wrong), http.StatusOK)
	r = e.want(e.do(http.MethodPost, "/Observation", tokPatient1, weightObs("p1", 81.0, t0, "")), http.StatusCreated)
	o, _ := fhir.Decode[*fhir.Observation](r.body)
	if got, _ := fhir.ColourOf(o.Interpretation); got != domain.Green {
		t.Fatalf("81.0 kg after a void 79.0 kg: %v, want green (no valid earlier weight)", got)
	}
}
