package engine

import (
	"context"
	"database/sql"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/outbox"
)

var updateOutboxGolden = flag.Bool("update-outbox-golden", false,
	"rewrite testdata/outbox_requests.golden from what this program sends")

// oldSchemaVersion is the last cache schema whose outbox kept the action
// label as the only description of an entry (the request was inferred from
// the label and the payload).
const oldSchemaVersion = 7

// oldOutboxRows are outbox rows as consoles with schema oldSchemaVersion
// wrote them: every kind of entry they made, and the older forms (JSON
// Patch, PUT, the engine's own action names, a transaction Bundle for a
// regime) a cache upgraded from before change sets may still hold.
var oldOutboxRows = []struct {
	uuid, action, typ, id, ifMatch, payload, state string
}{
	// A nurse's acknowledgement: a change set of one Task change.
	{"00000000-0000-4000-8000-000000000001", "acknowledge", "Task", "t1", "v-a",
		`{"changes":[{"resourceType":"Task","id":"t1","ifMatch":"v-a","old":{"status":"requested"},"new":{"status":"completed","owner":{"reference":"Practitioner/n1","display":"Karen"},"executionPeriod":{"end":"2026-03-02T09:00:00.000Z"},"lastModified":"2026-03-02T09:00:00.000Z"}}]}`, "pending"},
	// Its assessment: a conditional create of a resource.
	{"00000000-0000-4000-8000-000000000002", "assessment", "ClinicalImpression", "", "",
		`{"resourceType":"ClinicalImpression","identifier":[{"system":"urn:ietf:rfc:3986","value":"urn:uuid:00000000-0000-4000-8000-000000000002"}],"status":"completed","subject":{"reference":"Patient/p1"},"supportingInfo":[{"reference":"Task/t1"}]}`, "pending"},
	// A message with a local placeholder id.
	{"00000000-0000-4000-8000-000000000003", "message", "Communication", "", "",
		`{"resourceType":"Communication","identifier":[{"system":"urn:ietf:rfc:3986","value":"urn:uuid:00000000-0000-4000-8000-000000000003"}],"status":"completed","subject":{"reference":"Patient/p1"},"payload":[{"contentString":"Hej"}]}`, "pending"},
	// A regime change: a change set of several changes (one transaction).
	{"00000000-0000-4000-8000-000000000004", "regime", "CarePlan", "cp1", "v-cp",
		`{"changes":[{"resourceType":"CarePlan","id":"cp1","ifMatch":"v-cp","old":{"title":"Regime 1"},"new":{"title":"Regime 2"}},{"resourceType":"ServiceRequest","new":{"resourceType":"ServiceRequest","status":"active","intent":"order","subject":{"reference":"Patient/p1"}},"fullUrl":"urn:uuid:00000000-0000-4000-8000-0000000000a1","identifier":"00000000-0000-4000-8000-0000000000a1"}]}`, "pending"},
	// The assessment of a reading the console classified, without a
	// triage: a change set of one create.
	{"00000000-0000-4000-8000-000000000005", "assessment", "ClinicalImpression", "", "",
		`{"changes":[{"resourceType":"ClinicalImpression","new":{"resourceType":"ClinicalImpression","status":"completed","subject":{"reference":"Patient/p1"}},"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000005","identifier":"00000000-0000-4000-8000-000000000005"}]}`, "pending"},
	// An enrolment: a transaction Bundle named by its Patient.
	{"00000000-0000-4000-8000-000000000006", "transaction", "Patient", "", "",
		`{"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:00000000-0000-4000-8000-0000000000b1","resource":{"resourceType":"Patient","name":[{"text":"Ny Borger"}]},"request":{"method":"POST","url":"Patient","ifNoneExist":"identifier=urn:oid:1.2.208.176.1.2|0101011234"}}]}`, "pending"},
	// From before change sets: an acknowledgement as a JSON Patch (with
	// leading white space), an episode change as a PUT, a regime as a
	// transaction Bundle.
	{"00000000-0000-4000-8000-000000000007", "acknowledge", "Task", "t2", "v-b",
		" \n[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"completed\"}]", "pending"},
	{"00000000-0000-4000-8000-000000000008", "episode", "EpisodeOfCare", "e1", "v-c",
		`{"resourceType":"EpisodeOfCare","id":"e1","status":"active","patient":{"reference":"Patient/p1"}}`, "pending"},
	{"00000000-0000-4000-8000-000000000009", "transaction", "CarePlan", "cp2", "v-cp2",
		`{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"CarePlan","id":"cp2","status":"active"},"request":{"method":"PUT","url":"CarePlan/cp2","ifMatch":"W/\"v-cp2\""}}]}`, "pending"},
	// The engine's own action names.
	{"00000000-0000-4000-8000-00000000000a", "create", "Communication", "local-1", "",
		`{"resourceType":"Communication","status":"completed","subject":{"reference":"Patient/p1"}}`, "pending"},
	{"00000000-0000-4000-8000-00000000000b", "update", "Task", "t3", "v-d",
		`{"resourceType":"Task","id":"t3","status":"completed"}`, "pending"},
	{"00000000-0000-4000-8000-00000000000c", "patch", "Task", "t4", "v-e",
		`[{"op":"add","path":"/note","value":[{"text":"x"}]}]`, "pending"},
	{"00000000-0000-4000-8000-00000000000d", "merge", "Communication", "c1", "v-f",
		`{"changes":[{"resourceType":"Communication","id":"c1","ifMatch":"v-f","old":{"status":"in-progress"},"new":{"status":"completed"}}]}`, "pending"},
	// Entries parked for the nurse: pushed again once she says so.
	{"00000000-0000-4000-8000-00000000000e", "mark-read", "Communication", "c2", "v-g",
		`{"changes":[{"resourceType":"Communication","id":"c2","ifMatch":"v-g","old":{},"new":{"status":"completed"}}]}`, "conflict"},
	{"00000000-0000-4000-8000-00000000000f", "note", "Communication", "", "",
		`{"resourceType":"Communication","identifier":[{"system":"urn:ietf:rfc:3986","value":"urn:uuid:00000000-0000-4000-8000-00000000000f"}],"status":"completed"}`, "failed"},
}

// TestOutboxUpgradeSendsSameRequests: a cache written by a console with
// schema oldSchemaVersion holds every kind of outbox entry it made. Opened
// by this program (migrated) and pushed, each entry is sent with the same
// HTTP request (method, path, If-Match, If-None-Exist, content type, body)
// as the console that wrote it sent: testdata/outbox_requests.golden was
// recorded by that console, before the outbox said what each entry asks
// of the central.
func TestOutboxUpgradeSendsSameRequests(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cache.db")
	writeOldOutbox(t, path)

	rec := &requestRecorder{}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)

	st, err := cache.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c, err := client.New(client.Options{BaseURL: srv.URL, Token: "tok", Timeout: 5 * time.Second, MaxBodyBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	clk := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	eng := New(st, c, Options{Clock: clk.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Rand: func() float64 { return 0 }})

	var rep Report
	if err := eng.push(ctx, &rep, true); err != nil {
		t.Fatalf("push: %v", err)
	}
	// The nurse sends the parked ones again.
	for _, u := range []string{"00000000-0000-4000-8000-00000000000e", "00000000-0000-4000-8000-00000000000f"} {
		if err := st.RequeueOutbox(ctx, u, ""); err != nil {
			t.Fatalf("requeue %s: %v", u, err)
		}
	}
	if err := eng.push(ctx, &rep, true); err != nil {
		t.Fatalf("push: %v", err)
	}
	got := rec.String()
	golden := filepath.Join("testdata", "outbox_requests.golden")
	if *updateOutboxGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("requests sent for an upgraded outbox differ from those the old console sent\n--- got\n%s\n--- want\n%s", got, want)
	}
	// Every entry was sent (each refused, so each ends failed): none was
	// left out or sent twice.
	failed, err := st.Outbox(ctx, cache.OutboxFailed, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(failed) != len(oldOutboxRows) {
		t.Errorf("%d entries failed after the push, want all %d", len(failed), len(oldOutboxRows))
	}
}

// writeOldOutbox creates a cache at schema oldSchemaVersion and writes
// oldOutboxRows into its outbox with that schema's columns.
func writeOldOutbox(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectSQLite3, db, os.DirFS(filepath.Join("..", "cache", "migrations")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, oldSchemaVersion); err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC).UnixMilli()
	for i, r := range oldOutboxRows {
		if _, err := db.ExecContext(ctx, `INSERT INTO outbox (uuid, created, action, resource_type, resource_id, payload,
	if_match, attempts, next_attempt, last_error, state, sent) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, '', ?, 0)`,
			r.uuid, created+int64(i), r.action, r.typ, r.id, r.payload, r.ifMatch, r.state); err != nil {
			t.Fatalf("row %s: %v", r.uuid, err)
		}
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
}

// requestRecorder writes down every request it gets. It answers a read
// with a resource of that type and id, and refuses every write (422), so
// the engine marks each entry failed and goes on to the next.
type requestRecorder struct {
	mu  sync.Mutex
	log strings.Builder
}

func (r *requestRecorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.log.WriteString(req.Method + " " + req.URL.Path + "\n")
	for _, h := range []string{"If-Match", "If-None-Exist", "Content-Type"} {
		if v := req.Header.Get(h); v != "" {
			r.log.WriteString(h + ": " + v + "\n")
		}
	}
	if len(body) > 0 {
		r.log.Write(body)
		r.log.WriteString("\n")
	}
	r.log.WriteString("\n")
	r.mu.Unlock()
	w.Header().Set("Content-Type", "application/fhir+json")
	if req.Method == http.MethodGet {
		parts := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
		if len(parts) == 2 {
			w.Header().Set("ETag", `W/"server-1"`)
			_, _ = io.WriteString(w, `{"resourceType":"`+parts[0]+`","id":"`+parts[1]+`","meta":{"versionId":"server-1"},`+
				serverElements[parts[0]]+`,"extension":[{"url":"http://example.org/kept","valueString":"not modelled"}]}`)
			return
		}
	}
	w.WriteHeader(http.StatusUnprocessableEntity)
	_, _ = io.WriteString(w, `{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid"}]}`)
}

// serverElements are the required elements of the server's version of a
// resource the recorder is asked for.
var serverElements = map[string]string{
	"Task":          `"status":"requested","intent":"order","for":{"reference":"Patient/p1"}`,
	"CarePlan":      `"status":"active","intent":"plan","subject":{"reference":"Patient/p1"},"title":"Regime 1"`,
	"Communication": `"status":"in-progress","subject":{"reference":"Patient/p1"}`,
}

func (r *requestRecorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.log.String()
}

// TestPushRefusesChangeSetNotFittingItsKind: the engine sends an entry as
// its kind says and never lets the payload choose another request. A
// change set that does not fit its kind (two changes in a merge-update, an
// update in a merge-create, another resource than the entry names) is
// refused without a request, and the push goes on with the next entry.
func TestPushRefusesChangeSetNotFittingItsKind(t *testing.T) {
	ctx := context.Background()
	st, err := cache.Open(ctx, filepath.Join(t.TempDir(), "cache.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rec := &requestRecorder{}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	c, err := client.New(client.Options{BaseURL: srv.URL, Token: "tok", Timeout: 5 * time.Second, MaxBodyBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	clk := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	eng := New(st, c, Options{Clock: clk.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})

	two := `{"changes":[{"resourceType":"Task","id":"t1","ifMatch":"1","new":{"status":"completed"}},` +
		`{"resourceType":"Task","id":"t2","ifMatch":"1","new":{"status":"completed"}}]}`
	update := `{"changes":[{"resourceType":"Task","id":"t1","ifMatch":"1","new":{"status":"completed"}}]}`
	bad := []cache.OutboxEntry{
		{UUID: "u1", Label: "acknowledge", Op: outbox.Op{Kind: outbox.MergeUpdate, ResourceType: "Task", ResourceID: "t1", IfMatch: "1"}, Payload: []byte(two)},
		{UUID: "u2", Label: "assessment", Op: outbox.Op{Kind: outbox.MergeCreate, ResourceType: "Task"}, Payload: []byte(update)},
		{UUID: "u3", Label: "acknowledge", Op: outbox.Op{Kind: outbox.MergeUpdate, ResourceType: "Task", ResourceID: "t9", IfMatch: "1"}, Payload: []byte(update)},
		{UUID: "u4", Label: "regime", Op: outbox.Op{Kind: outbox.MergeTransaction, ResourceType: "Task", ResourceID: "t1"}, Payload: []byte(update)},
	}
	msg := outbox.CreateOp("Communication", "u5")
	all := append(bad, cache.OutboxEntry{UUID: "u5", Label: "message", Op: msg, Payload: []byte(`{"resourceType":"Communication"}`)})
	if err := st.Write(ctx, func(tx *cache.Tx) error {
		for _, e := range all {
			e.Created = clk.Now()
			if err := tx.Enqueue(e); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := eng.push(ctx, &rep, true); err != nil {
		t.Fatalf("push: %v", err)
	}
	want := "POST /Communication\nIf-None-Exist: " + msg.IfNoneExist + "\nContent-Type: application/fhir+json\n" +
		`{"resourceType":"Communication"}` + "\n\n"
	if got := rec.String(); got != want {
		t.Errorf("requests:\n%s\nwant only the message's:\n%s", got, want)
	}
	failed, err := st.Outbox(ctx, cache.OutboxFailed, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(failed) != len(all) {
		t.Fatalf("%d failed, want %d (the four misfits, and the message the recorder refuses)", len(failed), len(all))
	}
	for _, f := range failed[:len(bad)] {
		if !strings.Contains(f.LastError, "does not fit kind "+string(f.Kind)) {
			t.Errorf("%s (%s) failed with %q", f.UUID, f.Kind, f.LastError)
		}
	}
}
