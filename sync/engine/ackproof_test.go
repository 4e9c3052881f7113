package engine_test

// Helpers for the proofs that an acknowledgement reaches the central
// exactly once whatever happens to the push: the nurse acknowledges
// through the real nurse actions (Task JSON Patch + assessment
// ClinicalImpression + receipt Communication, one transaction), and the
// central is then asked what it holds for each acknowledgement.

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/actions"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
)

// nurseAName is nurse A's display name in the tests' actions.
const nurseAName = "Karen Holm"

// ackAction is one acknowledged Task and the outbox entries the action
// queued for it: the Task patch, the assessment, and the receipt to the
// patient ("" when no receipt was asked for).
type ackAction struct {
	task               taskRef
	patch, ci, receipt string
}

// acknowledge acknowledges each task (one action per task, with a receipt)
// as nurse A in the console's cache, and returns what was queued for each.
func acknowledge(t testing.TB, con *console, tasks []taskRef) []ackAction {
	t.Helper()
	ctx := context.Background()
	svc, err := actions.New(con.store, actions.User{ID: demo.NurseA, Name: nurseAName}, con.clock.Now, uuid.NewString)
	if err != nil {
		t.Fatal(err)
	}
	var out []ackAction
	for _, tk := range tasks {
		before, err := con.store.Outbox(ctx, "", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, e := range before {
			seen[e.UUID] = true
		}
		res, err := svc.Acknowledge(ctx, domain.Acknowledgement{Scope: domain.AckScope{Kind: domain.AckOne, TaskID: tk.id},
			TaskIDs: []string{tk.id}, PatientIDs: []string{tk.patient}, Receipt: true, By: demo.NurseA, At: con.clock.Now()})
		if err != nil || len(res.Acknowledged) != 1 {
			t.Fatalf("acknowledge Task/%s: %+v, %v", tk.id, res, err)
		}
		after, err := con.store.Outbox(ctx, "", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		a := ackAction{task: tk}
		for _, e := range after {
			if seen[e.UUID] {
				continue
			}
			switch e.Label {
			case actions.OutboxAcknowledge:
				a.patch = e.UUID
			case actions.OutboxAssessment:
				a.ci = e.UUID
			case actions.OutboxReceipt:
				a.receipt = e.UUID
			}
		}
		if a.patch == "" || a.ci == "" || a.receipt == "" {
			t.Fatalf("acknowledging Task/%s queued %+v", tk.id, a)
		}
		out = append(out, a)
	}
	return out
}

// measurementTasks returns n open measurement tasks from the console's
// cache, of distinct patients as far as there are.
func measurementTasks(t testing.TB, con *console, n int) []taskRef {
	t.Helper()
	ts, err := con.store.OpenTasks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	vers := map[string]string{}
	for _, r := range openTasks(t, con) {
		vers[r.id] = r.version
	}
	pats := map[string]bool{}
	var out []taskRef
	for _, distinct := range []bool{true, false} {
		for _, tk := range ts {
			if tk.Category != domain.TaskMeasurement || (distinct && pats[tk.PatientID]) || len(out) == n || picked(out, tk.ID) {
				continue
			}
			pats[tk.PatientID] = true
			out = append(out, taskRef{id: tk.ID, version: vers[tk.ID], patient: tk.PatientID})
		}
	}
	if len(out) < n {
		t.Fatalf("only %d open measurement tasks, want %d", len(out), n)
	}
	return out
}

func picked(ts []taskRef, id string) bool {
	for _, t := range ts {
		if t.id == id {
			return true
		}
	}
	return false
}

// assertAcksOnceEach checks the central after the pushes: each Task is
// completed by nurse A in one write (its version moved by one: a property
// of our central that the test, not the console, relies on), exactly one
// assessment ClinicalImpression refers to it and carries the queued
// identifier, and the receipt is there once; the console's outbox is empty
// and nothing was recorded as "already done" (every acknowledgement was
// this nurse's own success).
func assertAcksOnceEach(t testing.TB, con *console, baseURL string, acks []ackAction) {
	t.Helper()
	ctx := context.Background()
	cl, err := client.New(client.Options{BaseURL: baseURL, Token: tokNurseA, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	code := fhir.SystemClinicalImpCode + "|" + fhir.CodeMeasurementAssessment
	for _, a := range acks {
		tk, vid := serverTask(t, baseURL, tokNurseA, a.task.id)
		if tk.Status != fhir.TaskStatusCompleted || tk.Owner == nil || tk.Owner.Reference != "Practitioner/"+demo.NurseA {
			t.Errorf("Task/%s on the central: status %s owner %+v, want completed by nurse A", a.task.id, tk.Status, tk.Owner)
		}
		if want := nextVersion(a.task.version); vid != want {
			t.Errorf("Task/%s at version %s, want %s (completed in one write)", a.task.id, vid, want)
		}
		page, err := cl.Search(ctx, "ClinicalImpression", url.Values{"patient": {a.task.patient}, "code": {code}, "_count": {"1000"}})
		if err != nil {
			t.Fatalf("search assessments: %v", err)
		}
		n := 0
		for _, raw := range page.Resources {
			ci, err := fhir.Decode[*fhir.ClinicalImpression](raw)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range ci.SupportingInfo {
				if r.Reference == "Task/"+a.task.id {
					n++
				}
			}
		}
		if n != 1 {
			t.Errorf("Task/%s has %d assessments on the central, want exactly 1", a.task.id, n)
		}
		if got := serverCountByIdentifier(t, baseURL, tokNurseA, "ClinicalImpression", a.ci); got != 1 {
			t.Errorf("assessment of Task/%s is on the central %d times, want once", a.task.id, got)
		}
		if got := serverCountByIdentifier(t, baseURL, tokNurseA, "Communication", a.receipt); got != 1 {
			t.Errorf("receipt for Task/%s is on the central %d times, want once", a.task.id, got)
		}
	}
	if left, err := con.store.Outbox(ctx, "", time.Time{}); err != nil || len(left) != 0 {
		t.Errorf("outbox after the pushes: %d entries (%v), want none", len(left), err)
	}
	res, err := con.store.OutboxResults(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		t.Errorf("outbox result %s %s/%s %q by %q: the nurse's own acknowledgement must not end as %q",
			r.Outcome, r.ResourceType, r.ResourceID, r.Detail, r.By, cache.ResultAlreadyDone)
	}
}
