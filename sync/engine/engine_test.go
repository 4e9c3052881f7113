package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/outbox"
)

// testClock is a settable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type rig struct {
	env   *testEnv
	store *cache.Store
	path  string
	eng   *Engine
	clock *testClock
}

func newRig(t testing.TB, opts Options) *rig {
	t.Helper()
	return newRigBehind(t, opts, nil)
}

// newRigBehind is newRig with the client talking to wrap(the server with
// its fault injector) when wrap is not nil.
func newRigBehind(t testing.TB, opts Options, wrap func(http.Handler) http.Handler) *rig {
	t.Helper()
	env := newTestEnv(t)
	base := env.http.URL
	if wrap != nil {
		h := httptest.NewServer(wrap(env.faults))
		t.Cleanup(h.Close)
		base = h.URL
	}
	path := filepath.Join(t.TempDir(), "cache.db")
	st, err := cache.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clk := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	c, err := client.New(client.Options{BaseURL: base, Token: "tok", Clock: clk.Now, Timeout: 5 * time.Second,
		MaxBodyBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	env.faults.now = clk.Now
	opts.Clock = clk.Now
	opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	opts.Rand = func() float64 { return 0.5 }
	return &rig{env: env, store: st, path: path, eng: New(st, c, opts), clock: clk}
}

var ctx = context.Background()

// seedPatient puts a patient with a home team on the server.
func (r *rig) seedPatient(id string) {
	ct, org := fhir.TeamToFHIR(domain.Team{ID: "team-a", Name: "Klinik A", OrgID: "org-a", OrgName: "Hospital A"})
	r.env.srv.put(org)
	r.env.srv.put(ct)
	r.env.srv.put(fhir.PatientToFHIR(domain.Patient{ID: id, Name: "Test Testesen", CPR: "0101701234", Programmes: []string{domain.ProgrammeHeartFailure}}))
	r.env.srv.put(fhir.ResponsibilityToEpisodeOfCare("eoc-"+id, id, domain.Responsibility{Home: domain.Team{ID: "team-a", Name: "Klinik A", OrgID: "org-a"}}))
}

func (r *rig) seedObservation(id, patientID string, taken time.Time, v float64) {
	m := domain.Measurement{ID: id, PatientID: patientID, Kind: domain.KindPulse, Taken: taken, Received: taken, Value: v}
	r.env.srv.put(fhir.MeasurementToObservation(m, &domain.Classification{Color: domain.Green}))
}

func (r *rig) readings(t *testing.T, patientID string) int {
	t.Helper()
	d, err := r.store.Patient(ctx, patientID, time.Time{})
	if err != nil {
		t.Fatalf("patient %s: %v", patientID, err)
	}
	return len(d.Readings)
}

func TestPullSharedTimestampAcrossPagesWithoutNextLinks(t *testing.T) {
	r := newRig(t, Options{PageSize: 40, MaxPageSize: 400})
	r.seedPatient("p1")
	base := r.env.srv.now
	// Three groups of 70 readings, each group sharing one lastUpdated, so
	// every 40-page boundary cuts through a group; the server gives no
	// next links.
	n := 0
	for g := 0; g < 3; g++ {
		r.env.srv.setNow(base.Add(time.Duration(g+1) * time.Second))
		for i := 0; i < 70; i++ {
			n++
			r.seedObservation(fmt.Sprintf("o%03d", n), "p1", base.Add(-time.Duration(n)*time.Minute), 60)
		}
	}
	rep, err := r.eng.Once(ctx)
	if err != nil {
		t.Fatalf("Once: %v", err)
	}
	if got := r.readings(t, "p1"); got != 210 {
		t.Fatalf("readings in cache = %d, want 210 (report %+v)", got, rep)
	}
	if rep.Pulled["Observation"] != 210 {
		t.Errorf("report pulled %d observations, want 210", rep.Pulled["Observation"])
	}
	wm, _ := r.store.Watermark(ctx, "Observation")
	if !wm.Equal(base.Add(3 * time.Second)) {
		t.Errorf("watermark = %v, want %v", wm, base.Add(3*time.Second))
	}
	// A second round finds nothing new and stores nothing.
	rep, err = r.eng.Once(ctx)
	if err != nil || rep.Pulled["Observation"] != 0 {
		t.Fatalf("second round: pulled %d, %v", rep.Pulled["Observation"], err)
	}
	// A new reading at the same lastUpdated as the watermark is still seen.
	r.seedObservation("o999", "p1", base, 61)
	if _, err := r.eng.Once(ctx); err != nil {
		t.Fatal(err)
	}
	if got := r.readings(t, "p1"); got != 211 {
		t.Errorf("after a late reading at the watermark: %d readings, want 211", got)
	}
}

func TestPullOneTimestampLargerThanPageRaisesCount(t *testing.T) {
	r := newRig(t, Options{PageSize: 25, MaxPageSize: 200})
	r.seedPatient("p1")
	for i := 0; i < 130; i++ {
		r.seedObservation(fmt.Sprintf("o%03d", i), "p1", r.env.srv.now.Add(-time.Duration(i)*time.Minute), 70)
	}
	// Everything (teams, patient, readings) shares one lastUpdated.
	if _, err := r.eng.Once(ctx); err != nil {
		t.Fatalf("Once: %v", err)
	}
	if got := r.readings(t, "p1"); got != 130 {
		t.Fatalf("readings = %d, want 130", got)
	}
}

func TestPullOneTimestampBeyondMaxPageIsAnErrorNotASkip(t *testing.T) {
	r := newRig(t, Options{PageSize: 10, MaxPageSize: 20})
	r.seedPatient("p1")
	for i := 0; i < 30; i++ {
		r.seedObservation(fmt.Sprintf("o%03d", i), "p1", r.env.srv.now.Add(-time.Duration(i)*time.Minute), 70)
	}
	_, err := r.eng.Once(ctx)
	if err == nil {
		t.Fatal("Once succeeded although 30 resources share one lastUpdated, max page 20 and no next links")
	}
	// First start: there was no watermark, so the first page is read from
	// the beginning; the watermark must not have moved past the group.
	wm, _ := r.store.Watermark(ctx, "Observation")
	if wm.After(r.env.srv.now) {
		t.Errorf("watermark %v moved past the unfinished group", wm)
	}
}

func TestPullFollowsNextLinks(t *testing.T) {
	r := newRig(t, Options{PageSize: 30})
	r.env.srv.nextLinks = true
	r.seedPatient("p1")
	for i := 0; i < 100; i++ {
		r.seedObservation(fmt.Sprintf("o%03d", i), "p1", r.env.srv.now.Add(-time.Duration(i)*time.Minute), 70)
	}
	rep, err := r.eng.Once(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.readings(t, "p1"); got != 100 {
		t.Fatalf("readings = %d, want 100", got)
	}
	if rep.Pages < 4 {
		t.Errorf("pages = %d, want the next links followed", rep.Pages)
	}
}

func TestPullSurvivesFaults(t *testing.T) {
	// One search at a time, and a round's searches in flight together.
	for _, fetches := range []int{1, DefaultFetches} {
		t.Run(fmt.Sprintf("fetches=%d", fetches), func(t *testing.T) { pullSurvivesFaults(t, fetches) })
	}
}

func pullSurvivesFaults(t *testing.T, fetches int) {
	r := newRig(t, Options{PageSize: 20, Fetches: fetches})
	r.seedPatient("p1")
	for i := 0; i < 50; i++ {
		r.seedObservation(fmt.Sprintf("o%03d", i), "p1", r.env.srv.now.Add(-time.Duration(i)*time.Minute), 70)
	}
	for _, kind := range []string{"500", "429", "drop", "truncate"} {
		// Three of each: Go's transport itself retries an idempotent GET
		// once when a reused connection drops.
		r.env.faults.add(fault{method: "GET", kind: kind}, fault{method: "GET", kind: kind}, fault{method: "GET", kind: kind})
		failed := false
		for i := 0; r.env.faults.pending() > 0 && i < 6; i++ {
			_, err := r.eng.Once(ctx)
			if err == nil {
				// With searches in flight together, a dropped one may be
				// sent again by the transport and get through, and a
				// search the failed round had abandoned may meet the
				// next fault at the server after this round began.
				if fetches == 1 {
					t.Fatalf("fault %s: Once succeeded", kind)
				}
				if st := r.eng.Status(); !st.Online || st.LastError != "" {
					t.Errorf("fault %s: a round that succeeded left status %+v", kind, st)
				}
				continue
			}
			failed = true
			if !client.IsRetryable(err) {
				t.Errorf("fault %s: error not retryable: %v", kind, err)
			}
			if st := r.eng.Status(); st.Online || st.LastError == "" {
				t.Errorf("fault %s: status %+v, want offline with an error", kind, st)
			}
		}
		if !failed && kind != "drop" {
			t.Errorf("fault %s: no round failed", kind)
		}
	}
	if _, err := r.eng.Once(ctx); err != nil {
		t.Fatalf("clean round: %v", err)
	}
	if got := r.readings(t, "p1"); got != 50 {
		t.Errorf("readings = %d, want 50", got)
	}
	if st := r.eng.Status(); !st.Online || st.LastSync.IsZero() || st.LastError != "" {
		t.Errorf("status after a clean round: %+v", st)
	}
}

func TestHostileResponsesAreParkedOrRefused(t *testing.T) {
	r := newRig(t, Options{PageSize: 50})
	r.seedPatient("p1")
	// An Observation for a patient the cache does not know is parked, not lost.
	r.seedObservation("orphan", "p-unknown", r.env.srv.now, 70)
	// An Observation whose value has the wrong JSON type is parked.
	r.env.srv.mu.Lock()
	r.env.srv.store(map[string]any{"resourceType": "Observation", "id": "bad", "status": "final",
		"code": map[string]any{"coding": "not-an-array"}, "subject": map[string]any{"reference": "Patient/p1"}})
	r.env.srv.mu.Unlock()
	rep, err := r.eng.Once(ctx)
	if err != nil {
		t.Fatalf("Once: %v", err)
	}
	if rep.Parked != 2 || r.eng.Status().Parked != 2 {
		t.Errorf("parked = %d (status %d), want 2", rep.Parked, r.eng.Status().Parked)
	}
	// Once the patient arrives, the parked reading is applied.
	r.seedPatient("p-unknown")
	if _, err := r.eng.Once(ctx); err != nil {
		t.Fatal(err)
	}
	if got := r.readings(t, "p-unknown"); got != 1 {
		t.Errorf("parked reading not applied after its patient arrived: %d", got)
	}
	// Invalid UTF-8 and a huge body fail the round with clear errors.
	r.env.faults.add(fault{method: "GET", kind: "garbage"})
	if _, err := r.eng.Once(ctx); !errors.Is(err, client.ErrMalformed) {
		t.Errorf("invalid UTF-8: %v, want ErrMalformed", err)
	}
	r.env.faults.add(fault{method: "GET", kind: "huge"})
	if _, err := r.eng.Once(ctx); err != nil {
		// ErrTooLarge halves the page size and retries: the retry is clean.
		t.Errorf("huge body then clean retry: %v", err)
	}
}

func newUUID() string { return uuid.NewString() }

func message(id, patientID, text string, clientUUID string) []byte {
	c := fhir.MessageToCommunication(domain.Message{ID: id, PatientID: patientID, Body: text, Sent: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)})
	c.Identifier = []fhir.Identifier{fhir.ClientIdentifier(clientUUID)}
	b, err := fhir.Encode(c)
	if err != nil {
		panic(err)
	}
	return b
}

func enqueue(t *testing.T, st *cache.Store, e cache.OutboxEntry) {
	t.Helper()
	if e.Created.IsZero() {
		e.Created = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	}
	if err := st.Write(ctx, func(tx *cache.Tx) error { return tx.Enqueue(e) }); err != nil {
		t.Fatalf("enqueue: %v", err)
	}
}

func TestPushCreateAfterLostResponseDoesNotDuplicate(t *testing.T) {
	r := newRig(t, Options{})
	r.seedPatient("p1")
	if _, err := r.eng.Once(ctx); err != nil {
		t.Fatal(err)
	}
	u := newUUID()
	enqueue(t, r.store, cache.OutboxEntry{UUID: u, Label: "send-message", Op: outbox.CreateOp("Communication", u),
		Payload: message("", "p1", "Husk at veje dig", u)})
	// The server creates it, but the answer never arrives.
	r.env.faults.add(fault{method: "POST", kind: "lost-response"})
	if _, err := r.eng.Once(ctx); err == nil || !client.IsRetryable(err) {
		t.Fatalf("lost response: %v, want a retryable error", err)
	}
	items, _ := r.store.Outbox(ctx, "", time.Time{})
	if len(items) != 1 || items[0].Attempts != 1 || items[0].State != cache.OutboxPending || !items[0].NextAttempt.After(r.clock.Now()) {
		t.Fatalf("outbox after lost response: %+v", items)
	}
	if r.env.srv.count("Communication") != 1 {
		t.Fatalf("server has %d communications, want 1", r.env.srv.count("Communication"))
	}
	// Not due yet: nothing is sent.
	if rep, _ := r.eng.Once(ctx); rep.Pushed != 0 {
		t.Fatalf("sent before the backoff ended")
	}
	r.clock.Add(time.Hour)
	rep, err := r.eng.Once(ctx)
	if err != nil || rep.Pushed != 1 {
		t.Fatalf("retry: pushed %d, %v", rep.Pushed, err)
	}
	if r.env.srv.count("Communication") != 1 || r.env.srv.creates != 1 {
		t.Errorf("server has %d communications after %d creates, want exactly 1", r.env.srv.count("Communication"), r.env.srv.creates)
	}
	if items, _ := r.store.Outbox(ctx, "", time.Time{}); len(items) != 0 {
		t.Errorf("outbox not empty after confirmation: %+v", items)
	}
	d, _ := r.store.Patient(ctx, "p1", time.Time{})
	if len(d.Messages) != 1 {
		t.Errorf("cache has %d messages, want the server's one", len(d.Messages))
	}
}

func TestPushRetryAfterIsHonoured(t *testing.T) {
	r := newRig(t, Options{BackoffMin: time.Second, BackoffMax: 2 * time.Second})
	r.seedPatient("p1")
	u := newUUID()
	enqueue(t, r.store, cache.OutboxEntry{UUID: u, Label: "create", Op: outbox.CreateOp("Communication", u), Payload: message("", "p1", "x", u)})
	for _, tc := range []struct {
		kind string
		want time.Duration
	}{{"429", 7 * time.Second}, {"429-date", 90 * time.Second}, {"500", time.Second}} {
		r.env.faults.add(fault{method: "POST", kind: tc.kind})
		start := r.clock.Now()
		if _, err := r.eng.Once(ctx); err == nil {
			t.Fatalf("%s: no error", tc.kind)
		}
		items, _ := r.store.Outbox(ctx, "", time.Time{})
		if got := items[0].NextAttempt.Sub(start); got < tc.want {
			t.Errorf("%s: next attempt after %v, want at least %v", tc.kind, got, tc.want)
		}
		r.clock.Add(2 * time.Minute)
	}
	if rep, err := r.eng.Once(ctx); err != nil || rep.Pushed != 1 {
		t.Fatalf("final: %+v %v", rep, err)
	}
}

func TestPushConflictIsKeptWithServerVersion(t *testing.T) {
	r := newRig(t, Options{})
	r.seedPatient("p1")
	msg := fhir.MessageToCommunication(domain.Message{ID: "c1", PatientID: "p1", Body: "hej", FromPatient: true, Sent: r.env.srv.now})
	r.env.srv.put(msg)
	if _, err := r.eng.Once(ctx); err != nil {
		t.Fatal(err)
	}
	// Someone else changes it on the server (version 2)...
	fhir.SetReadState(msg, true)
	r.env.srv.put(msg)
	// ...while the nurse edits version 1 locally.
	local := fhir.MessageToCommunication(domain.Message{ID: "c1", PatientID: "p1", Body: "hej (rettet)", FromPatient: true, Sent: r.env.srv.now})
	b, _ := fhir.Encode(local)
	u := newUUID()
	enqueue(t, r.store, cache.OutboxEntry{UUID: u, Label: "edit",
		Op: outbox.Op{Kind: outbox.Update, ResourceType: "Communication", ResourceID: "c1", IfMatch: "1"}, Payload: b})
	rep, err := r.eng.Once(ctx)
	if err != nil || rep.Conflicts != 1 {
		t.Fatalf("conflicts %d, %v", rep.Conflicts, err)
	}
	cs, err := r.store.OutboxConflicts(ctx)
	if err != nil || len(cs) != 1 {
		t.Fatalf("conflicts: %+v, %v", cs, err)
	}
	if cs[0].ServerVersion != "2" || len(cs[0].ServerJSON) == 0 || string(cs[0].Entry.Payload) != string(b) {
		t.Errorf("conflict view: version %q, server %d bytes, local kept %v", cs[0].ServerVersion, len(cs[0].ServerJSON), string(cs[0].Entry.Payload) == string(b))
	}
	if st := r.eng.Status(); st.Conflicts != 1 || st.Pending != 0 {
		t.Errorf("status: %+v", st)
	}
	// Another round neither sends it again nor loses it.
	if rep, _ := r.eng.Once(ctx); rep.Pushed+rep.Conflicts != 0 {
		t.Errorf("conflicted entry was sent again: %+v", rep)
	}
	// The nurse keeps her change against version 2: it goes through.
	if err := r.store.RequeueOutbox(ctx, u, "2"); err != nil {
		t.Fatal(err)
	}
	if rep, err := r.eng.Once(ctx); err != nil || rep.Pushed != 1 {
		t.Fatalf("after requeue: %+v %v", rep, err)
	}
}

func TestAcknowledgingATaskSomeoneElseCompletedIsResolved(t *testing.T) {
	r := newRig(t, Options{})
	r.seedPatient("p1")
	r.seedObservation("o1", "p1", r.env.srv.now.Add(-time.Hour), 120)
	task := fhir.TaskToFHIR(domain.Task{ID: "t1", PatientID: "p1", Category: domain.TaskMeasurement, FocusID: "o1", Color: domain.Red, Created: r.env.srv.now})
	r.env.srv.put(task)
	if _, err := r.eng.Once(ctx); err != nil {
		t.Fatal(err)
	}
	// Another nurse acknowledges first (version 2).
	done := time.Date(2026, 3, 2, 8, 30, 0, 0, time.UTC)
	task.Status = fhir.TaskStatusCompleted
	task.Owner = &fhir.Reference{Reference: "Practitioner/n2", Display: "Sygeplejerske B"}
	task.ExecutionPeriod = &fhir.Period{End: fhir.FormatInstant(done)}
	r.env.srv.put(task)
	patch, _ := json.Marshal([]map[string]any{{"op": "replace", "path": "/status", "value": "completed"}})
	u := newUUID()
	enqueue(t, r.store, cache.OutboxEntry{UUID: u, Label: "acknowledge",
		Op: outbox.Op{Kind: outbox.Patch, ResourceType: "Task", ResourceID: "t1", IfMatch: "1"}, Payload: patch})
	rep, err := r.eng.Once(ctx)
	if err != nil || rep.Resolved != 1 || rep.Conflicts != 0 {
		t.Fatalf("report %+v, %v", rep, err)
	}
	res, err := r.store.OutboxResults(ctx, time.Time{})
	if err != nil || len(res) != 1 {
		t.Fatalf("results %+v %v", res, err)
	}
	if res[0].Outcome != cache.ResultAlreadyDone || res[0].By != "Sygeplejerske B" || !res[0].At.Equal(done) || res[0].ResourceID != "t1" {
		t.Errorf("result = %+v", res[0])
	}
	if items, _ := r.store.Outbox(ctx, "", time.Time{}); len(items) != 0 {
		t.Errorf("outbox: %+v", items)
	}
	d, _ := r.store.Patient(ctx, "p1", time.Time{})
	if len(d.OpenTasks) != 0 {
		t.Errorf("task still open in the cache: %+v", d.OpenTasks)
	}
	if len(d.Readings) != 1 || !d.Readings[0].Acknowledged {
		t.Errorf("reading not acknowledged: %+v", d.Readings)
	}
}

func TestOutboxSurvivesReopeningTheCache(t *testing.T) {
	r := newRig(t, Options{})
	r.seedPatient("p1")
	u := newUUID()
	enqueue(t, r.store, cache.OutboxEntry{UUID: u, Label: "create", Op: outbox.CreateOp("Communication", u), Payload: message("", "p1", "x", u)})
	// The console dies before sending (the store is closed without a round).
	if err := r.store.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := cache.Open(ctx, r.path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	it, ok, err := st.NextOutbox(ctx)
	if err != nil || !ok || it.UUID != u {
		t.Fatalf("after reopen: %+v %v %v", it, ok, err)
	}
	c, _ := client.New(client.Options{BaseURL: r.env.http.URL, Token: "tok"})
	eng := New(st, c, Options{Clock: r.clock.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if rep, err := eng.Once(ctx); err != nil || rep.Pushed != 1 {
		t.Fatalf("push after reopen: %+v %v", rep, err)
	}
	if r.env.srv.count("Communication") != 1 {
		t.Errorf("server communications = %d", r.env.srv.count("Communication"))
	}
}

func TestUnreachableAtStartIsOfflineNotFatal(t *testing.T) {
	r := newRig(t, Options{Interval: time.Millisecond})
	url := r.env.http.URL
	r.env.http.Close()
	c, _ := client.New(client.Options{BaseURL: url, Token: "tok", Timeout: time.Second})
	eng := New(r.store, c, Options{Interval: time.Millisecond, Clock: r.clock.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if _, err := eng.Once(ctx); err == nil || !client.IsRetryable(err) {
		t.Fatalf("Once against a closed port: %v", err)
	}
	st := eng.Status()
	if st.Online || st.LastError == "" || !st.LastSync.IsZero() || st.LastAttempt.IsZero() {
		t.Errorf("status = %+v", st)
	}
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	rounds := make(chan error, 4)
	// The first round is an hour away: only the trigger can start one.
	go func() { done <- eng.Run(cctx, time.Hour, func(_ Report, err error) { rounds <- err }) }()
	eng.Trigger()
	eng.Trigger()    // merged with the first, never blocks
	_ = eng.Status() // concurrent reads are safe (run with -race)
	if err := <-rounds; err == nil || !client.IsRetryable(err) {
		t.Errorf("triggered round against a closed port reported %v", err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v, want context.Canceled", err)
	}
}

// Every state of the connection is told apart: a refused token is not
// "online" (it was, and the nurse's changes waited unseen), nor is a
// failing server, an untrusted certificate or a closed port.
func TestConnectionStatesAreDistinct(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	r := newRig(t, Options{})
	r.seedPatient("p1")
	tlsSrv := httptest.NewTLSServer(r.env.srv)
	t.Cleanup(tlsSrv.Close)
	closed := httptest.NewServer(r.env.srv)
	closedURL := closed.URL
	closed.Close()
	cases := []struct {
		name, url, token string
		faults           []fault
		want             State
		problem          string
		source           client.TokenSource // an OAuth login instead of token
	}{
		{name: "good token", url: r.env.http.URL, token: "tok", want: StateOnline},
		{name: "wrong token", url: r.env.http.URL, token: "wrong", want: StateRefused, problem: "unauthorized"},
		{name: "server error", url: r.env.http.URL, token: "tok", faults: []fault{{method: "GET", kind: "500"}}, want: StateServerError, problem: "http-500"},
		{name: "garbage answer", url: r.env.http.URL, token: "tok", faults: []fault{{method: "GET", kind: "garbage"}}, want: StateServerError},
		{name: "untrusted certificate", url: tlsSrv.URL, token: "tok", want: StateCertificate},
		{name: "closed port", url: closedURL, token: "tok", want: StateOffline, problem: "unreachable"},
		{name: "login expired", url: r.env.http.URL, want: StateLoginExpired, problem: "login-expired",
			source: failingSource{fmt.Errorf("%w: the issuer refused the refresh token", client.ErrLoginExpired)}},
		{name: "issuer unreachable", url: r.env.http.URL, want: StateOffline, problem: "unreachable",
			source: failingSource{errors.New("dial tcp: connection refused")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, err := cache.Open(ctx, filepath.Join(t.TempDir(), "c.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			c, err := client.New(client.Options{BaseURL: tc.url, Token: tc.token, TokenSource: tc.source, Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			r.env.faults.add(tc.faults...)
			eng := New(st, c, Options{Clock: r.clock.Now, Logger: quiet})
			if s := eng.Status(); s.State != StateUnknown || s.Online {
				t.Errorf("before the first round: %+v", s)
			}
			_, err = eng.Once(ctx)
			s := eng.Status()
			if s.State != tc.want {
				t.Errorf("state = %q (error %v), want %q", s.State, err, tc.want)
			}
			if s.Online != (tc.want == StateOnline) {
				t.Errorf("online = %v in state %q", s.Online, s.State)
			}
			if (err == nil) != (tc.want == StateOnline) || (s.LastError == "") != (tc.want == StateOnline) {
				t.Errorf("err = %v, LastError = %q", err, s.LastError)
			}
			if tc.problem != "" && s.Problem != tc.problem {
				t.Errorf("problem = %q, want %q", s.Problem, tc.problem)
			}
			if s.LastSync.IsZero() != (tc.want != StateOnline) {
				t.Errorf("last sync %v in state %q", s.LastSync, s.State)
			}
		})
	}
}

// A restarted console with the central down still knows when its cache
// last synced: the time is kept in the cache, not only in memory.
func TestLastSyncSurvivesRestartWithCentralDown(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	r := newRig(t, Options{})
	r.seedPatient("p1")
	if _, err := r.eng.Once(ctx); err != nil {
		t.Fatal(err)
	}
	synced := r.eng.Status().LastSync
	if synced.IsZero() {
		t.Fatal("no last sync after a clean round")
	}
	if err := r.store.Close(); err != nil {
		t.Fatal(err)
	}
	r.clock.Add(3 * time.Hour)
	url := r.env.http.URL
	r.env.http.Close()

	st, err := cache.Open(ctx, r.path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, _ := client.New(client.Options{BaseURL: url, Token: "tok", Timeout: time.Second})
	eng := New(st, c, Options{Clock: r.clock.Now, Logger: quiet})
	if err := eng.Restore(ctx); err != nil {
		t.Fatal(err)
	}
	if s := eng.Status(); !s.LastSync.Equal(synced) || s.State != StateUnknown {
		t.Errorf("after restore: last sync %v state %q, want %v and unknown", s.LastSync, s.State, synced)
	}
	if _, err := eng.Once(ctx); err == nil {
		t.Fatal("a round against a closed port succeeded")
	}
	if s := eng.Status(); !s.LastSync.Equal(synced) || s.State != StateOffline || s.FirstSync {
		t.Errorf("after a failed round: %+v, want last sync %v, offline", s, synced)
	}
	// Also without Restore: the round itself looks in the cache.
	eng2 := New(st, c, Options{Clock: r.clock.Now, Logger: quiet})
	_, _ = eng2.Once(ctx)
	if s := eng2.Status(); !s.LastSync.Equal(synced) {
		t.Errorf("a round without Restore: last sync %v, want %v", s.LastSync, synced)
	}
}

// The first sync of a new cache reports its progress (resources and
// patients stored so far) while it runs, and only then; later rounds are
// not "first".
func TestFirstSyncReportsProgress(t *testing.T) {
	r := newRig(t, Options{PageSize: 1})
	for i := range 4 {
		r.seedPatient(fmt.Sprintf("p%d", i))
	}
	var mu sync.Mutex
	var seen []Status
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		seen = append(seen, r.eng.Status())
		mu.Unlock()
		r.env.srv.ServeHTTP(w, req)
	}))
	t.Cleanup(hook.Close)
	c, _ := client.New(client.Options{BaseURL: hook.URL, Token: "tok", Timeout: 5 * time.Second})
	r.eng = New(r.store, c, Options{PageSize: 1, Clock: r.clock.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if _, err := r.eng.Once(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	first := seen
	seen = nil
	mu.Unlock()
	maxPatients, maxResources, lastRes := 0, 0, 0
	for _, s := range first {
		if !s.FirstSync || !s.Syncing {
			t.Fatalf("during the first sync: %+v", s)
		}
		if s.Resources < lastRes {
			t.Errorf("progress went back: %d after %d", s.Resources, lastRes)
		}
		lastRes = s.Resources
		maxPatients, maxResources = max(maxPatients, s.Patients), max(maxResources, s.Resources)
	}
	if maxPatients < 3 || maxResources < maxPatients+2 {
		t.Errorf("progress seen during the first sync: %d patients, %d resources", maxPatients, maxResources)
	}
	if s := r.eng.Status(); s.FirstSync || s.Syncing {
		t.Errorf("after the first sync: %+v", s)
	}
	if _, err := r.eng.Once(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, s := range seen {
		if s.FirstSync {
			t.Errorf("a later round reported as first: %+v", s)
		}
	}
}

// failingSource is an OAuth login that cannot give a token.
type failingSource struct{ err error }

func (f failingSource) Token(context.Context) (string, error) { return "", f.err }
func (f failingSource) Refused(string)                        {}
