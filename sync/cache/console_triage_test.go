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

// applyJSON stores one pulled resource as the sync does and fails the test
// unless it is applied.
func applyJSON(t *testing.T, s *Store, r fhir.Resource) {
	t.Helper()
	hd := r.Header()
	hd.Meta = &fhir.Meta{VersionID: "v1", LastUpdated: fhir.FormatInstant(day(0).Add(-time.Minute))}
	raw, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, s, func(tx *Tx) error {
		res, err := tx.ApplyResource(raw)
		if err == nil && res.Outcome != Applied {
			t.Errorf("%s %s: %+v", hd.ResourceType, hd.ID, res)
		}
		return err
	})
}

// No server-side triage, no alarm, for questionnaires: an answer posted to
// a server that makes no review Task for it (a server without triage) is
// the console's own item, coloured by its worst answer under the patient's
// own rules (yellow as sent, red by her rule), unless it is older than the
// console-triage window. The server's Task arriving later removes the item,
// also a Task shaped as on the eHealth Infrastructure (focus on the triage
// ClinicalImpression about the answer); another console's assessment of an
// answer completes it.
func TestUntriagedQuestionnaireIsTheConsolesItem(t *testing.T) {
	ctx := context.Background()
	now := day(0)
	s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"), WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	reg := domain.Regime{ID: "cp", Version: "a9", PatientID: "p1", EffectiveFrom: day(-30), Start: day(-30),
		Thresholds: domain.DefaultThresholds(80),
		ProRules:   []domain.ProRule{{Question: "Åndenød?", Answer: "Mere end før", Severity: domain.Red}}}
	mustWrite(t, s, func(tx *Tx) error {
		if err := addPatient(tx, "p1", "Patient"); err != nil {
			return err
		}
		return tx.PutRegime(reg, Meta{LastUpdated: day(-30)})
	})
	answers := []domain.ProAnswer{
		{Question: "Åndenød?", Answer: "Mere end før", Severity: domain.Yellow},
		{Question: "Hævede ben?", Answer: "Nej", Severity: domain.Green},
	}
	for id, taken := range map[string]time.Time{"q1": now.Add(-time.Hour), "q2": now.Add(-2 * time.Hour),
		"q3": now.Add(-3 * time.Hour), "old": day(-10)} {
		applyJSON(t, s, fhir.ProToQuestionnaireResponse(domain.ProResponse{ID: id, PatientID: "p1", Taken: taken, Answers: answers}))
	}
	openItems := func() map[string]domain.Task {
		t.Helper()
		d, err := s.Patient(ctx, "p1", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]domain.Task{}
		for _, tk := range d.OpenTasks {
			m[tk.FocusID] = tk
		}
		return m
	}
	open := openItems()
	for _, id := range []string{"q1", "q2", "q3"} {
		tk, ok := open[domain.QuestionnaireFocus(id)]
		if !ok || !tk.ByConsole || tk.Color != domain.Red || tk.Category != domain.TaskMeasurement ||
			tk.ID != domain.ConsoleTriageID(domain.QuestionnaireFocus(id)) {
			t.Errorf("the console's item for questionnaire %s = %+v (listed %v), want red, by the console", id, tk, ok)
		}
	}
	if len(open) != 3 {
		t.Errorf("open items = %v, want q1, q2, q3 (not the answer of 10 days ago)", open)
	}
	rows, err := s.Worklist(ctx, false)
	if err != nil || len(rows) != 1 || rows[0].Open.Red != 3 || rows[0].Open.ByConsole != 3 {
		t.Fatalf("worklist = %+v, %v; want the three answers red, by the console", rows, err)
	}

	// The server's Task for q1 (focus on the answer), then for q3 with its
	// triage ClinicalImpression first (pull order: impressions before Tasks).
	applyJSON(t, s, fhir.TaskToFHIR(domain.Task{ID: "srv-task-q1", PatientID: "p1", Category: domain.TaskMeasurement,
		FocusID: domain.QuestionnaireFocus("q1"), Color: domain.Red, Created: now.Add(-time.Hour)}))
	code := fhir.Concept(fhir.SystemClinicalImpCode, fhir.CodeTriagingResult, "")
	red := fhir.ColourConcept(domain.Red)
	applyJSON(t, s, &fhir.ClinicalImpression{Base: fhir.Base{ResourceType: "ClinicalImpression", ID: "ci-q3"}, Status: "completed",
		Code: &code, Subject: *fhir.Ref("Patient", "p1"),
		Investigation: []fhir.ClinicalImpressionInvestigation{{Code: fhir.CodeableConcept{Text: "questionnaire"},
			Item: []fhir.Reference{*fhir.Ref("QuestionnaireResponse", "q3")}}},
		Finding: []fhir.ClinicalImpressionFinding{{ItemCodeableConcept: &red}}})
	applyJSON(t, s, fhir.TaskToFHIR(domain.Task{ID: "srv-task-q3", PatientID: "p1", Category: domain.TaskMeasurement,
		FocusID: "ClinicalImpression/ci-q3", Color: domain.Red, Created: now.Add(-3 * time.Hour)}))
	open = openItems()
	for _, id := range []string{"q1", "q3"} {
		if tk := open[domain.QuestionnaireFocus(id)]; tk.ID != "srv-task-"+id || tk.ByConsole {
			t.Errorf("item for questionnaire %s = %+v, want only the server's Task", id, tk)
		}
	}
	// Another console's assessment of q2.
	assess := fhir.Concept(fhir.SystemClinicalImpCode, fhir.CodeMeasurementAssessment, "")
	applyJSON(t, s, &fhir.ClinicalImpression{Base: fhir.Base{ResourceType: "ClinicalImpression", ID: "assess-q2"}, Status: "completed",
		Code: &assess, Subject: *fhir.Ref("Patient", "p1"),
		Investigation: []fhir.ClinicalImpressionInvestigation{{Code: fhir.CodeableConcept{Text: "measurement"},
			Item: []fhir.Reference{*fhir.Ref("QuestionnaireResponse", "q2")}}}})
	open = openItems()
	if tk, ok := open[domain.QuestionnaireFocus("q2")]; ok {
		t.Errorf("questionnaire q2 is still open after its assessment: %+v", tk)
	}
	if len(open) != 2 {
		t.Errorf("open items = %v, want the server's two Tasks", open)
	}
	// A new version of q2 (the server may touch it) does not reopen it.
	q2 := fhir.ProToQuestionnaireResponse(domain.ProResponse{ID: "q2", PatientID: "p1", Taken: now.Add(-2 * time.Hour), Answers: answers})
	q2.Meta = &fhir.Meta{VersionID: "v2", LastUpdated: fhir.FormatInstant(now)}
	raw, _ := json.Marshal(q2)
	mustWrite(t, s, func(tx *Tx) error { _, err := tx.ApplyResource(raw); return err })
	if tk, ok := openItems()[domain.QuestionnaireFocus("q2")]; ok {
		t.Errorf("questionnaire q2 reopened by a new version: %+v", tk)
	}
	// A triage of the server's without a Task keeps no answer off the
	// worklist, whichever arrives first (here the triage).
	applyJSON(t, s, &fhir.ClinicalImpression{Base: fhir.Base{ResourceType: "ClinicalImpression", ID: "ci-q4"}, Status: "completed",
		Code: &code, Subject: *fhir.Ref("Patient", "p1"),
		Investigation: []fhir.ClinicalImpressionInvestigation{{Code: fhir.CodeableConcept{Text: "questionnaire"},
			Item: []fhir.Reference{*fhir.Ref("QuestionnaireResponse", "q4")}}},
		Finding: []fhir.ClinicalImpressionFinding{{ItemCodeableConcept: &red}}})
	applyJSON(t, s, fhir.ProToQuestionnaireResponse(domain.ProResponse{ID: "q4", PatientID: "p1", Taken: now.Add(-4 * time.Hour), Answers: answers}))
	if tk := openItems()[domain.QuestionnaireFocus("q4")]; !tk.ByConsole || tk.Color != domain.Red {
		t.Errorf("the console's item for q4, triaged by the server without a Task = %+v", tk)
	}
}
