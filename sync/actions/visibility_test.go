package actions_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/actions"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
)

// patientDetail reads what the patient view would show from the cache.
func patientDetail(t *testing.T, c *nurseConsole, pid string) (domain.PatientDetail, error) {
	t.Helper()
	return c.store.Patient(context.Background(), pid, time.Time{})
}

// A covering console that synced before the cover began gains the covered
// patients (with readings, tasks and messages) in the first round inside
// the period, and loses them in the first round after it; its own audit
// entries stay, and a message it queued for a patient it may no longer see
// is kept and ends failed, not dropped.
func TestCoverStartAndEndReconcile(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.newConsole(userA, tokA)
	// The covering team has a patient of its own (p3), so its console has
	// pulled before and its watermarks are past everything of p1 and p2.
	cv := e.newConsole(userOther, tokOther)
	if ids := worklistIDs(t, cv); len(ids) != 1 {
		t.Fatalf("covering console has %v before any cover, want only p3", ids)
	}
	now := e.clock.Now()
	from, to := now.AddDate(0, 0, 2), now.AddDate(0, 0, 5)
	plan := domain.CoverPlan{Scope: domain.CoverTeam, Home: homeTeam, Covering: otherTeam,
		Period: domain.Period{From: from, To: to, Reason: "sommerferie"}, By: userA.Name, At: now}
	if err := a.act.PlanCover(ctx, plan); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	if rep := cv.sync(t); rep.Appeared != 0 || rep.Removed != 0 {
		t.Fatalf("round before the period: %+v", rep)
	}

	e.clock.Set(from.Add(time.Hour))
	rep := cv.sync(t)
	if rep.Appeared != 2 || rep.Removed != 0 {
		t.Fatalf("round inside the period: appeared %d removed %d, want 2 and 0 (%+v)", rep.Appeared, rep.Removed, rep)
	}
	rows := worklistIDs(t, cv)
	if len(rows) != 3 || rows["p1"].Patient.ID == "" || rows["p2"].Patient.ID == "" {
		t.Fatalf("covering worklist = %v, want p1, p2 and p3", rows)
	}
	if h, cover := rows["p1"].Responsibility.HolderAt(e.clock.Now()); h.ID != otherTeam.ID || !cover {
		t.Errorf("p1 holder = %s cover=%v", h.ID, cover)
	}
	// Both with their records: one whose Patient resource came with the
	// incremental pull (it shared the watermark's lastUpdated) used to be
	// left with none of them.
	for _, pid := range []string{"p1", "p2"} {
		d, err := patientDetail(t, cv, pid)
		if err != nil || len(d.Readings) != 2 || len(d.Messages) != 1 || len(d.OpenTasks) == 0 || d.Regime.ID == "" {
			t.Fatalf("%s in the cover cache: %d readings, %d messages, %d tasks, regime %q (%v)",
				pid, len(d.Readings), len(d.Messages), len(d.OpenTasks), d.Regime.ID, err)
		}
	}
	// A second round changes nothing.
	if rep := cv.sync(t); rep.Appeared+rep.Removed != 0 {
		t.Errorf("steady round: %+v", rep)
	}
	// The covering nurse looks at p1 and writes to p2, but the message is
	// still queued when the cover ends.
	if err := cv.store.Audit(ctx, domain.AuditEntry{At: e.clock.Now(), User: otherNurse, Action: "view-patient", PatientID: "p1"}); err != nil {
		t.Fatal(err)
	}
	if err := cv.act.SendMessage(ctx, domain.OutgoingMessage{PatientID: "p2", Title: "Hej", Body: "Vi dækker i ferien", Author: userOther.Name}); err != nil {
		t.Fatal(err)
	}

	e.clock.Set(to.Add(time.Hour))
	rep, err := cv.eng.Once(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Removed != 2 || rep.Failed != 1 {
		t.Fatalf("round after the period: removed %d failed %d, want 2 and 1 (%+v)", rep.Removed, rep.Failed, rep)
	}
	if ids := worklistIDs(t, cv); len(ids) != 1 {
		t.Errorf("covering worklist after the period = %v, want only p3", ids)
	}
	for _, pid := range []string{"p1", "p2"} {
		if _, err := patientDetail(t, cv, pid); !errors.Is(err, cache.ErrNotFound) {
			t.Errorf("%s still in the cover cache: %v", pid, err)
		}
	}
	if ids, err := cv.store.PatientIDs(ctx); err != nil || len(ids) != 1 || ids[0] != "p3" {
		t.Errorf("patients left: %v (%v)", ids, err)
	}
	if out := cv.outbox(t); len(out) != 1 || out[0].ResourceType != "Communication" {
		t.Errorf("outbox after purge = %+v, want the failed message kept", out)
	}
	if aud := cv.audit(t, "view-patient"); len(aud) != 1 || aud[0].PatientID != "p1" {
		t.Errorf("audit after purge = %+v", aud)
	}
	// The home team still has both.
	a.sync(t)
	if rows := worklistIDs(t, a); len(rows) != 2 {
		t.Errorf("home worklist = %d patients", len(rows))
	}
}

// A transfer: the giving console's cache drops the patient in the round
// that sends the transfer; a receiving console that had synced before gains
// the patient in its next round.
func TestTransferReconcilesBothConsoles(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.newConsole(userA, tokA)
	o := e.newConsole(userOther, tokOther)
	if _, ok := worklistIDs(t, o)["p1"]; ok {
		t.Fatal("receiver sees p1 before the transfer")
	}
	tr := domain.Transfer{PatientID: "p1", From: homeTeam, To: otherTeam, Note: "Overdragelse", By: userA.Name, At: e.clock.Now()}
	if err := a.act.Transfer(ctx, tr); err != nil {
		t.Fatal(err)
	}
	rep := a.sync(t)
	if rep.Pushed != 2 || rep.Removed != 1 {
		t.Fatalf("giver's round: %+v, want 2 pushed and p1 removed", rep)
	}
	if _, ok := worklistIDs(t, a)["p1"]; ok {
		t.Error("p1 still on the giver's worklist")
	}
	if _, err := patientDetail(t, a, "p1"); !errors.Is(err, cache.ErrNotFound) {
		t.Errorf("p1 still in the giver's cache: %v", err)
	}
	if aud := a.audit(t, "transfer"); len(aud) != 1 {
		t.Errorf("giver's transfer audit = %d entries, want it kept", len(aud))
	}
	rep = o.sync(t)
	if rep.Appeared != 1 {
		t.Fatalf("receiver's round: %+v, want p1 appeared", rep)
	}
	row, ok := worklistIDs(t, o)["p1"]
	if !ok || row.Responsibility.Home.ID != otherTeam.ID || len(row.Notes) != 1 {
		t.Fatalf("receiver's p1 row: ok=%v home %s notes %d", ok, row.Responsibility.Home.ID, len(row.Notes))
	}
	d, err := patientDetail(t, o, "p1")
	if err != nil || len(d.Readings) != 2 || len(d.Messages) != 1 {
		t.Errorf("receiver's p1: %d readings %d messages (%v)", len(d.Readings), len(d.Messages), err)
	}
}

var userOther = actions.User{ID: otherNurse, Name: "Ole Nord"}

// patientLists counts the listings of the visible patients passing
// through it: searches Patient?_elements=id from the beginning (a listing
// may go on from a later _lastUpdated).
type patientLists struct {
	mu sync.Mutex
	n  int
}

func (p *patientLists) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/Patient") && r.URL.Query().Get("_elements") == "id" &&
		!r.URL.Query().Has("_lastUpdated") {
		p.mu.Lock()
		p.n++
		p.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(r)
}

func (p *patientLists) count() int { p.mu.Lock(); defer p.mu.Unlock(); return p.n }

// A round in which nothing that moves visibility happened does not list
// the visible patients (that list grows with the clinic); every
// ReconcileRounds-th round does, as does the first round of an engine and
// a round that pushed something. A patient transferred away by a
// colleague's console (nothing this console can see changes) leaves this
// cache at that safety-net round.
func TestVisibilityListedOnlyWhenSomethingMayHaveMoved(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	lists := &patientLists{}
	const every = 3
	b := e.newConsoleWith(userB, tokB, engine.Options{ReconcileRounds: every, ReconcileEvery: 24 * time.Hour}, lists)
	if lists.count() == 0 {
		t.Fatal("the engine's first round did not list the visible patients")
	}
	listed := lists.count()
	if rep := b.sync(t); rep.Appeared+rep.Removed != 0 || lists.count() != listed {
		t.Fatalf("a round with nothing new listed the patients (%d lists, report %+v)", lists.count()-listed, rep)
	}

	// Nurse A of the same team transfers p1 away.
	a := e.newConsole(userA, tokA)
	tr := domain.Transfer{PatientID: "p1", From: homeTeam, To: otherTeam, Note: "Overdragelse", By: userA.Name, At: e.clock.Now()}
	if err := a.act.Transfer(ctx, tr); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	// B's rounds see nothing of it until the safety net lists again.
	removed := 0
	for i := 0; i < every && removed == 0; i++ {
		removed += b.sync(t).Removed
	}
	if removed != 1 {
		t.Fatalf("p1 not removed from B's cache within %d rounds", every)
	}
	if _, err := patientDetail(t, b, "p1"); !errors.Is(err, cache.ErrNotFound) {
		t.Errorf("p1 still in B's cache: %v", err)
	}
	if lists.count() != listed+1 {
		t.Errorf("%d listings in %d rounds, want the one safety-net listing", lists.count()-listed, every+1)
	}

	// A round that pushed something lists at once.
	listed = lists.count()
	if err := b.act.SendMessage(ctx, domain.OutgoingMessage{PatientID: "p2", Title: "Hej", Body: "Husk at måle", Author: userB.Name}); err != nil {
		t.Fatal(err)
	}
	if rep := b.sync(t); rep.Pushed != 1 || lists.count() != listed+1 {
		t.Errorf("a round that pushed: %+v, %d listings, want 1", rep, lists.count()-listed)
	}
}

// The covering console knows when the cover it holds ends (the episode's
// cover period): the round after that instant purges the covered
// patients, even with the safety net out of reach.
func TestCoverEndPurgesAtItsInstant(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.newConsole(userA, tokA)
	cv := e.newConsoleWith(userOther, tokOther, engine.Options{ReconcileRounds: 1000, ReconcileEvery: 365 * 24 * time.Hour}, nil)
	now := e.clock.Now()
	from, to := now.Add(time.Hour), now.Add(50*time.Hour)
	plan := domain.CoverPlan{Scope: domain.CoverTeam, Home: homeTeam, Covering: otherTeam,
		Period: domain.Period{From: from, To: to, Reason: "kursus"}, By: userA.Name, At: now}
	if err := a.act.PlanCover(ctx, plan); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	e.clock.Set(from.Add(time.Minute))
	// The covered patients' episodes changed after this console's
	// watermark: the round brings them in (pulled as changed, or found by
	// the listing; which of the two depends on the server's timestamps).
	if rep := cv.sync(t); rep.Removed != 0 {
		t.Fatalf("round inside the cover: %+v", rep)
	}
	if ids, err := cv.store.PatientIDs(ctx); err != nil || !slices.Equal(ids, []string{"p1", "p2", "p3"}) {
		t.Fatalf("patients inside the cover: %v (%v), want p1, p2 and p3", ids, err)
	}
	e.clock.Set(to.Add(-time.Minute))
	if rep := cv.sync(t); rep.Removed != 0 {
		t.Fatalf("round before the cover ends: %+v", rep)
	}
	e.clock.Set(to.Add(time.Second))
	if rep := cv.sync(t); rep.Removed != 2 {
		t.Fatalf("round after the cover ended: %+v, want p1 and p2 removed", rep)
	}
	if ids, err := cv.store.PatientIDs(ctx); err != nil || len(ids) != 1 || ids[0] != "p3" {
		t.Errorf("patients left: %v (%v)", ids, err)
	}
}
