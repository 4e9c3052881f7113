package classroom

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// traineeToken is trainee 1's token on a rig's central.
const traineeToken = "kursist-1-token"

type rig struct {
	t    *testing.T
	ctx  context.Context
	sess *Session
	srv  *central.Server
	real time.Time
}

// newRig starts scenario name with n trainees on a real SQLite file, the
// session clock running from 09:00 on 2 March 2026.
func newRig(t *testing.T, name string, n int) *rig {
	t.Helper()
	ctx := context.Background()
	sc, err := LoadShipped(name)
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Europe/Copenhagen")
	r := &rig{t: t, ctx: ctx, real: time.Now()}
	// The store's lastUpdated and the session's real clock are one clock.
	store, err := central.OpenStore(ctx, filepath.Join(t.TempDir(), "classroom.db"), func() time.Time { return r.real })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	r.sess = &Session{Store: store, Scenario: sc, Trainees: Trainees(n), Loc: loc, Real: func() time.Time { return r.real }}
	toks, _ := central.NewTokens(map[string]string{"instructor-token": "Practitioner/" + physician,
		traineeToken: "Practitioner/" + Trainees(1)[0].Practitioner})
	if r.srv, err = r.sess.Server(toks); err != nil {
		t.Fatal(err)
	}
	start := sc.SessionStart(time.Date(2026, 3, 2, 12, 0, 0, 0, loc), loc)
	if err := r.sess.Create(ctx, r.srv, start, false); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *rig) tasks(pid string) []domain.Task {
	r.t.Helper()
	rs, err := r.sess.Store.PatientResources(r.ctx, "Task", pid)
	if err != nil {
		r.t.Fatal(err)
	}
	var out []domain.Task
	for _, st := range rs {
		ft, _ := fhir.Decode[*fhir.Task](st.JSON)
		if ft.Status == "entered-in-error" {
			continue
		}
		dt, err := fhir.TaskFromFHIR(ft)
		if err != nil {
			r.t.Fatal(err)
		}
		out = append(out, dt)
	}
	return out
}

func openRed(ts []domain.Task) int {
	n := 0
	for _, t := range ts {
		if t.Category == domain.TaskMeasurement && t.Color == domain.Red && !t.Done {
			n++
		}
	}
	return n
}

// acknowledge completes the patient's open review items as a console
// would (a new version of each Task), with the note.
func (r *rig) acknowledge(pid, by, note string) {
	r.t.Helper()
	r.real = r.real.Add(time.Second) // the trainee acts after the seeding
	rs, _ := r.sess.Store.PatientResources(r.ctx, "Task", pid)
	for _, st := range rs {
		ft, _ := fhir.Decode[*fhir.Task](st.JSON)
		if ft.Status == fhir.TaskStatusCompleted {
			continue
		}
		ft.Status = fhir.TaskStatusCompleted
		ft.Owner = fhir.Ref("Practitioner", by)
		if note != "" {
			ft.Note = []fhir.Annotation{{Text: note}}
		}
		if err := r.sess.Store.Put(r.ctx, ft); err != nil {
			r.t.Fatal(err)
		}
	}
}

func (r *rig) sendMessage(pid, by string) {
	r.t.Helper()
	r.real = r.real.Add(time.Second)
	m := domain.Message{ID: "msg-" + pid, PatientID: pid, Sender: by, Title: "Svar", Body: "Ring til os", Sent: r.sess.Now()}
	c := fhir.MessageToCommunication(m)
	c.Sender = fhir.Ref("Practitioner", by)
	if err := r.sess.Store.Put(r.ctx, c); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rig) status(trainee int, caseID string) Result {
	r.t.Helper()
	tr, _ := r.sess.Trainee(trainee)
	for _, c := range r.sess.Scenario.Cases {
		if c.ID == caseID {
			res, err := r.sess.Check(r.ctx, tr, c)
			if err != nil {
				r.t.Fatal(err)
			}
			return res
		}
	}
	r.t.Fatalf("no case %s", caseID)
	return Result{}
}

func TestEachTraineeHasHerOwnCopy(t *testing.T) {
	r := newRig(t, "forste-dag", 3)
	for _, tr := range r.sess.Trainees {
		pid := r.sess.Scenario.PatientID(tr, "bent")
		if got := openRed(r.tasks(pid)); got != 1 {
			t.Errorf("%s: Bent Olsen has %d open red items, want 1 (his weight this morning)", tr.Name, got)
		}
	}
	t1, _ := r.sess.Trainee(1)
	r.acknowledge(r.sess.Scenario.PatientID(t1, "bent"), t1.Practitioner, "")
	t2, _ := r.sess.Trainee(2)
	if got := openRed(r.tasks(r.sess.Scenario.PatientID(t2, "bent"))); got != 1 {
		t.Errorf("trainee 1's acknowledgement changed trainee 2's case: %d open red", got)
	}
}

func TestCaseChecks(t *testing.T) {
	r := newRig(t, "darlig-morgen", 3)
	t1, _ := r.sess.Trainee(1)
	t2, _ := r.sess.Trainee(2)
	erik1 := r.sess.Scenario.PatientID(t1, "erik")
	erik2 := r.sess.Scenario.PatientID(t2, "erik")
	if res := r.status(1, "kvitter-erik"); res.State != NotStarted {
		t.Fatalf("before anything: %s (%s), want not started", res.State, res.Found)
	}
	// Acknowledged without a note and without a message: done wrongly.
	r.acknowledge(erik1, t1.Practitioner, "")
	res := r.status(1, "kvitter-erik")
	if res.State != Wrong || !strings.Contains(res.Found, "uden note") || !strings.Contains(res.Found, "ingen besked") {
		t.Fatalf("acknowledged without note or message: %s (%s), want done wrongly naming both", res.State, res.Found)
	}
	// Trainee 2 does it right.
	r.acknowledge(erik2, t2.Practitioner, "Ringet op, tager ekstra vanddrivende")
	r.sendMessage(erik2, t2.Practitioner)
	if res := r.status(2, "kvitter-erik"); res.State != Done {
		t.Fatalf("trainee 2: %s (%s), want done", res.State, res.Found)
	}
	if res := r.status(3, "kvitter-erik"); res.State != NotStarted {
		t.Fatalf("trainee 3: %s (%s), want not started", res.State, res.Found)
	}
	// Reading and answering a message.
	lis := r.sess.Scenario.PatientID(t1, "lis")
	r.sendMessage(lis, t1.Practitioner)
	res = r.status(1, "besked-lis")
	if res.State != Wrong || !strings.Contains(res.Found, "1 ulæst") {
		t.Fatalf("answered without marking read: %s (%s)", res.State, res.Found)
	}
	cs, _ := r.sess.Store.PatientResources(r.ctx, "Communication", lis)
	for _, st := range cs {
		c, _ := fhir.Decode[*fhir.Communication](st.JSON)
		m, err := fhir.CommunicationToMessage(c)
		if err != nil || !m.FromPatient {
			continue
		}
		m.Read = true
		nc := fhir.MessageToCommunication(m)
		nc.ID = c.ID
		r.real = r.real.Add(time.Second)
		if err := r.sess.Store.Put(r.ctx, nc); err != nil {
			t.Fatal(err)
		}
	}
	if res := r.status(1, "besked-lis"); res.State != Done {
		t.Fatalf("read and answered: %s (%s), want done", res.State, res.Found)
	}
}

func TestThresholdAndCoverChecks(t *testing.T) {
	r := newRig(t, "darlig-morgen", 1)
	t1, _ := r.sess.Trainee(1)
	hanne := r.sess.Scenario.PatientID(t1, "hanne")
	r.acknowledge(hanne, t1.Practitioner, "")
	res := r.status(1, "graense-hanne")
	if res.State != Wrong || !strings.Contains(res.Found, "red-high er 100, ikke 110") {
		t.Fatalf("limits unchanged: %s (%s)", res.State, res.Found)
	}
	rs, _ := r.sess.Store.PatientResources(r.ctx, "CarePlan", hanne)
	srs, _ := r.sess.Store.PatientResources(r.ctx, "ServiceRequest", hanne)
	cp, _ := fhir.Decode[*fhir.CarePlan](rs[0].JSON)
	var frs []*fhir.ServiceRequest
	for _, st := range srs {
		sr, _ := fhir.Decode[*fhir.ServiceRequest](st.JSON)
		frs = append(frs, sr)
	}
	reg, err := fhir.RegimeFromFHIR(cp, frs)
	if err != nil {
		t.Fatal(err)
	}
	reg.Thresholds.ByKind[domain.KindPulse] = domain.KindThresholds{Primary: domain.Limits{RedLow: domain.L(40), YellowLow: domain.L(45), YellowHigh: domain.L(100), RedHigh: domain.L(110)}}
	ncp, nsrs := fhir.RegimeToFHIR(reg)
	put := []fhir.Resource{ncp}
	for _, sr := range nsrs {
		put = append(put, sr)
	}
	r.real = r.real.Add(time.Second)
	if err := r.sess.Store.Put(r.ctx, put...); err != nil {
		t.Fatal(err)
	}
	if res := r.status(1, "graense-hanne"); res.State != Done {
		t.Fatalf("limits changed: %s (%s), want done", res.State, res.Found)
	}

	f := newRig(t, "ferie", 1)
	ft1, _ := f.sess.Trainee(1)
	if res := f.status(1, "afloesning-poul"); res.State != NotStarted {
		t.Fatalf("no cover yet: %s (%s)", res.State, res.Found)
	}
	poul := f.sess.Scenario.PatientID(ft1, "poul")
	eocs, _ := f.sess.Store.PatientResources(f.ctx, "EpisodeOfCare", poul)
	e, _ := fhir.Decode[*fhir.EpisodeOfCare](eocs[0].JSON)
	_, resp, err := fhir.EpisodeOfCareToResponsibility(e)
	if err != nil {
		t.Fatal(err)
	}
	ct, _ := f.sess.Scenario.coverTeam()
	start := f.sess.Now()
	resp.Planned = append(resp.Planned, domain.Cover{Team: ct, Period: domain.Period{From: start.AddDate(0, 0, 7), To: start.AddDate(0, 0, 21), Reason: "Sommerferie"}})
	f.real = f.real.Add(time.Second)
	if err := f.sess.Store.Put(f.ctx, fhir.ResponsibilityToEpisodeOfCare(e.ID, poul, resp)); err != nil {
		t.Fatal(err)
	}
	if res := f.status(1, "afloesning-poul"); res.State != Done {
		t.Fatalf("cover planned: %s (%s), want done", res.State, res.Found)
	}
}

// Advancing the session clock by a day plays the morning's missed
// measurement: the central lists it for every trainee.
func TestAdvanceClockMakesTheMissingMeasurement(t *testing.T) {
	r := newRig(t, "forste-dag", 2)
	missing := func(tr Trainee) int {
		n := 0
		for _, tk := range r.tasks(r.sess.Scenario.PatientID(tr, "karen")) {
			if tk.Category == domain.TaskMissing && !tk.Done {
				n++
			}
		}
		return n
	}
	if _, err := r.sess.FireDue(r.ctx, r.srv); err != nil {
		t.Fatal(err)
	}
	for _, tr := range r.sess.Trainees {
		if got := missing(tr); got != 0 {
			t.Fatalf("%s: %d missing at the start, want 0", tr.Name, got)
		}
	}
	before := r.sess.Now()
	if err := r.sess.Advance(r.ctx, 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if got := r.sess.Now().Sub(before); got != 24*time.Hour {
		t.Fatalf("advance moved the clock %s, want 24h (paused)", got)
	}
	n, err := r.sess.FireDue(r.ctx, r.srv)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2*len(r.sess.Scenario.Events) {
		t.Errorf("%d events played, want every event for both trainees (%d)", n, 2*len(r.sess.Scenario.Events))
	}
	for _, tr := range r.sess.Trainees {
		if got := missing(tr); got != 1 {
			t.Errorf("%s: %d missing after +1d, want 1 (Karen's weight)", tr.Name, got)
		}
	}
	if n, _ := r.sess.FireDue(r.ctx, r.srv); n != 0 {
		t.Errorf("events played twice: %d", n)
	}
	// What the events brought is not the trainee's doing.
	if res := r.status(1, "kvitter-bent"); res.State != NotStarted {
		t.Errorf("after the events: %s (%s), want not started", res.State, res.Found)
	}
}

func TestPauseResume(t *testing.T) {
	r := newRig(t, "forste-dag", 1)
	at := r.sess.Now()
	r.real = r.real.Add(time.Hour)
	if !r.sess.Now().Equal(at) {
		t.Fatal("a paused clock moved")
	}
	if err := r.sess.Resume(r.ctx); err != nil {
		t.Fatal(err)
	}
	r.real = r.real.Add(10 * time.Minute)
	if got := r.sess.Now().Sub(at); got != 10*time.Minute {
		t.Fatalf("running clock moved %s, want 10m", got)
	}
	if err := r.sess.Pause(r.ctx); err != nil {
		t.Fatal(err)
	}
	r.real = r.real.Add(time.Hour)
	if got := r.sess.Now().Sub(at); got != 10*time.Minute {
		t.Fatalf("paused clock at +%s, want +10m", got)
	}
}

func TestResetBringsTheCaseBack(t *testing.T) {
	r := newRig(t, "forste-dag", 2)
	t1, _ := r.sess.Trainee(1)
	t2, _ := r.sess.Trainee(2)
	bent1 := r.sess.Scenario.PatientID(t1, "bent")
	r.acknowledge(bent1, t1.Practitioner, "ok")
	r.sendMessage(bent1, t1.Practitioner)
	r.acknowledge(r.sess.Scenario.PatientID(t2, "bent"), t2.Practitioner, "ok")
	if got := openRed(r.tasks(bent1)); got != 0 {
		t.Fatalf("%d open red after acknowledging", got)
	}
	if err := r.sess.Reset(r.ctx, r.srv, t1); err != nil {
		t.Fatal(err)
	}
	if got := openRed(r.tasks(bent1)); got != 1 {
		t.Errorf("after reset Bent Olsen has %d open red, want 1", got)
	}
	if res := r.status(1, "kvitter-bent"); res.State != NotStarted {
		t.Errorf("after reset: %s (%s), want not started", res.State, res.Found)
	}
	if got := openRed(r.tasks(r.sess.Scenario.PatientID(t2, "bent"))); got != 0 {
		t.Errorf("resetting trainee 1 reopened trainee 2's item")
	}
}

// In shared mode every trainee works on one team and one copy: one
// trainee's acknowledgement is everyone's, and a cover by the team is
// possible.
func TestSharedMode(t *testing.T) {
	src, err := ShippedSource("ferie")
	if err != nil {
		t.Fatal(err)
	}
	shared := strings.Replace(string(src), "start: \"09:00\"", "start: \"09:00\"\nshared: true", 1)
	sc, err := Parse([]byte(shared), "ferie-shared.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	loc, _ := time.LoadLocation("Europe/Copenhagen")
	real := time.Now()
	store, err := central.OpenStore(ctx, filepath.Join(t.TempDir(), "c.db"), func() time.Time { return real })
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	sess := &Session{Store: store, Scenario: sc, Trainees: Trainees(3), Loc: loc, Real: func() time.Time { return real }}
	toks, _ := central.NewTokens(nil)
	srv, _ := sess.Server(toks)
	if err := sess.Create(ctx, srv, sc.SessionStart(real, loc), false); err != nil {
		t.Fatal(err)
	}
	t1, _ := sess.Trainee(1)
	t3, _ := sess.Trainee(3)
	if sc.PatientID(t1, "grethe") != sc.PatientID(t3, "grethe") || sc.TeamOf(t1).ID != sc.TeamOf(t3).ID {
		t.Fatal("shared mode gave trainees different copies or teams")
	}
	if pats, _ := store.PatientResources(ctx, "Patient", "ovelse-k02-grethe"); len(pats) != 0 {
		t.Fatal("shared mode made a copy per trainee")
	}
	grethe := sc.PatientID(t1, "grethe")
	rs, _ := store.PatientResources(ctx, "Task", grethe)
	real = real.Add(time.Second)
	for _, st := range rs {
		ft, _ := fhir.Decode[*fhir.Task](st.JSON)
		ft.Status = fhir.TaskStatusCompleted
		ft.Note = []fhir.Annotation{{Text: "overdraget"}}
		if err := store.Put(ctx, ft); err != nil {
			t.Fatal(err)
		}
	}
	var c *Case
	for _, x := range sc.Cases {
		if x.ID == "afloesning-grethe" {
			c = x
		}
	}
	res, err := sess.Check(ctx, t3, c)
	if err != nil {
		t.Fatal(err)
	}
	if res.State != Wrong || !strings.Contains(res.Found, "kvitteret") || !strings.Contains(res.Found, "ingen afløsning") {
		t.Errorf("trainee 3 on the shared copy after trainee 1 acknowledged: %s (%s)", res.State, res.Found)
	}
	// A check for a cover by the own team needs shared mode.
	own := strings.Replace(string(src), "cover-by: cover-team\n  - id: afloesning-grethe", "cover-by: team\n  - id: afloesning-grethe", 1)
	if _, err := Parse([]byte(own), "x.yaml"); err == nil || !strings.Contains(err.Error(), "needs shared: true") {
		t.Errorf("cover-by: team without shared mode: %v", err)
	}
}
