package actions_test

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/actions"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/outbox"
)

func outboxLines(es []cache.OutboxEntry) []string {
	var out []string
	for _, en := range es {
		out = append(out, en.Label+" "+en.ResourceType+" "+en.ResourceID+" "+en.IfMatch)
	}
	return out
}

func TestAcknowledgeOfflineThenOnline(t *testing.T) {
	e := newEnv(t)
	c := e.newConsole(userA, tokA)
	ctx := context.Background()
	tasks, err := c.act.OpenTasks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The two review tasks of p1; the missing task is not acknowledged.
	a := domain.NewAcknowledgement(domain.AckScope{Kind: domain.AckPatient, PatientID: "p1"}, tasks, "set, ok", true, userA.Name, e.clock.Now())
	if !slices.Equal(a.TaskIDs, []string{"task-p1-green", "task-p1-red"}) {
		t.Fatalf("scope = %v", a.TaskIDs)
	}
	res, err := c.act.Acknowledge(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Acknowledged, a.TaskIDs) || len(res.Skipped) != 0 {
		t.Fatalf("result = %+v", res)
	}

	// Offline: per task a Task patch (If-Match the cached version 1) and an
	// assessment, then one receipt.
	ob := c.outbox(t)
	want := []string{
		"acknowledge Task task-p1-green 1", "assessment ClinicalImpression  ",
		"acknowledge Task task-p1-red 1", "assessment ClinicalImpression  ",
		"receipt Communication  ",
	}
	if got := outboxLines(ob); !slices.Equal(got, want) {
		t.Fatalf("outbox =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Each says how it is sent: the Task changes are made on the
	// central's JSON of the Task (one PUT with If-Match each), the
	// assessments and the receipt are conditional creates on their UUID.
	for i, k := range []outbox.Kind{outbox.MergeUpdate, outbox.Create, outbox.MergeUpdate, outbox.Create, outbox.Create} {
		if ob[i].Kind != k || ob[i].Kind.Method() != map[outbox.Kind]string{outbox.MergeUpdate: "PUT", outbox.Create: "POST"}[k] {
			t.Errorf("entry %d (%s) is a %q, want %q", i, ob[i].Label, ob[i].Kind, k)
		}
		if k == outbox.Create && ob[i].IfNoneExist != "identifier=urn:ietf:rfc:3986|urn:uuid:"+ob[i].UUID {
			t.Errorf("entry %d (%s) If-None-Exist %q, want its own UUID", i, ob[i].Label, ob[i].IfNoneExist)
		}
	}
	cs, err := outbox.DecodeChangeSet(ob[0].Payload)
	if err != nil {
		t.Fatal(err)
	}
	var newTask map[string]any
	if err := json.Unmarshal(cs.Changes[0].New, &newTask); err != nil {
		t.Fatal(err)
	}
	if len(cs.Changes) != 1 || cs.Changes[0].IfMatch != "1" || newTask["status"] != "completed" {
		t.Errorf("task change = %+v", cs)
	}
	var ci map[string]any
	_ = json.Unmarshal(ob[1].Payload, &ci)
	// The seed made no triage ClinicalImpression: previous refers only to
	// ids read from the server, so there is none.
	if prev, ok := ci["previous"]; ok {
		t.Errorf("assessment previous = %v; the central has no triage for the reading", prev)
	}
	ts := mustTask(t, c.store, "task-p1-red")
	if ts.Open() || ts.Task.DoneBy != nurseA || ts.Task.Note != "set, ok" {
		t.Errorf("local task = %+v", ts)
	}
	d, err := c.store.Patient(ctx, "p1", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range d.Readings {
		if !r.Acknowledged {
			t.Errorf("reading %s not acknowledged locally", r.ID)
		}
	}
	if len(d.OpenTasks) != 1 || d.OpenTasks[0].ID != "task-p1-miss" {
		t.Errorf("open tasks = %+v", d.OpenTasks)
	}
	receipt := lastMessage(d.Messages)
	if receipt.Body != domain.ReceiptText || receipt.Sync != domain.SyncPending {
		t.Errorf("receipt = %+v", receipt)
	}
	aud := c.audit(t, actions.AuditAcknowledge)
	if len(aud) != 3 { // two tasks and the receipt
		t.Fatalf("audit entries = %d", len(aud))
	}
	if aud[0].User != nurseA || aud[0].PatientID != "p1" || !strings.Contains(aud[0].Detail, `"old":{"status":"ready"}`) ||
		!strings.Contains(aud[0].Detail, `"status":"completed"`) {
		t.Errorf("audit = %+v", aud[0])
	}

	// Online: everything reaches the central once.
	rep := c.sync(t)
	if rep.Pushed != 5 || rep.Conflicts+rep.Failed != 0 {
		t.Fatalf("push report = %+v", rep)
	}
	if n := len(c.outbox(t)); n != 0 {
		t.Fatalf("outbox after sync = %d", n)
	}
	task, _ := e.get(tokA, "Task", "task-p1-red")
	if task["status"] != "completed" || task["owner"].(map[string]any)["reference"] != "Practitioner/"+nurseA {
		t.Errorf("central task = %v", task)
	}
	cis := e.search(tokA, "ClinicalImpression", url.Values{"code": {"MeasurementAssessment"}})
	if len(cis) != 2 {
		t.Errorf("assessments on the central = %d, want 2", len(cis))
	}
	if rep := c.sync(t); rep.Pushed != 0 {
		t.Errorf("second round pushed %d", rep.Pushed)
	}
	if cis := e.search(tokA, "ClinicalImpression", url.Values{"code": {"MeasurementAssessment"}}); len(cis) != 2 {
		t.Errorf("assessments after a second round = %d, want 2", len(cis))
	}
	ts = mustTask(t, c.store, "task-p1-red")
	if ts.Meta.VersionID != "2" || ts.Open() {
		t.Errorf("cached task after sync = %+v", ts)
	}
	d, _ = c.store.Patient(ctx, "p1", time.Time{})
	receipt = lastMessage(d.Messages)
	if receipt.Body != domain.ReceiptText || receipt.Sync != domain.SyncSent {
		t.Errorf("receipt after sync = %+v", receipt)
	}
	n := 0
	for _, m := range d.Messages {
		if m.Body == domain.ReceiptText {
			n++
		}
	}
	if n != 1 {
		t.Errorf("receipts in the thread = %d, want 1 (placeholder replaced)", n)
	}
}

func lastMessage(ms []domain.Message) domain.Message {
	if len(ms) == 0 {
		return domain.Message{}
	}
	return ms[len(ms)-1]
}

func TestPatientLeavesWorklistWhenNothingIsOpen(t *testing.T) {
	e := newEnv(t)
	c := e.newConsole(userA, tokA)
	ctx := context.Background()
	tasks, _ := c.act.OpenTasks(ctx)
	a := domain.NewAcknowledgement(domain.AckScope{Kind: domain.AckPatient, PatientID: "p2"}, tasks, "", false, userA.Name, e.clock.Now())
	if _, err := c.act.Acknowledge(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := c.act.ResolveMissing(ctx, domain.MissingResolution{TaskID: "task-p2-miss", PatientID: "p2",
		Reason: domain.MissingContacted, Text: "ringet", By: userA.Name}); err != nil {
		t.Fatal(err)
	}
	if err := c.act.MarkRead(ctx, "msg-p2", true); err != nil {
		t.Fatal(err)
	}
	onWorklist := func() bool {
		rows, err := c.store.Worklist(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.Patient.ID == "p2" {
				return true
			}
		}
		return false
	}
	if onWorklist() {
		t.Fatal("p2 still on the worklist offline with nothing open")
	}
	c.sync(t)
	if onWorklist() {
		t.Fatal("p2 back on the worklist after sync")
	}
	msg, _ := e.get(tokA, "Communication", "msg-p2")
	if !strings.Contains(str(msg["extension"]), "read") {
		t.Errorf("central message not read: %v", msg["extension"])
	}
	task, _ := e.get(tokA, "Task", "task-p2-miss")
	if task["status"] != "completed" || !strings.Contains(str(task["note"]), "contacted: ringet") {
		t.Errorf("central missing task = %v", task)
	}
}

func TestAcknowledgeTaskAnotherNurseCompleted(t *testing.T) {
	e := newEnv(t)
	a := e.newConsole(userA, tokA)
	b := e.newConsole(userB, tokB)
	ctx := context.Background()
	one := func(c *nurseConsole, by string) domain.Acknowledgement {
		tasks, _ := c.act.OpenTasks(ctx)
		return domain.NewAcknowledgement(domain.AckScope{Kind: domain.AckOne, TaskID: "task-p1-red"}, tasks, "", false, by, e.clock.Now())
	}
	// Both acknowledge offline; A reaches the central first.
	if _, err := a.act.Acknowledge(ctx, one(a, userA.Name)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.act.Acknowledge(ctx, one(b, userB.Name)); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	rep := b.sync(t)
	if rep.Resolved != 2 || rep.Pushed != 0 || rep.Conflicts != 0 {
		t.Fatalf("B's round = %+v; want the patch and its assessment resolved as already done", rep)
	}
	results, err := b.store.OutboxResults(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 2 || results[1].Outcome != cache.ResultAlreadyDone || !strings.Contains(results[1].By, userA.Name) {
		t.Errorf("results = %+v", results)
	}
	if cis := e.search(tokA, "ClinicalImpression", url.Values{"code": {"MeasurementAssessment"}}); len(cis) != 1 {
		t.Errorf("assessments on the central = %d, want 1 (A's)", len(cis))
	}
	ts := mustTask(t, b.store, "task-p1-red")
	if ts.Open() || ts.Task.DoneBy != nurseA {
		t.Errorf("B's cache = %+v; want A's completion", ts)
	}
	// Acknowledging it again in B's console now skips it.
	tasks := []domain.Task{{ID: "task-p1-red", PatientID: "p1", Category: domain.TaskMeasurement, Color: domain.Red}}
	again := domain.NewAcknowledgement(domain.AckScope{Kind: domain.AckOne, TaskID: "task-p1-red"}, tasks, "", false, userB.Name, e.clock.Now())
	res, err := b.act.Acknowledge(ctx, again)
	if err != nil || len(res.Skipped) != 1 || len(res.Acknowledged) != 0 {
		t.Errorf("second acknowledge = %+v, %v", res, err)
	}
	if n := len(b.outbox(t)); n != 0 {
		t.Errorf("outbox = %d after a skipped acknowledge", n)
	}
}

func TestBadInputWritesNothing(t *testing.T) {
	e := newEnv(t)
	c := e.newConsole(userA, tokA)
	ctx := context.Background()
	before, _ := c.store.AuditLog(ctx, time.Time{})
	now := e.clock.Now()
	cases := map[string]struct {
		err   error
		field string
	}{}
	_, err := c.act.Acknowledge(ctx, domain.Acknowledgement{Scope: domain.AckScope{Kind: domain.AckOne, TaskID: "x"},
		TaskIDs: []string{"task-p1-red", "no-such-task"}, By: userA.Name, At: now})
	cases["unknown task"] = struct {
		err   error
		field string
	}{err, "tasks"}
	_, err = c.act.Acknowledge(ctx, domain.Acknowledgement{Scope: domain.AckScope{Kind: domain.AckOne, TaskID: "task-p1-miss"},
		TaskIDs: []string{"task-p1-miss"}, By: userA.Name, At: now})
	cases["missing task acknowledged"] = struct {
		err   error
		field string
	}{err, "tasks"}
	err = c.act.SendMessage(ctx, domain.OutgoingMessage{PatientID: "p1", Title: "Hej", Body: strings.Repeat("x", 3000), Author: userA.Name})
	cases["3000-character message"] = struct {
		err   error
		field string
	}{err, "body"}
	err = c.act.PlanCover(ctx, domain.CoverPlan{Scope: domain.CoverPatient, PatientID: "p1", Covering: coverTeam,
		Period: domain.Period{From: now.AddDate(0, 0, 10), To: now.AddDate(0, 0, 5)}, By: userA.Name})
	cases["cover end before start"] = struct {
		err   error
		field string
	}{err, "to"}
	reg := validChange(t, c, "p1")
	reg.Regime.Thresholds.ByKind[domain.KindPulse] = domain.KindThresholds{Primary: domain.Limits{
		RedLow: domain.L(40), YellowLow: domain.L(45), YellowHigh: domain.L(100), RedHigh: domain.L(90)}}
	err = c.act.SaveRegime(ctx, reg)
	cases["threshold out of order"] = struct {
		err   error
		field string
	}{err, "pulse.red-high"}
	err = c.act.AddNote(ctx, domain.Note{PatientID: "p1", Text: "  "})
	cases["empty note"] = struct {
		err   error
		field string
	}{err, "text"}
	err = c.act.SendMessage(ctx, domain.OutgoingMessage{PatientID: "nobody", Title: "Hej", Body: "x", Author: userA.Name})
	cases["unknown patient"] = struct {
		err   error
		field string
	}{err, "patient"}
	for name, tc := range cases {
		p := domain.AsProblems(tc.err)
		if p == nil || p.ByField()[tc.field] == nil {
			t.Errorf("%s: error %v; want a problem on %q", name, tc.err, tc.field)
		}
	}
	if n := len(c.outbox(t)); n != 0 {
		t.Errorf("outbox holds %d entries after refused input", n)
	}
	after, _ := c.store.AuditLog(ctx, time.Time{})
	if len(after) != len(before) {
		t.Errorf("audit grew from %d to %d", len(before), len(after))
	}
	if ts := mustTask(t, c.store, "task-p1-red"); !ts.Open() {
		t.Error("task-p1-red closed by a refused acknowledgement")
	}
}
