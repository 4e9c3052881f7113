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

// A questionnaire from a server that does not know the patient's own
// answer rules (it sends the app's severities) is shown with the rules of
// the regime version in force when she answered: "Mere end før" to
// "Åndenød?" is red under the version from day -10, yellow as the app sent
// it before that version, and an answer no rule names keeps the app's
// severity.
func TestQuestionnaireTakesTheRulesInForceWhenAnswered(t *testing.T) {
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
	v2.Version, v2.EffectiveFrom = "7f", day(-10)
	v2.ProRules = []domain.ProRule{{Question: "Åndenød?", Answer: "Mere end før", Severity: domain.Red}}
	mustWrite(t, s, func(tx *Tx) error {
		if err := addPatient(tx, "p1", "Patient"); err != nil {
			return err
		}
		if err := tx.PutRegime(v1, Meta{LastUpdated: day(-30)}); err != nil {
			return err
		}
		return tx.PutRegime(v2, Meta{LastUpdated: day(-10)})
	})
	answers := []domain.ProAnswer{
		{Question: "Åndenød?", Answer: "Mere end før", Severity: domain.Yellow},
		{Question: "Hævede ben?", Answer: "Nej", Severity: domain.Green},
	}
	for id, taken := range map[string]time.Time{"before": day(-20), "after": day(-1)} {
		q := fhir.ProToQuestionnaireResponse(domain.ProResponse{ID: id, PatientID: "p1", Taken: taken, Answers: answers})
		q.Meta = &fhir.Meta{VersionID: "x", LastUpdated: fhir.FormatInstant(taken)}
		raw, err := json.Marshal(q)
		if err != nil {
			t.Fatal(err)
		}
		mustWrite(t, s, func(tx *Tx) error {
			res, err := tx.ApplyResource(raw)
			if err == nil && res.Outcome != Applied {
				t.Errorf("%s: %+v", id, res)
			}
			return err
		})
	}
	d, err := s.Patient(ctx, "p1", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]domain.Color{"before": {domain.Yellow, domain.Green}, "after": {domain.Red, domain.Green}}
	if len(d.Questionnaires) != 2 {
		t.Fatalf("questionnaires %+v", d.Questionnaires)
	}
	for _, q := range d.Questionnaires {
		w, ok := want[q.ID]
		if !ok || len(q.Answers) != 2 || q.Answers[0].Severity != w[0] || q.Answers[1].Severity != w[1] || q.Color() != w[0] {
			t.Errorf("questionnaire %s: %+v (colour %v), want severities %v", q.ID, q.Answers, q.Color(), w)
		}
	}
}
