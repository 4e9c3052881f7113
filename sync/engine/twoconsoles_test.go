package engine_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
)

// TestTwoConsolesSameTeam: two nurses of one team, each with her own
// console (cache file, engine, token). What nurse A acknowledges leaves
// nurse B's worklist after B's next sync; when both acknowledge the same
// task, the second is told it was already done, and the task is written
// once.
func TestTwoConsolesSameTeam(t *testing.T) {
	c := newCentral(t)
	seedClinic(t, c.store, 6, 5, time.Now())
	a := newConsole(t, c.url(), tokNurseA, engine.Options{}, client.Options{})
	b := newConsole(t, c.url(), tokNurseB, engine.Options{}, client.Options{})
	mustOnce(t, a)
	mustOnce(t, b)

	// A patient on B's worklist whose open items are tasks only (no unread
	// messages), so acknowledging the tasks takes the patient off it.
	before, err := b.store.Worklist(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	tasksOf := map[string][]taskRef{}
	for _, tk := range openTasks(t, a) {
		tasksOf[tk.patient] = append(tasksOf[tk.patient], tk)
	}
	var pid string
	for _, row := range before {
		if row.Open.Unread == 0 && len(tasksOf[row.Patient.ID]) > 0 {
			pid = row.Patient.ID
			break
		}
	}
	if pid == "" {
		t.Fatalf("no patient on B's worklist with only open tasks (%d rows)", len(before))
	}
	for _, tk := range tasksOf[pid] {
		enqueueAck(t, a.store, tk.id, tk.version)
	}
	// B also acknowledges the first of them, at the same version, before
	// syncing: a race between two nurses.
	shared := tasksOf[pid][0]
	enqueueAck(t, b.store, shared.id, shared.version)

	rep := mustOnce(t, a)
	if rep.Pushed != len(tasksOf[pid]) {
		t.Fatalf("A pushed %d, want %d (%+v)", rep.Pushed, len(tasksOf[pid]), rep)
	}
	if onWorklist(t, a.store, pid) {
		t.Errorf("patient %s still on A's worklist after acknowledging every task", pid)
	}
	if !onWorklist(t, b.store, pid) {
		t.Fatalf("patient %s left B's worklist before B synced", pid)
	}
	rep = mustOnce(t, b)
	if rep.Resolved != 1 || rep.Conflicts != 0 {
		t.Errorf("B's round: %+v, want its acknowledgement resolved as already done", rep)
	}
	if onWorklist(t, b.store, pid) {
		t.Errorf("patient %s still on B's worklist after B's sync", pid)
	}
	res, err := b.store.OutboxResults(context.Background(), time.Time{})
	if err != nil || len(res) != 1 || res[0].Outcome != cache.ResultAlreadyDone || res[0].ResourceID != shared.id {
		t.Errorf("B's outbox results: %+v, %v", res, err)
	}
	for _, tk := range tasksOf[pid] {
		_, vid := serverTask(t, c.url(), tokNurseA, tk.id)
		if want := nextVersion(tk.version); vid != want {
			t.Errorf("Task/%s at version %s on the server, want %s (written once)", tk.id, vid, want)
		}
	}
	assertCacheEqualsServer(t, a, c.url(), tokNurseA)
	assertCacheEqualsServer(t, b, c.url(), tokNurseB)
}

func onWorklist(t testing.TB, st *cache.Store, pid string) bool {
	t.Helper()
	rows, err := st.Worklist(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Patient.ID == pid {
			return true
		}
	}
	return false
}

func nextVersion(v string) string {
	n, _ := strconv.Atoi(v)
	return strconv.Itoa(n + 1)
}
