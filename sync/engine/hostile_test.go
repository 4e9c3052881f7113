package engine_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
)

// assertDisplaySafe checks s has no control, format or bidi characters
// (newlines allowed when multiline) and is valid UTF-8.
func assertDisplaySafe(t testing.TB, what, s string, multiline bool) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s is not valid UTF-8: %q", what, s)
	}
	for _, r := range s {
		if r == '\n' && multiline {
			continue
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			t.Errorf("%s shows control/format character %U: %q", what, r, s)
			return
		}
	}
}

// hostile wraps the central: while mode is set, GET searches of
// Observation (and, for "bad-create", Communication creates) get a hostile
// answer instead of the server's.
type hostile struct {
	mode    atomic.Value // string
	foreign string       // base URL of another host, for next links
	mu      sync.Mutex
	hits    int
}

func (h *hostile) set(m string) { h.mode.Store(m) }

func (h *hostile) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mode, _ := h.mode.Load().(string)
		search := r.Method == http.MethodGet && r.URL.Path == "/Observation"
		create := r.Method == http.MethodPost && r.URL.Path == "/Communication"
		if mode == "" || (!search && !(create && mode == "bad-create")) || (mode == "bad-create" && !create) {
			next.ServeHTTP(w, r)
			return
		}
		h.mu.Lock()
		h.hits++
		h.mu.Unlock()
		w.Header().Set("Content-Type", "application/fhir+json")
		switch mode {
		case "not-a-bundle":
			fmt.Fprint(w, `{"resourceType":"Patient","id":"x","name":[{"text":"\u001b[2JX"}]}`)
		case "entry-not-array":
			fmt.Fprint(w, `{"resourceType":"Bundle","type":"searchset","entry":"\u001b]0;x\u0007"}`)
		case "json-array":
			fmt.Fprint(w, `[1,2,3]`)
		case "html":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html><body>\x1b[31mProxy error</body></html>")
		case "empty":
		case "invalid-utf8":
			fmt.Fprint(w, "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"u\",\"status\":\"final\xff\xfe\"}}]}")
		case "deep":
			fmt.Fprint(w, `{"resourceType":"Bundle","type":"searchset","x":`+strings.Repeat("[", 200000)+strings.Repeat("]", 200000)+`}`)
		case "huge":
			// Far beyond the client's limit, streamed.
			fmt.Fprint(w, `{"resourceType":"Bundle","type":"searchset","entry":[],"pad":"`)
			chunk := strings.Repeat("A", 64<<10)
			for i := 0; i < 1024; i++ {
				if _, err := fmt.Fprint(w, chunk); err != nil {
					return
				}
			}
			fmt.Fprint(w, `"}`)
		case "outcome-400":
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid","diagnostics":"bad \u001b]0;owned\u0007\u001b[2J request `+strings.Repeat("x", 5000)+`"}]}`)
		case "foreign-next":
			fmt.Fprintf(w, `{"resourceType":"Bundle","type":"searchset","link":[{"relation":"next","url":%q}],"entry":[]}`, h.foreign+"/Observation?steal=1")
		case "no-identity":
			// Entries of the wrong shape with no usable id or lastUpdated:
			// parked, and the pull must still settle.
			fmt.Fprint(w, `{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Observation","id":5,"meta":{"lastUpdated":7},"status":["final"]}},{"resource":{"resourceType":"Observation","valueQuantity":{"value":"high"}}}]}`)
		case "bad-create":
			w.WriteHeader(http.StatusCreated)
			fmt.Fprint(w, `{"resourceType":"Patient","id":"not-what-was-sent"}`)
		default:
			http.Error(w, "unknown mode", http.StatusInternalServerError)
		}
	})
}

// TestHostileServerResponses: answers of the wrong type or shape, huge,
// invalid UTF-8, with escape sequences in errors, with a next link to
// another host: each round ends with a clear, display-safe error (or parks
// what it cannot use), never a panic or a hang; what was in the cache
// stays; the round after the server behaves again completes.
func TestHostileServerResponses(t *testing.T) {
	var foreignHits atomic.Int32
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		foreignHits.Add(1)
		if r.Header.Get("Authorization") != "" {
			t.Errorf("the bearer token was sent to another host")
		}
	}))
	t.Cleanup(foreign.Close)
	h := &hostile{foreign: foreign.URL}
	dir := t.TempDir()
	c := startCentral(t, dir+"/central.db", "", h.wrap)
	seedClinic(t, c.store, 3, 3, time.Now())
	con := newConsole(t, c.url(), tokNurseA, engine.Options{MaxPagesPerType: 200}, client.Options{MaxBodyBytes: 1 << 20, Timeout: 20 * time.Second})
	mustOnce(t, con)
	base, _ := cacheVersions(t, con.path, engine.DefaultTypes)
	nObs := len(base["Observation"])

	cases := []struct {
		mode string
		want error // nil: any error; errOK: the round may succeed
	}{
		{"not-a-bundle", client.ErrMalformed},
		{"entry-not-array", client.ErrMalformed},
		{"json-array", client.ErrMalformed},
		{"html", client.ErrMalformed},
		{"empty", client.ErrMalformed},
		{"invalid-utf8", client.ErrMalformed},
		{"deep", client.ErrMalformed},
		{"huge", client.ErrTooLarge},
		{"outcome-400", client.ErrBadRequest},
		{"foreign-next", client.ErrMalformed},
		{"no-identity", errOK},
	}
	for _, tc := range cases {
		t.Run(tc.mode, func(t *testing.T) {
			h.set(tc.mode)
			defer h.set("")
			con.clock.Add(time.Minute)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			_, err := con.eng.Once(ctx)
			if ctx.Err() != nil {
				t.Fatalf("the round did not settle: %v", err)
			}
			switch {
			case tc.want == errOK:
			case err == nil:
				t.Fatalf("the round succeeded on a hostile answer")
			case !errors.Is(err, tc.want):
				t.Errorf("error %q, want %v", err, tc.want)
			}
			if err != nil {
				msg := err.Error()
				assertDisplaySafe(t, "error", msg, false)
				if len(msg) > 2000 {
					t.Errorf("error text is %d bytes long", len(msg))
				}
				t.Logf("error: %s", msg)
			}
			assertDisplaySafe(t, "status error", con.eng.Status().LastError, false)
			if tc.mode == "no-identity" {
				// Parked once, then known: the same damaged answer again is
				// nothing new and the pull settles on the first page.
				if err != nil {
					t.Errorf("round with damaged entries: %v, want them parked", err)
				}
				if st := con.eng.Status(); st.Parked != 2 {
					t.Errorf("parked = %d, want 2", st.Parked)
				}
				rep, err := con.eng.Once(ctx)
				if err != nil || rep.Parked != 0 || rep.Pages > len(engine.DefaultTypes)+1 {
					t.Errorf("second round on the same damaged answer: %+v, %v", rep, err)
				}
			}
			now, _ := cacheVersions(t, con.path, engine.DefaultTypes)
			if len(now["Observation"]) != nObs {
				t.Errorf("observations in the cache: %d, before %d", len(now["Observation"]), nObs)
			}
		})
	}
	if foreignHits.Load() != 0 {
		t.Errorf("the engine followed a next link to another host %d times", foreignHits.Load())
	}

	// A create answered with another resource type: the entry is kept and
	// sent again; once the server behaves it is there exactly once.
	pid := firstPatient(t, con)
	h.set("bad-create")
	u := enqueueMessage(t, con.store, pid, "svar")
	if _, err := con.eng.Once(context.Background()); err == nil {
		t.Errorf("a create answered with a Patient was taken as done")
	}
	if n, _ := con.store.OutboxCounts(context.Background()); n.Pending != 1 {
		t.Errorf("outbox after a bad create answer: %+v", n)
	}
	h.set("")
	con.clock.Add(time.Hour)
	mustOnce(t, con)
	if n := serverCountByIdentifier(t, c.url(), tokNurseA, "Communication", u); n != 1 {
		t.Errorf("message on the server %d times, want 1", n)
	}
	// The two damaged entries of "no-identity" are kept parked, never lost.
	assertCacheEqualsServerParked(t, con, c.url(), tokNurseA, 2)
}

var errOK = errors.New("round may succeed")
