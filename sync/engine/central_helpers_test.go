package engine_test

// Helpers for testing the engine against the real central server
// (central.NewServer on a loopback listener, SQLite in t.TempDir()).

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
	"github.com/telehjerte/telehjerte-tui/sync/faultproxy"
	"github.com/telehjerte/telehjerte-tui/sync/outbox"
)

// Bearer tokens of the test clinic.
const (
	tokNurseA = "tok-nurse-a-0001" // demo.NurseA, home team
	tokNurseB = "tok-nurse-b-0002" // demo.NurseB, home team
	tokCover  = "tok-cover-0003"   // coverNurse, the cover team
	tokOther  = "tok-other-0004"   // otherNurse, an unrelated team
)

const (
	coverNurse  = "prac-demo-nord-nurse-1"
	otherNurse  = "prac-other-nurse"
	otherTeamID = "team-other"
	otherPID    = "p-other-1"
)

var testTokens = map[string]string{
	tokNurseA: "Practitioner/" + demo.NurseA,
	tokNurseB: "Practitioner/" + demo.NurseB,
	tokCover:  "Practitioner/" + coverNurse,
	tokOther:  "Practitioner/" + otherNurse,
}

// centralEnv is a running central: store, server and listener.
type centralEnv struct {
	t      testing.TB
	dbPath string
	addr   string
	store  *central.Store
	srv    *central.Server
	hs     *http.Server
	done   chan struct{}
	once   sync.Once
}

// startCentral opens (or creates) the central database at dbPath and serves
// it on addr ("" for a fresh loopback port). wrap, when not nil, wraps the
// server's handler (hostile responses).
func startCentral(t testing.TB, dbPath, addr string, wrap func(http.Handler) http.Handler) *centralEnv {
	t.Helper()
	return startCentralTokens(t, dbPath, addr, wrap, nil)
}

// startCentralTokens is startCentral with more bearer tokens (token ->
// "Patient/<id>" or "Practitioner/<id>") beside testTokens.
func startCentralTokens(t testing.TB, dbPath, addr string, wrap func(http.Handler) http.Handler, extra map[string]string) *centralEnv {
	t.Helper()
	ctx := context.Background()
	store, err := central.OpenStore(ctx, dbPath, nil)
	if err != nil {
		t.Fatalf("open central store: %v", err)
	}
	all := map[string]string{}
	for k, v := range testTokens {
		all[k] = v
	}
	for k, v := range extra {
		all[k] = v
	}
	toks, err := central.NewTokens(all)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := central.NewServer(central.Config{Store: store, Tokens: toks})
	if err != nil {
		t.Fatal(err)
	}
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var ln net.Listener
	// The old listener on addr may take a moment to go away.
	deadline := time.Now().Add(10 * time.Second)
	for {
		ln, err = net.Listen("tcp", addr)
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		store.Close()
		t.Fatalf("listen on %s: %v", addr, err)
	}
	var h http.Handler = srv.Handler()
	if wrap != nil {
		h = wrap(h)
	}
	c := &centralEnv{t: t, dbPath: dbPath, addr: ln.Addr().String(), store: store, srv: srv,
		hs: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		_ = c.hs.Serve(ln)
	}()
	t.Cleanup(c.stop)
	return c
}

// url is the FHIR base URL.
func (c *centralEnv) url() string { return "http://" + c.addr }

// stop closes the listener, every connection and the database, abruptly
// (as a crash or restart would).
func (c *centralEnv) stop() {
	c.once.Do(func() {
		_ = c.hs.Close()
		<-c.done
		_ = c.store.Close()
	})
}

// newCentral starts an empty central in t.TempDir().
func newCentral(t testing.TB) *centralEnv {
	t.Helper()
	return startCentral(t, filepath.Join(t.TempDir(), "central.db"), "", nil)
}

// seedClinic loads a small demo clinic (home and cover teams, the demo
// nurses) and an unrelated team with one patient whom the demo nurses must
// never see.
func seedClinic(t testing.TB, store *central.Store, patients, days int, now time.Time) {
	t.Helper()
	seedClinicIDs(t, store, patients, days, now)
}

// seedClinicIDs is seedClinic, returning the demo patients' ids.
func seedClinicIDs(t testing.TB, store *central.Store, patients, days int, now time.Time) []string {
	t.Helper()
	ctx := context.Background()
	var ids []string
	members := map[string][]string{demo.TeamDemoID: {demo.NurseA, demo.NurseB}, demo.TeamCoverID: {coverNurse}}
	if err := store.SeedTeams(ctx, demo.Teams(), members); err != nil {
		t.Fatal(err)
	}
	err := demo.Generate(demo.Options{Patients: patients, Days: days, Seed: 7, Now: now}, func(rec demo.PatientRecord) error {
		ids = append(ids, rec.Patient.ID)
		return store.SeedPatient(ctx, central.PatientSeed{Patient: rec.Patient, Responsibility: rec.Responsibility, Regimes: rec.Regimes,
			Readings: rec.Readings, Questionnaires: rec.Questionnaires, Messages: rec.Messages, Tasks: rec.Tasks}, now)
	})
	if err != nil {
		t.Fatal(err)
	}
	seedOtherTeam(t, store, now)
	return ids
}

var otherTeam = domain.Team{ID: otherTeamID, Name: "Anden Klinik", OrgID: "org-other", OrgName: "Andet Hospital"}

// seedOtherTeam adds a team the demo nurses are not in, with one patient,
// a reading, an open task and a message.
func seedOtherTeam(t testing.TB, store *central.Store, now time.Time) {
	t.Helper()
	if err := store.SeedTeams(context.Background(), []domain.Team{otherTeam}, map[string][]string{otherTeamID: {otherNurse}}); err != nil {
		t.Fatal(err)
	}
	m := domain.Measurement{ID: "obs-other-1", PatientID: otherPID, Kind: domain.KindPulse, Value: 71, Taken: now.Add(-time.Hour), Received: now.Add(-time.Hour)}
	task := domain.Task{ID: "task-other-1", PatientID: otherPID, Category: domain.TaskMeasurement, FocusID: "obs-other-1", Color: domain.Red, Created: now.Add(-time.Hour)}
	err := store.SeedPatient(context.Background(), central.PatientSeed{
		Patient:        domain.Patient{ID: otherPID, Name: "Anden Patient", CPR: "0101901234", Programmes: []string{domain.ProgrammeHeartFailure}, Synthetic: true},
		Responsibility: domain.Responsibility{Home: otherTeam},
		Readings:       []domain.Reading{{Measurement: m, Classification: domain.Classification{Color: domain.Red}}},
		Messages:       []domain.Message{{ID: "msg-other-1", PatientID: otherPID, Body: "hej", FromPatient: true, Sent: now.Add(-time.Hour)}},
		Tasks:          []domain.Task{task},
	}, now)
	if err != nil {
		t.Fatal(err)
	}
}

// fakeClock is a settable clock for the engine (outbox backoff).
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// console is one console's cache and engine.
type console struct {
	path  string
	store *cache.Store
	eng   *engine.Engine
	cl    *client.Client
	clock *fakeClock
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// newConsole opens a fresh cache in t.TempDir() and an engine for baseURL
// with token. copts.BaseURL and Token are filled in; opts.Clock and Logger
// default to a fake clock and a silent logger.
func newConsole(t testing.TB, baseURL, token string, opts engine.Options, copts client.Options) *console {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cache.db")
	return openConsole(t, path, baseURL, token, opts, copts)
}

func openConsole(t testing.TB, path, baseURL, token string, opts engine.Options, copts client.Options) *console {
	t.Helper()
	st, err := cache.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("open cache: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	clk := &fakeClock{t: time.Now()}
	copts.BaseURL, copts.Token = baseURL, token
	if copts.Timeout == 0 {
		copts.Timeout = 30 * time.Second
	}
	cl, err := client.New(copts)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Clock == nil {
		opts.Clock = clk.Now
	}
	if opts.Logger == nil {
		opts.Logger = quiet
	}
	if opts.Rand == nil {
		opts.Rand = func() float64 { return 0.5 }
	}
	return &console{path: path, store: st, eng: engine.New(st, cl, opts), cl: cl, clock: clk}
}

// versions maps type -> id -> versionId.
type versions map[string]map[string]string

func (v versions) add(typ, id, vid string) {
	if v[typ] == nil {
		v[typ] = map[string]string{}
	}
	v[typ][id] = vid
}

func (v versions) count() int {
	n := 0
	for _, m := range v {
		n += len(m)
	}
	return n
}

// serverVersions reads, over the API with token, the id and versionId of
// every resource of types the token may see (following next links).
func serverVersions(t testing.TB, baseURL, token string, types []string) versions {
	t.Helper()
	c, err := client.New(client.Options{BaseURL: baseURL, Token: token, Timeout: time.Minute, MaxBodyBytes: 256 << 20})
	if err != nil {
		t.Fatal(err)
	}
	out := versions{}
	for _, typ := range types {
		page, err := c.Search(context.Background(), typ, url.Values{"_count": {"1000"}, "_sort": {"_lastUpdated"}})
		for pages := 0; ; pages++ {
			if err != nil {
				t.Fatalf("server search %s: %v", typ, err)
			}
			for _, raw := range page.Resources {
				var b fhir.Base
				if err := json.Unmarshal(raw, &b); err != nil || b.Meta == nil {
					t.Fatalf("server %s entry without meta: %v", typ, err)
				}
				out.add(typ, b.ID, b.Meta.VersionID)
			}
			if page.Next == "" {
				break
			}
			if pages > 10000 {
				t.Fatalf("server search %s: too many pages", typ)
			}
			page, err = c.Next(context.Background(), page.Next)
		}
	}
	return out
}

// cacheTables is where the cache keeps each type (CarePlan and
// ServiceRequest as raw JSON in sync_resources).
var cacheTables = map[string]string{
	"Organization": "organizations", "CareTeam": "care_teams", "Practitioner": "practitioners", "Patient": "patients",
	"EpisodeOfCare": "episodes_of_care", "Observation": "observations", "QuestionnaireResponse": "questionnaire_responses",
	"Task": "tasks", "Communication": "communications",
}

// cacheVersions reads the id and version_id of every pulled resource from
// the cache file (read-only, beside the open Store). Placeholders (rows
// the cache made for a reference before the resource itself arrived, with
// no version) are returned separately.
func cacheVersions(t testing.TB, path string, types []string) (got versions, placeholders versions) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, placeholders = versions{}, versions{}
	for _, typ := range types {
		var q string
		var args []any
		if tbl, ok := cacheTables[typ]; ok {
			q = `SELECT id, version_id FROM ` + tbl
		} else {
			q = `SELECT id, version_id FROM sync_resources WHERE resource_type = ?`
			args = []any{typ}
		}
		rows, err := db.Query(q, args...)
		if err != nil {
			t.Fatalf("cache %s: %v", typ, err)
		}
		for rows.Next() {
			var id, vid string
			if err := rows.Scan(&id, &vid); err != nil {
				t.Fatal(err)
			}
			if vid == "" {
				placeholders.add(typ, id, vid)
				continue
			}
			got.add(typ, id, vid)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return got, placeholders
}

// diffVersions describes how cache differs from server (at most a few
// lines per type); "" when equal.
func diffVersions(server, cached versions) string {
	var out []string
	types := map[string]bool{}
	for k := range server {
		types[k] = true
	}
	for k := range cached {
		types[k] = true
	}
	for typ := range types {
		var missing, extra, stale []string
		for id, v := range server[typ] {
			cv, ok := cached[typ][id]
			switch {
			case !ok:
				missing = append(missing, id)
			case cv != v:
				stale = append(stale, fmt.Sprintf("%s (cache v%s, server v%s)", id, cv, v))
			}
		}
		for id := range cached[typ] {
			if _, ok := server[typ][id]; !ok {
				extra = append(extra, id)
			}
		}
		if len(missing)+len(extra)+len(stale) > 0 {
			sort.Strings(missing)
			sort.Strings(extra)
			sort.Strings(stale)
			out = append(out, fmt.Sprintf("%s: %d missing %v, %d not on server %v, %d stale %v", typ,
				len(missing), head(missing), len(extra), head(extra), len(stale), head(stale)))
		}
	}
	sort.Strings(out)
	s := ""
	for _, l := range out {
		s += l + "\n"
	}
	return s
}

func head(s []string) []string {
	if len(s) > 3 {
		return s[:3]
	}
	return s
}

// assertCacheEqualsServer checks that the cache holds exactly what token
// may see on the server, at the same versions, with nothing parked and no
// placeholder left without its resource.
func assertCacheEqualsServer(t testing.TB, c *console, baseURL, token string) versions {
	t.Helper()
	return assertCacheEqualsServerParked(t, c, baseURL, token, 0)
}

// assertCacheEqualsServerParked is assertCacheEqualsServer with parked
// resources expected.
func assertCacheEqualsServerParked(t testing.TB, c *console, baseURL, token string, parked int) versions {
	t.Helper()
	server := serverVersions(t, baseURL, token, engine.DefaultTypes)
	cached, ph := cacheVersions(t, c.path, engine.DefaultTypes)
	if d := diffVersions(server, cached); d != "" {
		t.Errorf("cache differs from server:\n%s", d)
	}
	if n := ph.count(); n > 0 {
		t.Errorf("%d placeholder rows left in the cache: %v", n, ph)
	}
	if n, err := c.store.ParkedCount(context.Background()); err != nil || n != parked {
		t.Errorf("parked resources: %d, %v; want %d", n, err, parked)
	}
	return server
}

// mustOnce runs one round that must succeed.
func mustOnce(t testing.TB, c *console) engine.Report {
	t.Helper()
	rep, err := c.eng.Once(context.Background())
	if err != nil {
		t.Fatalf("sync round: %v", err)
	}
	return rep
}

// ackPatch is the JSON Patch that acknowledges a Task.
var ackPatch = []byte(`[{"op":"replace","path":"/status","value":"completed"}]`)

// enqueueAck puts "acknowledge Task id at version vid" in the outbox.
func enqueueAck(t testing.TB, st *cache.Store, id, vid string) string {
	t.Helper()
	u := uuid.NewString()
	err := st.Write(context.Background(), func(tx *cache.Tx) error {
		return tx.Enqueue(cache.OutboxEntry{UUID: u, Label: "acknowledge",
			Op: outbox.Op{Kind: outbox.Patch, ResourceType: "Task", ResourceID: id, IfMatch: vid}, Payload: ackPatch, Created: time.Now()})
	})
	if err != nil {
		t.Fatalf("enqueue ack: %v", err)
	}
	return u
}

// enqueueMessage puts "send a message to patient pid" in the outbox: a
// conditional create of a Communication carrying the entry's UUID.
func enqueueMessage(t testing.TB, st *cache.Store, pid, text string) string {
	t.Helper()
	u := uuid.NewString()
	c := fhir.MessageToCommunication(domain.Message{PatientID: pid, Body: text, Sender: "Sygeplejerske", Sent: time.Now()})
	c.Identifier = []fhir.Identifier{fhir.ClientIdentifier(u)}
	body, err := fhir.Encode(c)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Write(context.Background(), func(tx *cache.Tx) error {
		return tx.Enqueue(cache.OutboxEntry{UUID: u, Label: "send-message", Op: outbox.CreateOp("Communication", u), Payload: body,
			Created: time.Now()})
	})
	if err != nil {
		t.Fatalf("enqueue message: %v", err)
	}
	return u
}

// serverCountByIdentifier counts resources of typ carrying the client UUID u.
func serverCountByIdentifier(t testing.TB, baseURL, token, typ, u string) int {
	t.Helper()
	c, err := client.New(client.Options{BaseURL: baseURL, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	id := fhir.ClientIdentifier(u)
	page, err := c.Search(context.Background(), typ, url.Values{"identifier": {id.System + "|" + id.Value}})
	if err != nil {
		t.Fatalf("search %s by identifier: %v", typ, err)
	}
	return len(page.Resources)
}

// serverTask reads a Task over the API.
func serverTask(t testing.TB, baseURL, token, id string) (*fhir.Task, string) {
	t.Helper()
	c, err := client.New(client.Options{BaseURL: baseURL, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Read(context.Background(), "Task", id)
	if err != nil {
		t.Fatalf("read Task/%s: %v", id, err)
	}
	tk, ok := r.Resource.(*fhir.Task)
	if !ok {
		t.Fatalf("Task/%s is a %T", id, r.Resource)
	}
	return tk, r.VersionID
}

// openTasks returns the open Tasks in the cache with their versions, sorted
// by id.
func openTasks(t testing.TB, c *console) []taskRef {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+c.path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT id, version_id, patient_id FROM tasks WHERE status IN ('ready', 'in-progress') ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []taskRef
	for rows.Next() {
		var r taskRef
		if err := rows.Scan(&r.id, &r.version, &r.patient); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

type taskRef struct{ id, version, patient string }

// proxied serves a fault proxy with opts in front of the central on
// loopback for the rest of the test.
func proxied(t testing.TB, c *centralEnv, opts faultproxy.Options) (*faultproxy.Proxy, *httptest.Server) {
	t.Helper()
	px, err := faultproxy.New(c.url(), opts)
	if err != nil {
		t.Fatal(err)
	}
	ps := httptest.NewServer(px)
	t.Cleanup(ps.Close)
	return px, ps
}
