package central

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

const (
	tokNurseA   = "token-nurse-a"
	tokNurseB   = "token-nurse-b"
	tokPatient1 = "token-patient-1"
)

type env struct {
	t     testing.TB
	srv   *Server
	store *Store
	http  *httptest.Server
	clock *fakeClock
	loc   *time.Location
}

// t0 is Monday 2 March 2026, 09:00 in Copenhagen.
var cph, _ = time.LoadLocation("Europe/Copenhagen")
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, cph)

func newEnv(t testing.TB) *env {
	t.Helper()
	clock := &fakeClock{t: t0}
	ctx := context.Background()
	store, err := OpenStore(ctx, filepath.Join(t.TempDir(), "central.db"), clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	toks, err := NewTokens(map[string]string{tokNurseA: "nurse-a", tokNurseB: "Practitioner/nurse-b", tokPatient1: "Patient/p1"})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(Config{Store: store, Tokens: toks, Now: clock.Now, Loc: cph})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	e := &env{t: t, srv: srv, store: store, http: hs, clock: clock, loc: cph}
	e.seed()
	return e
}

var (
	teamA = domain.Team{ID: "team-a", Name: "Klinik A", OrgID: "org-a", OrgName: "Hospital A"}
	teamB = domain.Team{ID: "team-b", Name: "Klinik B", OrgID: "org-b", OrgName: "Hospital B"}
)

func careTeam(team domain.Team, member string) (*fhir.CareTeam, *fhir.Organization) {
	ct, org := fhir.TeamToFHIR(team)
	ct.Participant = []fhir.CareTeamParticipant{{Member: fhir.Ref("Practitioner", member)}}
	return ct, org
}

func testRegime(pid string) domain.Regime {
	th := domain.DefaultThresholds(80)
	th.ByKind[domain.KindBloodPressure] = domain.KindThresholds{
		Primary:   domain.Limits{YellowHigh: domain.L(140), RedHigh: domain.L(160)},
		Secondary: domain.Limits{YellowHigh: domain.L(90), RedHigh: domain.L(100)},
	}
	return domain.Regime{ID: "cp-" + pid, PatientID: pid, EffectiveFrom: t0.Add(-72 * time.Hour), Start: t0.Add(-72 * time.Hour),
		Phase: domain.PhaseStartUp, Thresholds: th,
		Schedules: []domain.Schedule{{Kind: domain.KindWeight, Freq: domain.Frequency{Kind: domain.Daily}, Deadline: 12 * time.Hour}}}
}

// seed: nurse-a in team-a responsible for p1; nurse-b in team-b
// responsible for p2. p1 has a regime with default thresholds (reference
// weight 80) and blood-pressure limits.
func (e *env) seed() {
	ctA, orgA := careTeam(teamA, "nurse-a")
	ctB, orgB := careTeam(teamB, "nurse-b")
	rs := []fhir.Resource{ctA, orgA, ctB, orgB}
	for _, p := range []struct {
		id   string
		team domain.Team
	}{{"p1", teamA}, {"p2", teamB}} {
		rs = append(rs, fhir.PatientToFHIR(domain.Patient{ID: p.id, Name: "Syntetisk " + p.id, Synthetic: true}),
			fhir.ResponsibilityToEpisodeOfCare("eoc-"+p.id, p.id, domain.Responsibility{Home: p.team}))
	}
	cp, srs := fhir.RegimeToFHIR(testRegime("p1"))
	rs = append(rs, cp)
	for _, sr := range srs {
		rs = append(rs, sr)
	}
	if err := e.store.Put(context.Background(), rs...); err != nil {
		e.t.Fatal(err)
	}
}

// putRegime stores reg (its CarePlan and ServiceRequests) with the
// server's clock at at.
func (e *env) putRegime(reg domain.Regime, at time.Time) {
	e.t.Helper()
	cp, srs := fhir.RegimeToFHIR(reg)
	rs := []fhir.Resource{cp}
	for _, sr := range srs {
		rs = append(rs, sr)
	}
	e.clock.Set(at)
	if err := e.store.Put(context.Background(), rs...); err != nil {
		e.t.Fatal(err)
	}
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func (e *env) do(method, path, token string, body any, hdr ...string) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		js, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(js)
	}
	url := path
	if len(path) > 0 && path[0] == '/' {
		url = e.http.URL + path
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", ContentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := e.http.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: b}
}

func (e *env) want(r resp, status int) resp {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	return r
}

// wantOutcome checks an error response is an OperationOutcome.
func (e *env) wantOutcome(r resp, status int) *fhir.OperationOutcome {
	e.t.Helper()
	e.want(r, status)
	oo, err := fhir.Decode[*fhir.OperationOutcome](r.body)
	if err != nil {
		e.t.Fatalf("not an OperationOutcome: %s: %v", r.body, err)
	}
	if ct := r.header.Get("Content-Type"); ct != ContentType+"; charset=utf-8" {
		e.t.Errorf("content type %q", ct)
	}
	return oo
}

func (e *env) searchAll(token, firstURL string) []fhir.Resource {
	e.t.Helper()
	var out []fhir.Resource
	next := firstURL
	for pages := 0; next != ""; pages++ {
		if pages > 100 {
			e.t.Fatal("too many pages")
		}
		r := e.want(e.do(http.MethodGet, next, token, nil), http.StatusOK)
		b, err := fhir.Decode[*fhir.Bundle](r.body)
		if err != nil {
			e.t.Fatal(err)
		}
		if b.Total != nil {
			e.t.Errorf("total should not be returned")
		}
		next = ""
		for _, l := range b.Link {
			if l.Relation == "next" {
				next = l.URL
			}
		}
		for _, en := range b.Entry {
			res, err := fhir.DecodeResource(en.Resource)
			if err != nil {
				e.t.Fatal(err)
			}
			out = append(out, res)
		}
	}
	return out
}

func weightObs(pid string, kg float64, taken time.Time, ident string) *fhir.Observation {
	o := fhir.MeasurementToObservation(domain.Measurement{PatientID: pid, Kind: domain.KindWeight, Value: kg, Taken: taken}, nil)
	if ident != "" {
		o.Identifier = []fhir.Identifier{fhir.ClientIdentifier(ident)}
	}
	return o
}
