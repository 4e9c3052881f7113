package fhir

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// A questionnaire's definition goes through FHIR JSON and back: the
// questions in order, coded and text options, the questionnaire's own
// significance of an answer.
func TestQuestionnaireRoundTrip(t *testing.T) {
	d := domain.Questionnaire{ID: "pro", URL: "http://example.org/Questionnaire/pro", Version: "2", Title: "Symptomer", Status: "active",
		Questions: []domain.Question{
			{LinkID: "q1", Text: "Forpustet?", Options: []domain.AnswerOption{{Text: "Nej", Severity: domain.Green}, {Text: "Ja, i hvile", Severity: domain.Red}}},
			{LinkID: "q2", Text: "Træt?", Options: []domain.AnswerOption{{Code: "no", Text: "Nej"}, {Code: "yes", Text: "Ja", Severity: domain.Yellow}}},
		}}
	raw, err := Encode(QuestionnaireFromDomain(d))
	if err != nil {
		t.Fatal(err)
	}
	r, err := DecodeResource(raw)
	if err != nil {
		t.Fatal(err)
	}
	got, err := QuestionnaireToDomain(r.(*Questionnaire))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, d) {
		t.Errorf("round trip\n%+v\nwant\n%+v\n%s", got, d, raw)
	}
}

// A Questionnaire written elsewhere: questions inside groups, a coding
// without a display (its code is the text), an integer, options of types
// we do not model skipped, a question without text named by its linkId,
// a display item without options left out; a colour that is none refused.
func TestQuestionnaireFromAnotherServer(t *testing.T) {
	raw := `{"resourceType":"Questionnaire","id":"x","url":"http://other.example/Q/hf","status":"active","name":"hf",
	"item":[{"linkId":"intro","type":"display","text":"Velkommen"},
	 {"linkId":"g","type":"group","item":[
	  {"linkId":"g.1","type":"choice","text":"Ødemer?","answerOption":[{"valueCoding":{"system":"http://s","code":"none"}},{"valueCoding":{"code":"some","display":"Lidt"}}]},
	  {"linkId":"g.2","type":"integer","answerOption":[{"valueInteger":3},{"valueDate":"2026-01-01"}]}]}]}`
	r, err := DecodeResource([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	got, err := QuestionnaireToDomain(r.(*Questionnaire))
	if err != nil {
		t.Fatal(err)
	}
	want := domain.Questionnaire{ID: "x", URL: "http://other.example/Q/hf", Title: "hf", Status: "active", Questions: []domain.Question{
		{LinkID: "g.1", Text: "Ødemer?", Options: []domain.AnswerOption{{Code: "none", Text: "none"}, {Code: "some", Text: "Lidt"}}},
		{LinkID: "g.2", Text: "g.2", Options: []domain.AnswerOption{{Text: "3"}}},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
	bad := strings.Replace(raw, `{"valueInteger":3}`, `{"valueInteger":3,"extension":[{"url":"`+ExtColour+`","valueCode":"purple"}]}`, 1)
	r, err = DecodeResource([]byte(bad))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := QuestionnaireToDomain(r.(*Questionnaire)); err == nil {
		t.Error("a significance that is no colour was read")
	}
	if _, err := DecodeResource([]byte(`{"resourceType":"Questionnaire","id":"y"}`)); err == nil {
		t.Error("a Questionnaire without status was accepted")
	}
}

// The regime names the questionnaires the patient answers
// (CarePlan.instantiatesCanonical), and an answer set names the
// questionnaire it answers.
func TestQuestionnaireReferencesRoundTrip(t *testing.T) {
	at := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	r := domain.Regime{ID: "cp-1", PatientID: "p1", EffectiveFrom: at, Start: at, Phase: domain.PhaseOngoing,
		Questionnaires: []string{"http://example.org/Questionnaire/pro|2"}}
	cp, srs := RegimeToFHIR(r)
	raw, err := Encode(cp)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"instantiatesCanonical":["http://example.org/Questionnaire/pro|2"]`) {
		t.Errorf("CarePlan JSON %s", raw)
	}
	back, err := Decode[*CarePlan](raw)
	if err != nil {
		t.Fatal(err)
	}
	got, err := RegimeFromFHIR(back, srs)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Questionnaires, r.Questionnaires) {
		t.Errorf("questionnaires %q, want %q", got.Questionnaires, r.Questionnaires)
	}
	p := domain.ProResponse{ID: "qr-1", PatientID: "p1", Taken: at, Questionnaire: "http://example.org/Questionnaire/pro|2",
		Answers: []domain.ProAnswer{{Question: "Forpustet?", Answer: "Nej", Severity: domain.Green}}}
	qraw, err := Encode(ProToQuestionnaireResponse(p))
	if err != nil {
		t.Fatal(err)
	}
	qr, err := Decode[*QuestionnaireResponse](qraw)
	if err != nil {
		t.Fatal(err)
	}
	gotP, err := QuestionnaireResponseToPro(qr)
	if err != nil {
		t.Fatal(err)
	}
	if gotP.Questionnaire != p.Questionnaire {
		t.Errorf("questionnaire %q, want %q", gotP.Questionnaire, p.Questionnaire)
	}
}

// An answer set with codes alone is completed from the definition: the
// question's text where the item has none, the option's text where a
// coding has no display; what the app did say is kept.
func TestFillFromDefinition(t *testing.T) {
	def := domain.Questionnaire{Questions: []domain.Question{
		{LinkID: "q1", Text: "Forpustet?", Options: []domain.AnswerOption{{Code: "no", Text: "Nej"}, {Code: "yes", Text: "Ja"}}}}}
	qr := &QuestionnaireResponse{Item: []QRItem{
		{LinkID: "q1", Answer: []QRAnswer{{ValueCoding: &Coding{Code: "yes"}}}},
		{LinkID: "q1", Text: "Appens tekst", Answer: []QRAnswer{{ValueCoding: &Coding{Code: "no", Display: "Nej tak"}}}},
		{LinkID: "g", Item: []QRItem{{LinkID: "q1", Answer: []QRAnswer{{ValueCoding: &Coding{Code: "maybe"}}}}}},
	}}
	FillFromDefinition(qr, def)
	if it := qr.Item[0]; it.Text != "Forpustet?" || it.Answer[0].ValueCoding.Display != "Ja" {
		t.Errorf("first item %+v %+v", it, it.Answer[0].ValueCoding)
	}
	if it := qr.Item[1]; it.Text != "Appens tekst" || it.Answer[0].ValueCoding.Display != "Nej tak" {
		t.Errorf("what the app said was changed: %+v %+v", it, it.Answer[0].ValueCoding)
	}
	if it := qr.Item[2].Item[0]; it.Text != "Forpustet?" || it.Answer[0].ValueCoding.Display != "" {
		t.Errorf("nested item %+v %+v", it, it.Answer[0].ValueCoding)
	}
}
