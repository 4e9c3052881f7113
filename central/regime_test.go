package central

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/fhir"
)

// A reading is classified by the regime version in force when it was
// taken, even when it arrives after a newer version was saved.
func TestTriageUsesVersionInForceWhenTaken(t *testing.T) {
	e := newEnv(t)
	v2 := testRegime("p1")
	v2.EffectiveFrom = t0.Add(-time.Hour)
	v2.Thresholds.ByKind[domain.KindPulse] = domain.KindThresholds{Primary: domain.Limits{YellowHigh: domain.L(110), RedHigh: domain.L(120)}}
	cp, srs := fhir.RegimeToFHIR(v2)
	rs := []fhir.Resource{cp}
	for _, sr := range srs {
		rs = append(rs, sr)
	}
	e.clock.Set(t0.Add(time.Second))
	if err := e.store.Put(context.Background(), rs...); err != nil {
		t.Fatal(err)
	}
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
