package engine_test

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/actions"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
	"github.com/telehjerte/telehjerte-tui/sync/faultproxy"
)

// TestLostAckAnswerStillSendsAssessment: the nurse acknowledges two
// readings (Task patch, assessment, receipt each). The central applies the
// first Task patch but the proxy holds its answer past the client's
// timeout. The next round's retry meets 412 and finds the Task completed by
// this very write: that is the nurse's success, so the assessment and the
// receipt are still sent, and everything is on the central exactly once.
func TestLostAckAnswerStillSendsAssessment(t *testing.T) {
	c := newCentral(t)
	seedClinic(t, c.store, 3, 3, time.Now())
	px, ps := proxied(t, c, faultproxy.Options{})
	con := newConsole(t, ps.URL, tokNurseA, engine.Options{BackoffMin: time.Second}, client.Options{Timeout: 2 * time.Second})
	mustOnce(t, con)
	acks := acknowledge(t, con, measurementTasks(t, con, 2))

	// Round 1: the first Task write (a PUT of the central's Task with the
	// completion) reaches the central; its answer is held
	// until the client has given up.
	var mu sync.Mutex
	patches := 0
	px.Stall(faultproxy.AfterServer, func(r *http.Request) bool {
		if r.Method != http.MethodPut || !strings.HasPrefix(r.URL.Path, "/Task/") {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		patches++
		return patches == 1
	})
	if _, err := con.eng.Once(context.Background()); err == nil || !client.IsRetryable(err) {
		t.Fatalf("round with the answer held: %v, want a retryable error (timeout)", err)
	}
	px.Release()
	if tk, _ := serverTask(t, c.url(), tokNurseA, acks[0].task.id); tk.Status != "completed" {
		t.Fatalf("Task/%s is %s on the central: the held write was not applied", acks[0].task.id, tk.Status)
	}

	// Round 2, after the backoff: the retry gets 412 (the Task moved on,
	// by this write), and the rest of both actions goes out.
	con.clock.Add(time.Hour)
	rep := mustOnce(t, con)
	if rep.Resolved != 0 || rep.Conflicts != 0 || rep.Failed != 0 {
		t.Errorf("round after the lost answer: %+v, want every entry pushed", rep)
	}
	assertAcksOnceEach(t, con, c.url(), acks)
	assertCacheEqualsServer(t, con, c.url(), tokNurseA)
}

// TestSentAckCompletedByOtherNurseIsAlreadyDone: nurse A's acknowledgement
// was sent once but never reached the central (500 before it); meanwhile
// nurse B acknowledged the same reading. A's retry meets 412 and a Task
// completed by B: not A's success, so A's acknowledgement and assessment
// end as "already acknowledged by B", and the central has B's assessment
// only.
func TestSentAckCompletedByOtherNurseIsAlreadyDone(t *testing.T) {
	c := newCentral(t)
	seedClinic(t, c.store, 3, 3, time.Now())
	var mu sync.Mutex
	failPatch := true
	_, ps := proxied(t, c, faultproxy.Options{Choose: func(r *http.Request) faultproxy.Kind {
		mu.Lock()
		defer mu.Unlock()
		if r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/Task/") && failPatch {
			failPatch = false
			return faultproxy.Fail500
		}
		return ""
	}})
	a := newConsole(t, ps.URL, tokNurseA, engine.Options{BackoffMin: time.Second}, client.Options{})
	b := newConsole(t, c.url(), tokNurseB, engine.Options{}, client.Options{})
	mustOnce(t, a)
	mustOnce(t, b)
	tk := measurementTasks(t, a, 1)
	acknowledge(t, a, tk)
	if _, err := a.eng.Once(context.Background()); err == nil || !client.IsRetryable(err) {
		t.Fatalf("A's round with the Task write refused: %v, want a retryable error", err)
	}
	svc, err := actions.New(b.store, actions.User{ID: demo.NurseB, Name: "Bente Berg"}, b.clock.Now, uuid.NewString)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Acknowledge(context.Background(), domain.Acknowledgement{Scope: domain.AckScope{Kind: domain.AckOne, TaskID: tk[0].id},
		TaskIDs: []string{tk[0].id}, PatientIDs: []string{tk[0].patient}, By: demo.NurseB, At: b.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	if rep := mustOnce(t, b); rep.Pushed != 2 {
		t.Fatalf("B's round: %+v, want the patch and the assessment pushed", rep)
	}

	a.clock.Add(time.Hour)
	rep := mustOnce(t, a)
	if rep.Resolved != 2 {
		t.Errorf("A's retry: %+v, want the patch and the assessment resolved as already done", rep)
	}
	res, err := a.store.OutboxResults(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 {
		t.Fatalf("A's outbox results: %+v, want two", res)
	}
	for _, r := range res {
		if r.Outcome != cache.ResultAlreadyDone || r.By != "Bente Berg" {
			t.Errorf("A's outbox result %+v, want already done by Bente Berg", r)
		}
	}
	st, _ := serverTask(t, c.url(), tokNurseA, tk[0].id)
	if st.Owner == nil || st.Owner.Reference != "Practitioner/"+demo.NurseB {
		t.Errorf("Task owner on the central: %+v, want nurse B", st.Owner)
	}
	assertCacheEqualsServer(t, a, c.url(), tokNurseA)
}

// TestLostAckAnswerFromOlderCache: a cache written before the sent mark
// existed holds an acknowledgement whose Task write reached the central but
// whose answer was lost (attempts 1, no mark). The next round still takes
// the completed Task for the nurse's own success and sends the assessment.
func TestLostAckAnswerFromOlderCache(t *testing.T) {
	ctx := context.Background()
	c := newCentral(t)
	seedClinic(t, c.store, 3, 3, time.Now())
	var mu sync.Mutex
	lose := true
	_, ps := proxied(t, c, faultproxy.Options{Choose: func(r *http.Request) faultproxy.Kind {
		mu.Lock()
		defer mu.Unlock()
		if r.Method != http.MethodGet && strings.HasPrefix(r.URL.Path, "/Task/") && lose {
			lose = false
			return faultproxy.Fail500After
		}
		return ""
	}})
	con := newConsole(t, ps.URL, tokNurseA, engine.Options{BackoffMin: time.Second}, client.Options{})
	mustOnce(t, con)
	acks := acknowledge(t, con, measurementTasks(t, con, 1))
	if _, err := con.eng.Once(ctx); err == nil || !client.IsRetryable(err) {
		t.Fatalf("round with the answer lost: %v, want a retryable error", err)
	}
	if tk, _ := serverTask(t, c.url(), tokNurseA, acks[0].task.id); tk.Status != fhir.TaskStatusCompleted {
		t.Fatalf("Task/%s is %s on the central: the write was not applied", acks[0].task.id, tk.Status)
	}
	// What a cache of the older console holds: the attempt counted, no mark.
	db, err := sql.Open("sqlite", "file:"+con.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Exec(`UPDATE outbox SET sent = 0 WHERE uuid = ? AND attempts = 1`, acks[0].patch)
	db.Close()
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("reset the sent mark: %d rows, %v", n, err)
	}
	con.clock.Add(time.Hour)
	rep := mustOnce(t, con)
	if rep.Resolved+rep.Conflicts+rep.Failed != 0 {
		t.Errorf("round: %+v, want every entry pushed", rep)
	}
	assertAcksOnceEach(t, con, c.url(), acks)
	assertCacheEqualsServer(t, con, c.url(), tokNurseA)
}
