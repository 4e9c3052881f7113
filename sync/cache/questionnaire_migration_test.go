package cache

import (
	"context"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// A cache of schema 10 (regimes and answer sets from before the console
// knew questionnaire definitions) opens at schema 11 with everything it
// held: the regime's rules and the answers stay, they name no
// questionnaire, and the patient view reports no definition (the form's
// fallback) until one arrives.
func TestMigrationToQuestionnaireDefinitions(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	rule := domain.ProRule{Question: "Forpustet?", Answer: "Ja", Severity: domain.Red}
	mustWrite(t, s, func(tx *Tx) error {
		if err := addPatient(tx, "p1", "A"); err != nil {
			return err
		}
		if err := tx.PutRegime(domain.Regime{ID: "cp", Version: "1", PatientID: "p1", EffectiveFrom: day(-10), Start: day(-10),
			Thresholds: domain.DefaultThresholds(80), ProRules: []domain.ProRule{rule}}, Meta{LastUpdated: day(-10)}); err != nil {
			return err
		}
		return tx.PutQuestionnaire(domain.ProResponse{ID: "qr1", PatientID: "p1", Taken: day(-1),
			Answers: []domain.ProAnswer{{Question: "Forpustet?", Answer: "Nej", Severity: domain.Green}}}, Meta{VersionID: "1", LastUpdated: day(-1)})
	})
	p, err := newProvider(s.w)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 10); err != nil {
		t.Fatal(err)
	}
	path := s.path
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, err := s.SchemaVersion(ctx); err != nil || v != latestMigration {
		t.Fatalf("schema %d, %v", v, err)
	}
	d, err := s.Patient(ctx, "p1", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Regime.ProRules) != 1 || d.Regime.ProRules[0] != rule || d.Regime.Questionnaires != nil {
		t.Errorf("regime after migration: rules %+v, questionnaires %q", d.Regime.ProRules, d.Regime.Questionnaires)
	}
	if len(d.Questionnaires) != 1 || d.Questionnaires[0].Questionnaire != "" || len(d.Questionnaires[0].Answers) != 1 {
		t.Errorf("answers after migration: %+v", d.Questionnaires)
	}
	if d.ProDefinitions != nil || d.ProUnknown != nil {
		t.Errorf("definitions %+v, unknown %q; want none", d.ProDefinitions, d.ProUnknown)
	}
}
