package fhir

import (
	"slices"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// A regime's questionnaire severities travel on its CarePlan and back;
// a severity that is no colour is malformed.
func TestProRulesRoundTrip(t *testing.T) {
	at := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	r := domain.Regime{ID: "cp-1", PatientID: "p1", EffectiveFrom: at, Start: at, Phase: domain.PhaseOngoing,
		ProRules: []domain.ProRule{{Question: "Åndenød", Answer: "Ved let aktivitet", Severity: domain.Red},
			{Question: "Træthed", Answer: "Lidt", Severity: domain.Green}}}
	cp, srs := RegimeToFHIR(r)
	raw, err := Encode(cp)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode[*CarePlan](raw)
	if err != nil {
		t.Fatal(err)
	}
	got, err := RegimeFromFHIR(back, srs)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.ProRules, r.ProRules) {
		t.Errorf("rules %+v, want %+v", got.ProRules, r.ProRules)
	}
	for i := range back.Extension {
		if back.Extension[i].URL == ExtProSeverity {
			bad := "purple"
			back.Extension[i].Extension[2].ValueCode = &bad
		}
	}
	if _, err := RegimeFromFHIR(back, srs); err == nil {
		t.Error("a severity that is no colour was read")
	}
}
