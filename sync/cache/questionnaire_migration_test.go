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
	downgrade(t, s, 10)
	s = reopen(t, s)
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

// A cache upgraded from schema 10 holds regimes stored before regimes named
// their questionnaires, and the central may never send those CarePlans
// again (their versions are known). The cache kept each CarePlan's JSON, so
// opening it fills in the questionnaires the stored version names: the
// form's data source (the patient view's definitions, ProOptions) lists
// every option of the definition once the definition arrives.
func TestUpgradedCacheNamesQuestionnairesOfStoredCarePlans(t *testing.T) {
	ctx := context.Background()
	const url = "http://example.org/Questionnaire/pro"
	s := openTest(t)
	reg := domain.Regime{ID: "cp", Version: "3", PatientID: "p1", EffectiveFrom: day(-10), Start: day(-10),
		Thresholds: domain.DefaultThresholds(80), Questionnaires: []string{url + "|1"}}
	cp, _ := fhir.RegimeToFHIR(reg)
	cp.Meta = &fhir.Meta{VersionID: "3", LastUpdated: fhir.FormatInstant(day(-10))}
	rawPlan, err := json.Marshal(cp)
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, s, func(tx *Tx) error {
		if err := addPatient(tx, "p1", "A"); err != nil {
			return err
		}
		res, err := tx.ApplyResource(rawPlan)
		if err != nil {
			return err
		}
		if res.Outcome != Applied {
			t.Fatalf("care plan: %+v", res)
		}
		return tx.PutQuestionnaire(domain.ProResponse{ID: "qr1", PatientID: "p1", Taken: day(-1), Questionnaire: url,
			Answers: []domain.ProAnswer{{Question: "Forpustet?", Answer: "Nej", Severity: domain.Green}}}, Meta{VersionID: "1", LastUpdated: day(-1)})
	})
	// Schema 10 has no column for what they name: the rows are as a
	// console of schema 10 stored them.
	downgrade(t, s, 10)
	s = reopen(t, s)
	def := domain.Questionnaire{ID: "q", URL: url, Version: "1", Title: "PRO", Status: "active", Questions: []domain.Question{
		{LinkID: "q1", Text: "Forpustet?", Options: []domain.AnswerOption{
			{Code: "n", Text: "Nej", Severity: domain.Green}, {Code: "l", Text: "Lidt", Severity: domain.Yellow}, {Code: "j", Text: "Ja", Severity: domain.Red}}}}}
	fq := fhir.QuestionnaireFromDomain(def)
	fq.Meta = &fhir.Meta{VersionID: "1", LastUpdated: fhir.FormatInstant(day(-20))}
	rawDef, err := json.Marshal(fq)
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, s, func(tx *Tx) error {
		res, err := tx.ApplyResource(rawDef)
		if err == nil && res.Outcome != Applied {
			t.Fatalf("definition: %+v", res)
		}
		return err
	})
	d, err := s.Patient(ctx, "p1", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Regime.Questionnaires; len(got) != 1 || got[0] != url+"|1" {
		t.Errorf("regime names %q after the upgrade; want the stored CarePlan's %q", got, url+"|1")
	}
	opts := domain.ProOptions(d.ProDefinitions, d.Regime.ProRules, d.Questionnaires)
	var answers []string
	for _, o := range opts {
		answers = append(answers, o.Question+"/"+o.Answer)
	}
	if want := []string{"Forpustet?/Nej", "Forpustet?/Lidt", "Forpustet?/Ja"}; !reflect.DeepEqual(answers, want) {
		t.Errorf("form options %q; want every option of the definition %q", answers, want)
	}
}
