package actions_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/actions"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/outbox"
)

const newCPR = "0101801233"

func enrolment(team domain.Team) domain.Enrolment {
	return domain.Enrolment{CPR: "010180-1233", Name: "Ny Borger", Contact: "12 34 56 78", Team: team,
		Physician: "Dr. Hansen", ReferenceWeight: 80,
		Inclusion:   domain.Inclusion{ReducedEF: true, Titration: true, AbleOrHelped: true, Consent: true},
		ConsentDate: time.Date(2026, 6, 9, 0, 0, 0, 0, time.UTC)}
}

func enroller(t *testing.T, c *nurseConsole) console.Enroller {
	t.Helper()
	en, err := c.act.Enroller(domain.DefaultRegimeTemplate(), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return en
}

// An enrolment reaches the central as one transaction: the Patient, an
// active EpisodeOfCare with the chosen team, a PITEOC Consent with date and
// who recorded it, the diagnosis and the start-up regime; the console's
// cache then holds the patient with the template's regime.
func TestEnrolCreatesTheCourseOnTheCentral(t *testing.T) {
	e := newEnv(t)
	a := e.newConsole(userA, tokA)
	if err := enroller(t, a).Enrol(context.Background(), enrolment(homeTeam)); err != nil {
		t.Fatal(err)
	}
	if got := a.outbox(t); len(got) != 1 || got[0].Label != actions.OutboxEnrol || got[0].Kind != outbox.Transaction ||
		got[0].Target() != "" || got[0].ResourceType != "Patient" {
		t.Fatalf("outbox %+v", got)
	}
	if au := a.audit(t, "enrol"); len(au) != 1 || !strings.Contains(au[0].Detail, "010180-xxxx") || strings.Contains(au[0].Detail, newCPR) {
		t.Fatalf("audit %+v", au)
	}
	if rep := a.sync(t); rep.Pushed != 1 {
		t.Fatalf("push: %+v", rep)
	}
	pats := e.search(tokA, "Patient", url.Values{"identifier": {fhir.SystemCPR + "|" + newCPR}})
	if len(pats) != 1 {
		t.Fatalf("patients with the CPR: %v", pats)
	}
	pid := pats[0]
	eps := e.search(tokA, "EpisodeOfCare", url.Values{"patient": {pid}})
	if len(eps) != 1 {
		t.Fatalf("episodes %v", eps)
	}
	ep, _ := e.get(tokA, "EpisodeOfCare", eps[0])
	if ep["status"] != "active" || !strings.Contains(str(ep["team"]), "CareTeam/"+homeTeam.ID) {
		t.Errorf("episode %v", ep)
	}
	cons := e.search(tokA, "Consent", url.Values{"patient": {pid}})
	if len(cons) != 1 {
		t.Fatalf("consents %v", cons)
	}
	c, _ := e.get(tokA, "Consent", cons[0])
	if !containsAll(str(c), "PITEOC", "2026-06-09", "Practitioner/"+nurseA) {
		t.Errorf("consent %v", c)
	}
	conds := e.search(tokA, "Condition", url.Values{"patient": {pid}})
	if len(conds) != 1 {
		t.Fatalf("conditions %v", conds)
	}
	// The inclusion checklist is in FHIR: the episode is for the
	// diagnosis and lists the criteria met; the diagnosis has the EF
	// finding as its evidence.
	cond, _ := e.get(tokA, "Condition", conds[0])
	if !containsAll(str(cond), "evidence", fhir.SystemLOINC, fhir.LOINCEjectionFraction, "<=", "DI50") {
		t.Errorf("condition %v", cond)
	}
	raw, _ := json.Marshal(ep)
	fep, err := fhir.Decode[*fhir.EpisodeOfCare](raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(fep.Diagnosis) != 1 || fep.Diagnosis[0].Condition.Reference != "Condition/"+conds[0] {
		t.Errorf("episode diagnosis %+v", fep.Diagnosis)
	}
	if in := fhir.InclusionFromFHIR(fep, true); in != (domain.Inclusion{ReducedEF: true, Titration: true, AbleOrHelped: true, Consent: true}) {
		t.Errorf("inclusion on the central %+v", in)
	}
	// Another team's nurse sees none of it.
	if got := e.search(tokOther, "Consent", url.Values{"patient": {pid}}); len(got) != 0 {
		t.Errorf("another team sees the consent: %v", got)
	}
	reg := e.centralRegime(t, pid)
	if reg.Phase != domain.PhaseStartUp || reg.ReviewDays != 7 || len(reg.Schedules) != 3 ||
		!reg.StartUpEnd.Equal(e.now0.AddDate(0, 0, 14)) || !reg.Reevaluation.Equal(e.now0.AddDate(0, 0, 90)) {
		t.Errorf("regime on the central: %+v", reg)
	}
	if _, ok := reg.Thresholds.ByKind[domain.KindBloodPressure]; ok {
		t.Errorf("blood pressure has thresholds: %+v", reg.Thresholds)
	}
	if p := reg.Thresholds.ByKind[domain.KindPulse].Primary.RedHigh; !p.OK || p.V != 100 {
		t.Errorf("pulse red high %v", p)
	}
	rows, err := a.store.Worklist(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if r.Patient.ID == pid {
			found = r.Patient.Name == "Ny Borger" && r.Responsibility.Home.ID == homeTeam.ID
		}
	}
	if !found {
		t.Errorf("the new patient is not in nurse A's cache with the home team: %+v", rows)
	}

	// The same CPR again from this console: refused at once, naming the
	// team that holds the patient.
	err = enroller(t, a).Enrol(context.Background(), enrolment(homeTeam))
	fe := domain.AsProblems(err).ByField()["cpr"]
	if fe == nil || fe.Code != domain.CodeEnrolled || fe.Other != "Hjerteklinik Syd (Sygehus Syd)" {
		t.Fatalf("second enrolment: %v", err)
	}
}

// A nurse who cannot see the patient enrols the same CPR number: the
// central refuses it, names only the team (and organisation) holding the
// patient, and creates nothing.
func TestEnrolTwiceIsRefusedByTheCentral(t *testing.T) {
	e := newEnv(t)
	a := e.newConsole(userA, tokA)
	if err := enroller(t, a).Enrol(context.Background(), enrolment(homeTeam)); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	other := e.newConsole(userB, tokOther)
	if err := enroller(t, other).Enrol(context.Background(), enrolment(otherTeam)); err != nil {
		t.Fatalf("the other console cannot know: %v", err)
	}
	if rep := other.sync(t); rep.Failed != 1 {
		t.Fatalf("push: %+v", rep)
	}
	ob := other.outbox(t)
	if len(ob) != 1 || ob[0].State != cache.OutboxFailed || !strings.Contains(ob[0].LastError, "held by Hjerteklinik Syd (Sygehus Syd)") {
		t.Fatalf("outbox %+v", ob)
	}
	if strings.Contains(ob[0].LastError, "Ny Borger") {
		t.Errorf("the refusal leaks the patient's data: %s", ob[0].LastError)
	}
	probs, err := other.act.SyncProblems(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(probs) != 1 || probs[0].Change != console.SyncChangeEnrol || probs[0].Title != "Ny Borger" ||
		probs[0].State != console.SyncFailed || !strings.Contains(probs[0].Error, "held by Hjerteklinik Syd") {
		t.Errorf("sync problems %+v", probs)
	}
	if got := e.search(tokA, "Patient", url.Values{"identifier": {fhir.SystemCPR + "|" + newCPR}}); len(got) != 1 {
		t.Errorf("patients with the CPR: %v", got)
	}
	if got := e.search(tokOther, "EpisodeOfCare", nil); len(got) != 1 { // p3's only
		t.Errorf("episodes the other team sees: %v", got)
	}
}

// The enrolment's transaction sent again (its answer lost) creates
// nothing new: every create is conditional on its client identifier.
func TestEnrolRetryCreatesNothingTwice(t *testing.T) {
	e := newEnv(t)
	a := e.newConsole(userA, tokA)
	if err := enroller(t, a).Enrol(context.Background(), enrolment(homeTeam)); err != nil {
		t.Fatal(err)
	}
	payload := a.outbox(t)[0].Payload
	a.sync(t)
	req, _ := http.NewRequest(http.MethodPost, e.url+"/", bytes.NewReader(payload))
	req.Header.Set("Authorization", "Bearer "+tokA)
	req.Header.Set("Content-Type", "application/fhir+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var b fhir.Bundle
	_ = json.Unmarshal(raw, &b)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("retry: %s %s", resp.Status, raw)
	}
	for _, en := range b.Entry {
		if en.Response == nil || en.Response.Status != "200 OK" {
			t.Errorf("retry created: %+v", en.Response)
		}
	}
	pats := e.search(tokA, "Patient", url.Values{"identifier": {fhir.SystemCPR + "|" + newCPR}})
	if len(pats) != 1 {
		t.Fatalf("patients %v", pats)
	}
	if got := e.search(tokA, "CarePlan", url.Values{"patient": {pats[0]}}); len(got) != 1 {
		t.Errorf("care plans %v", got)
	}
}

// Enrolment without informed consent is refused before anything is queued.
func TestEnrolWithoutConsentIsRefused(t *testing.T) {
	e := newEnv(t)
	a := e.newConsole(userA, tokA)
	en := enrolment(homeTeam)
	en.Inclusion.Consent = false
	err := enroller(t, a).Enrol(context.Background(), en)
	if fe := domain.AsProblems(err).ByField()["consent"]; fe == nil || fe.Code != domain.CodeConsent {
		t.Fatalf("want a consent problem, got %v", err)
	}
	if got := a.outbox(t); len(got) != 0 {
		t.Fatalf("queued %+v", got)
	}
}

// The cache gives the course reminders what they need: a freshly enrolled
// patient is new until opened; after the start-up period with no readings
// and no review, the start-up, not-seen and failing-to-measure reminders
// show; a week before the re-evaluation date it is due.
func TestCourseStatesOfAnEnrolledPatient(t *testing.T) {
	e := newEnv(t)
	a := e.newConsole(userA, tokA)
	if err := enroller(t, a).Enrol(context.Background(), enrolment(homeTeam)); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	pid := e.search(tokA, "Patient", url.Values{"identifier": {fhir.SystemCPR + "|" + newCPR}})[0]
	kinds := func(at time.Time) map[domain.CourseFlagKind]domain.CourseFlag {
		t.Helper()
		states, err := a.store.CourseStates(context.Background(), at, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		st, ok := states[pid]
		if !ok {
			t.Fatalf("no course state for the enrolled patient at %s", at)
		}
		out := map[domain.CourseFlagKind]domain.CourseFlag{}
		for _, f := range domain.CourseFlags(st, at, time.UTC) {
			out[f.Kind] = f
		}
		return out
	}
	t0 := e.now0.Add(time.Hour)
	if got := kinds(t0); len(got) != 1 || got[domain.FlagNewPatient].Kind == "" {
		t.Fatalf("just enrolled: %v", got)
	}
	// The look-up is stamped with the real clock, which may read earlier
	// than the console's clock that dated the enrolment: it still counts.
	if err := a.store.Audit(context.Background(), domain.AuditEntry{At: e.now0.Add(-time.Minute), User: nurseA, Action: "view-patient", PatientID: pid}); err != nil {
		t.Fatal(err)
	}
	if got := kinds(t0); len(got) != 0 {
		t.Fatalf("opened: %v", got)
	}
	late := e.now0.AddDate(0, 0, 15)
	got := kinds(late)
	if got[domain.FlagStartUpEnded].Kind == "" || got[domain.FlagNotSeen].Days != 15 ||
		got[domain.FlagFailingToMeasure].Days < domain.FailingMissingDays {
		t.Fatalf("after the start-up: %v", got)
	}
	if f := kinds(e.now0.AddDate(0, 0, 85))[domain.FlagReevaluationDue]; f.Kind == "" || f.Days != 5 {
		t.Fatalf("re-evaluation due: %+v", f)
	}
	if f := kinds(e.now0.AddDate(0, 0, 92))[domain.FlagReevaluationOverdue]; f.Days != 2 {
		t.Fatalf("re-evaluation overdue: %+v", f)
	}
}

// Ending a course: refused while items are open; then the CarePlan and its
// ServiceRequests are completed and the EpisodeOfCare finished on the
// central with the reason and who holds treatment responsibility after;
// the patient stays readable (the team that held the course still sees
// it) and is listed among the ended courses, not among the course states.
func TestEndCourse(t *testing.T) {
	e := newEnv(t)
	a := e.newConsole(userA, tokA)
	en := enroller(t, a).(*actions.Enroller)
	ctx := context.Background()
	// p1 is seeded with open tasks.
	end := domain.CourseEnd{PatientID: "p1", Reason: domain.EndStable, End: e.now0, After: domain.AfterGP, Note: "Velbehandlet"}
	err := en.EndCourse(ctx, end)
	if fe := domain.AsProblems(err).ByField()["open"]; fe == nil || fe.Code != domain.CodeOpenItems {
		t.Fatalf("open items: %v", err)
	}
	tasks, err := a.store.OpenTasks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range tasks {
		if tk.PatientID != "p1" {
			continue
		}
		if tk.Category == domain.TaskMissing {
			err = a.act.ResolveMissing(ctx, domain.MissingResolution{TaskID: tk.ID, PatientID: "p1", Reason: domain.MissingOther,
				Text: "lukket ved afslutning", By: nurseA, At: e.now0})
		} else {
			_, err = a.act.Acknowledge(ctx, domain.NewAcknowledgement(domain.AckScope{Kind: domain.AckPatient, PatientID: "p1"},
				[]domain.Task{tk}, "lukket ved afslutning", false, nurseA, e.now0))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := en.EndCourse(ctx, end); err != nil {
		t.Fatal(err)
	}
	if rep := a.sync(t); rep.Failed != 0 || rep.Conflicts != 0 {
		t.Fatalf("push: %+v", rep)
	}
	ep, _ := e.get(tokA, "EpisodeOfCare", e.search(tokA, "EpisodeOfCare", url.Values{"patient": {"p1"}})[0])
	if ep["status"] != "finished" || !containsAll(str(ep), "end-reason", "stable", "after-care", "gp") {
		t.Errorf("episode %v", ep)
	}
	for _, id := range e.search(tokA, "CarePlan", url.Values{"patient": {"p1"}}) {
		cp, _ := e.get(tokA, "CarePlan", id)
		if cp["status"] != "completed" {
			t.Errorf("care plan %v", cp["status"])
		}
	}
	for _, id := range e.search(tokA, "ServiceRequest", url.Values{"patient": {"p1"}}) {
		sr, _ := e.get(tokA, "ServiceRequest", id)
		if sr["status"] != "completed" {
			t.Errorf("service request %s: %v", id, sr["status"])
		}
	}
	a.sync(t)
	ended, err := a.store.EndedCourses(ctx, e.now0.Add(time.Minute))
	if err != nil || len(ended) != 1 || ended[0].Patient.ID != "p1" {
		t.Fatalf("ended courses %+v %v", ended, err)
	}
	states, err := a.store.CourseStates(ctx, e.now0.Add(time.Minute), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := states["p1"]; ok {
		t.Error("an ended course still has course reminders")
	}
	if err := en.EndCourse(ctx, end); err == nil {
		t.Error("a course ended twice")
	}
	// A fresh console of the team still reads the ended course.
	b := e.newConsole(userB, tokB)
	if ended, err := b.store.EndedCourses(ctx, e.now0.Add(time.Minute)); err != nil || len(ended) != 1 {
		t.Fatalf("the team lost the ended course: %+v %v", ended, err)
	}
}

// A re-evaluation with "continue" moves the re-evaluation date (a new
// regime version on the central) and the reminder ends.
func TestRecordReevaluation(t *testing.T) {
	e := newEnv(t)
	a := e.newConsole(userA, tokA)
	en := enroller(t, a).(*actions.Enroller)
	ctx := context.Background()
	next := e.now0.AddDate(0, 3, 0)
	if err := en.RecordReevaluation(ctx, domain.Reevaluation{PatientID: "p1", Outcome: domain.ReevalContinue, Next: next, Note: "Stabil"}); err != nil {
		t.Fatal(err)
	}
	if rep := a.sync(t); rep.Failed != 0 || rep.Conflicts != 0 {
		t.Fatalf("push: %+v", rep)
	}
	reg := e.centralRegime(t, "p1")
	if !reg.Reevaluation.Equal(next) || !strings.Contains(reg.Reason, "revurdering: continue: Stabil") {
		t.Errorf("regime on the central: %v %q", reg.Reevaluation, reg.Reason)
	}
	err := en.RecordReevaluation(ctx, domain.Reevaluation{PatientID: "p1", Outcome: domain.ReevalContinue, Next: e.now0})
	if domain.AsProblems(err).ByField()["next"] == nil {
		t.Errorf("a re-evaluation date of today: %v", err)
	}
}

// A patient whose course has ended is enrolled again: a new course
// (EpisodeOfCare, CarePlan) on the same Patient, by her old team or by
// another; the ended course stays in the list of ended courses. While a
// course is going on, a second enrolment is refused by the central, from
// any team, also when the console's cache does not know it yet.
func TestEnrolAgainAfterTheCourseEnded(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.newConsole(userA, tokA)
	en := enroller(t, a).(*actions.Enroller)
	if err := en.Enrol(ctx, enrolment(homeTeam)); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	pats := e.search(tokA, "Patient", url.Values{"identifier": {fhir.SystemCPR + "|" + newCPR}})
	if len(pats) != 1 {
		t.Fatalf("patients %v", pats)
	}
	pid := pats[0]
	endCourse := func(c *nurseConsole) {
		t.Helper()
		ce := enroller(t, c).(*actions.Enroller)
		if err := ce.EndCourse(ctx, domain.CourseEnd{PatientID: pid, Reason: domain.EndStable, End: e.clock.Now(),
			After: domain.AfterGP, Note: "Stabil"}); err != nil {
			t.Fatal(err)
		}
		if rep := c.sync(t); rep.Failed != 0 || rep.Conflicts != 0 {
			t.Fatalf("end: %+v", rep)
		}
	}
	endCourse(a)
	e.clock.Set(e.now0.Add(24 * time.Hour))
	// Nurse B's console knows the course ended; the other team's knows
	// nothing of the patient.
	b := e.newConsole(userB, tokB)
	userOther := actions.User{ID: otherNurse, Name: "Mette Nord"}
	other := e.newConsole(userOther, tokOther)

	if err := en.Enrol(ctx, enrolment(homeTeam)); err != nil {
		t.Fatalf("enrolling again after the end: %v", err)
	}
	if rep := a.sync(t); rep.Pushed != 1 || rep.Failed != 0 {
		t.Fatalf("push: %+v %+v", rep, a.outbox(t))
	}
	if got := e.search(tokA, "Patient", url.Values{"identifier": {fhir.SystemCPR + "|" + newCPR}}); len(got) != 1 || got[0] != pid {
		t.Fatalf("the new course made another record: %v", got)
	}
	statuses := func() []string {
		var out []string
		for _, id := range e.search(tokA, "EpisodeOfCare", url.Values{"patient": {pid}}) {
			ep, _ := e.get(tokA, "EpisodeOfCare", id)
			out = append(out, str(ep["status"]))
		}
		slices.Sort(out)
		return out
	}
	if got := statuses(); !slices.Equal(got, []string{"active", "finished"}) {
		t.Fatalf("episodes %v", got)
	}
	if got := e.search(tokA, "CarePlan", url.Values{"patient": {pid}}); len(got) != 2 {
		t.Fatalf("care plans %v", got)
	}
	a.sync(t)
	now := e.clock.Now().Add(time.Minute)
	if st, err := a.store.CourseStates(ctx, now, time.UTC); err != nil || st[pid].Regime.Phase != domain.PhaseStartUp ||
		!st[pid].Enrolled.Equal(e.clock.Now()) {
		t.Fatalf("the new course: %+v %v", st[pid], err)
	}
	if ended, err := a.store.EndedCourses(ctx, now); err != nil || len(ended) != 1 || ended[0].Patient.ID != pid {
		t.Fatalf("the ended course left the list: %+v %v", ended, err)
	}

	// A third enrolment while the new course goes on: refused at once by
	// this console, and by the central for a console that has not heard.
	if fe := domain.AsProblems(en.Enrol(ctx, enrolment(homeTeam))).ByField()["cpr"]; fe == nil || fe.Code != domain.CodeEnrolled {
		t.Fatalf("a second course at once: %v", fe)
	}
	for _, c := range []*nurseConsole{b, other} {
		team := homeTeam
		if c == other {
			team = otherTeam
		}
		if err := enroller(t, c).Enrol(ctx, enrolment(team)); err != nil {
			t.Fatalf("%s: %v", c.user.ID, err)
		}
		if rep := c.sync(t); rep.Failed != 1 {
			t.Fatalf("%s push: %+v", c.user.ID, rep)
		}
		if ob := c.outbox(t); !strings.Contains(ob[0].LastError, "held by Hjerteklinik Syd (Sygehus Syd)") {
			t.Errorf("%s: %+v", c.user.ID, ob)
		}
	}
	if got := statuses(); !slices.Equal(got, []string{"active", "finished"}) {
		t.Fatalf("episodes after the refusals %v", got)
	}

	// Ended again, the other team enrols her: the same record, now the
	// other team's, and the old team keeps reading the ended courses.
	endCourse(a)
	e.clock.Set(e.now0.Add(48 * time.Hour))
	other2 := e.newConsole(userOther, tokOther)
	if err := enroller(t, other2).Enrol(ctx, enrolment(otherTeam)); err != nil {
		t.Fatal(err)
	}
	if rep := other2.sync(t); rep.Pushed != 1 || rep.Failed != 0 {
		t.Fatalf("other team's enrolment: %+v %+v", rep, other2.outbox(t))
	}
	if got := e.search(tokOther, "Patient", url.Values{"identifier": {fhir.SystemCPR + "|" + newCPR}}); len(got) != 1 || got[0] != pid {
		t.Fatalf("the other team's record: %v", got)
	}
	if got := statuses(); !slices.Equal(got, []string{"active", "finished", "finished"}) {
		t.Fatalf("episodes %v", got)
	}
	a.sync(t)
	if ended, err := a.store.EndedCourses(ctx, e.clock.Now()); err != nil || len(ended) != 2 {
		t.Fatalf("nurse A's ended courses: %+v %v", ended, err)
	}
}

// The enrolment's regime names the physician as the form gave her: a
// one-word name as display text with no reference (the defect: "Hansen"
// reached the central as Practitioner/Hansen, which it took though no
// such Practitioner exists), a known practitioner by her reference.
func TestEnrolPhysicianTextOrReference(t *testing.T) {
	for i, c := range []struct{ physician, ref, display string }{
		{"Hansen", "", "Hansen"},
		{domain.PractitionerRef(nurseA), "Practitioner/" + nurseA, ""},
	} {
		e := newEnv(t)
		a := e.newConsole(userA, tokA)
		en := enrolment(homeTeam)
		en.Physician = c.physician
		if err := enroller(t, a).Enrol(context.Background(), en); err != nil {
			t.Fatal(err)
		}
		if rep := a.sync(t); rep.Pushed != 1 {
			t.Fatalf("%d: push: %+v", i, rep)
		}
		pats := e.search(tokA, "Patient", url.Values{"identifier": {fhir.SystemCPR + "|" + newCPR}})
		if len(pats) != 1 {
			t.Fatalf("%d: patients with the CPR: %v", i, pats)
		}
		cps := e.search(tokA, "CarePlan", url.Values{"patient": {pats[0]}})
		if len(cps) != 1 {
			t.Fatalf("%d: care plans %v", i, cps)
		}
		m, _ := e.get(tokA, "CarePlan", cps[0])
		raw, _ := json.Marshal(m)
		cp, err := fhir.Decode[*fhir.CarePlan](raw)
		if err != nil {
			t.Fatal(err)
		}
		ext := fhir.FindExtension(cp.Extension, fhir.ExtPhysician)
		if ext == nil || ext.ValueReference == nil {
			t.Fatalf("%q: the central's CarePlan names no physician: %s", c.physician, raw)
		}
		if got := ext.ValueReference; got.Reference != c.ref || got.Display != c.display {
			t.Errorf("%q: the central's CarePlan names the physician by reference %q display %q; want %q %q", c.physician, got.Reference, got.Display, c.ref, c.display)
		}
	}
}
