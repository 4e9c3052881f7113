package engine

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// fhirServer is a minimal in-memory FHIR R4 subset on a real loopback HTTP
// server: type search by _lastUpdated ge or gt with _sort and _count (next links
// optional), read, conditional create on identifier, update with If-Match,
// and JSON Patch of top-level elements. It stands in until the reference
// server in central/ serves everything these tests need.
type fhirServer struct {
	mu        sync.Mutex
	res       map[string]map[string]*stored // type -> id -> current
	now       time.Time                     // lastUpdated given to writes
	nextLinks bool
	token     string
	seq       int
	creates   int // POSTs that created something
	// unserved answers a search of these types with the status given
	// (a server without that resource type).
	unserved map[string]int
	// searched lists each search's type and _lastUpdated ("Task ge…",
	// "Task" without one), in the order they came.
	searched []string
}

type stored struct {
	typ, id string
	version int
	lu      time.Time
	body    map[string]any
}

func newFHIRServer() *fhirServer {
	return &fhirServer{res: map[string]map[string]*stored{}, now: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC), token: "tok"}
}

// put stores a resource as the server would (new version, meta set).
func (s *fhirServer) put(r fhir.Resource) *stored {
	b, err := fhir.Encode(r)
	if err != nil {
		panic(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		panic(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.store(m)
}

func (s *fhirServer) store(m map[string]any) *stored {
	typ, _ := m["resourceType"].(string)
	id, _ := m["id"].(string)
	if id == "" {
		s.seq++
		id = fmt.Sprintf("srv-%d", s.seq)
	}
	if s.res[typ] == nil {
		s.res[typ] = map[string]*stored{}
	}
	st := s.res[typ][id]
	if st == nil {
		st = &stored{typ: typ, id: id}
		s.res[typ][id] = st
	}
	st.version++
	st.lu = s.now
	m["id"] = id
	m["meta"] = map[string]any{"versionId": strconv.Itoa(st.version), "lastUpdated": fhir.FormatInstant(st.lu)}
	st.body = m
	return st
}

func (s *fhirServer) count(typ string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.res[typ])
}

// searches returns the searches of typ since the last call (their
// _lastUpdated: "ge…", "gt…" or "") and forgets every search.
func (s *fhirServer) searches(typ string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, q := range s.searched {
		if t, lu, _ := strings.Cut(q, " "); t == typ {
			out = append(out, lu)
		}
	}
	s.searched = nil
	return out
}

func (s *fhirServer) setNow(t time.Time) {
	s.mu.Lock()
	s.now = t
	s.mu.Unlock()
}

func outcome(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/fhir+json")
	w.WriteHeader(status)
	b, _ := json.Marshal(fhir.NewOperationOutcome("error", "processing", msg))
	w.Write(b)
}

func writeRes(w http.ResponseWriter, status int, st *stored) {
	b, _ := json.Marshal(st.body)
	w.Header().Set("Content-Type", "application/fhir+json")
	w.Header().Set("ETag", fmt.Sprintf(`W/"%d"`, st.version))
	w.WriteHeader(status)
	w.Write(b)
}

func (s *fhirServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+s.token {
		outcome(w, http.StatusUnauthorized, "no valid token")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case len(parts) == 1 && r.Method == http.MethodGet && s.unserved[parts[0]] != 0:
		outcome(w, s.unserved[parts[0]], "unknown resource type")
	case len(parts) == 1 && r.Method == http.MethodGet:
		s.search(w, r, parts[0])
	case len(parts) == 1 && r.Method == http.MethodPost:
		s.create(w, r, parts[0])
	case len(parts) == 2 && r.Method == http.MethodGet:
		st := s.res[parts[0]][parts[1]]
		if st == nil {
			outcome(w, http.StatusNotFound, "no such resource")
			return
		}
		writeRes(w, http.StatusOK, st)
	case len(parts) == 2 && (r.Method == http.MethodPut || r.Method == http.MethodPatch):
		s.write(w, r, parts[0], parts[1])
	default:
		outcome(w, http.StatusBadRequest, "not supported")
	}
}

func (s *fhirServer) search(w http.ResponseWriter, r *http.Request, typ string) {
	q := r.URL.Query()
	count := 50
	if c := q.Get("_count"); c != "" {
		count, _ = strconv.Atoi(c)
	}
	var since time.Time
	after := false
	v := q.Get("_lastUpdated")
	s.searched = append(s.searched, strings.TrimSpace(typ+" "+v))
	if v != "" {
		prefix := v[:min(2, len(v))]
		t, err := time.Parse(time.RFC3339Nano, v[len(prefix):])
		if err != nil || (prefix != "ge" && prefix != "gt") {
			outcome(w, http.StatusBadRequest, "bad _lastUpdated")
			return
		}
		since, after = t, prefix == "gt"
	}
	offset, _ := strconv.Atoi(q.Get("_offset"))
	var all []*stored
	for _, st := range s.res[typ] {
		if st.lu.After(since) || (!after && st.lu.Equal(since)) {
			all = append(all, st)
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if !all[i].lu.Equal(all[j].lu) {
			return all[i].lu.Before(all[j].lu)
		}
		return all[i].id < all[j].id
	})
	if offset > len(all) {
		offset = len(all)
	}
	all = all[offset:]
	more := len(all) > count
	if more {
		all = all[:count]
	}
	b := map[string]any{"resourceType": "Bundle", "type": "searchset"}
	var entries []any
	for _, st := range all {
		entries = append(entries, map[string]any{"resource": st.body, "search": map[string]any{"mode": "match"}})
	}
	b["entry"] = entries
	if more && s.nextLinks {
		nq := r.URL.Query()
		nq.Set("_offset", strconv.Itoa(offset+count))
		b["link"] = []any{map[string]any{"relation": "next", "url": "http://" + r.Host + r.URL.Path + "?" + nq.Encode()}}
	}
	w.Header().Set("Content-Type", "application/fhir+json")
	json.NewEncoder(w).Encode(b)
}

func identifierOf(m map[string]any) []string {
	var out []string
	ids, _ := m["identifier"].([]any)
	for _, i := range ids {
		im, _ := i.(map[string]any)
		sys, _ := im["system"].(string)
		val, _ := im["value"].(string)
		out = append(out, sys+"|"+val)
	}
	return out
}

func (s *fhirServer) create(w http.ResponseWriter, r *http.Request, typ string) {
	var m map[string]any
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil || m["resourceType"] != typ {
		outcome(w, http.StatusBadRequest, "bad body")
		return
	}
	if cond := r.Header.Get("If-None-Exist"); cond != "" {
		want := strings.TrimPrefix(cond, "identifier=")
		for _, st := range s.res[typ] {
			for _, id := range identifierOf(st.body) {
				if id == want {
					writeRes(w, http.StatusOK, st)
					return
				}
			}
		}
	}
	delete(m, "id")
	s.creates++
	writeRes(w, http.StatusCreated, s.store(m))
}

func (s *fhirServer) write(w http.ResponseWriter, r *http.Request, typ, id string) {
	st := s.res[typ][id]
	if st == nil {
		outcome(w, http.StatusNotFound, "no such resource")
		return
	}
	if im := r.Header.Get("If-Match"); im != "" && im != fmt.Sprintf(`W/"%d"`, st.version) {
		outcome(w, http.StatusPreconditionFailed, fmt.Sprintf("%s/%s is at version %d", typ, id, st.version))
		return
	}
	body := map[string]any{}
	if r.Method == http.MethodPut {
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			outcome(w, http.StatusBadRequest, "bad body")
			return
		}
	} else {
		var ops []struct {
			Op    string `json:"op"`
			Path  string `json:"path"`
			Value any    `json:"value"`
		}
		if err := json.NewDecoder(r.Body).Decode(&ops); err != nil {
			outcome(w, http.StatusBadRequest, "bad patch")
			return
		}
		for k, v := range st.body {
			body[k] = v
		}
		for _, op := range ops {
			body[strings.TrimPrefix(op.Path, "/")] = op.Value
		}
	}
	body["id"] = id
	writeRes(w, http.StatusOK, s.store(body))
}

// fault is one injected failure for the next matching request.
type fault struct {
	method string // "" any
	kind   string // "500", "429", "429-date", "drop", "truncate", "lost-response", "huge", "garbage"
}

// faulty injects faults in front of a handler: each request takes the
// first queued fault whose method matches.
type faulty struct {
	mu     sync.Mutex
	next   http.Handler
	faults []fault
	now    func() time.Time
}

func (f *faulty) add(fs ...fault) {
	f.mu.Lock()
	f.faults = append(f.faults, fs...)
	f.mu.Unlock()
}

func (f *faulty) pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.faults)
}

func (f *faulty) take(method string) (fault, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, ft := range f.faults {
		if ft.method == "" || ft.method == method {
			f.faults = append(f.faults[:i], f.faults[i+1:]...)
			return ft, true
		}
	}
	return fault{}, false
}

func hijackClose(w http.ResponseWriter, raw []byte) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	if raw != nil {
		buf.Write(raw)
		buf.Flush()
	}
	conn.Close()
}

func (f *faulty) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ft, ok := f.take(r.Method)
	if !ok {
		f.next.ServeHTTP(w, r)
		return
	}
	switch ft.kind {
	case "500":
		outcome(w, http.StatusInternalServerError, "boom")
	case "429":
		w.Header().Set("Retry-After", "7")
		outcome(w, http.StatusTooManyRequests, "slow down")
	case "429-date":
		w.Header().Set("Retry-After", f.now().Add(90*time.Second).UTC().Format(http.TimeFormat))
		outcome(w, http.StatusTooManyRequests, "slow down")
	case "drop":
		hijackClose(w, nil)
	case "truncate", "lost-response":
		rec := httptest.NewRecorder()
		f.next.ServeHTTP(rec, r)
		if ft.kind == "lost-response" {
			hijackClose(w, nil)
			return
		}
		body := rec.Body.Bytes()
		var head bytes.Buffer
		fmt.Fprintf(&head, "HTTP/1.1 %d OK\r\nContent-Type: application/fhir+json\r\nContent-Length: %d\r\n\r\n", rec.Code, len(body))
		head.Write(body[:len(body)/2])
		hijackClose(w, head.Bytes())
	case "huge":
		w.Header().Set("Content-Type", "application/fhir+json")
		bw := bufio.NewWriter(w)
		bw.WriteString(`{"resourceType":"Bundle","type":"searchset","entry":[`)
		for i := 0; i < 200000; i++ {
			bw.WriteString(`{"resource":{"resourceType":"Patient","id":"x"}},`)
		}
		bw.WriteString(`{}]}`)
		bw.Flush()
	case "garbage":
		w.Header().Set("Content-Type", "application/fhir+json")
		w.Write([]byte("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"\xff\xfe\"}}]}"))
	default:
		panic("unknown fault " + ft.kind)
	}
}

// testEnv is a fhirServer behind a fault injector on 127.0.0.1.
type testEnv struct {
	srv    *fhirServer
	faults *faulty
	http   *httptest.Server
}

func newTestEnv(t testing.TB) *testEnv {
	t.Helper()
	s := newFHIRServer()
	f := &faulty{next: s, now: func() time.Time { return s.now }}
	h := httptest.NewServer(f)
	t.Cleanup(h.Close)
	return &testEnv{srv: s, faults: f, http: h}
}
