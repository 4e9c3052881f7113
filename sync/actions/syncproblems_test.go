package actions_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/actions"
)

// regimeConflict makes B's regime change (reference weight 85) meet A's
// (pulse red high 110) on the central and returns B's problem.
func regimeConflict(t *testing.T, e *env) (a, b *nurseConsole, p console.SyncProblem) {
	t.Helper()
	ctx := context.Background()
	a = e.newConsole(userA, tokA)
	b = e.newConsole(userB, tokB)
	if err := a.act.SaveRegime(ctx, validChange(t, a, "p1")); err != nil {
		t.Fatal(err)
	}
	chB := validChange(t, b, "p1")
	chB.Regime.Thresholds.ByKind[domain.KindPulse] = a0Pulse(t, b)
	chB.Regime.Thresholds.ReferenceWeight = 85
	if err := b.act.SaveRegime(ctx, chB); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	if rep := b.sync(t); rep.Conflicts != 1 {
		t.Fatalf("B's round = %+v; want one conflict", rep)
	}
	ps, err := b.act.SyncProblems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 {
		t.Fatalf("problems = %+v; want one", ps)
	}
	return a, b, ps[0]
}

// a0Pulse is the cached pulse thresholds (before anyone's change).
func a0Pulse(t *testing.T, c *nurseConsole) domain.KindThresholds {
	t.Helper()
	d, err := c.store.Patient(context.Background(), "p1", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return d.Regime.Thresholds.ByKind[domain.KindPulse]
}

func TestSyncProblemsShowBothRegimeVersions(t *testing.T) {
	_, _, p := regimeConflict(t, newEnv(t))
	if p.State != console.SyncConflict || p.Change != console.SyncChangeRegime || p.PatientID != "p1" || p.PatientName != "Patient p1" {
		t.Errorf("problem = %+v", p)
	}
	if p.Mine.Regime == nil || p.Theirs.Regime == nil {
		t.Fatalf("versions = %+v / %+v; want both regimes", p.Mine, p.Theirs)
	}
	if p.Mine.Regime.Thresholds.ReferenceWeight != 85 || p.Theirs.Regime.Thresholds.ReferenceWeight == 85 {
		t.Errorf("reference weight mine %v theirs %v", p.Mine.Regime.Thresholds.ReferenceWeight, p.Theirs.Regime.Thresholds.ReferenceWeight)
	}
	if rh := p.Theirs.Regime.Thresholds.ByKind[domain.KindPulse].Primary.RedHigh; rh != domain.L(110) {
		t.Errorf("theirs pulse red high = %v, want A's 110", rh)
	}
	if p.Theirs.Version != "2" || p.Theirs.Author != userA.Name {
		t.Errorf("theirs version %q by %q, want 2 by %s", p.Theirs.Version, p.Theirs.Author, userA.Name)
	}
}

func TestKeepMineSendsItOnTopOfTheirs(t *testing.T) {
	e := newEnv(t)
	_, b, p := regimeConflict(t, e)
	ctx := context.Background()
	if err := b.act.ResolveConflict(ctx, p.UUID, true); err != nil {
		t.Fatal(err)
	}
	if rep := b.sync(t); rep.Pushed != 1 || rep.Conflicts != 0 {
		t.Fatalf("round after keep mine = %+v; want it pushed", rep)
	}
	got := e.centralRegime(t, "p1")
	if got.Version != "3" || got.Thresholds.ReferenceWeight != 85 {
		t.Errorf("central regime = version %s weight %v; want 3 with B's 85", got.Version, got.Thresholds.ReferenceWeight)
	}
	if ps, err := b.act.SyncProblems(ctx); err != nil || len(ps) != 0 {
		t.Errorf("problems after = %+v, %v", ps, err)
	}
	if au := b.audit(t, actions.AuditKeepMine); len(au) != 1 || !containsAll(au[0].Detail, `"server_version":"2"`, `"kept":"mine"`) {
		t.Errorf("audit = %+v", au)
	}
}

func TestKeepTheirsDiscardsMine(t *testing.T) {
	e := newEnv(t)
	_, b, p := regimeConflict(t, e)
	ctx := context.Background()
	if err := b.act.ResolveConflict(ctx, p.UUID, false); err != nil {
		t.Fatal(err)
	}
	if n := len(b.outbox(t)); n != 0 {
		t.Errorf("outbox = %d after keep theirs", n)
	}
	b.sync(t)
	d, err := b.store.Patient(ctx, "p1", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Regime.Version != "2" || d.Regime.Thresholds.ReferenceWeight == 85 {
		t.Errorf("B's cache regime = version %s weight %v; want A's version 2", d.Regime.Version, d.Regime.Thresholds.ReferenceWeight)
	}
	if got := e.centralRegime(t, "p1"); got.Version != "2" {
		t.Errorf("central version %s, want 2", got.Version)
	}
	if au := b.audit(t, actions.AuditKeepTheirs); len(au) != 1 {
		t.Errorf("audit = %+v", au)
	}
	if ps, err := b.act.SyncProblems(ctx); err != nil || len(ps) != 0 {
		t.Errorf("problems after = %+v, %v", ps, err)
	}
}

func TestAlreadyAcknowledgedShowsWhoAndWhen(t *testing.T) {
	e := newEnv(t)
	a := e.newConsole(userA, tokA)
	b := e.newConsole(userB, tokB)
	ctx := context.Background()
	one := func(c *nurseConsole, by string) domain.Acknowledgement {
		tasks, _ := c.act.OpenTasks(ctx)
		return domain.NewAcknowledgement(domain.AckScope{Kind: domain.AckOne, TaskID: "task-p1-red"}, tasks, "", false, by, e.clock.Now())
	}
	if _, err := a.act.Acknowledge(ctx, one(a, userA.Name)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.act.Acknowledge(ctx, one(b, userB.Name)); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	b.sync(t)
	ps, err := b.act.SyncProblems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 {
		t.Fatalf("problems = %+v; want one already-done (its assessment not listed apart)", ps)
	}
	p := ps[0]
	if p.State != console.SyncAlreadyDone || p.Change != console.SyncChangeAck || p.By != userA.Name || !p.DoneAt.Equal(e.clock.Now()) {
		t.Errorf("problem = %+v; want already done by %s at %v", p, userA.Name, e.clock.Now())
	}
	if p.PatientName != "Patient p1" || p.Kind != domain.KindPulse || !p.HasValue || p.Value != 120 {
		t.Errorf("subject = %s %s %v %v", p.PatientName, p.Kind, p.HasValue, p.Value)
	}
	if err := b.act.ResolveConflict(ctx, p.UUID, true); err == nil {
		t.Error("resolving an already-done outcome succeeded; want an error")
	}
}

// Keeping her change on a conflicted change of a Communication, Task or
// EpisodeOfCare sends it again on top of the central's version: the
// version the change is made against is the central's now, in the queued
// change itself (not only beside it), so it goes through.
func TestKeepMineOnAChangeSetGoesThrough(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.newConsole(userA, tokA)
	b := e.newConsole(userB, tokB)
	if err := b.act.MarkRead(ctx, "msg-p1", true); err != nil {
		t.Fatal(err)
	}
	b.sync(t)
	// A still has the message unread at the old version: her change of
	// the read state meets B's.
	if err := a.act.MarkRead(ctx, "msg-p1", true); err != nil {
		t.Fatal(err)
	}
	if rep := a.sync(t); rep.Conflicts != 1 {
		t.Fatalf("A's round = %+v; want one conflict", rep)
	}
	ps, err := a.act.SyncProblems(ctx)
	if err != nil || len(ps) != 1 {
		t.Fatalf("problems = %+v, %v", ps, err)
	}
	if err := a.act.ResolveConflict(ctx, ps[0].UUID, true); err != nil {
		t.Fatal(err)
	}
	if rep := a.sync(t); rep.Conflicts != 0 || rep.Pushed != 1 {
		t.Fatalf("round after keep mine = %+v; want the change pushed", rep)
	}
	if n := len(a.outbox(t)); n != 0 {
		t.Errorf("outbox after keep mine = %d", n)
	}
	m, _ := e.get(tokA, "Communication", "msg-p1")
	if n := strings.Count(str(m["extension"]), "ehealth-administrative-status"); n != 1 {
		t.Errorf("central read state = %v; want one administrative status", m["extension"])
	}
}
