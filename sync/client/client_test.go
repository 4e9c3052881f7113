package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

func serve(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	c, err := New(Options{BaseURL: s.URL + "/fhir", Token: "tok", MaxBodyBytes: 64 << 10,
		Clock: func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func respond(status int, body string, hdr ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.WriteHeader(status)
		w.Write([]byte(body))
	}
}

func TestHostileAndMalformedResponses(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		h    http.HandlerFunc
		want error
	}{
		{"wrong element type", respond(200, `{"resourceType":"Bundle","type":"searchset","entry":{"x":1}}`), ErrMalformed},
		{"not a bundle", respond(200, `{"resourceType":"Patient","id":"p"}`), ErrMalformed},
		{"invalid UTF-8", respond(200, "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"id\":\"\xff\"}"), ErrMalformed},
		{"truncated JSON", respond(200, `{"resourceType":"Bundle","type":"sea`), ErrMalformed},
		{"trailing data", respond(200, `{"resourceType":"Bundle","type":"searchset"} {}`), ErrMalformed},
		{"entry not an object", respond(200, `{"resourceType":"Bundle","type":"searchset","entry":[{"resource":[1]}]}`), ErrMalformed},
		{"huge body", respond(200, `{"resourceType":"Bundle","type":"searchset","x":"`+strings.Repeat("a", 100<<10)+`"}`), ErrTooLarge},
		{"401", respond(401, `{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"login"}]}`), ErrUnauthorized},
		{"404", respond(404, ``), ErrNotFound},
		{"400 is permanent", respond(400, `nonsense`), ErrBadRequest},
	}
	c := (*Client)(nil)
	for _, tc := range cases {
		c = serve(t, tc.h)
		// A page asked for raw is checked as much as a decoded one.
		for _, search := range []func(context.Context, string, time.Time, int, url.Values) (*Page, error){c.SearchSince, c.SearchSinceRaw} {
			_, err := search(ctx, "Observation", time.Time{}, 10, nil)
			if !errors.Is(err, tc.want) {
				t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
			}
			if IsRetryable(err) {
				t.Errorf("%s: classed retryable: %v", tc.name, err)
			}
		}
	}
}

// A page asked for raw holds the same resources, the same next link and
// total, and nothing decoded.
func TestRawPageIsThePageUndecoded(t *testing.T) {
	ctx := context.Background()
	var queries []string
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		queries = append(queries, r.URL.RawQuery)
		w.Write([]byte(`{"resourceType":"Bundle","type":"searchset","total":3,"link":[{"relation":"next","url":"` +
			"http://" + r.Host + `/fhir/Patient?_cursor=b"}],"entry":[` +
			`{"resource":{"resourceType":"Patient","id":"p1","meta":{"versionId":"1","lastUpdated":"2026-03-01T00:00:00Z"}}},` +
			`{"resource":{"resourceType":"Patient","id":"p2"},"search":{"mode":"include"}},` +
			`{"resource":{"resourceType":"Patient","id":"bad id"}}]}`))
	})
	since := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	extra := url.Values{"_elements": {"id"}}
	want, err := c.SearchSince(ctx, "Patient", since, 5, extra)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.SearchSinceRaw(ctx, "Patient", since, 5, extra)
	if err != nil {
		t.Fatal(err)
	}
	next, err := c.NextRaw(ctx, want.Next)
	if err != nil {
		t.Fatal(err)
	}
	if len(queries) != 3 || queries[0] != queries[1] {
		t.Fatalf("queries %q: want the raw search to ask what SearchSince asks", queries)
	}
	for _, p := range []*Page{got, next} {
		if len(p.Resources) != 2 || len(want.Resources) != 2 || string(p.Resources[1]) != string(want.Resources[1]) ||
			p.Next != want.Next || p.Total == nil || *p.Total != 3 {
			t.Errorf("raw page %+v, want the resources, next link and total of %+v", p, want)
		}
		if p.Decoded != nil || p.DecodeErrs != nil {
			t.Errorf("raw page decoded: %v %v", p.Decoded, p.DecodeErrs)
		}
	}
	if want.Decoded[0] == nil || want.DecodeErrs[1] == nil {
		t.Errorf("decoded page: %v, %v; want the first decoded and the second refused", want.Decoded, want.DecodeErrs)
	}
}

func TestOutcomeTextIsSanitised(t *testing.T) {
	body := "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"x\",\"diagnostics\":\"bad \\u001b[31mred\\u001b[0m\\nline \\u202e" + strings.Repeat("z", 1000) + "\"}]}"
	c := serve(t, respond(500, body))
	_, err := c.Read(context.Background(), "Patient", "p1")
	var e *Error
	if !errors.As(err, &e) || !IsRetryable(err) || e.Status != 500 {
		t.Fatalf("err = %#v", err)
	}
	if strings.ContainsAny(e.Outcome, "\x1b\n\u202e") || !strings.HasPrefix(e.Outcome, "bad [31mred [0m line") || len([]rune(e.Outcome)) > maxOutcomeRunes+1 {
		t.Errorf("outcome not sanitised: %q", e.Outcome)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"7": 7 * time.Second, "0": 0, "-3": 0, "soon": 0, "": 0, "99999999": maxRetryAfter,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		now.Add(-time.Hour).Format(http.TimeFormat):       0,
	} {
		if got := parseRetryAfter(v, now); got != want {
			t.Errorf("Retry-After %q = %v, want %v", v, got, want)
		}
	}
	c := serve(t, respond(429, ``, "Retry-After", "12"))
	_, err := c.Read(context.Background(), "Task", "t1")
	if d, ok := RetryAfter(err); !ok || d != 12*time.Second || !IsRetryable(err) {
		t.Errorf("429: %v %v %v", d, ok, err)
	}
}

func TestConditionalCreateAndIfMatchHeaders(t *testing.T) {
	var got http.Header
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		switch r.Method {
		case http.MethodPost:
			w.WriteHeader(201)
			w.Write([]byte(`{"resourceType":"Communication","id":"c1","status":"completed","meta":{"versionId":"1","lastUpdated":"2026-03-02T09:00:00.000Z"}}`))
		case http.MethodPatch:
			w.WriteHeader(412)
			w.Write([]byte(`{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"conflict","diagnostics":"at version 3"}]}`))
		case http.MethodGet:
			w.Header().Set("ETag", `W/"3"`)
			w.Write([]byte(`{"resourceType":"Task","id":"t1","status":"completed","intent":"order"}`))
		}
	})
	ctx := context.Background()
	resp, err := c.Create(ctx, "Communication", []byte(`{"resourceType":"Communication","status":"completed"}`), fhir.ClientIdentifierCondition("0b6f1c1e-1111-4aaa-8bbb-123456789abc"))
	if err != nil || resp.ID != "c1" || resp.VersionID != "1" || resp.Status != 201 {
		t.Fatalf("create: %+v %v", resp, err)
	}
	if got.Get("If-None-Exist") != "identifier=urn:ietf:rfc:3986|urn:uuid:0b6f1c1e-1111-4aaa-8bbb-123456789abc" || got.Get("Authorization") != "Bearer tok" {
		t.Errorf("create headers: %v", got)
	}
	_, err = c.Patch(ctx, "Task", "t1", []byte(`[{"op":"replace","path":"/status","value":"completed"}]`), "2")
	if got.Get("If-Match") != "" && got.Get("If-Match") != `W/"2"` {
		t.Errorf("If-Match = %q", got.Get("If-Match"))
	}
	var e *Error
	if !errors.Is(err, ErrConflict) || !errors.As(err, &e) || e.Current == nil || e.Current.VersionID != "3" {
		t.Fatalf("412: %v (current %+v)", err, e)
	}
	if _, ok := e.Current.Resource.(*fhir.Task); !ok {
		t.Errorf("current is %T", e.Current.Resource)
	}
}

func TestNextLinkMustStayOnTheServer(t *testing.T) {
	c := serve(t, respond(200, `{"resourceType":"Bundle","type":"searchset"}`))
	for _, next := range []string{"http://evil.example/fhir/Observation?x=1", "/other/Observation", "ftp://x"} {
		if _, err := c.Next(context.Background(), next); !errors.Is(err, ErrMalformed) {
			t.Errorf("next %q: %v, want refused", next, err)
		}
	}
	for _, next := range []string{"http://evil.example/fhir/Observation?x=1", "/other/Observation", "ftp://x"} {
		if _, err := c.NextRaw(context.Background(), next); !errors.Is(err, ErrMalformed) {
			t.Errorf("raw next %q: %v, want refused", next, err)
		}
	}
	if _, err := c.Next(context.Background(), c.BaseURL()+"/Observation?_cursor=a"); err != nil {
		t.Errorf("same-server next link refused: %v", err)
	}
}

func TestNewChecksOptions(t *testing.T) {
	for _, o := range []Options{{}, {BaseURL: "ftp://x"}, {BaseURL: "http://x?y=1"}, {BaseURL: "http://x", Token: "a\nb"},
		{BaseURL: "https://x", CAFile: "/nonexistent"}} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
}
