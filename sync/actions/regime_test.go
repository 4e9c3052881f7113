package actions_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
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

// validChange is a regime change of the patient's current version with a
// new pulse red-high limit of 110.
func validChange(t *testing.T, c *nurseConsole, pid string) domain.RegimeChange {
	t.Helper()
	d, err := c.store.Patient(context.Background(), pid, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	r := d.Regime
	r.Thresholds.ByKind = map[domain.Kind]domain.KindThresholds{}
	for k, v := range d.Regime.Thresholds.ByKind {
		r.Thresholds.ByKind[k] = v
	}
	pt := r.Thresholds.ByKind[domain.KindPulse]
	pt.Primary.RedHigh = domain.L(110)
	r.Thresholds.ByKind[domain.KindPulse] = pt
	r.Author, r.Reason, r.Physician = c.user.Name, "titrering", "Dr. Test"
	r.EffectiveFrom = c.act.Now()
	return domain.RegimeChange{PatientID: pid, BaseVersion: d.Regime.Version, Regime: r, At: c.act.Now()}
}

func TestSaveRegimeOfflineThenOnline(t *testing.T) {
	e := newEnv(t)
	c := e.newConsole(userA, tokA)
	ctx := context.Background()
	ch := validChange(t, c, "p1")
	if err := c.act.SaveRegime(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if got := outboxLines(c.outbox(t)); !equalStrings(got, []string{"regime CarePlan cp-p1 1"}) {
		t.Fatalf("outbox = %q, want one regime change", got)
	}
	want := []string{`CarePlan/cp-p1 1`, `ServiceRequest/cp-p1-weight 1`, `ServiceRequest/cp-p1-pulse 1`}
	if got := changeLines(t, c.outbox(t)[0]); !equalStrings(got, want) {
		t.Fatalf("changes = %q, want %q", got, want)
	}
	// Locally a pending version (no version id made up for it).
	hist, _ := c.store.RegimeHistory(ctx, "p1")
	if len(hist) != 2 || !domain.IsPendingVersion(hist[1].Version) || hist[1].Thresholds.ByKind[domain.KindPulse].Primary.RedHigh.V != 110 {
		t.Fatalf("local history = %+v", hist)
	}
	aud := c.audit(t, actions.AuditRegime)
	if len(aud) != 1 || !contains([]string{aud[0].Detail}, aud[0].Detail) {
		t.Fatal("no audit entry")
	}
	if d := aud[0].Detail; !containsAll(d, `"pulse":"40/45/90/100"`, `"pulse":"40/45/90/110"`) {
		t.Errorf("audit detail = %s", d)
	}
	rep := c.sync(t)
	if rep.Pushed != 1 || rep.Conflicts != 0 {
		t.Fatalf("round = %+v", rep)
	}
	// The central pairs the new CarePlan version with the new thresholds.
	st := e.centralRegime(t, "p1")
	if st.Version != "2" || st.Thresholds.ByKind[domain.KindPulse].Primary.RedHigh.V != 110 {
		t.Errorf("central regime = %s %+v", st.Version, st.Thresholds.ByKind[domain.KindPulse])
	}
	// The pending version is replaced by the central's: no phantom.
	hist, _ = c.store.RegimeHistory(ctx, "p1")
	if len(hist) != 2 || hist[1].Version != "2" || hist[1].Thresholds.ByKind[domain.KindPulse].Primary.RedHigh.V != 110 {
		t.Errorf("cache after sync = %+v", hist)
	}
}

func TestSaveRegimeConflicts(t *testing.T) {
	e := newEnv(t)
	a := e.newConsole(userA, tokA)
	b := e.newConsole(userB, tokB)
	ctx := context.Background()

	// Before push: the form was opened on version 1, the cache has 2.
	chA := validChange(t, a, "p1")
	if err := a.act.SaveRegime(ctx, chA); err != nil {
		t.Fatal(err)
	}
	stale := chA
	var conflict *console.RegimeConflictError
	if err := a.act.SaveRegime(ctx, stale); !errors.As(err, &conflict) || !domain.IsPendingVersion(conflict.Theirs.Version) {
		t.Fatalf("save on a stale base = %v; want a RegimeConflictError with the pending version", err)
	}
	if n := len(a.outbox(t)); n != 1 {
		t.Errorf("outbox after a refused save = %d, want 1", n)
	}

	// After push: B changed it offline on version 1 too; A reaches the
	// central first, B's change is a conflict with the central's version.
	chB := validChange(t, b, "p1")
	chB.Regime.Thresholds.ReferenceWeight = 85
	if err := b.act.SaveRegime(ctx, chB); err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	rep := b.sync(t)
	if rep.Conflicts != 1 || rep.Pushed != 0 {
		t.Fatalf("B's round = %+v; want its one transaction in conflict", rep)
	}
	cs, err := b.store.OutboxConflicts(ctx)
	if err != nil || len(cs) != 1 || cs[0].ServerVersion != "2" {
		t.Fatalf("conflicts = %+v, %v", cs, err)
	}
	if st := e.centralRegime(t, "p1"); st.Thresholds.ReferenceWeight == 85 {
		t.Error("B's change overwrote A's on the central")
	}
	// All or nothing: none of B's ServiceRequests was written either.
	for _, id := range []string{"cp-p1-weight", "cp-p1-pulse"} {
		sr, _ := e.get(tokA, "ServiceRequest", id)
		if v := str(sr["meta"].(map[string]any)["versionId"]); v != "2" {
			t.Errorf("ServiceRequest/%s at version %s on the central, want 2 (A's only)", id, v)
		}
	}
}

func TestPauseSuppressesMissingTasks(t *testing.T) {
	e := newEnv(t)
	c := e.newConsole(userA, tokA)
	ctx := context.Background()
	now := e.clock.Now()
	from := now.Add(24 * time.Hour).Truncate(24 * time.Hour)
	p, err := domain.NewPause(from, from.AddDate(0, 0, 5), domain.PauseHospital, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.act.SetPause(ctx, "p1", p); err != nil {
		t.Fatal(err)
	}
	lines := outboxLines(c.outbox(t))
	if len(lines) != 1 || lines[0] != "regime CarePlan cp-p1 1" {
		t.Fatalf("outbox = %q, want one regime change", lines)
	}
	for _, l := range changeLines(t, c.outbox(t)[0]) {
		if !strings.Contains(l, "CarePlan/") && !strings.Contains(l, "ServiceRequest/") {
			t.Errorf("pause touched more than the regime: %q", l)
		}
	}
	if aud := c.audit(t, actions.AuditPause); len(aud) != 1 || !containsAll(aud[0].Detail, `"old":{"pauses":[]}`, "hospital") {
		t.Errorf("audit = %+v", aud)
	}
	c.sync(t)
	// Inside the pause the scan creates no missing task; after it, it does.
	e.clock.Set(from.AddDate(0, 0, 4))
	if _, err := e.srv.ScanMissing(ctx, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	inPause := e.missingTasks(t, "p1", from, from.AddDate(0, 0, 5))
	if len(inPause) != 0 {
		t.Errorf("missing tasks inside the pause: %v", inPause)
	}
	e.clock.Set(from.AddDate(0, 0, 7))
	if _, err := e.srv.ScanMissing(ctx, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if after := e.missingTasks(t, "p1", from.AddDate(0, 0, 5), from.AddDate(0, 0, 7)); len(after) == 0 {
		t.Error("no missing tasks after the pause: the scan may not run at all")
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

var _ = cache.ErrNotFound
var _ = url.Values{}

func TestRegimeDroppingAKindRevokesItsServiceRequest(t *testing.T) {
	e := newEnv(t)
	c := e.newConsole(userA, tokA)
	ctx := context.Background()
	ch := validChange(t, c, "p1")
	delete(ch.Regime.Thresholds.ByKind, domain.KindWeight)
	ch.Regime.Thresholds.ReferenceWeight = 0
	if err := c.act.SaveRegime(ctx, ch); err != nil {
		t.Fatal(err)
	}
	want := []string{`CarePlan/cp-p1 1`, `ServiceRequest/cp-p1-weight 1`, `ServiceRequest/cp-p1-pulse 1`}
	if got := changeLines(t, c.outbox(t)[0]); !equalStrings(got, want) {
		t.Fatalf("changes = %q, want %q", got, want)
	}
	if rep := c.sync(t); rep.Pushed != 1 {
		t.Fatalf("round = %+v", rep)
	}
	sr, _ := e.get(tokA, "ServiceRequest", "cp-p1-weight")
	if sr["status"] != "revoked" {
		t.Errorf("weight ServiceRequest status = %v", sr["status"])
	}
	st := e.centralRegime(t, "p1")
	if _, ok := st.Thresholds.ByKind[domain.KindWeight]; ok || st.Version != "2" {
		t.Errorf("central regime %s still has weight limits: %+v", st.Version, st.Thresholds)
	}
	// A second change made right after, still offline of the first's
	// answer, chains on the version the first gave.
	ch2 := validChange(t, c, "p1")
	if ch2.BaseVersion != "2" {
		t.Fatalf("base = %s", ch2.BaseVersion)
	}
	ch2.Regime.Reason = "igen"
	if err := c.act.SaveRegime(ctx, ch2); err != nil {
		t.Fatal(err)
	}
	if rep := c.sync(t); rep.Pushed != 1 || rep.Conflicts != 0 {
		t.Fatalf("second round = %+v", rep)
	}
}

// Two regime changes queued offline chain: both are made against the
// version the cache holds, the engine rebases the second on the versions
// the central returns for the first, and both go through in one round.
func TestQueuedRegimeChangesChain(t *testing.T) {
	e := newEnv(t)
	c := e.newConsole(userA, tokA)
	ctx := context.Background()
	if err := c.act.SaveRegime(ctx, validChange(t, c, "p1")); err != nil {
		t.Fatal(err)
	}
	ch2 := validChange(t, c, "p1")
	ch2.Regime.Reason = "igen"
	if err := c.act.SaveRegime(ctx, ch2); err != nil {
		t.Fatal(err)
	}
	out := c.outbox(t)
	if len(out) != 2 {
		t.Fatalf("outbox = %q", outboxLines(out))
	}
	want := []string{`CarePlan/cp-p1 1`, `ServiceRequest/cp-p1-weight 1`, `ServiceRequest/cp-p1-pulse 1`}
	if got := changeLines(t, out[1]); !equalStrings(got, want) {
		t.Fatalf("second change = %q, want %q", got, want)
	}
	if rep := c.sync(t); rep.Pushed != 2 || rep.Conflicts+rep.Failed != 0 {
		t.Fatalf("round = %+v", rep)
	}
	if st := e.centralRegime(t, "p1"); st.Version != "3" || st.Reason != "igen" {
		t.Errorf("central regime = version %s reason %q, want 3 igen", st.Version, st.Reason)
	}
}

// changeLines lists a change-set outbox entry's changes as "Type/id
// ifMatch" ("create Type" for a new resource).
func changeLines(t *testing.T, it cache.OutboxEntry) []string {
	t.Helper()
	cs, err := outbox.DecodeChangeSet(it.Payload)
	if err != nil {
		t.Fatalf("outbox payload is not a change set: %v", err)
	}
	var out []string
	for _, c := range cs.Changes {
		if c.ID == "" {
			out = append(out, "create "+c.ResourceType)
			continue
		}
		out = append(out, c.ResourceType+"/"+c.ID+" "+c.IfMatch)
	}
	return out
}

func TestMarkReadQueuesAPatchWithIfMatch(t *testing.T) {
	e := newEnv(t)
	c := e.newConsole(userA, tokA)
	ctx := context.Background()
	if err := c.act.MarkRead(ctx, "msg-p1", true); err != nil {
		t.Fatal(err)
	}
	if err := c.act.MarkRead(ctx, "msg-p1", true); err != nil { // no change: nothing more
		t.Fatal(err)
	}
	if err := c.act.MarkRead(ctx, "msg-p1", false); err != nil {
		t.Fatal(err)
	}
	// Both made against the cached version; the engine sends the second
	// with the ETag the central returns for the first.
	want := []string{"mark-read Communication msg-p1 1", "mark-read Communication msg-p1 1"}
	if got := outboxLines(c.outbox(t)); !equalStrings(got, want) {
		t.Fatalf("outbox = %q, want %q", got, want)
	}
	aud := c.audit(t, actions.AuditMarkRead)
	if len(aud) != 2 || !containsAll(aud[0].Detail, `"old":{"read":false}`, `"new":{"read":true}`) {
		t.Errorf("audit = %+v", aud)
	}
	if rep := c.sync(t); rep.Pushed != 2 || rep.Conflicts != 0 {
		t.Fatalf("round = %+v", rep)
	}
	m, _ := e.get(tokA, "Communication", "msg-p1")
	if containsAll(str(m["extension"]), "read]") || !containsAll(str(m["extension"]), "activate") {
		t.Errorf("central read state = %v; want unread again", m["extension"])
	}
	d, _ := c.store.Patient(ctx, "p1", time.Time{})
	if d.Messages[0].Read || d.Messages[0].Sync != domain.SyncNone {
		t.Errorf("cached message = %+v", d.Messages[0])
	}
}

// The questionnaire severities saved with a regime version reach the
// central (on the CarePlan) and come back to the cache; the central then
// triages the patient's questionnaire with them, and the console shows
// the answer with that severity.
func TestRegimeProSeveritiesClassifyQuestionnaires(t *testing.T) {
	e := newEnv(t)
	c := e.newConsole(userA, tokA)
	ctx := context.Background()
	ch := validChange(t, c, "p1")
	ch.Regime.ProRules = []domain.ProRule{{Question: "Åndenød?", Answer: "Mere end før", Severity: domain.Red}}
	if err := c.act.SaveRegime(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if rep := c.sync(t); rep.Pushed != 1 || rep.Conflicts != 0 || rep.Failed != 0 {
		t.Fatalf("round = %+v", rep)
	}
	if st := e.centralRegime(t, "p1"); len(st.ProRules) != 1 || st.ProRules[0].Severity != domain.Red {
		t.Fatalf("central regime rules %+v", st.ProRules)
	}
	hist, _ := c.store.RegimeHistory(ctx, "p1")
	if last := hist[len(hist)-1]; len(last.ProRules) != 1 || last.ProRules[0] != ch.Regime.ProRules[0] {
		t.Fatalf("cached rules %+v", last.ProRules)
	}
	e.clock.Set(e.now0.Add(time.Hour))
	q := fhir.ProToQuestionnaireResponse(domain.ProResponse{PatientID: "p1", Taken: e.now0.Add(30 * time.Minute), Answers: []domain.ProAnswer{
		{Question: "Åndenød?", Answer: "Mere end før", Severity: domain.Yellow}}})
	body, err := fhir.Encode(q)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, e.url+"/QuestionnaireResponse", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tokP1)
	req.Header.Set("Content-Type", "application/fhir+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("questionnaire: %s", resp.Status)
	}
	c.sync(t)
	d, err := c.store.Patient(ctx, "p1", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(d.Questionnaires); n == 0 || d.Questionnaires[n-1].Color() != domain.Red {
		t.Errorf("the questionnaire in the console: %+v", d.Questionnaires)
	}
}

// The author of a regime version is who the console acts as, whatever the
// change says: the console's own user setting (the operating system's
// user name by default, "root" on a clinic workstation) is not the
// practitioner the token belongs to, and the central refuses a regime
// authored by anyone but the signed-in user. The DEMO's regime changes
// all failed with 403 this way.
func TestSaveRegimeIsAuthoredByTheActingUser(t *testing.T) {
	e := newEnv(t)
	c := e.newConsole(userA, tokA)
	ctx := context.Background()
	ch := validChange(t, c, "p1")
	ch.Regime.Author = "root"
	if err := c.act.SaveRegime(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if rep := c.sync(t); rep.Pushed != 1 || rep.Failed != 0 || rep.Conflicts != 0 {
		t.Fatalf("round = %+v, want the regime version pushed", rep)
	}
	hist, err := c.store.RegimeHistory(ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	if last := hist[len(hist)-1]; last.Author != userA.Name {
		t.Errorf("the saved version's author = %q, want %q", last.Author, userA.Name)
	}
}
