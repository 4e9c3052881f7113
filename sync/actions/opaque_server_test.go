package actions_test

// opaqueServer is a small FHIR R4 server double that behaves like the
// independent servers the console meets in production and unlike our own
// central: ids and versionIds are UUIDs, it keeps every element it is sent
// (it models nothing), it does no triage, no update-as-create (PUT of an
// unknown id is 404), no JSON Patch (405), If-Match is compared as the
// opaque string it is, and transactions resolve urn:uuid fullUrls. It lets
// the sync tests prove the console makes no assumption of our central's.

import (
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

	"github.com/google/uuid"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

type opaqueServer struct {
	t    *testing.T
	mu   sync.Mutex
	res  map[string]map[string]*opaqueRes // type -> id -> current
	hist map[string][]string              // type/id -> every versionId, oldest first
	lu   time.Time                        // the last lastUpdated given
	url  string
	// requests counts requests by "METHOD Type" (PATCH included).
	requests map[string]int
}

type opaqueRes struct {
	version string
	lu      time.Time
	body    map[string]any
}

func newOpaqueServer(t *testing.T, now time.Time) *opaqueServer {
	s := &opaqueServer{t: t, res: map[string]map[string]*opaqueRes{}, hist: map[string][]string{},
		lu: now.Add(-time.Hour), requests: map[string]int{}}
	h := httptest.NewServer(s)
	t.Cleanup(h.Close)
	s.url = h.URL
	return s
}

// seed stores a resource as given (an id is made when it has none) and
// returns its id.
func (s *opaqueServer) seed(m map[string]any) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.store(m).body["id"].(string)
}

// seedJSON is seed of a value encoded to JSON first, then changed by edit
// (to add what the console does not model).
func (s *opaqueServer) seedJSON(v any, edit func(m map[string]any)) string {
	s.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		s.t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		s.t.Fatal(err)
	}
	delete(m, "meta")
	if edit != nil {
		edit(m)
	}
	return s.seed(m)
}

func (s *opaqueServer) store(m map[string]any) *opaqueRes {
	typ, _ := m["resourceType"].(string)
	id, _ := m["id"].(string)
	if id == "" {
		id = uuid.NewString()
	}
	if s.res[typ] == nil {
		s.res[typ] = map[string]*opaqueRes{}
	}
	s.lu = s.lu.Add(time.Millisecond)
	r := &opaqueRes{version: uuid.NewString(), lu: s.lu, body: m}
	m["id"] = id
	m["meta"] = map[string]any{"versionId": r.version, "lastUpdated": fhir.FormatInstant(r.lu)}
	s.res[typ][id] = r
	s.hist[typ+"/"+id] = append(s.hist[typ+"/"+id], r.version)
	return r
}

// get returns a copy of the current JSON of typ/id (nil when unknown).
func (s *opaqueServer) get(typ, id string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.res[typ][id]
	if r == nil {
		return nil
	}
	b, _ := json.Marshal(r.body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// all returns copies of every current resource of typ.
func (s *opaqueServer) all(typ string) []map[string]any {
	s.mu.Lock()
	ids := make([]string, 0, len(s.res[typ]))
	for id := range s.res[typ] {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	sort.Strings(ids)
	var out []map[string]any
	for _, id := range ids {
		out = append(out, s.get(typ, id))
	}
	return out
}

func (s *opaqueServer) versions(typ, id string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.hist[typ+"/"+id]...)
}

func opaqueOutcome(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/fhir+json")
	w.WriteHeader(status)
	b, _ := json.Marshal(fhir.NewOperationOutcome("error", "processing", msg))
	_, _ = w.Write(b)
}

func opaqueWrite(w http.ResponseWriter, status int, r *opaqueRes) {
	b, _ := json.Marshal(r.body)
	w.Header().Set("Content-Type", "application/fhir+json")
	w.Header().Set("ETag", `W/"`+r.version+`"`)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (s *opaqueServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if parts[0] == "" {
		parts = nil
	}
	if len(parts) > 0 {
		s.requests[r.Method+" "+parts[0]]++
	}
	switch {
	case len(parts) == 0 && r.Method == http.MethodPost:
		s.transaction(w, r)
	case len(parts) == 1 && r.Method == http.MethodGet:
		s.search(w, r, parts[0])
	case len(parts) == 1 && r.Method == http.MethodPost:
		var m map[string]any
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil || m["resourceType"] != parts[0] {
			opaqueOutcome(w, http.StatusBadRequest, "bad body")
			return
		}
		if st := s.existing(parts[0], r.Header.Get("If-None-Exist")); st != nil {
			opaqueWrite(w, http.StatusOK, st)
			return
		}
		delete(m, "id")
		opaqueWrite(w, http.StatusCreated, s.store(m))
	case len(parts) == 2 && r.Method == http.MethodGet:
		st := s.res[parts[0]][parts[1]]
		if st == nil {
			opaqueOutcome(w, http.StatusNotFound, "no such resource")
			return
		}
		opaqueWrite(w, http.StatusOK, st)
	case len(parts) == 2 && r.Method == http.MethodPut:
		var m map[string]any
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			opaqueOutcome(w, http.StatusBadRequest, "bad body")
			return
		}
		st, status, msg := s.update(parts[0], parts[1], r.Header.Get("If-Match"), m)
		if st == nil {
			opaqueOutcome(w, status, msg)
			return
		}
		opaqueWrite(w, http.StatusOK, st)
	case r.Method == http.MethodPatch:
		opaqueOutcome(w, http.StatusMethodNotAllowed, "PATCH is not supported")
	default:
		opaqueOutcome(w, http.StatusBadRequest, "not supported")
	}
}

func (s *opaqueServer) existing(typ, cond string) *opaqueRes {
	if cond == "" {
		return nil
	}
	want := strings.TrimPrefix(cond, "identifier=")
	for _, st := range s.res[typ] {
		ids, _ := st.body["identifier"].([]any)
		for _, i := range ids {
			im, _ := i.(map[string]any)
			if fmt.Sprint(im["system"])+"|"+fmt.Sprint(im["value"]) == want {
				return st
			}
		}
	}
	return nil
}

func (s *opaqueServer) update(typ, id, ifMatch string, m map[string]any) (*opaqueRes, int, string) {
	st := s.res[typ][id]
	switch {
	case st == nil:
		return nil, http.StatusNotFound, "no such resource (this server does not create on PUT)"
	case m["resourceType"] != typ || m["id"] != id:
		return nil, http.StatusBadRequest, "resourceType or id does not match the URL"
	case ifMatch != "" && ifMatch != `W/"`+st.version+`"`:
		return nil, http.StatusPreconditionFailed, "version conflict"
	}
	return s.store(m), 0, ""
}

func (s *opaqueServer) search(w http.ResponseWriter, r *http.Request, typ string) {
	q := r.URL.Query()
	count := 50
	if c := q.Get("_count"); c != "" {
		count, _ = strconv.Atoi(c)
	}
	var since time.Time
	if v := q.Get("_lastUpdated"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, strings.TrimPrefix(v, "ge"))
		if err != nil {
			opaqueOutcome(w, http.StatusBadRequest, "bad _lastUpdated")
			return
		}
		since = t
	}
	var all []*opaqueRes
	for _, st := range s.res[typ] {
		if !st.lu.Before(since) {
			all = append(all, st)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].lu.Before(all[j].lu) })
	if len(all) > count {
		all = all[:count]
	}
	var entries []any
	for _, st := range all {
		entries = append(entries, map[string]any{"resource": st.body, "search": map[string]any{"mode": "match"}})
	}
	w.Header().Set("Content-Type", "application/fhir+json")
	_ = json.NewEncoder(w).Encode(map[string]any{"resourceType": "Bundle", "type": "searchset", "entry": entries})
}

// transaction applies PUT and POST entries all or nothing, resolving
// urn:uuid fullUrls of created resources in every entry's references.
func (s *opaqueServer) transaction(w http.ResponseWriter, r *http.Request) {
	var b struct {
		ResourceType string `json:"resourceType"`
		Type         string `json:"type"`
		Entry        []struct {
			FullURL  string         `json:"fullUrl"`
			Resource map[string]any `json:"resource"`
			Request  struct {
				Method, URL, IfMatch, IfNoneExist string
			} `json:"request"`
		} `json:"entry"`
	}
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil || b.Type != "transaction" {
		opaqueOutcome(w, http.StatusBadRequest, "not a transaction")
		return
	}
	// Check every condition first: all or nothing.
	ids := map[string]string{}
	for _, e := range b.Entry {
		typ, id, _ := strings.Cut(e.Request.URL, "/")
		switch e.Request.Method {
		case http.MethodPut:
			st := s.res[typ][id]
			if st == nil {
				opaqueOutcome(w, http.StatusNotFound, "no such resource")
				return
			}
			if e.Request.IfMatch != "" && e.Request.IfMatch != `W/"`+st.version+`"` {
				opaqueOutcome(w, http.StatusPreconditionFailed, "version conflict in "+e.Request.URL)
				return
			}
		case http.MethodPost:
			if st := s.existing(typ, e.Request.IfNoneExist); st != nil {
				ids[e.FullURL] = typ + "/" + st.body["id"].(string)
			} else {
				ids[e.FullURL] = typ + "/" + uuid.NewString()
			}
		default:
			opaqueOutcome(w, http.StatusBadRequest, "unsupported entry method")
			return
		}
	}
	var out []any
	for _, e := range b.Entry {
		raw, _ := json.Marshal(e.Resource)
		text := string(raw)
		for from, to := range ids {
			if from != "" {
				text = strings.ReplaceAll(text, `"`+from+`"`, `"`+to+`"`)
			}
		}
		var m map[string]any
		_ = json.Unmarshal([]byte(text), &m)
		var st *opaqueRes
		if e.Request.Method == http.MethodPost {
			typ, id, _ := strings.Cut(ids[e.FullURL], "/")
			if cur := s.res[typ][id]; cur != nil {
				st = cur
			} else {
				m["id"] = id
				st = s.store(m)
			}
		} else {
			st = s.store(m)
		}
		out = append(out, map[string]any{"resource": st.body, "response": map[string]any{"status": "200 OK", "etag": `W/"` + st.version + `"`}})
	}
	w.Header().Set("Content-Type", "application/fhir+json")
	_ = json.NewEncoder(w).Encode(map[string]any{"resourceType": "Bundle", "type": "transaction-response", "entry": out})
}
