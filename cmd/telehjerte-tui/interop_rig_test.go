package main

// The rig of the interoperability suite (issue 9, interop_test.go): the
// FHIR R4 servers the suite runs against, a plain FHIR REST client, the
// clinic seeded over REST with server-assigned ids, and whole-server
// snapshots for the before/after comparison.
//
// Servers:
//   - "medplum": Medplum's FHIR router over its in-memory repository
//     (npm @medplum/fhir-router, pinned in testdata/interop-server), behind
//     a small Node HTTP front (testdata/interop-server/server.mjs). An
//     independent implementation: UUID ids and versionIds, its own search,
//     If-Match, JSON Patch, conditional create and transactions; no triage.
//   - "central": our own telehjerte-central, started empty and seeded the
//     same way (it triages readings on arrival).

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// expect is one assertion of the suite: an error with its message when it
// does not hold.
func expect(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Errorf(format, args...)
	}
}

// Tokens of the suite's two nurses (the home team's and the covering
// team's), at least 16 characters.
const (
	interopNurseToken = "interop-nurse-token-0123456789"
	interopCoverToken = "interop-cover-token-0123456789"
)

// interopServer is a FHIR R4 server the suite runs against.
type interopServer struct {
	name string
	url  string
	// triages: the server classifies readings on arrival and makes the
	// triage ClinicalImpression and review Task itself.
	triages bool
	// ownPractitioner, when set, is the Practitioner id each token stands
	// for: the server lets a user create only her own Practitioner (PUT
	// with that id), not POST others (telehjerte-central).
	ownPractitioner map[string]string
	// noOrganizations: Organizations are managed on the server itself, not
	// over the API (telehjerte-central); the seed only refers to them.
	noOrganizations bool
	// patientToken returns a token that acts as the patient (messages from
	// the patient must be sent as the patient); nil: any token may write
	// for the patient.
	patientToken func(patientID string) string
}

// createPractitioner creates the Practitioner token stands for and returns
// its id.
func (s *interopServer) createPractitioner(t *testing.T, token string, res obj) string {
	t.Helper()
	r := s.as(t, token)
	id, own := s.ownPractitioner[token]
	if !own {
		return idOf(r.create(res))
	}
	res["id"] = id
	status, _, raw := r.do(http.MethodPut, "Practitioner/"+id, res, nil)
	if status != http.StatusCreated && status != http.StatusOK {
		t.Fatalf("PUT Practitioner/%s: %d\n%s", id, status, raw)
	}
	return id
}

// asPatient is a client acting for the patient (fallback: token).
func (s *interopServer) asPatient(t *testing.T, patientID, token string) *rest {
	t.Helper()
	if s.patientToken != nil {
		token = s.patientToken(patientID)
	}
	return s.as(t, token)
}

// interopServers are the servers the suite runs against, by name.
var interopServers = []struct {
	name  string
	start func(t *testing.T) *interopServer
}{
	{"medplum", startMedplum},
	{"central", startInteropCentral},
}

// forEachServer runs f as a subtest per server.
func forEachServer(t *testing.T, f func(t *testing.T, srv *interopServer)) {
	for _, s := range interopServers {
		t.Run(s.name, func(t *testing.T) {
			f(t, s.start(t))
		})
	}
}

// interopServerDir is the Node front of Medplum's FHIR router.
const interopServerDir = "testdata/interop-server"

var npmOnce struct {
	sync.Once
	err error
}

// requireNode skips (outside CI) or fails (on CI) when node is missing,
// and installs the pinned npm packages when they are not there yet.
func requireNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("node is required on CI for the interoperability suite")
		}
		t.Skip("node is not installed: the interoperability suite needs it for the independent FHIR server")
	}
	npmOnce.Do(func() {
		if _, err := os.Stat(filepath.Join(interopServerDir, "node_modules", "@medplum", "fhir-router", "package.json")); err == nil {
			return
		}
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
		cmd.Dir = interopServerDir
		if out, err := cmd.CombinedOutput(); err != nil {
			npmOnce.err = fmt.Errorf("npm ci in %s: %v\n%s", interopServerDir, err, out)
		}
	})
	if npmOnce.err != nil {
		t.Fatal(npmOnce.err)
	}
	return node
}

// startMedplum starts the Node front of Medplum's in-memory FHIR server on
// an ephemeral loopback port; it stops with the test (and when the test
// process dies: it exits when its stdin closes).
func startMedplum(t *testing.T) *interopServer {
	t.Helper()
	node := requireNode(t)
	cmd := exec.Command(node, "server.mjs")
	cmd.Dir = interopServerDir
	cmd.Env = append(os.Environ(), "INTEROP_TOKENS="+interopNurseToken+","+interopCoverToken)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
	}()
	select {
	case l := <-lines:
		u, ok := strings.CutPrefix(l, "listening ")
		if !ok {
			t.Fatalf("medplum front: unexpected first line %q\n%s", l, stderr.String())
		}
		return &interopServer{name: "medplum", url: u}
	case <-time.After(60 * time.Second):
		t.Fatalf("medplum front did not start:\n%s", stderr.String())
	}
	return nil
}

// startInteropCentral starts an empty telehjerte-central. Its tokens name
// their principals: the nurses' Practitioner ids are fixed in its token
// file (it lets a user create only her own Practitioner); a patient's token
// is added, with a restart, once the server has assigned the patient's id.
func startInteropCentral(t *testing.T) *interopServer {
	t.Helper()
	bin := buildCentral(t)
	dir := t.TempDir()
	db, tokens := filepath.Join(dir, "central.db"), filepath.Join(dir, "tokens.json")
	addr := freeAddr(t)
	var serve *exec.Cmd
	var log *lockedBuffer
	m := map[string]string{
		interopNurseToken: "Practitioner/interop-nurse",
		interopCoverToken: "Practitioner/interop-cover",
	}
	start := func() {
		raw, _ := json.Marshal(m)
		if err := os.WriteFile(tokens, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		log = &lockedBuffer{}
		serve = exec.Command(bin, "serve", "--addr", addr, "--db", db, "--tokens", tokens, "--scan-every", "0")
		serve.Stdout, serve.Stderr = log, log
		if err := serve.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			res, err := http.Get("http://" + addr + "/metadata")
			if err == nil {
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					return
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("central did not come up on %s: %v\n%s", addr, err, log.String())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	stop := func() {
		if serve != nil {
			_ = serve.Process.Kill()
			_ = serve.Wait()
			serve = nil
		}
	}
	t.Cleanup(stop)
	start()
	own := map[string]string{}
	for tok, who := range m {
		own[tok] = strings.TrimPrefix(who, "Practitioner/")
	}
	return &interopServer{name: "central", url: "http://" + addr, triages: true, ownPractitioner: own, noOrganizations: true,
		patientToken: func(patientID string) string {
			tok := "interop-patient-" + patientID
			if _, ok := m[tok]; !ok {
				m[tok] = "Patient/" + patientID
				stop()
				start()
			}
			return tok
		}}
}

// rest is a plain FHIR REST client of one server with one token.
type rest struct {
	t     *testing.T
	base  string
	token string
}

func (s *interopServer) as(t *testing.T, token string) *rest {
	return &rest{t: t, base: s.url, token: token}
}

// do sends one request and returns status, headers and body.
func (r *rest) do(method, path string, body any, headers map[string]string) (int, http.Header, []byte) {
	r.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			r.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	u := path
	if !strings.HasPrefix(u, "http") {
		u = r.base + "/" + strings.TrimPrefix(path, "/")
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		r.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	req.Header.Set("Accept", "application/fhir+json")
	if body != nil {
		req.Header.Set("Content-Type", "application/fhir+json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatalf("%s %s: %v", method, u, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		r.t.Fatalf("%s %s: %v", method, u, err)
	}
	return res.StatusCode, res.Header, raw
}

// obj is a resource as generic JSON.
type obj = map[string]any

// create POSTs res and returns the stored resource (server-assigned id).
func (r *rest) create(res obj) obj {
	r.t.Helper()
	typ, _ := res["resourceType"].(string)
	status, _, raw := r.do(http.MethodPost, typ, res, nil)
	if status != http.StatusCreated {
		r.t.Fatalf("POST %s: %d\n%s", typ, status, raw)
	}
	var out obj
	if err := json.Unmarshal(raw, &out); err != nil {
		r.t.Fatalf("POST %s: %v\n%s", typ, err, raw)
	}
	return out
}

// read GETs typ/id (failing unless 200).
func (r *rest) read(typ, id string) obj {
	r.t.Helper()
	status, _, raw := r.do(http.MethodGet, typ+"/"+url.PathEscape(id), nil, nil)
	if status != http.StatusOK {
		r.t.Fatalf("GET %s/%s: %d\n%s", typ, id, status, raw)
	}
	var out obj
	if err := json.Unmarshal(raw, &out); err != nil {
		r.t.Fatal(err)
	}
	return out
}

// search returns every resource of typ matching query, following next
// links.
func (r *rest) search(typ string, query url.Values) []obj {
	r.t.Helper()
	if query == nil {
		query = url.Values{}
	}
	if query.Get("_count") == "" {
		query.Set("_count", "200")
	}
	next := typ + "?" + query.Encode()
	var out []obj
	for pages := 0; next != ""; pages++ {
		if pages > 100 {
			r.t.Fatalf("search %s: more than 100 pages", typ)
		}
		status, _, raw := r.do(http.MethodGet, next, nil, nil)
		if status != http.StatusOK {
			r.t.Fatalf("GET %s: %d\n%s", next, status, raw)
		}
		var b struct {
			Link []struct {
				Relation string `json:"relation"`
				URL      string `json:"url"`
			} `json:"link"`
			Entry []struct {
				Resource obj `json:"resource"`
			} `json:"entry"`
		}
		if err := json.Unmarshal(raw, &b); err != nil {
			r.t.Fatalf("search %s: %v", typ, err)
		}
		next = ""
		for _, l := range b.Link {
			if l.Relation == "next" {
				next = l.URL
			}
		}
		for _, e := range b.Entry {
			out = append(out, e.Resource)
		}
	}
	return out
}

// idOf, str and path read generic JSON.
func idOf(o obj) string { s, _ := o["id"].(string); return s }

func versionOf(o obj) string {
	m, _ := o["meta"].(obj)
	s, _ := m["versionId"].(string)
	return s
}

// at walks a path of keys and indices in generic JSON.
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(obj)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func str(v any, path ...any) string { s, _ := at(v, path...).(string); return s }

// extValue finds the first extension with url in o (top level) and returns
// it, or nil.
func extOf(o any, url string) obj {
	exts, _ := at(o, "extension").([]any)
	for _, e := range exts {
		if m, ok := e.(obj); ok && m["url"] == url {
			return m
		}
	}
	return nil
}

// snapshot is every resource on a server, "Type/id" -> JSON.
type snapshot map[string]obj

// interopTypes are the resource types the suite seeds or the console
// writes.
var interopTypes = []string{"Organization", "Practitioner", "CareTeam", "Patient", "EpisodeOfCare", "CarePlan",
	"ServiceRequest", "Observation", "ClinicalImpression", "Task", "Communication"}

func (r *rest) snapshot() snapshot {
	r.t.Helper()
	s := snapshot{}
	for _, typ := range interopTypes {
		for _, o := range r.search(typ, nil) {
			s[typ+"/"+idOf(o)] = o
		}
	}
	return s
}

// flatten lists the leaves of generic JSON as path -> JSON value; empty
// objects and arrays are leaves too.
func flatten(prefix string, v any, out map[string]string) {
	switch x := v.(type) {
	case obj:
		if len(x) == 0 {
			out[prefix] = "{}"
		}
		for k, e := range x {
			flatten(prefix+"/"+k, e, out)
		}
	case []any:
		if len(x) == 0 {
			out[prefix] = "[]"
		}
		for i, e := range x {
			flatten(fmt.Sprintf("%s/%d", prefix, i), e, out)
		}
	default:
		raw, _ := json.Marshal(x)
		out[prefix] = string(raw)
	}
}

// changedPaths lists the JSON paths whose values differ between a and b
// (present in one only counts), sorted.
func changedPaths(a, b obj) []string {
	fa, fb := map[string]string{}, map[string]string{}
	flatten("", a, fa)
	flatten("", b, fb)
	var out []string
	for k, v := range fa {
		if w, ok := fb[k]; !ok || w != v {
			out = append(out, k)
		}
	}
	for k := range fb {
		if _, ok := fa[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// underAny reports whether path is prefix or below one of prefixes.
func underAny(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// diffOutside lists the changed paths between before and after that are
// not under one of the allowed prefixes. The server's own bookkeeping
// (meta.versionId, meta.lastUpdated) is always allowed.
func diffOutside(before, after obj, allowed ...string) []string {
	allowed = append(allowed, "/meta/versionId", "/meta/lastUpdated")
	var out []string
	for _, p := range changedPaths(before, after) {
		if !underAny(p, allowed) {
			out = append(out, p)
		}
	}
	return out
}

func jsonText(v any) string {
	raw, _ := json.MarshalIndent(v, "", "  ")
	return string(raw)
}
