package cache

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// Questionnaire definitions pulled from the central are kept (a newer
// version of one replaces it, the same version is known), and the
// patient view names the ones she answers: those her regime names (the
// version named) and those her answers name (no version: the newest);
// a reference the cache has no definition for is reported as unknown.
func TestPatientQuestionnaireDefinitions(t *testing.T) {
	ctx := context.Background()
	now := day(0)
	s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"), WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	const url = "http://example.org/Questionnaire/pro"
	def := func(id, version, answer string) domain.Questionnaire {
		return domain.Questionnaire{ID: id, URL: url, Version: version, Title: "PRO", Status: "active", Questions: []domain.Question{
			{LinkID: "q1", Text: "Forpustet?", Options: []domain.AnswerOption{{Text: "Nej", Severity: domain.Green}, {Code: "r", Text: answer, Severity: domain.Red}}}}}
	}
	apply := func(q domain.Questionnaire, vid string, lu time.Time) string {
		fq := fhir.QuestionnaireFromDomain(q)
		fq.Meta = &fhir.Meta{VersionID: vid, LastUpdated: fhir.FormatInstant(lu)}
		raw, err := json.Marshal(fq)
		if err != nil {
			t.Fatal(err)
		}
		var res ApplyResult
		mustWrite(t, s, func(tx *Tx) error {
			res, err = tx.ApplyResource(raw)
			return err
		})
		return res.Outcome
	}
	regime := func(id, pid string, refs ...string) domain.Regime {
		return domain.Regime{ID: id, Version: "1", PatientID: pid, EffectiveFrom: day(-30), Start: day(-30),
			Thresholds: domain.DefaultThresholds(80), Questionnaires: refs}
	}
	mustWrite(t, s, func(tx *Tx) error {
		for _, p := range []string{"p1", "p2", "p3"} {
			if err := addPatient(tx, p, "Patient "+p); err != nil {
				return err
			}
		}
		if err := tx.PutRegime(regime("cp1", "p1", url+"|1"), Meta{LastUpdated: day(-30)}); err != nil {
			return err
		}
		if err := tx.PutRegime(regime("cp3", "p3", "http://example.org/Questionnaire/gone"), Meta{LastUpdated: day(-30)}); err != nil {
			return err
		}
		return tx.PutQuestionnaire(domain.ProResponse{ID: "qr2", PatientID: "p2", Taken: day(-2), Questionnaire: url,
			Answers: []domain.ProAnswer{{Question: "Forpustet?", Answer: "Nej", Severity: domain.Green}}}, Meta{VersionID: "1", LastUpdated: day(-2)})
	})
	v1 := def("pro-1", "1", "Ja")
	if o := apply(v1, "1", day(-40)); o != Applied {
		t.Fatalf("definition: %v", o)
	}
	if o := apply(v1, "1", day(-40)); o != Known {
		t.Errorf("the same version again: %v, want known", o)
	}
	v1.Questions[0].Options[1].Text = "Ja, i hvile"
	if o := apply(v1, "2", day(-35)); o != Applied {
		t.Errorf("a new version of the definition: %v", o)
	}
	v2 := def("pro-2", "2", "Ja, også i hvile")
	if o := apply(v2, "1", day(-20)); o != Applied {
		t.Errorf("the questionnaire's version 2: %v", o)
	}
	for _, tc := range []struct {
		patient string
		defs    []domain.Questionnaire
		unknown []string
	}{
		{"p1", []domain.Questionnaire{v1}, nil},
		{"p2", []domain.Questionnaire{v2}, nil},
		{"p3", nil, []string{"http://example.org/Questionnaire/gone"}},
	} {
		d, err := s.Patient(ctx, tc.patient, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(d.ProDefinitions, tc.defs) || !reflect.DeepEqual(d.ProUnknown, tc.unknown) {
			t.Errorf("%s: definitions %+v, unknown %q; want %+v, %q", tc.patient, d.ProDefinitions, d.ProUnknown, tc.defs, tc.unknown)
		}
		if tc.patient == "p1" && !reflect.DeepEqual(d.Regime.Questionnaires, []string{url + "|1"}) {
			t.Errorf("the regime's questionnaires %q", d.Regime.Questionnaires)
		}
		if tc.patient == "p2" && (len(d.Questionnaires) != 1 || d.Questionnaires[0].Questionnaire != url) {
			t.Errorf("the answers name %+v", d.Questionnaires)
		}
	}
}

// A pulled answer set with codes alone (from a server that did not fill
// them in) is completed from the definition the cache holds, so the
// patient's rules, which name texts, apply in the console too.
func TestPulledCodedAnswersMeetTheRules(t *testing.T) {
	ctx := context.Background()
	now := day(0)
	s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"), WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	def := domain.Questionnaire{ID: "pro", URL: "http://example.org/Questionnaire/pro", Version: "1", Status: "active",
		Questions: []domain.Question{{LinkID: "breath", Text: "Åndenød?", Options: []domain.AnswerOption{{Code: "more", Text: "Mere end før"}}}}}
	fq := fhir.QuestionnaireFromDomain(def)
	fq.Meta = &fhir.Meta{VersionID: "1", LastUpdated: fhir.FormatInstant(day(-40))}
	qr := &fhir.QuestionnaireResponse{Base: fhir.Base{ResourceType: "QuestionnaireResponse", ID: "qr1",
		Meta: &fhir.Meta{VersionID: "1", LastUpdated: fhir.FormatInstant(day(-1))}}, Questionnaire: def.URL, Status: "completed",
		Subject: fhir.Ref("Patient", "p1"), Authored: fhir.FormatInstant(day(-1)),
		Item: []fhir.QRItem{{LinkID: "breath", Answer: []fhir.QRAnswer{{ValueCoding: &fhir.Coding{Code: "more"}}}}}}
	mustWrite(t, s, func(tx *Tx) error {
		if err := addPatient(tx, "p1", "A"); err != nil {
			return err
		}
		if err := tx.PutRegime(domain.Regime{ID: "cp", Version: "1", PatientID: "p1", EffectiveFrom: day(-30), Start: day(-30),
			Thresholds: domain.DefaultThresholds(80), ProRules: []domain.ProRule{{Question: "Åndenød?", Answer: "Mere end før", Severity: domain.Red}}},
			Meta{LastUpdated: day(-30)}); err != nil {
			return err
		}
		for _, r := range []fhir.Resource{fq, qr} {
			raw, err := json.Marshal(r)
			if err != nil {
				return err
			}
			if res, err := tx.ApplyResource(raw); err != nil || res.Outcome != Applied {
				t.Errorf("%s: %+v %v", r.Header().ResourceType, res, err)
			}
		}
		return nil
	})
	d, err := s.Patient(ctx, "p1", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Questionnaires) != 1 || len(d.Questionnaires[0].Answers) != 1 {
		t.Fatalf("answers %+v", d.Questionnaires)
	}
	if a := d.Questionnaires[0].Answers[0]; a.Question != "Åndenød?" || a.Answer != "Mere end før" || a.Severity != domain.Red {
		t.Errorf("answer %+v, want the texts filled in and her rule's red", a)
	}
}

// A page of answer sets resolves each questionnaire reference once
// (questionnaireDef under the page's look-ups) and stores exactly what
// storing them one by one does: answers sent as codes alone completed
// from the definition their reference names (a version, or the newest),
// and left as they are for a reference the cache has no definition of.
func TestAnswerSetPageCompletesCodesAsOneByOne(t *testing.T) {
	ctx := context.Background()
	const url = "http://example.org/Questionnaire/pro"
	def := func(version, text string) []byte {
		q := domain.Questionnaire{ID: "pro-" + version, URL: url, Version: version, Status: "active",
			Questions: []domain.Question{{LinkID: "breath", Text: "Åndenød?", Options: []domain.AnswerOption{{Code: "more", Text: text}}}}}
		fq := fhir.QuestionnaireFromDomain(q)
		fq.Meta = &fhir.Meta{VersionID: "1", LastUpdated: fhir.FormatInstant(day(-50))}
		raw, err := json.Marshal(fq)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	qr := func(id, ref string, n int) []byte {
		r := &fhir.QuestionnaireResponse{Base: fhir.Base{ResourceType: "QuestionnaireResponse", ID: id,
			Meta: &fhir.Meta{VersionID: "1", LastUpdated: fhir.FormatInstant(day(-n))}}, Questionnaire: ref, Status: "completed",
			Subject: fhir.Ref("Patient", "p1"), Authored: fhir.FormatInstant(day(-n)),
			Item: []fhir.QRItem{{LinkID: "breath", Answer: []fhir.QRAnswer{{ValueCoding: &fhir.Coding{Code: "more"}}}}}}
		raw, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	page := [][]byte{qr("qr1", url, 5), qr("qr2", url+"|1", 4), qr("qr3", url, 3), qr("qr4", "http://example.org/Questionnaire/gone", 2), qr("qr5", url+"|1", 1)}
	run := func(byPage bool) ([]ApplyResult, []domain.ProAnswer) {
		now := day(0)
		s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"), WithClock(func() time.Time { return now }))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		var got []ApplyResult
		mustWrite(t, s, func(tx *Tx) error {
			if err := addPatient(tx, "p1", "A"); err != nil {
				return err
			}
			for _, raw := range [][]byte{def("1", "Mere end før"), def("2", "Mere end i går")} {
				if _, err := tx.ApplyResource(raw); err != nil {
					return err
				}
			}
			if byPage {
				pulled := make([]Pulled, len(page))
				for i, raw := range page {
					pulled[i] = Decode(raw)
				}
				got, err = tx.ApplyPage("QuestionnaireResponse", pulled)
				return err
			}
			for _, raw := range page {
				r, err := tx.ApplyResource(raw)
				if err != nil {
					return err
				}
				got = append(got, r)
			}
			return nil
		})
		d, err := s.Patient(ctx, "p1", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		var answers []domain.ProAnswer
		for _, q := range d.Questionnaires {
			answers = append(answers, q.Answers...)
		}
		return got, answers
	}
	wantRes, want := run(false)
	gotRes, got := run(true)
	if !reflect.DeepEqual(gotRes, wantRes) || !reflect.DeepEqual(got, want) {
		t.Errorf("by page: %+v\n%+v\none by one: %+v\n%+v", gotRes, got, wantRes, want)
	}
	texts := map[string]int{}
	for _, a := range got {
		texts[a.Answer]++
	}
	// qr1 and qr3 name no version: the newest; qr2 and qr5 version 1.
	if len(got) != 5 || texts["Mere end i går"] != 2 || texts["Mere end før"] != 2 {
		t.Errorf("answers %+v: want two completed from version 2, two from version 1, one left as sent", got)
	}
}
