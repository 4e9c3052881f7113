package central

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// An app that answers with codes alone (no display, no question text)
// still meets the patient's rules, which name the definition's texts: the
// central completes the answers from the Questionnaire they name before
// it triages them, and stores them so.
func TestQuestionnaireTriageCompletesCodedAnswers(t *testing.T) {
	e := newEnv(t)
	def := domain.Questionnaire{ID: "pro", URL: "http://example.org/Questionnaire/pro", Version: "1", Status: "active",
		Questions: []domain.Question{{LinkID: "breath", Text: "Åndenød?", Options: []domain.AnswerOption{
			{Code: "no", Text: "Nej", Severity: domain.Green}, {Code: "more", Text: "Mere end før", Severity: domain.Yellow}}}}}
	if err := e.store.SeedQuestionnaires(context.Background(), []domain.Questionnaire{def}); err != nil {
		t.Fatal(err)
	}
	reg := testRegime("p1")
	reg.Version, reg.EffectiveFrom = "", t0.Add(-time.Hour)
	reg.ID = "cp-p1-pro"
	reg.ProRules = []domain.ProRule{{Question: "Åndenød?", Answer: "Mere end før", Severity: domain.Red}}
	cp, srs := fhir.RegimeToFHIR(reg)
	rs := []fhir.Resource{cp}
	for _, sr := range srs {
		sr.ID = sr.ID + "-pro"
		rs = append(rs, sr)
	}
	if err := e.store.Put(context.Background(), rs...); err != nil {
		t.Fatal(err)
	}
	yellow := "yellow"
	q := &fhir.QuestionnaireResponse{Base: fhir.Base{ResourceType: "QuestionnaireResponse"}, Questionnaire: def.URL + "|1", Status: "completed",
		Subject: fhir.Ref("Patient", "p1"), Authored: fhir.FormatInstant(t0), Item: []fhir.QRItem{{LinkID: "breath", Answer: []fhir.QRAnswer{{
			Extension: []fhir.Extension{{URL: fhir.ExtColour, ValueCode: &yellow}}, ValueCoding: &fhir.Coding{System: "http://example.org/cs", Code: "more"}}}}}}
	r := e.want(e.do(http.MethodPost, "/QuestionnaireResponse", tokPatient1, q), http.StatusCreated)
	got, _ := fhir.Decode[*fhir.QuestionnaireResponse](r.body)
	pro, err := fhir.QuestionnaireResponseToPro(got)
	if err != nil {
		t.Fatal(err)
	}
	if len(pro.Answers) != 1 || pro.Answers[0].Question != "Åndenød?" || pro.Answers[0].Answer != "Mere end før" || pro.Answers[0].Severity != domain.Red {
		t.Errorf("stored answers %+v, want the texts filled in and her rule's red", pro.Answers)
	}
	if task := findTask(t, e, "QuestionnaireResponse/"+got.ID); task.Priority != "asap" {
		t.Errorf("priority %q, want asap (red)", task.Priority)
	}
}
