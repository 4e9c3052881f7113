package actions_test

// A small clinic on a real central (central.NewServer on loopback, SQLite
// in t.TempDir()) and consoles with a real cache and the real sync engine.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/actions"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
)

const (
	nurseA     = "prac-nurse-a"
	nurseB     = "prac-nurse-b"
	coverNurse = "prac-cover"
	otherNurse = "prac-other"

	tokA     = "tok-nurse-a-0001"
	tokB     = "tok-nurse-b-0002"
	tokCover = "tok-cover-00003"
	tokOther = "tok-other-00004"
	tokP1    = "tok-patient-p1-5"
)

var (
	homeTeam  = domain.Team{ID: "team-home", Name: "Hjerteklinik Syd", OrgID: "org-syd", OrgName: "Sygehus Syd"}
	coverTeam = domain.Team{ID: "team-cover", Name: "Klinik Vest", OrgID: "org-vest", OrgName: "Sygehus Vest"}
	otherTeam = domain.Team{ID: "team-other", Name: "Klinik Nord", OrgID: "org-nord", OrgName: "Sygehus Nord"}
)

// clock is a settable clock shared by the central and the consoles.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// env is a running central with its clock.
type env struct {
	t     *testing.T
	store *central.Store
	srv   *central.Server
	url   string
	clock *clock
	now0  time.Time
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// newEnv starts a central seeded with the clinic: home team (nurses A and
// B) with patients p1 and p2, a cover team, and another team with p3.
func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC)
	clk := &clock{t: now}
	st, err := central.OpenStore(ctx, filepath.Join(t.TempDir(), "central.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	toks, err := central.NewTokens(map[string]string{tokA: "Practitioner/" + nurseA, tokB: "Practitioner/" + nurseB,
		tokCover: "Practitioner/" + coverNurse, tokOther: "Practitioner/" + otherNurse, tokP1: "Patient/p1"})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := central.NewServer(central.Config{Store: st, Tokens: toks, Now: clk.Now, Loc: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() { defer close(done); _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close(); <-done; _ = st.Close() })

	members := map[string][]string{homeTeam.ID: {nurseA, nurseB}, coverTeam.ID: {coverNurse}, otherTeam.ID: {otherNurse}}
	if err := st.SeedTeams(ctx, []domain.Team{homeTeam, coverTeam, otherTeam}, members); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		id   string
		team domain.Team
	}{{"p1", homeTeam}, {"p2", homeTeam}, {"p3", otherTeam}} {
		if err := st.SeedPatient(ctx, seedFor(p.id, p.team, now), now); err != nil {
			t.Fatal(err)
		}
	}
	return &env{t: t, store: st, srv: srv, url: "http://" + ln.Addr().String(), clock: clk, now0: now}
}

// seedFor is one patient: a daily pulse regime (version 1), a red and a
// green reading with open review tasks, an open missing-measurement task
// and an unread message from the patient.
func seedFor(id string, team domain.Team, now time.Time) central.PatientSeed {
	start := now.AddDate(0, 0, -30)
	reg := domain.Regime{ID: "cp-" + id, Version: "1", PatientID: id, EffectiveFrom: start, Start: start,
		Phase: domain.PhaseOngoing, Author: "Dr. Test", Physician: "Dr. Test", Reason: "start",
		Schedules:  []domain.Schedule{{Kind: domain.KindPulse, Freq: domain.Frequency{Kind: domain.Daily}, Deadline: 12 * time.Hour}},
		Thresholds: domain.DefaultThresholds(80)}
	red := domain.Measurement{ID: "obs-" + id + "-red", PatientID: id, Kind: domain.KindPulse, Value: 120,
		Taken: now.Add(-3 * time.Hour), Received: now.Add(-3 * time.Hour)}
	green := domain.Measurement{ID: "obs-" + id + "-green", PatientID: id, Kind: domain.KindPulse, Value: 70,
		Taken: now.Add(-2 * time.Hour), Received: now.Add(-2 * time.Hour)}
	return central.PatientSeed{
		Patient:        domain.Patient{ID: id, Name: "Patient " + id, CPR: "0101501234", Programmes: []string{domain.ProgrammeHeartFailure}, Synthetic: true},
		Responsibility: domain.Responsibility{Home: team},
		Regimes:        []domain.Regime{reg},
		Readings: []domain.Reading{
			{Measurement: red, Classification: domain.Classification{Color: domain.Red}},
			{Measurement: green, Classification: domain.Classification{Color: domain.Green}},
		},
		Messages: []domain.Message{{ID: "msg-" + id, PatientID: id, ThreadID: "thr-" + id, FromPatient: true,
			Sender: "Patient " + id, Title: "Spørgsmål", Body: "Hvornår skal jeg måle?", Sent: now.Add(-time.Hour)}},
		Tasks: []domain.Task{
			{ID: "task-" + id + "-red", PatientID: id, Category: domain.TaskMeasurement, FocusID: red.ID, Color: domain.Red, Created: red.Received},
			{ID: "task-" + id + "-green", PatientID: id, Category: domain.TaskMeasurement, FocusID: green.ID, Color: domain.Green, Created: green.Received},
			{ID: "task-" + id + "-miss", PatientID: id, Category: domain.TaskMissing, Kind: domain.KindPulse, Color: domain.Yellow,
				Created: now.Add(-20 * time.Hour), Due: now.Add(-21 * time.Hour)},
		},
	}
}

// nurseConsole is one nurse's cache, engine and actions.
type nurseConsole struct {
	store *cache.Store
	eng   *engine.Engine
	act   *actions.Service
	user  actions.User
}

// newConsole opens a fresh cache for the nurse with token and syncs it
// once.
func (e *env) newConsole(user actions.User, token string) *nurseConsole {
	e.t.Helper()
	return e.newConsoleWith(user, token, engine.Options{}, nil)
}

// newConsoleWith is newConsole with engine options (clock, logger and
// jitter are set here) and, when not nil, the HTTP client's transport.
func (e *env) newConsoleWith(user actions.User, token string, opts engine.Options, rt http.RoundTripper) *nurseConsole {
	t := e.t
	t.Helper()
	ctx := context.Background()
	st, err := cache.Open(ctx, filepath.Join(t.TempDir(), "cache.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	copts := client.Options{BaseURL: e.url, Token: token, Timeout: 30 * time.Second}
	if rt != nil {
		copts.HTTPClient = &http.Client{Transport: rt}
	}
	cl, err := client.New(copts)
	if err != nil {
		t.Fatal(err)
	}
	opts.Clock, opts.Logger, opts.Rand = e.clock.Now, quiet, func() float64 { return 0.5 }
	eng := engine.New(st, cl, opts)
	act, err := actions.New(st, user, e.clock.Now, uuid.NewString)
	if err != nil {
		t.Fatal(err)
	}
	c := &nurseConsole{store: st, eng: eng, act: act, user: user}
	c.sync(t)
	return c
}

var (
	userA     = actions.User{ID: nurseA, Name: "Karen Holm"}
	userB     = actions.User{ID: nurseB, Name: "Jens Berg"}
	userCover = actions.User{ID: coverNurse, Name: "Lise Vest"}
)

// sync runs one engine round and fails the test on error.
func (c *nurseConsole) sync(t *testing.T) engine.Report {
	t.Helper()
	rep, err := c.eng.Once(context.Background())
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return rep
}

// outbox returns every outbox entry.
func (c *nurseConsole) outbox(t *testing.T) []cache.OutboxEntry {
	t.Helper()
	es, err := c.store.Outbox(context.Background(), "", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// audit returns the audit entries of action.
func (c *nurseConsole) audit(t *testing.T, action string) []domain.AuditEntry {
	t.Helper()
	all, err := c.store.AuditLog(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var out []domain.AuditEntry
	for _, e := range all {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

// get reads a resource from the central over the API as token.
func (e *env) get(token, typ, id string) (map[string]any, int) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.url+"/"+typ+"/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return m, resp.StatusCode
}

// search returns the ids of typ matching params, as token.
func (e *env) search(token, typ string, params url.Values) []string {
	e.t.Helper()
	if params == nil {
		params = url.Values{}
	}
	params.Set("_count", "1000")
	req, _ := http.NewRequest(http.MethodGet, e.url+"/"+typ+"?"+params.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b fhir.Bundle
	if err := json.NewDecoder(resp.Body).Decode(&b); err != nil {
		e.t.Fatalf("search %s: %v", typ, err)
	}
	var ids []string
	for _, en := range b.Entry {
		var base fhir.Base
		if err := json.Unmarshal(en.Resource, &base); err != nil {
			e.t.Fatal(err)
		}
		ids = append(ids, base.ID)
	}
	return ids
}

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func mustTask(t *testing.T, s *cache.Store, id string) cache.TaskStatus {
	t.Helper()
	var ts cache.TaskStatus
	err := s.Write(context.Background(), func(tx *cache.Tx) error {
		var err error
		ts, err = tx.TaskForUpdate(id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func str(v any) string { return fmt.Sprint(v) }

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}

// centralRegime is the newest regime version on the central as a fresh
// console of nurse A sees it.
func (e *env) centralRegime(t *testing.T, pid string) domain.Regime {
	t.Helper()
	c := e.newConsole(userA, tokA)
	hist, err := c.store.RegimeHistory(context.Background(), pid)
	if err != nil || len(hist) == 0 {
		t.Fatalf("central regime: %v", err)
	}
	newest := hist[0]
	for _, r := range hist {
		if len(r.Version) > len(newest.Version) || (len(r.Version) == len(newest.Version) && r.Version > newest.Version) {
			newest = r
		}
	}
	return newest
}

// missingTasks are the ids of the patient's missing-measurement tasks on
// the central whose deadline lies in [from, to).
func (e *env) missingTasks(t *testing.T, pid string, from, to time.Time) []string {
	t.Helper()
	var out []string
	for _, id := range e.search(tokA, "Task", url.Values{"patient": {pid}, "category": {string(domain.TaskMissing)}}) {
		m, _ := e.get(tokA, "Task", id)
		r, _ := m["restriction"].(map[string]any)
		p, _ := r["period"].(map[string]any)
		due, err := fhir.ParseDateTime(str(p["end"]))
		if err != nil {
			continue
		}
		if !due.Before(from) && due.Before(to) {
			out = append(out, id)
		}
	}
	return out
}
