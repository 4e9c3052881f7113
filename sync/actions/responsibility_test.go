package actions_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/actions"
)

func worklistIDs(t *testing.T, c *nurseConsole) map[string]domain.WorklistRow {
	t.Helper()
	rows, err := c.store.Worklist(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]domain.WorklistRow{}
	for _, r := range rows {
		out[r.Patient.ID] = r
	}
	return out
}

func TestTransferMovesVisibility(t *testing.T) {
	e := newEnv(t)
	a := e.newConsole(userA, tokA)
	ctx := context.Background()
	tr := domain.Transfer{PatientID: "p1", From: homeTeam, To: otherTeam, Note: "Stabil, skal titreres videre", By: userA.Name, At: e.clock.Now()}
	if err := a.act.Transfer(ctx, tr); err != nil {
		t.Fatal(err)
	}
	want := []string{"note Communication  ", "episode EpisodeOfCare eoc-p1 1"}
	if got := outboxLines(a.outbox(t)); !equalStrings(got, want) {
		t.Fatalf("outbox = %q, want %q", got, want)
	}
	d, _ := a.store.Patient(ctx, "p1", time.Time{})
	if d.Responsibility.Home.ID != otherTeam.ID || len(d.Notes) != 1 || !d.Notes[0].Important || d.Notes[0].Sync != domain.SyncPending {
		t.Fatalf("local effect: home %s, notes %+v", d.Responsibility.Home.ID, d.Notes)
	}
	if aud := a.audit(t, actions.AuditTransfer); len(aud) != 1 || !containsAll(aud[0].Detail, `"old":{"covers":[],"home":"team-home"}`, `"home":"team-other"`) {
		t.Errorf("audit = %+v", aud)
	}
	// The other team sees nothing of p1 before the sync.
	if contains(e.search(tokOther, "Patient", nil), "p1") {
		t.Fatal("the receiving team sees p1 before the transfer is sent")
	}
	if rep := a.sync(t); rep.Pushed != 2 || rep.Failed+rep.Conflicts != 0 {
		t.Fatalf("round = %+v", rep)
	}
	if contains(e.search(tokA, "Patient", nil), "p1") {
		t.Error("the giving team still sees p1 on the central")
	}
	if !contains(e.search(tokOther, "Patient", nil), "p1") {
		t.Error("the receiving team does not see p1 on the central")
	}
	o := e.newConsole(actions.User{ID: otherNurse, Name: "Ole Nord"}, tokOther)
	row, ok := worklistIDs(t, o)["p1"]
	if !ok {
		t.Fatal("p1 not on the receiving team's worklist")
	}
	if row.Responsibility.Home.ID != otherTeam.ID || len(row.Notes) != 1 || row.Notes[0].Text != tr.Note {
		t.Errorf("receiving worklist row: home %s notes %+v", row.Responsibility.Home.ID, row.Notes)
	}
}

func TestHolidayCoverVisibleOnlyInsideThePeriod(t *testing.T) {
	e := newEnv(t)
	a := e.newConsole(userA, tokA)
	ctx := context.Background()
	now := e.clock.Now()
	from, to := now.AddDate(0, 0, 2), now.AddDate(0, 0, 5)
	plan := domain.CoverPlan{Scope: domain.CoverTeam, Home: homeTeam, Covering: coverTeam,
		Period: domain.Period{From: from, To: to, Reason: "sommerferie"}, By: userA.Name, At: now}
	if err := a.act.PlanCover(ctx, plan); err != nil {
		t.Fatal(err)
	}
	want := []string{"episode EpisodeOfCare eoc-p1 1", "episode EpisodeOfCare eoc-p2 1"}
	if got := outboxLines(a.outbox(t)); !equalStrings(got, want) {
		t.Fatalf("outbox = %q, want %q", got, want)
	}
	if n := len(a.audit(t, actions.AuditCover)); n != 2 {
		t.Errorf("audit entries = %d, want 2", n)
	}
	// An overlapping cover for one of the patients is refused.
	over := domain.CoverPlan{Scope: domain.CoverPatient, PatientID: "p2", Covering: otherTeam,
		Period: domain.Period{From: to.Add(-time.Hour), To: to.AddDate(0, 0, 3)}, By: userA.Name, At: now}
	err := a.act.PlanCover(ctx, over)
	ov := domain.AsProblems(err).ByField()["from"]
	if ov == nil {
		t.Fatalf("overlapping cover: %v; want a problem on from", err)
	}
	// The problem says which cover it collides with, and whose.
	if ov.Overlap == nil || ov.Overlap.Team.ID != coverTeam.ID || !ov.Overlap.Period.To.Equal(to) || ov.OverlapPatient != "p2" {
		t.Fatalf("overlap = %+v (patient %q), want team B's cover of p2 to %s", ov.Overlap, ov.OverlapPatient, to)
	}
	// A later one is planned beside it.
	later := domain.CoverPlan{Scope: domain.CoverPatient, PatientID: "p2", Covering: otherTeam,
		Period: domain.Period{From: now.AddDate(0, 0, 10), To: now.AddDate(0, 0, 12)}, By: userA.Name, At: now}
	if err := a.act.PlanCover(ctx, later); err != nil {
		t.Fatal(err)
	}
	// Made against the version the cache holds: the engine rebases it on
	// the version the first change gets (versionIds are opaque).
	if got := outboxLines(a.outbox(t)); len(got) != 3 || got[2] != "episode EpisodeOfCare eoc-p2 1" {
		t.Fatalf("outbox = %q", got)
	}
	if rep := a.sync(t); rep.Pushed != 3 || rep.Conflicts+rep.Failed != 0 {
		t.Fatalf("round = %+v", rep)
	}
	d, _ := a.store.Patient(ctx, "p2", time.Time{})
	r := d.Responsibility
	if r.Cover == nil || r.Cover.Team.ID != coverTeam.ID || len(r.Planned) != 1 || r.Planned[0].Team.ID != otherTeam.ID {
		t.Fatalf("p2 responsibility after sync = %+v", r)
	}
	if h, cover := r.HolderAt(from.Add(time.Hour)); h.ID != coverTeam.ID || !cover {
		t.Errorf("holder inside the cover = %s %v", h.ID, cover)
	}
	if h, _ := r.HolderAt(to.Add(time.Hour)); h.ID != homeTeam.ID {
		t.Errorf("holder after the cover = %s", h.ID)
	}

	seen := func() []string { return e.search(tokCover, "Patient", nil) }
	if ids := seen(); len(ids) != 0 {
		t.Errorf("cover team sees %v before the period", ids)
	}
	e.clock.Set(from.Add(time.Hour))
	if ids := seen(); !contains(ids, "p1") || !contains(ids, "p2") || contains(ids, "p3") {
		t.Errorf("cover team sees %v inside the period", ids)
	}
	cv := e.newConsole(userCover, tokCover)
	rows := worklistIDs(t, cv)
	if len(rows) != 2 {
		t.Errorf("cover worklist has %d patients, want 2", len(rows))
	}
	if h, cover := rows["p1"].Responsibility.HolderAt(e.clock.Now()); h.ID != coverTeam.ID || !cover {
		t.Errorf("cover console: holder of p1 = %s cover=%v", h.ID, cover)
	}
	e.clock.Set(to.Add(time.Hour))
	if ids := seen(); len(ids) != 0 {
		t.Errorf("cover team sees %v after the period", ids)
	}
	if !contains(e.search(tokA, "Patient", nil), "p1") {
		t.Error("home team lost p1")
	}
}

func TestNotesSyncToColleaguesNotToThePatient(t *testing.T) {
	e := newEnv(t)
	a := e.newConsole(userA, tokA)
	ctx := context.Background()
	now := e.clock.Now()
	if err := a.act.AddNote(ctx, domain.Note{PatientID: "p1", Text: "Ring datteren ved fravær", Important: true}); err != nil {
		t.Fatal(err)
	}
	if err := a.act.AddNote(ctx, domain.Note{PatientID: "p2", Text: "Tjek vægt", Remind: now.AddDate(0, 0, 1)}); err != nil {
		t.Fatal(err)
	}
	if got := outboxLines(a.outbox(t)); len(got) != 2 || got[0] != "note Communication  " {
		t.Fatalf("outbox = %q", got)
	}
	d, _ := a.store.Patient(ctx, "p1", time.Time{})
	if len(d.Notes) != 1 || d.Notes[0].Sync != domain.SyncPending || d.Notes[0].Author != userA.Name {
		t.Fatalf("notes = %+v", d.Notes)
	}
	rows := worklistIDs(t, a)
	if n := rows["p1"].Notes; len(n) != 1 || !domain.NoteFlagged(n[0], now) {
		t.Errorf("p1 worklist notes = %+v; want the important note", n)
	}
	if n := rows["p2"].Notes; len(n) != 1 || domain.NoteFlagged(n[0], now) || !domain.NoteFlagged(n[0], now.AddDate(0, 0, 2)) {
		t.Errorf("p2 worklist notes = %+v; want the reminder, due tomorrow", n)
	}
	a.sync(t)
	d, _ = a.store.Patient(ctx, "p1", time.Time{})
	if len(d.Notes) != 1 || d.Notes[0].Sync != domain.SyncSent {
		t.Fatalf("notes after sync = %+v", d.Notes)
	}
	for _, m := range d.Messages {
		if m.Body == "Ring datteren ved fravær" {
			t.Error("a note shows up as a message")
		}
	}
	notes := e.search(tokB, "Communication", url.Values{"category": {fhir.CodeHandoverNote}})
	if len(notes) != 2 {
		t.Errorf("notes on the central for nurse B = %d, want 2", len(notes))
	}
	if got := e.search(tokP1, "Communication", nil); contains(got, notes[0]) || contains(got, notes[1]) {
		t.Error("the patient sees a handover note")
	}
	for _, id := range notes {
		if _, code := e.get(tokP1, "Communication", id); code != 404 {
			t.Errorf("patient reading note %s: status %d, want 404", id, code)
		}
	}
	b := e.newConsole(userB, tokB)
	db, _ := b.store.Patient(ctx, "p1", time.Time{})
	if len(db.Notes) != 1 || !db.Notes[0].Important || db.Notes[0].Author != userA.Name {
		t.Errorf("colleague's notes = %+v", db.Notes)
	}
}

func TestMessagePendingThenSent(t *testing.T) {
	e := newEnv(t)
	a := e.newConsole(userA, tokA)
	ctx := context.Background()
	m := domain.OutgoingMessage{PatientID: "p1", ThreadID: "thr-p1", InReplyTo: "msg-p1", Title: domain.ReplyTitle("Spørgsmål"),
		Body: "Mål hver morgen før kl. 12.", Author: userA.Name}
	if err := a.act.SendMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	if got := outboxLines(a.outbox(t)); len(got) != 1 || got[0] != "message Communication  " {
		t.Fatalf("outbox = %q", got)
	}
	d, _ := a.store.Patient(ctx, "p1", time.Time{})
	last := lastMessage(d.Messages)
	if last.Body != m.Body || last.Sync != domain.SyncPending || last.FromPatient || last.ThreadID != "thr-p1" {
		t.Fatalf("local message = %+v", last)
	}
	if aud := a.audit(t, actions.AuditMessage); len(aud) != 1 || !containsAll(aud[0].Detail, m.Body) {
		t.Errorf("audit = %+v", aud)
	}
	// The read-state change of the patient's message is pending too.
	if err := a.act.MarkRead(ctx, "msg-p1", true); err != nil {
		t.Fatal(err)
	}
	d, _ = a.store.Patient(ctx, "p1", time.Time{})
	if d.Messages[0].ID != "msg-p1" || !d.Messages[0].Read || d.Messages[0].Sync != domain.SyncPending {
		t.Errorf("patient message = %+v", d.Messages[0])
	}
	a.sync(t)
	a.sync(t)
	d, _ = a.store.Patient(ctx, "p1", time.Time{})
	if len(d.Messages) != 2 {
		t.Fatalf("thread has %d messages after sync, want 2", len(d.Messages))
	}
	for _, msg := range d.Messages {
		want := domain.SyncNone
		if !msg.FromPatient {
			want = domain.SyncSent
		}
		if msg.Sync != want {
			t.Errorf("message %s sync = %q, want %q", msg.ID, msg.Sync, want)
		}
	}
	got := e.search(tokP1, "Communication", nil)
	if len(got) != 2 {
		t.Errorf("the patient sees %d messages, want 2", len(got))
	}
}
