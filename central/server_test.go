package central

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

func TestCreateReadUpdateVreadAndIfMatch(t *testing.T) {
	e := newEnv(t)
	msg := fhir.MessageToCommunication(domain.Message{PatientID: "p1", Sender: "Sygeplejerske", Title: "Hej", Body: "Husk at veje dig", Sent: t0})
	r := e.want(e.do(http.MethodPost, "/Communication", tokNurseA, msg), http.StatusCreated)
	if r.header.Get("ETag") != `W/"1"` || r.header.Get("Last-Modified") == "" || !strings.Contains(r.header.Get("Location"), "/Communication/") {
		t.Fatalf("headers %v", r.header)
	}
	c, err := fhir.Decode[*fhir.Communication](r.body)
	if err != nil {
		t.Fatal(err)
	}
	if c.ID == "" || c.Meta.VersionID != "1" || c.Meta.LastUpdated == "" {
		t.Fatalf("server did not set id/meta: %+v", c.Base)
	}
	got := e.want(e.do(http.MethodGet, "/Communication/"+c.ID, tokNurseA, nil), http.StatusOK)
	if string(got.body) != string(r.body) {
		t.Errorf("read differs from create:\n%s\n%s", got.body, r.body)
	}

	fhir.SetReadState(c, true)
	r2 := e.want(e.do(http.MethodPut, "/Communication/"+c.ID, tokNurseA, c, "If-Match", `W/"1"`), http.StatusOK)
	if r2.header.Get("ETag") != `W/"2"` {
		t.Fatalf("etag %q", r2.header.Get("ETag"))
	}
	// A second writer still holding version 1 is refused.
	oo := e.wantOutcome(e.do(http.MethodPut, "/Communication/"+c.ID, tokNurseA, c, "If-Match", `W/"1"`), http.StatusPreconditionFailed)
	if oo.Issue[0].Code != "conflict" {
		t.Errorf("issue %+v", oo.Issue[0])
	}
	v1, err := fhir.Decode[*fhir.Communication](e.want(e.do(http.MethodGet, "/Communication/"+c.ID+"/_history/1", tokNurseA, nil), http.StatusOK).body)
	if err != nil {
		t.Fatal(err)
	}
	v2, err := fhir.Decode[*fhir.Communication](e.want(e.do(http.MethodGet, "/Communication/"+c.ID+"/_history/2", tokNurseA, nil), http.StatusOK).body)
	if err != nil {
		t.Fatal(err)
	}
	if fhir.IsRead(v1) || !fhir.IsRead(v2) || v2.Meta.VersionID != "2" {
		t.Errorf("vread: v1 read=%v v2 read=%v", fhir.IsRead(v1), fhir.IsRead(v2))
	}
	e.wantOutcome(e.do(http.MethodGet, "/Communication/"+c.ID+"/_history/3", tokNurseA, nil), http.StatusNotFound)
	e.wantOutcome(e.do(http.MethodGet, "/Communication/nope", tokNurseA, nil), http.StatusNotFound)
	// The body's id must match the URL.
	e.wantOutcome(e.do(http.MethodPut, "/Communication/other", tokNurseA, c), http.StatusBadRequest)
}

func TestConditionalCreateIsIdempotent(t *testing.T) {
	e := newEnv(t)
	o := weightObs("p1", 80.5, t0, "11111111-2222-3333-4444-555555555555")
	q := fhir.IdentifierQuery(o.Identifier[0])
	first := e.want(e.do(http.MethodPost, "/Observation", tokPatient1, o, "If-None-Exist", q), http.StatusCreated)
	second := e.want(e.do(http.MethodPost, "/Observation", tokPatient1, o, "If-None-Exist", q), http.StatusOK)
	a, _ := fhir.Decode[*fhir.Observation](first.body)
	b, _ := fhir.Decode[*fhir.Observation](second.body)
	if a.ID != b.ID || b.Meta.VersionID != "1" {
		t.Fatalf("retry made another resource: %s vs %s", a.ID, b.ID)
	}
	found := e.searchAll(tokNurseA, "/Observation?identifier="+url.QueryEscape(o.Identifier[0].System+"|"+o.Identifier[0].Value))
	if len(found) != 1 {
		t.Fatalf("%d observations with the identifier", len(found))
	}
	tasks := e.searchAll(tokNurseA, "/Task?patient=p1&category=MeasurementForAssessment")
	if len(tasks) != 1 {
		t.Fatalf("%d review tasks, want 1", len(tasks))
	}
	e.wantOutcome(e.do(http.MethodPost, "/Observation", tokPatient1, o, "If-None-Exist", "code=x"), http.StatusBadRequest)
}

func TestSearchPagingWithTiedLastUpdated(t *testing.T) {
	e := newEnv(t)
	// The clock stands still: every resource gets the same lastUpdated.
	var created []string
	for i := range 23 {
		m := fhir.MessageToCommunication(domain.Message{PatientID: "p1", Body: fmt.Sprint("m", i), Sent: t0})
		r := e.want(e.do(http.MethodPost, "/Communication", tokNurseA, m), http.StatusCreated)
		c, _ := fhir.Decode[*fhir.Communication](r.body)
		created = append(created, c.ID)
	}
	since := fhir.FormatInstant(t0.Add(-time.Hour))
	got := e.searchAll(tokNurseA, "/Communication?_lastUpdated=gt"+url.QueryEscape(since)+"&_sort=_lastUpdated&_count=5")
	seen := map[string]int{}
	var maxLU string
	for _, r := range got {
		seen[r.Header().ID]++
		maxLU = max(maxLU, r.Header().Meta.LastUpdated)
	}
	if len(got) != 23 || len(seen) != 23 {
		t.Fatalf("got %d entries, %d distinct, want 23", len(got), len(seen))
	}
	for _, id := range created {
		if seen[id] != 1 {
			t.Errorf("%s seen %d times", id, seen[id])
		}
	}
	// More arrive within the same millisecond; an incremental pull with ge
	// on the newest lastUpdated seen, de-duplicated on id+version, gets
	// exactly them.
	for i := range 4 {
		m := fhir.MessageToCommunication(domain.Message{PatientID: "p1", Body: fmt.Sprint("late", i), Sent: t0})
		e.want(e.do(http.MethodPost, "/Communication", tokNurseA, m), http.StatusCreated)
	}
	again := e.searchAll(tokNurseA, "/Communication?_lastUpdated=ge"+url.QueryEscape(maxLU)+"&_sort=_lastUpdated&_count=3")
	fresh := 0
	for _, r := range again {
		if seen[r.Header().ID] == 0 {
			fresh++
		}
	}
	if fresh != 4 {
		t.Fatalf("incremental pull found %d new, want 4", fresh)
	}
	e.wantOutcome(e.do(http.MethodGet, "/Communication?_cursor=bogus", tokNurseA, nil), http.StatusBadRequest)
	e.wantOutcome(e.do(http.MethodGet, "/Communication?_sort=-date", tokNurseA, nil), http.StatusBadRequest)
	e.wantOutcome(e.do(http.MethodGet, "/Communication?nonsense=1", tokNurseA, nil), http.StatusBadRequest)
}

func TestSearchPagingWithAdvancingClock(t *testing.T) {
	e := newEnv(t)
	for i := range 12 {
		// Pairs share a millisecond, so ties straddle page boundaries.
		e.clock.Set(t0.Add(time.Duration(i/2) * time.Millisecond))
		e.want(e.do(http.MethodPost, "/Observation", tokPatient1, weightObs("p1", 80, t0, ""), ""), http.StatusCreated)
	}
	obs := e.searchAll(tokNurseA, "/Observation?_sort=_lastUpdated&_count=5&patient=p1")
	if len(obs) != 12 {
		t.Fatalf("%d observations, want 12", len(obs))
	}
	for i := 1; i < len(obs); i++ {
		if obs[i].Header().Meta.LastUpdated < obs[i-1].Header().Meta.LastUpdated {
			t.Fatalf("not sorted by lastUpdated at %d", i)
		}
	}
}

func TestAuthAndVisibility(t *testing.T) {
	e := newEnv(t)
	oo := e.wantOutcome(e.do(http.MethodGet, "/Patient/p1", "", nil), http.StatusUnauthorized)
	if oo.Issue[0].Code != "login" {
		t.Errorf("issue %+v", oo.Issue[0])
	}
	e.wantOutcome(e.do(http.MethodGet, "/Patient/p1", "wrong-token-123", nil), http.StatusUnauthorized)
	e.want(e.do(http.MethodGet, "/metadata", "", nil), http.StatusOK)

	r := e.want(e.do(http.MethodPost, "/Observation", tokPatient1, weightObs("p1", 81, t0, ""), ""), http.StatusCreated)
	o, _ := fhir.Decode[*fhir.Observation](r.body)
	e.want(e.do(http.MethodGet, "/Observation/"+o.ID, tokNurseA, nil), http.StatusOK)
	e.wantOutcome(e.do(http.MethodGet, "/Observation/"+o.ID, tokNurseB, nil), http.StatusNotFound)
	e.wantOutcome(e.do(http.MethodGet, "/Observation/"+o.ID+"/_history/1", tokNurseB, nil), http.StatusNotFound)
	e.wantOutcome(e.do(http.MethodGet, "/Patient/p1", tokNurseB, nil), http.StatusNotFound)
	if got := e.searchAll(tokNurseB, "/Observation"); len(got) != 0 {
		t.Fatalf("nurse-b sees %d observations of p1", len(got))
	}
	if got := e.searchAll(tokNurseB, "/Patient"); len(got) != 1 || got[0].Header().ID != "p2" {
		t.Fatalf("nurse-b sees patients %v", got)
	}
	// The patient sees only their own data and may not write for others.
	e.wantOutcome(e.do(http.MethodGet, "/Patient/p2", tokPatient1, nil), http.StatusNotFound)
	e.wantOutcome(e.do(http.MethodPost, "/Observation", tokPatient1, weightObs("p2", 70, t0, ""), ""), http.StatusForbidden)
	e.wantOutcome(e.do(http.MethodPost, "/CarePlan", tokPatient1, fhir.CarePlan{Base: fhir.Base{ResourceType: "CarePlan"}, Status: "active", Intent: "plan", Subject: *fhir.Ref("Patient", "p1")}), http.StatusForbidden)
	// nurse-b may not write into p1's record.
	e.wantOutcome(e.do(http.MethodPost, "/Communication", tokNurseB, fhir.MessageToCommunication(domain.Message{PatientID: "p1", Body: "x", Sent: t0})), http.StatusForbidden)

	// Holiday cover: team-b covers p1 for a week; nurse-b sees p1 only then.
	resp := domain.Responsibility{Home: teamA, Cover: &domain.Cover{Team: teamB, Period: domain.Period{From: t0.Add(24 * time.Hour), To: t0.Add(8 * 24 * time.Hour)}}}
	if err := e.store.Put(context.Background(), fhir.ResponsibilityToEpisodeOfCare("eoc-p1", "p1", resp)); err != nil {
		t.Fatal(err)
	}
	e.wantOutcome(e.do(http.MethodGet, "/Observation/"+o.ID, tokNurseB, nil), http.StatusNotFound)
	e.clock.Set(t0.Add(48 * time.Hour))
	e.want(e.do(http.MethodGet, "/Observation/"+o.ID, tokNurseB, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/Observation/"+o.ID, tokNurseA, nil), http.StatusOK)
	e.clock.Set(t0.Add(9 * 24 * time.Hour))
	e.wantOutcome(e.do(http.MethodGet, "/Observation/"+o.ID, tokNurseB, nil), http.StatusNotFound)
}

func findTask(t *testing.T, e *env, focus string) *fhir.Task {
	t.Helper()
	ts := e.searchAll(tokNurseA, "/Task?focus="+url.QueryEscape(focus))
	if len(ts) != 1 {
		t.Fatalf("%d tasks for %s", len(ts), focus)
	}
	return ts[0].(*fhir.Task)
}

func TestTriageOnArrival(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name     string
		m        domain.Measurement
		colour   domain.Color
		priority string
	}{
		{"red weight", domain.Measurement{Kind: domain.KindWeight, Value: 83.0}, domain.Red, "asap"},
		{"yellow pulse", domain.Measurement{Kind: domain.KindPulse, Value: 92}, domain.Yellow, "urgent"},
		{"green pulse", domain.Measurement{Kind: domain.KindPulse, Value: 70}, domain.Green, "routine"},
		{"red bp by diastolic", domain.Measurement{Kind: domain.KindBloodPressure, Value: 130, Value2: 101}, domain.Red, "asap"},
		{"implausible weight", domain.Measurement{Kind: domain.KindWeight, Value: 900}, domain.Unclassified, "urgent"},
		// Steps are information only: triaged, but no item to acknowledge
		// unless the regime sets limits for them.
		{"steps have no limits", domain.Measurement{Kind: domain.KindSteps, Value: 3000}, domain.Unclassified, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.m.PatientID, c.m.Taken = "p1", t0.Add(-time.Hour)
			r := e.want(e.do(http.MethodPost, "/Observation", tokPatient1, fhir.MeasurementToObservation(c.m, nil)), http.StatusCreated)
			o, err := fhir.Decode[*fhir.Observation](r.body)
			if err != nil {
				t.Fatal(err)
			}
			_, cls, err := fhir.ObservationToMeasurement(o)
			if err != nil || cls == nil {
				t.Fatalf("stored observation not classified: %v %s", err, r.body)
			}
			if cls.Color != c.colour {
				t.Errorf("colour %v, want %v", cls.Color, c.colour)
			}
			want, _ := testRegime("p1").Thresholds.Absolute(c.m.Kind)
			if cls.Limits != want {
				t.Errorf("limits snapshot %+v, want %+v", cls.Limits, want)
			}
			if c.priority == "" {
				if ts := e.searchAll(tokNurseA, "/Task?focus="+url.QueryEscape("Observation/"+o.ID)); len(ts) != 0 {
					t.Errorf("%d review tasks for an informational reading", len(ts))
				}
				return
			}
			task := findTask(t, e, "Observation/"+o.ID)
			if task.Priority != c.priority || task.Status != "ready" || fhir.TaskCategoryOf(task) != string(domain.TaskMeasurement) {
				t.Errorf("task priority %q status %q category %q", task.Priority, task.Status, fhir.TaskCategoryOf(task))
			}
			if ext := fhir.FindExtension(task.Extension, fhir.ExtTaskResponsible); ext == nil || ext.ValueReference.Reference != "CareTeam/team-a" {
				t.Errorf("task responsible %+v", ext)
			}
			ci := e.want(e.do(http.MethodGet, "/ClinicalImpression/triage-"+o.ID, tokNurseA, nil), http.StatusOK)
			if !strings.Contains(string(ci.body), fhir.CodeTriagingResult) || !strings.Contains(string(ci.body), "Observation/"+o.ID) {
				t.Errorf("triage impression %s", ci.body)
			}
		})
	}
	// The weight reading carries RAL 77–83 and GAL 78–82 (reference 80).
	obs := e.searchAll(tokNurseA, "/Observation?code=NPU03804")
	b, _ := fhir.Encode(obs[0])
	for _, want := range []string{`"code":"RAL"`, `"code":"GAL"`, `"value":77`, `"value":83`, `"value":78`, `"value":82`, `"reference":"ServiceRequest/cp-p1-weight"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("weight observation lacks %s: %s", want, b)
		}
	}
}

func TestQuestionnaireTriage(t *testing.T) {
	e := newEnv(t)
	q := fhir.ProToQuestionnaireResponse(domain.ProResponse{PatientID: "p1", Taken: t0, Answers: []domain.ProAnswer{
		{Question: "Åndenød?", Answer: "Mere end før", Severity: domain.Yellow}, {Question: "Hævede ben?", Answer: "Nej", Severity: domain.Green}}})
	r := e.want(e.do(http.MethodPost, "/QuestionnaireResponse", tokPatient1, q), http.StatusCreated)
	got, _ := fhir.Decode[*fhir.QuestionnaireResponse](r.body)
	task := findTask(t, e, "QuestionnaireResponse/"+got.ID)
	if task.Priority != "urgent" {
		t.Errorf("priority %q", task.Priority)
	}
}

// The regime's questionnaire severities decide an answer's colour on
// arrival: an answer the physician made red for this patient is red
// (stored in the response, and the task asap), whatever the app said.
func TestQuestionnaireTriageUsesTheRegimesSeverities(t *testing.T) {
	e := newEnv(t)
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
	q := fhir.ProToQuestionnaireResponse(domain.ProResponse{PatientID: "p1", Taken: t0, Answers: []domain.ProAnswer{
		{Question: "Åndenød?", Answer: "Mere end før", Severity: domain.Yellow}, {Question: "Hævede ben?", Answer: "Nej", Severity: domain.Green}}})
	r := e.want(e.do(http.MethodPost, "/QuestionnaireResponse", tokPatient1, q), http.StatusCreated)
	got, _ := fhir.Decode[*fhir.QuestionnaireResponse](r.body)
	pro, err := fhir.QuestionnaireResponseToPro(got)
	if err != nil {
		t.Fatal(err)
	}
	if pro.Answers[0].Severity != domain.Red || pro.Answers[1].Severity != domain.Green {
		t.Errorf("stored answers %+v", pro.Answers)
	}
	if task := findTask(t, e, "QuestionnaireResponse/"+got.ID); task.Priority != "asap" {
		t.Errorf("priority %q, want asap (red)", task.Priority)
	}
}

func TestAcknowledgeByPatchAndAssessment(t *testing.T) {
	e := newEnv(t)
	r := e.want(e.do(http.MethodPost, "/Observation", tokPatient1, weightObs("p1", 82.5, t0, "")), http.StatusCreated)
	o, _ := fhir.Decode[*fhir.Observation](r.body)
	task := findTask(t, e, "Observation/"+o.ID)
	patch := `[{"op":"test","path":"/status","value":"ready"},{"op":"replace","path":"/status","value":"completed"},
		{"op":"add","path":"/owner","value":{"reference":"Practitioner/nurse-a"}}]`
	pr := e.want(e.do(http.MethodPatch, "/Task/"+task.ID, tokNurseA, patch, "If-Match", `W/"1"`, "Content-Type", "application/json-patch+json"), http.StatusOK)
	done, _ := fhir.Decode[*fhir.Task](pr.body)
	if done.Status != "completed" || done.Owner.Reference != "Practitioner/nurse-a" || done.Meta.VersionID != "2" {
		t.Fatalf("patched task %s", pr.body)
	}
	e.wantOutcome(e.do(http.MethodPatch, "/Task/"+task.ID, tokNurseA, patch, "If-Match", `W/"1"`), http.StatusPreconditionFailed)
	e.wantOutcome(e.do(http.MethodPatch, "/Task/"+task.ID, tokNurseA, `[{"op":"replace","path":"/id","value":"x"}]`), http.StatusUnprocessableEntity)
	e.wantOutcome(e.do(http.MethodPatch, "/Task/"+task.ID, tokNurseA, `[{"op":"test","path":"/status","value":"ready"}]`), http.StatusUnprocessableEntity)
	e.wantOutcome(e.do(http.MethodPatch, "/Observation/"+o.ID, tokNurseA, `[]`), http.StatusMethodNotAllowed)
	e.wantOutcome(e.do(http.MethodPatch, "/Task/"+task.ID, tokNurseB, patch), http.StatusNotFound)

	code := fhir.Concept(fhir.SystemClinicalImpCode, fhir.CodeMeasurementAssessment, "")
	assess := fhir.ClinicalImpression{Base: fhir.Base{ResourceType: "ClinicalImpression"}, Status: "completed", Code: &code,
		Subject: *fhir.Ref("Patient", "p1"), Previous: fhir.Ref("ClinicalImpression", "triage-"+o.ID), Assessor: fhir.Ref("Practitioner", "nurse-a")}
	e.want(e.do(http.MethodPost, "/ClinicalImpression", tokNurseA, assess), http.StatusCreated)

	// Observations are immutable once submitted.
	o.ValueQuantity = fhir.Qty(60, "kg")
	e.wantOutcome(e.do(http.MethodPut, "/Observation/"+o.ID, tokNurseA, o), http.StatusMethodNotAllowed)
	// Marking it entered-in-error changes the status and nothing else.
	o.Status = "entered-in-error"
	e.wantOutcome(e.do(http.MethodPut, "/Observation/"+o.ID, tokNurseA, o), http.StatusUnprocessableEntity)
	o, _ = fhir.Decode[*fhir.Observation](r.body)
	o.Status = "entered-in-error"
	e.want(e.do(http.MethodPut, "/Observation/"+o.ID, tokNurseA, o), http.StatusOK)
}

func TestTransactionAllOrNothing(t *testing.T) {
	e := newEnv(t)
	pat := fhir.PatientToFHIR(domain.Patient{CPR: "0101010000", Name: "Ny Patient", Synthetic: true})
	pat.Identifier = append(pat.Identifier, fhir.ClientIdentifier("aaaaaaaa-0000-0000-0000-000000000001"))
	pj, _ := fhir.Encode(pat)
	bad := []byte(`{"resourceType":"Observation","status":"final"}`)
	b := fhir.Bundle{Base: fhir.Base{ResourceType: "Bundle"}, Type: "transaction", Entry: []fhir.BundleEntry{
		{FullURL: "urn:uuid:aaaaaaaa-0000-0000-0000-000000000001", Resource: pj, Request: &fhir.BundleEntryRequest{Method: "POST", URL: "Patient"}},
		{Resource: bad, Request: &fhir.BundleEntryRequest{Method: "POST", URL: "Observation"}},
	}}
	oo := e.wantOutcome(e.do(http.MethodPost, "/", tokNurseA, b), http.StatusBadRequest)
	if !strings.Contains(oo.Issue[0].Diagnostics, "entry 1") {
		t.Errorf("diagnostics %q", oo.Issue[0].Diagnostics)
	}
	q := "/Patient?identifier=" + url.QueryEscape("0101010000")
	if got := e.searchAll(tokNurseA, q); len(got) != 0 {
		t.Fatalf("rolled-back patient is visible: %d", len(got))
	}
	// Done right: the patient, an episode pointing at it by urn:uuid, and a
	// second try that changes nothing thanks to ifNoneExist.
	eoc := fhir.ResponsibilityToEpisodeOfCare("", "x", domain.Responsibility{Home: teamA})
	eoc.Patient = fhir.Reference{Reference: "urn:uuid:aaaaaaaa-0000-0000-0000-000000000001"}
	ej, _ := fhir.Encode(eoc)
	b.Entry[0].Request.IfNoneExist = fhir.IdentifierQuery(fhir.ClientIdentifier("aaaaaaaa-0000-0000-0000-000000000001"))
	b.Entry[1] = fhir.BundleEntry{Resource: ej, Request: &fhir.BundleEntryRequest{Method: "POST", URL: "EpisodeOfCare"}}
	r := e.want(e.do(http.MethodPost, "/", tokNurseA, b), http.StatusOK)
	tr, err := fhir.Decode[*fhir.Bundle](r.body)
	if err != nil || tr.Type != "transaction-response" || len(tr.Entry) != 2 || tr.Entry[0].Response.Status != "201 Created" {
		t.Fatalf("response %s (%v)", r.body, err)
	}
	got := e.searchAll(tokNurseA, q)
	if len(got) != 1 {
		t.Fatalf("patient via episode: %d", len(got))
	}
	ep := e.searchAll(tokNurseA, "/EpisodeOfCare?patient="+got[0].Header().ID)
	if len(ep) != 1 {
		t.Fatalf("urn:uuid reference not resolved: %d episodes", len(ep))
	}
}

func TestErrorsAreOperationOutcomes(t *testing.T) {
	e := newEnv(t)
	e.wantOutcome(e.do(http.MethodPost, "/Observation", tokPatient1, `{"resourceType":"Observation",`), http.StatusBadRequest)
	e.wantOutcome(e.do(http.MethodPost, "/Observation", tokPatient1, `{"resourceType":"Patient"}`), http.StatusBadRequest)
	e.wantOutcome(e.do(http.MethodPost, "/Observation", tokPatient1, "{\"resourceType\":\"Observation\",\"id\":\"\xff\"}"), http.StatusBadRequest)
	big := `{"resourceType":"Communication","status":"completed","payload":[{"contentString":"` + strings.Repeat("x", DefaultMaxBody) + `"}]}`
	oo := e.wantOutcome(e.do(http.MethodPost, "/Communication", tokPatient1, big), http.StatusRequestEntityTooLarge)
	if !strings.Contains(oo.Issue[0].Diagnostics, "exceeds") {
		t.Errorf("diagnostics %q", oo.Issue[0].Diagnostics)
	}
	e.wantOutcome(e.do(http.MethodGet, "/Spaceship/1", tokNurseA, nil), http.StatusNotFound)
	e.wantOutcome(e.do(http.MethodPost, "/Observation", tokPatient1, "x", "Content-Type", "text/plain"), http.StatusUnsupportedMediaType)
	e.wantOutcome(e.do(http.MethodPut, "/Patient/p1", tokNurseA, fhir.PatientToFHIR(domain.Patient{ID: "p1"}), "If-Match", "yesterday"), http.StatusBadRequest)
	e.wantOutcome(e.do(http.MethodDelete, "/Patient/p1", tokNurseA, nil), http.StatusMethodNotAllowed)
}

func TestMetadata(t *testing.T) {
	e := newEnv(t)
	r := e.want(e.do(http.MethodGet, "/metadata", "", nil), http.StatusOK)
	cs, err := fhir.Decode[*fhir.CapabilityStatement](r.body)
	if err != nil || cs.FhirVersion != "4.0.1" || len(cs.Rest) != 1 {
		t.Fatalf("%v %s", err, r.body)
	}
	// Questionnaire definitions are served for reading only.
	var got []string
	for _, res := range cs.Rest[0].Resource {
		if res.Type == "Questionnaire" {
			for _, ia := range res.Interaction {
				got = append(got, ia.Code)
			}
		}
	}
	if strings.Join(got, ",") != "read,vread,search-type" {
		t.Errorf("Questionnaire interactions %q, want read, vread and search only", got)
	}
}
