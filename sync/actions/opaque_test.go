package actions_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/actions"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
)

// Unknown to the console: what a richer server (FUT, another region's)
// keeps on every resource. Each must survive every write the console makes.
const unknownExtURL = "http://example.org/fhir/StructureDefinition/server-only"

func withUnknown(m map[string]any) {
	exts, _ := m["extension"].([]any)
	m["extension"] = append([]any{map[string]any{"url": unknownExtURL, "valueString": "keep me " + m["resourceType"].(string)}}, exts...)
	m["implicitRules"] = "http://example.org/rules"
	m["language"] = "da"
}

// opaqueClinic is one patient on an opaqueServer, seeded with elements the
// console does not model on every resource it may write.
type opaqueClinic struct {
	srv                                *opaqueServer
	now                                time.Time
	home, cover                        domain.Team
	patient, episode, plan, task, miss string
	message, obs                       string
	srByKind                           map[domain.Kind]string
	nurse                              actions.User
}

func newOpaqueClinic(t *testing.T) *opaqueClinic {
	now := time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC)
	s := newOpaqueServer(t, now)
	c := &opaqueClinic{srv: s, now: now, srByKind: map[domain.Kind]string{},
		nurse: actions.User{ID: uuid.NewString(), Name: "Karen Holm"}}
	for _, team := range []*domain.Team{&c.home, &c.cover} {
		team.OrgID = s.seedJSON(&fhir.Organization{Base: fhir.Base{ResourceType: "Organization"}, Name: "Sygehus " + uuid.NewString()[:4]}, nil)
		ct, _ := fhir.TeamToFHIR(domain.Team{Name: "Team " + uuid.NewString()[:4], OrgID: team.OrgID, OrgName: "Sygehus"})
		team.ID = s.seedJSON(ct, nil)
		team.Name, team.OrgName = ct.Name, "Sygehus"
	}
	c.patient = s.seedJSON(fhir.PatientToFHIR(domain.Patient{Name: "Patient Opak", CPR: "0101501234",
		Programmes: []string{domain.ProgrammeHeartFailure}}), nil)
	c.episode = s.seedJSON(fhir.ResponsibilityToEpisodeOfCare("", c.patient, domain.Responsibility{Home: c.home}), func(m map[string]any) {
		withUnknown(m)
		m["period"] = map[string]any{"start": "2026-01-05"}
		m["type"] = []any{map[string]any{"text": "telemedicinsk forløb"}}
	})
	start := now.AddDate(0, 0, -30)
	reg := domain.Regime{ID: "placeholder", PatientID: c.patient, EffectiveFrom: start, Start: start,
		Phase: domain.PhaseOngoing, Author: "Dr. Test", Physician: "Dr. Test", Reason: "start",
		Schedules:  []domain.Schedule{{Kind: domain.KindPulse, Freq: domain.Frequency{Kind: domain.Daily}, Deadline: 12 * time.Hour}},
		Thresholds: domain.DefaultThresholds(80)}
	cp, srs := fhir.RegimeToFHIR(reg)
	cp.ID, cp.Activity = "", nil
	c.plan = s.seedJSON(cp, func(m map[string]any) {
		withUnknown(m)
		m["careTeam"] = []any{map[string]any{"reference": "CareTeam/" + c.home.ID}}
	})
	var activity []any
	for _, sr := range srs {
		k, _ := fhir.KindOf(*sr.Code)
		sr.ID = ""
		sr.BasedOn = []fhir.Reference{*fhir.Ref("CarePlan", c.plan)}
		id := s.seedJSON(sr, func(m map[string]any) {
			withUnknown(m)
			m["requester"] = map[string]any{"reference": "Practitioner/" + uuid.NewString(), "display": "Dr. Test"}
		})
		c.srByKind[k] = id
		activity = append(activity, map[string]any{"reference": map[string]any{"reference": "ServiceRequest/" + id}})
	}
	cpm := s.get("CarePlan", c.plan)
	cpm["activity"] = activity
	delete(cpm, "meta")
	s.seed(cpm)

	red := domain.Measurement{PatientID: c.patient, Kind: domain.KindPulse, Value: 120, Taken: now.Add(-3 * time.Hour), Received: now.Add(-3 * time.Hour)}
	c.obs = s.seedJSON(fhir.MeasurementToObservation(red, &domain.Classification{Color: domain.Red}), nil)
	c.task = s.seedJSON(fhir.TaskToFHIR(domain.Task{PatientID: c.patient, Category: domain.TaskMeasurement, FocusID: c.obs,
		Color: domain.Red, Created: red.Received}), func(m map[string]any) {
		withUnknown(m)
		m["note"] = []any{map[string]any{"text": "server-side note"}}
		m["executionPeriod"] = map[string]any{"start": "2026-06-10T06:00:00Z"}
		m["businessStatus"] = map[string]any{"text": "afventer"}
	})
	c.miss = s.seedJSON(fhir.TaskToFHIR(domain.Task{PatientID: c.patient, Category: domain.TaskMissing, Kind: domain.KindPulse,
		Color: domain.Yellow, Created: now.Add(-20 * time.Hour), Due: now.Add(-21 * time.Hour)}), withUnknown)
	c.message = s.seedJSON(fhir.MessageToCommunication(domain.Message{PatientID: c.patient, ThreadID: "thr-1", FromPatient: true,
		Sender: "Patient Opak", Title: "Spørgsmål", Body: "Hvornår skal jeg måle?", Sent: now.Add(-time.Hour)}), func(m map[string]any) {
		withUnknown(m)
		m["medium"] = []any{map[string]any{"text": "app"}}
	})
	return c
}

// console opens a cache on the opaque server and syncs it once.
func (c *opaqueClinic) console(t *testing.T, clock func() time.Time) *nurseConsole {
	t.Helper()
	ctx := context.Background()
	st, err := cache.Open(ctx, filepath.Join(t.TempDir(), "cache.db"), cache.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cl, err := client.New(client.Options{BaseURL: c.srv.url, Token: "tok", Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(st, cl, engine.Options{Clock: clock, Logger: quiet, Rand: func() float64 { return 0.5 }})
	act, err := actions.New(st, c.nurse, clock, uuid.NewString)
	if err != nil {
		t.Fatal(err)
	}
	n := &nurseConsole{store: st, eng: eng, act: act, user: c.nurse}
	n.sync(t)
	return n
}

// hasUnknown fails unless m still carries every element withUnknown gave
// it.
func hasUnknown(t *testing.T, what string, m map[string]any) {
	t.Helper()
	if m["implicitRules"] != "http://example.org/rules" || m["language"] != "da" {
		t.Errorf("%s lost unknown elements: %v", what, m)
	}
	found := false
	for _, e := range asSlice(m["extension"]) {
		if em, _ := e.(map[string]any); em["url"] == unknownExtURL {
			found = true
		}
	}
	if !found {
		t.Errorf("%s lost its server-side extension: %v", what, m["extension"])
	}
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

// Every write the console makes on an independent server (opaque UUID
// versionIds, keeping what it is sent) keeps what the console does not
// model, and chained offline changes of one resource each use the ETag the
// server returned for the one before: nothing conflicts, nothing is lost,
// and the regime history holds exactly the server's versions.
func TestWritesOnAnOpaqueServerKeepUnknownDataAndChain(t *testing.T) {
	c := newOpaqueClinic(t)
	ctx := context.Background()
	clock := func() time.Time { return c.now }
	n := c.console(t, clock)

	// Offline: everything below is queued before the one round that sends
	// it, several changes chaining on the same resource.
	if err := n.act.MarkRead(ctx, c.message, true); err != nil {
		t.Fatal(err)
	}
	if err := n.act.MarkRead(ctx, c.message, false); err != nil {
		t.Fatal(err)
	}
	if err := n.act.MarkRead(ctx, c.message, true); err != nil {
		t.Fatal(err)
	}
	ack := domain.Acknowledgement{TaskIDs: []string{c.task}, Scope: domain.AckScope{Kind: domain.AckPatient, PatientID: c.patient},
		Note: "set, ok", By: c.nurse.Name, At: c.now}
	if _, err := n.act.Acknowledge(ctx, ack); err != nil {
		t.Fatal(err)
	}
	if err := n.act.ResolveMissing(ctx, domain.MissingResolution{TaskID: c.miss, PatientID: c.patient,
		Reason: domain.MissingContacted, Text: "ringede", By: c.nurse.Name, At: c.now}); err != nil {
		t.Fatal(err)
	}
	ch1 := validChange(t, n, c.patient)
	if err := n.act.SaveRegime(ctx, ch1); err != nil {
		t.Fatal(err)
	}
	ch2 := validChange(t, n, c.patient)
	ch2.Regime.Reason = "igen"
	pt := ch2.Regime.Thresholds.ByKind[domain.KindPulse]
	pt.Primary.YellowHigh = domain.L(85)
	ch2.Regime.Thresholds.ByKind[domain.KindPulse] = pt
	if err := n.act.SaveRegime(ctx, ch2); err != nil {
		t.Fatal(err)
	}
	cover := domain.CoverPlan{Scope: domain.CoverPatient, PatientID: c.patient, Covering: c.cover,
		Period: domain.Period{From: c.now.AddDate(0, 0, 1), To: c.now.AddDate(0, 0, 4)}, By: c.nurse.Name, At: c.now}
	if err := n.act.PlanCover(ctx, cover); err != nil {
		t.Fatal(err)
	}
	later := cover
	later.ID, later.Period = "", domain.Period{From: c.now.AddDate(0, 0, 10), To: c.now.AddDate(0, 0, 12)}
	if err := n.act.PlanCover(ctx, later); err != nil {
		t.Fatal(err)
	}

	rep := n.sync(t)
	if rep.Conflicts != 0 || rep.Failed != 0 {
		probs, _ := n.act.SyncProblems(ctx)
		t.Fatalf("round = %+v; problems %+v", rep, probs)
	}
	if left := n.outbox(t); len(left) != 0 {
		t.Fatalf("outbox after the round = %q", outboxLines(left))
	}
	if got := c.srv.requests["PATCH Task"] + c.srv.requests["PATCH Communication"]; got != 0 {
		t.Errorf("%d PATCH requests to a server without PATCH", got)
	}

	// Communication: read after read/unread/read, every other extension kept.
	msg := c.srv.get("Communication", c.message)
	hasUnknown(t, "Communication", msg)
	if v := msg["medium"]; v == nil {
		t.Error("Communication lost medium")
	}
	if s := str(msg["extension"]); !strings.Contains(s, "thr-1") || !strings.Contains(s, fhir.AdminStatusRead) ||
		strings.Contains(s, fhir.AdminStatusActive) {
		t.Errorf("Communication extensions = %s", s)
	}
	if v := c.srv.versions("Communication", c.message); len(v) != 4 {
		t.Errorf("Communication versions = %d, want 4 (seed + three changes)", len(v))
	}

	// Task: completed with owner and the note appended; the server's note,
	// executionPeriod.start and businessStatus kept.
	task := c.srv.get("Task", c.task)
	hasUnknown(t, "Task", task)
	if task["status"] != "completed" || task["businessStatus"] == nil {
		t.Errorf("Task = %v", task)
	}
	if notes := str(task["note"]); !strings.Contains(notes, "server-side note") || !strings.Contains(notes, "set, ok") {
		t.Errorf("Task notes = %s", notes)
	}
	if ep, _ := task["executionPeriod"].(map[string]any); ep["start"] != "2026-06-10T06:00:00Z" || ep["end"] == nil {
		t.Errorf("Task executionPeriod = %v", task["executionPeriod"])
	}
	hasUnknown(t, "missing Task", c.srv.get("Task", c.miss))

	// CarePlan and ServiceRequests: both versions reached the server;
	// careTeam and requester kept.
	plan := c.srv.get("CarePlan", c.plan)
	hasUnknown(t, "CarePlan", plan)
	if plan["careTeam"] == nil || !strings.Contains(str(plan["extension"]), "igen") {
		t.Errorf("CarePlan = %v", plan)
	}
	if v := c.srv.versions("CarePlan", c.plan); len(v) != 4 { // seed, activity, two changes
		t.Errorf("CarePlan versions = %d, want 4", len(v))
	}
	for k, id := range c.srByKind {
		sr := c.srv.get("ServiceRequest", id)
		hasUnknown(t, "ServiceRequest "+string(k), sr)
		if sr["requester"] == nil {
			t.Errorf("ServiceRequest %s lost requester", k)
		}
	}
	if s := str(c.srv.get("ServiceRequest", c.srByKind[domain.KindPulse])["extension"]); !strings.Contains(s, "85") || !strings.Contains(s, "110") {
		t.Errorf("pulse ServiceRequest thresholds = %s", s)
	}
	// The regime history: exactly the server's CarePlan versions, none
	// made up (no pending or computed version left behind).
	hist, err := n.store.RegimeHistory(ctx, c.patient)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range hist {
		got = append(got, r.Version)
	}
	serverVersions := c.srv.versions("CarePlan", c.plan)
	if want := serverVersions[len(serverVersions)-3:]; !reflect.DeepEqual(got, want) {
		t.Errorf("cached regime versions = %q, want the server's %q", got, want)
	}
	if last := hist[len(hist)-1]; last.Reason != "igen" || last.Thresholds.ByKind[domain.KindPulse].Primary.YellowHigh.V != 85 {
		t.Errorf("newest cached regime = %+v", last)
	}

	// EpisodeOfCare: two covers, period and everything else kept.
	eoc := c.srv.get("EpisodeOfCare", c.episode)
	hasUnknown(t, "EpisodeOfCare", eoc)
	if p, _ := eoc["period"].(map[string]any); p["start"] != "2026-01-05" || eoc["type"] == nil {
		t.Errorf("EpisodeOfCare lost period or type: %v", eoc)
	}
	covers := 0
	for _, e := range asSlice(eoc["extension"]) {
		if em, _ := e.(map[string]any); em["url"] == fhir.ExtCover {
			covers++
		}
	}
	if covers != 2 {
		t.Errorf("EpisodeOfCare covers = %d, want 2: %v", covers, eoc["extension"])
	}
	d, err := n.store.Patient(ctx, c.patient, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if r := d.Responsibility; r.Cover == nil || len(r.Planned) != 1 {
		t.Errorf("cached responsibility = %+v", r)
	}
	var _ = json.Marshal
}

// triageImpression is a triage ClinicalImpression as a FUT-like server
// makes it (its id the server's, not our central's triage-<id> naming).
func triageImpression(patient, obs string, c domain.Color) *fhir.ClinicalImpression {
	code := fhir.Concept(fhir.SystemClinicalImpCode, fhir.CodeTriagingResult, "")
	colour := fhir.ColourConcept(c)
	return &fhir.ClinicalImpression{Base: fhir.Base{ResourceType: "ClinicalImpression"}, Status: "completed", Code: &code,
		Subject: *fhir.Ref("Patient", patient),
		Investigation: []fhir.ClinicalImpressionInvestigation{{Code: fhir.CodeableConcept{Text: "measurement"},
			Item: []fhir.Reference{*fhir.Ref("Observation", obs)}}},
		Finding: []fhir.ClinicalImpressionFinding{{ItemCodeableConcept: &colour}}}
}

// futTask is a MeasurementForAssessment Task shaped as on the eHealth
// Infrastructure: its focus is the triage ClinicalImpression, its colour
// only in priority.
func futTask(patient, impression string, created time.Time) map[string]any {
	cat := fhir.Concept(fhir.SystemTaskCategory, string(domain.TaskMeasurement), "")
	t := &fhir.Task{Base: fhir.Base{ResourceType: "Task", Extension: []fhir.Extension{{URL: fhir.ExtTaskCategory, ValueCodeableConcept: &cat}}},
		Status: fhir.TaskStatusReady, Intent: "order", Priority: "asap", Focus: fhir.Ref("ClinicalImpression", impression),
		For: fhir.Ref("Patient", patient), AuthoredOn: fhir.FormatInstant(created)}
	b, _ := json.Marshal(t)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// Both shapes of a worklist Task work end to end on an independent server:
// focus on the Observation (ours) and focus on the triage
// ClinicalImpression (FUT's), the latter whether the impression arrives
// before or after the Task. Each is shown with its reading's value and
// colour, acknowledging it acknowledges the reading, and the assessment
// refers only to ids read from the server: previous is the triage
// ClinicalImpression the console pulled, or absent when there is none.
func TestBothTaskShapesAndTriageReferencesOnAnOpaqueServer(t *testing.T) {
	c := newOpaqueClinic(t)
	ctx := context.Background()
	s := c.srv
	low := domain.Measurement{PatientID: c.patient, Kind: domain.KindPulse, Value: 38, Taken: c.now.Add(-2 * time.Hour), Received: c.now.Add(-2 * time.Hour)}
	obsFUT := s.seedJSON(fhir.MeasurementToObservation(low, &domain.Classification{Color: domain.Red}), nil)
	triage := s.seedJSON(triageImpression(c.patient, obsFUT, domain.Red), nil)
	taskFUT := s.seed(futTask(c.patient, triage, low.Received))
	// A third reading whose triage the console pulls only after its Task.
	late := domain.Measurement{PatientID: c.patient, Kind: domain.KindWeight, Value: 86, Taken: c.now.Add(-time.Hour), Received: c.now.Add(-time.Hour)}
	obsLate := s.seedJSON(fhir.MeasurementToObservation(late, &domain.Classification{Color: domain.Yellow}), nil)
	triageLate := uuid.NewString()
	taskLate := s.seed(futTask(c.patient, triageLate, late.Received))

	clock := func() time.Time { return c.now }
	n := c.console(t, clock)
	lateCI := triageImpression(c.patient, obsLate, domain.Yellow)
	lateCI.ID = triageLate
	s.seedJSON(lateCI, nil)
	n.sync(t)

	rows, err := n.store.Worklist(ctx, false)
	if err != nil || len(rows) != 1 {
		t.Fatalf("worklist = %+v, %v", rows, err)
	}
	r := rows[0]
	if r.OpenReadings[domain.KindPulse] != 2 || r.OpenReadings[domain.KindWeight] != 1 {
		t.Errorf("open readings = %v; want both pulse tasks and the weight task joined to their readings", r.OpenReadings)
	}
	if w := r.WorstOpen[domain.KindWeight]; w.Value != 86 || w.Color != domain.Red {
		// The FUT task has no colour extension: its colour is its priority.
		t.Errorf("weight open item = %+v, want 86 red (priority asap)", w)
	}
	d, err := n.store.Patient(ctx, c.patient, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	focus := map[string]string{}
	for _, ot := range d.OpenTasks {
		focus[ot.ID] = ot.FocusID
	}
	if focus[taskFUT] != obsFUT || focus[taskLate] != obsLate || focus[c.task] != c.obs {
		t.Fatalf("task focus = %v; want the readings %s, %s, %s", focus, obsFUT, obsLate, c.obs)
	}

	ack := domain.Acknowledgement{TaskIDs: []string{c.task, taskFUT, taskLate},
		Scope: domain.AckScope{Kind: domain.AckPatient, PatientID: c.patient}, By: c.nurse.Name, At: c.now}
	if _, err := n.act.Acknowledge(ctx, ack); err != nil {
		t.Fatal(err)
	}
	if rep := n.sync(t); rep.Conflicts+rep.Failed != 0 {
		t.Fatalf("round = %+v", rep)
	}
	previous := map[string]string{} // reading -> previous reference ("" none)
	for _, ci := range s.all("ClinicalImpression") {
		if !strings.Contains(str(ci["code"]), fhir.CodeMeasurementAssessment) {
			continue
		}
		var item string
		for _, inv := range asSlice(ci["investigation"]) {
			for _, it := range asSlice(inv.(map[string]any)["item"]) {
				item = str(it.(map[string]any)["reference"])
			}
		}
		prev := ""
		if p, ok := ci["previous"].(map[string]any); ok {
			prev = str(p["reference"])
		}
		previous[item] = prev
	}
	want := map[string]string{"Observation/" + c.obs: "", "Observation/" + obsFUT: "ClinicalImpression/" + triage,
		"Observation/" + obsLate: "ClinicalImpression/" + triageLate}
	if !reflect.DeepEqual(previous, want) {
		t.Errorf("assessments (reading → previous) = %v, want %v", previous, want)
	}
	for _, id := range []string{c.task, taskFUT, taskLate} {
		if st := s.get("Task", id)["status"]; st != "completed" {
			t.Errorf("Task %s on the server = %v", id, st)
		}
	}
	// Acknowledging acknowledged the readings, here and for a console
	// that only pulls.
	for _, con := range []*nurseConsole{n, c.console(t, clock)} {
		d, err := con.store.Patient(ctx, c.patient, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		for _, rd := range d.Readings {
			if (rd.ID == obsFUT || rd.ID == obsLate || rd.ID == c.obs) && !rd.Acknowledged {
				t.Errorf("reading %s (%s %v) not acknowledged", rd.ID, rd.Kind, rd.Value)
			}
		}
	}
}

// No server-side triage, no alarm: a pulse of 38 posted to a server that
// does not triage arrives with no colour and no Task. The console
// classifies it against the thresholds in force (red), lists it marked as
// classified by the console, and acknowledging it records on the server
// the triage the server would have made and the assessment (previous → that
// triage), creating no Task. Another console then sees it acknowledged.
func TestUntriagedReadingIsClassifiedByTheConsole(t *testing.T) {
	c := newOpaqueClinic(t)
	ctx := context.Background()
	s := c.srv
	low := domain.Measurement{PatientID: c.patient, Kind: domain.KindPulse, Value: 38, Taken: c.now.Add(-time.Hour), Received: c.now.Add(-time.Hour)}
	obs := s.seedJSON(fhir.MeasurementToObservation(low, nil), nil)
	old := domain.Measurement{PatientID: c.patient, Kind: domain.KindPulse, Value: 39, Taken: c.now.AddDate(0, 0, -10), Received: c.now.AddDate(0, 0, -10)}
	oldObs := s.seedJSON(fhir.MeasurementToObservation(old, nil), nil)
	tasksBefore := len(s.all("Task"))

	clock := func() time.Time { return c.now }
	n := c.console(t, clock)
	rows, err := n.store.Worklist(ctx, false)
	if err != nil || len(rows) != 1 {
		t.Fatalf("worklist = %+v, %v", rows, err)
	}
	if o := rows[0].Open; o.ByConsole != 1 || o.Red != 2 {
		t.Errorf("open items = %+v; want the untriaged 38 red and marked as the console's (and the triaged 120 red)", o)
	}
	if g := rows[0].Open.Group(); g != domain.GroupRed {
		t.Errorf("worklist group = %v, want red", g)
	}
	d, err := n.store.Patient(ctx, c.patient, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var item domain.Task
	for _, ot := range d.OpenTasks {
		if ot.FocusID == obs {
			item = ot
		}
		if ot.FocusID == oldObs {
			t.Errorf("a reading taken 10 days ago is listed as open: %+v", ot)
		}
	}
	if !item.ByConsole || item.Color != domain.Red {
		t.Fatalf("the console's item for the 38 = %+v", item)
	}
	for _, rd := range d.Readings {
		if (rd.ID == obs || rd.ID == oldObs) && (rd.Color != domain.Red || !rd.ByConsole) {
			t.Errorf("reading %v = %v by console %v; want red, classified by the console", rd.Value, rd.Color, rd.ByConsole)
		}
	}

	ack := domain.Acknowledgement{TaskIDs: []string{item.ID}, Scope: domain.AckScope{Kind: domain.AckPatient, PatientID: c.patient},
		Note: "ringet op", By: c.nurse.Name, At: c.now}
	if res, err := n.act.Acknowledge(ctx, ack); err != nil || len(res.Acknowledged) != 1 {
		t.Fatalf("acknowledge = %+v, %v", res, err)
	}
	if rep := n.sync(t); rep.Conflicts+rep.Failed != 0 || rep.Pushed != 1 {
		t.Fatalf("round = %+v", rep)
	}
	if got := len(s.all("Task")); got != tasksBefore {
		t.Errorf("Tasks on the server = %d, want %d (the console creates none)", got, tasksBefore)
	}
	var triageID string
	var assessment map[string]any
	for _, ci := range s.all("ClinicalImpression") {
		switch {
		case strings.Contains(str(ci["code"]), fhir.CodeTriagingResult):
			if !strings.Contains(str(ci["extension"]), "console") || !strings.Contains(str(ci["finding"]), "red") ||
				!strings.Contains(str(ci["investigation"]), "Observation/"+obs) {
				t.Errorf("triage = %v", ci)
			}
			triageID = str(ci["id"])
		case strings.Contains(str(ci["code"]), fhir.CodeMeasurementAssessment):
			assessment = ci
		}
	}
	if triageID == "" || assessment == nil {
		t.Fatalf("server ClinicalImpressions = %v", s.all("ClinicalImpression"))
	}
	if p, _ := assessment["previous"].(map[string]any); p["reference"] != "ClinicalImpression/"+triageID {
		t.Errorf("assessment previous = %v, want the triage %s", assessment["previous"], triageID)
	}
	if _, ok := assessment["supportingInfo"]; ok {
		t.Errorf("assessment refers to a Task: %v", assessment["supportingInfo"])
	}
	for _, con := range []*nurseConsole{n, c.console(t, clock)} {
		d, err := con.store.Patient(ctx, c.patient, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		for _, ot := range d.OpenTasks {
			if ot.FocusID == obs {
				t.Errorf("the acknowledged reading is still open: %+v", ot)
			}
		}
		for _, rd := range d.Readings {
			if rd.ID == obs && (!rd.Acknowledged || rd.Color != domain.Red || !rd.ByConsole) {
				t.Errorf("reading after acknowledgement = %+v", rd)
			}
		}
	}
}

// No server-side triage, no alarm, for questionnaires: an answer with a red
// reply posted to a server that makes no review Task for it is listed as
// the console's own red item. Acknowledging it records on the server the
// triage the server would have made and the assessment, both about the
// QuestionnaireResponse (never an Observation of its id), creating no
// Task; another console that pulls them sees the answer assessed.
func TestUntriagedQuestionnaireIsAcknowledgedByTheConsole(t *testing.T) {
	c := newOpaqueClinic(t)
	ctx := context.Background()
	s := c.srv
	q := domain.ProResponse{PatientID: c.patient, Taken: c.now.Add(-time.Hour), Answers: []domain.ProAnswer{
		{Question: "Er du mere forpustet end før?", Answer: "Ja", Severity: domain.Red},
		{Question: "Hævede ben?", Answer: "Nej", Severity: domain.Green}}}
	qr := s.seedJSON(fhir.ProToQuestionnaireResponse(q), nil)
	focus := domain.QuestionnaireFocus(qr)
	tasksBefore := len(s.all("Task"))

	clock := func() time.Time { return c.now }
	n := c.console(t, clock)
	rows, err := n.store.Worklist(ctx, false)
	if err != nil || len(rows) != 1 {
		t.Fatalf("worklist = %+v, %v", rows, err)
	}
	if o := rows[0].Open; o.ByConsole != 1 || o.Red != 2 {
		t.Errorf("open items = %+v; want the untriaged answer red and the console's (and the triaged 120 red)", o)
	}
	d, err := n.store.Patient(ctx, c.patient, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var item domain.Task
	for _, ot := range d.OpenTasks {
		if ot.FocusID == focus {
			item = ot
		}
	}
	if !item.ByConsole || item.Color != domain.Red {
		t.Fatalf("the console's item for the questionnaire = %+v; open %+v", item, d.OpenTasks)
	}

	ack := domain.Acknowledgement{TaskIDs: []string{item.ID}, Scope: domain.AckScope{Kind: domain.AckOne, TaskID: item.ID},
		Note: "ringet op", By: c.nurse.Name, At: c.now}
	if res, err := n.act.Acknowledge(ctx, ack); err != nil || len(res.Acknowledged) != 1 {
		t.Fatalf("acknowledge = %+v, %v", res, err)
	}
	if rep := n.sync(t); rep.Conflicts+rep.Failed != 0 || rep.Pushed != 1 {
		t.Fatalf("round = %+v", rep)
	}
	if got := len(s.all("Task")); got != tasksBefore {
		t.Errorf("Tasks on the server = %d, want %d (the console creates none)", got, tasksBefore)
	}
	var triageID string
	var assessment map[string]any
	for _, ci := range s.all("ClinicalImpression") {
		if inv := str(ci["investigation"]); strings.Contains(inv, "Observation/") {
			t.Errorf("a ClinicalImpression refers to an Observation: %v", ci)
		} else if !strings.Contains(inv, "QuestionnaireResponse/"+qr) {
			t.Errorf("a ClinicalImpression is not about the questionnaire: %v", ci)
		}
		switch {
		case strings.Contains(str(ci["code"]), fhir.CodeTriagingResult):
			if !strings.Contains(str(ci["extension"]), "console") || !strings.Contains(str(ci["finding"]), "red") {
				t.Errorf("triage = %v", ci)
			}
			triageID = str(ci["id"])
		case strings.Contains(str(ci["code"]), fhir.CodeMeasurementAssessment):
			assessment = ci
		}
	}
	if triageID == "" || assessment == nil || len(s.all("ClinicalImpression")) != 2 {
		t.Fatalf("server ClinicalImpressions = %v", s.all("ClinicalImpression"))
	}
	if p, _ := assessment["previous"].(map[string]any); p["reference"] != "ClinicalImpression/"+triageID {
		t.Errorf("assessment previous = %v, want the triage %s", assessment["previous"], triageID)
	}
	if _, ok := assessment["supportingInfo"]; ok {
		t.Errorf("assessment refers to a Task: %v", assessment["supportingInfo"])
	}
	for _, con := range []*nurseConsole{n, c.console(t, clock)} {
		d, err := con.store.Patient(ctx, c.patient, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		for _, ot := range d.OpenTasks {
			if ot.FocusID == focus {
				t.Errorf("the acknowledged questionnaire is still open: %+v", ot)
			}
		}
	}
}

// A server that triages a questionnaire (its triage ClinicalImpression)
// but makes no review Task for it: the console's item stays, and
// acknowledging it records the assessment with previous → the server's
// triage, adding no triage of the console's beside it.
func TestQuestionnaireTriagedButNoTaskIsAcknowledgedOnTheServersTriage(t *testing.T) {
	c := newOpaqueClinic(t)
	ctx := context.Background()
	s := c.srv
	q := domain.ProResponse{PatientID: c.patient, Taken: c.now.Add(-time.Hour), Answers: []domain.ProAnswer{
		{Question: "Er du mere forpustet end før?", Answer: "Ja", Severity: domain.Red}}}
	qr := s.seedJSON(fhir.ProToQuestionnaireResponse(q), nil)
	focus := domain.QuestionnaireFocus(qr)
	triage := triageImpression(c.patient, "", domain.Red)
	triage.Investigation[0].Item = []fhir.Reference{*fhir.Ref("QuestionnaireResponse", qr)}
	serverTriage := s.seedJSON(triage, nil)

	n := c.console(t, func() time.Time { return c.now })
	d, err := n.store.Patient(ctx, c.patient, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var item domain.Task
	for _, ot := range d.OpenTasks {
		if ot.FocusID == focus {
			item = ot
		}
	}
	if !item.ByConsole || item.Color != domain.Red {
		t.Fatalf("the console's item for the triaged questionnaire without a Task = %+v", item)
	}
	ack := domain.Acknowledgement{TaskIDs: []string{item.ID}, Scope: domain.AckScope{Kind: domain.AckOne, TaskID: item.ID},
		By: c.nurse.Name, At: c.now}
	if _, err := n.act.Acknowledge(ctx, ack); err != nil {
		t.Fatal(err)
	}
	if rep := n.sync(t); rep.Conflicts+rep.Failed != 0 || rep.Pushed != 1 {
		t.Fatalf("round = %+v", rep)
	}
	cis := s.all("ClinicalImpression")
	if len(cis) != 2 {
		t.Fatalf("server ClinicalImpressions = %v, want the server's triage and the assessment", cis)
	}
	for _, ci := range cis {
		if str(ci["id"]) == serverTriage {
			continue
		}
		if !strings.Contains(str(ci["code"]), fhir.CodeMeasurementAssessment) || !strings.Contains(str(ci["investigation"]), focus) {
			t.Errorf("the console sent %v", ci)
		}
		if p, _ := ci["previous"].(map[string]any); p["reference"] != "ClinicalImpression/"+serverTriage {
			t.Errorf("assessment previous = %v, want the server's triage %s", ci["previous"], serverTriage)
		}
	}
}

// The server's triage of a reading arrives after the console listed the
// reading as its own item, and no Task with it: the colour becomes the
// server's and the item no longer says the console classified it, but it
// stays the console's own. Acknowledging it records the assessment only
// (previous → the server's triage) and asks nothing about a Task: before,
// the item passed for the server's, and acknowledging it asked the server
// for a Task it never had (a failed sync entry) and sent an assessment
// referring to that Task.
func TestServerTriageAfterTheConsolesItemIsAcknowledgedWithoutATask(t *testing.T) {
	c := newOpaqueClinic(t)
	ctx := context.Background()
	s := c.srv
	low := domain.Measurement{PatientID: c.patient, Kind: domain.KindPulse, Value: 38, Taken: c.now.Add(-time.Hour), Received: c.now.Add(-time.Hour)}
	obs := s.seedJSON(fhir.MeasurementToObservation(low, nil), nil)
	n := c.console(t, func() time.Time { return c.now })
	serverTriage := s.seedJSON(triageImpression(c.patient, obs, domain.Yellow), nil)
	n.sync(t)
	d, err := n.store.Patient(ctx, c.patient, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var item domain.Task
	for _, ot := range d.OpenTasks {
		if ot.FocusID == obs {
			item = ot
		}
	}
	if item.ID == "" || item.Color != domain.Yellow || item.ByConsole {
		t.Fatalf("the item after the server's triage = %+v, want yellow, not marked as the console's classification", item)
	}
	rows, err := n.store.Worklist(ctx, false)
	if err != nil || len(rows) != 1 || rows[0].Open.ByConsole != 0 || rows[0].Open.Yellow < 1 {
		t.Fatalf("worklist = %+v, %v", rows, err)
	}
	ack := domain.Acknowledgement{TaskIDs: []string{item.ID}, Scope: domain.AckScope{Kind: domain.AckOne, TaskID: item.ID},
		By: c.nurse.Name, At: c.now}
	if _, err := n.act.Acknowledge(ctx, ack); err != nil {
		t.Fatal(err)
	}
	if rep := n.sync(t); rep.Conflicts+rep.Failed != 0 || rep.Pushed != 1 {
		probs, _ := n.act.SyncProblems(ctx)
		t.Fatalf("round = %+v; problems %+v", rep, probs)
	}
	cis := s.all("ClinicalImpression")
	if len(cis) != 2 {
		t.Fatalf("server ClinicalImpressions = %v, want the server's triage and the assessment", cis)
	}
	for _, ci := range cis {
		if str(ci["id"]) == serverTriage {
			continue
		}
		if !strings.Contains(str(ci["code"]), fhir.CodeMeasurementAssessment) || !strings.Contains(str(ci["investigation"]), "Observation/"+obs) {
			t.Errorf("the console sent %v", ci)
		}
		if p, _ := ci["previous"].(map[string]any); p["reference"] != "ClinicalImpression/"+serverTriage {
			t.Errorf("assessment previous = %v, want the server's triage %s", ci["previous"], serverTriage)
		}
		if _, ok := ci["supportingInfo"]; ok {
			t.Errorf("assessment refers to a Task: %v", ci["supportingInfo"])
		}
	}
}

// An untriaged step count is information only: the console classifies it
// but lists no item for it (the defect: steps became to-dos).
func TestUntriagedStepsAreNoItem(t *testing.T) {
	c := newOpaqueClinic(t)
	ctx := context.Background()
	steps := domain.Measurement{PatientID: c.patient, Kind: domain.KindSteps, Value: 3200, Taken: c.now.Add(-time.Hour), Received: c.now.Add(-time.Hour)}
	obs := c.srv.seedJSON(fhir.MeasurementToObservation(steps, nil), nil)
	n := c.console(t, func() time.Time { return c.now })
	d, err := n.store.Patient(ctx, c.patient, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, rd := range d.Readings {
		found = found || rd.ID == obs
	}
	if !found {
		t.Fatalf("the step count is not in the cache")
	}
	for _, ot := range d.OpenTasks {
		if ot.FocusID == obs {
			t.Errorf("the step count is listed as an item: %+v", ot)
		}
	}
}

// A Task change that meets another change of the Task (not a completion)
// is a conflict the nurse can read: her side lists what she set.
func TestTaskConflictShowsTheNursesChange(t *testing.T) {
	c := newOpaqueClinic(t)
	ctx := context.Background()
	clock := func() time.Time { return c.now }
	n := c.console(t, clock)
	// Someone else changes the Task's priority meanwhile.
	tk := c.srv.get("Task", c.task)
	tk["priority"] = "urgent"
	delete(tk, "meta")
	c.srv.seed(tk)
	ack := domain.Acknowledgement{TaskIDs: []string{c.task}, Scope: domain.AckScope{Kind: domain.AckPatient, PatientID: c.patient},
		By: c.nurse.Name, At: c.now}
	if _, err := n.act.Acknowledge(ctx, ack); err != nil {
		t.Fatal(err)
	}
	if rep := n.sync(t); rep.Conflicts != 1 {
		t.Fatalf("round = %+v; want the Task change in conflict", rep)
	}
	ps, err := n.act.SyncProblems(ctx)
	if err != nil || len(ps) != 1 {
		t.Fatalf("problems = %+v, %v", ps, err)
	}
	if mine := strings.Join(ps[0].Mine.Lines, "\n"); !strings.Contains(mine, "status: completed") || !strings.Contains(mine, "owner") {
		t.Errorf("her side = %q", mine)
	}
}
