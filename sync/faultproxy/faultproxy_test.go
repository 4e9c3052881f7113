package faultproxy

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// backend answers every request with a fixed JSON body and counts them.
func backend(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/fhir+json")
		io.WriteString(w, `{"resourceType":"Bundle","type":"searchset","entry":[]}`)
	}))
	t.Cleanup(s.Close)
	return s, &n
}

func proxyFor(t *testing.T, target string, opts Options) (*Proxy, *httptest.Server) {
	p, err := New(target, opts)
	if err != nil {
		t.Fatal(err)
	}
	s := httptest.NewServer(p)
	t.Cleanup(s.Close)
	return p, s
}

func TestEachFault(t *testing.T) {
	be, hits := backend(t)
	for _, tc := range []struct {
		kind      Kind
		reached   bool // the backend saw the request
		status    int  // expected status, 0 for a transport/body error
		bodyError bool // reading the body fails
	}{
		{Refuse, false, 0, false},
		{Fail500, false, 500, false},
		{TooMany, false, 429, false},
		{Fail500After, true, 500, false},
		{Cut, true, 200, true},
		{Truncate, true, 200, false},
		{Slow, true, 0, false},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			kind := tc.kind
			p, s := proxyFor(t, be.URL, Options{Choose: func(*http.Request) Kind { return kind }, MaxFaults: 1, Delay: 5 * time.Second})
			before := hits.Load()
			hc := &http.Client{Timeout: 300 * time.Millisecond, Transport: &http.Transport{DisableKeepAlives: true}}
			res, err := hc.Post(s.URL+"/Task", "application/json", strings.NewReader("{}"))
			var body []byte
			var berr error
			if err == nil {
				body, berr = io.ReadAll(res.Body)
				res.Body.Close()
			}
			if reached := hits.Load() > before; reached != tc.reached {
				t.Errorf("backend reached = %v, want %v", reached, tc.reached)
			}
			switch {
			case tc.status == 0:
				if err == nil {
					t.Errorf("request succeeded with %d", res.StatusCode)
				}
			case err != nil:
				t.Fatalf("request failed: %v", err)
			case res.StatusCode != tc.status:
				t.Errorf("status %d, want %d", res.StatusCode, tc.status)
			case tc.bodyError != (berr != nil):
				t.Errorf("body error %v, want error %v", berr, tc.bodyError)
			}
			if tc.kind == TooMany && (err != nil || res.Header.Get("Retry-After") != "1") {
				t.Errorf("429 without Retry-After: 1")
			}
			if tc.kind == Truncate && err == nil && (len(body) == 0 || strings.HasSuffix(string(body), "}")) {
				t.Errorf("truncated body %q", body)
			}
			if st := p.Stats(); st.Faults[tc.kind] != 1 || st.FaultsByMethod["POST"] != 1 {
				t.Errorf("stats %+v", st)
			}
			// The budget of one is spent: the next request passes.
			res, err = hc.Post(s.URL+"/Task", "application/json", strings.NewReader("{}"))
			if err != nil || res.StatusCode != 200 {
				t.Fatalf("after the budget: %v", err)
			}
			res.Body.Close()
		})
	}
}

func TestSeededRateIsRepeatableAndStall(t *testing.T) {
	be, _ := backend(t)
	run := func() map[Kind]int {
		p, s := proxyFor(t, be.URL, Options{Seed: 9, Rate: 0.5, Kinds: []Kind{Fail500, TooMany}})
		for i := 0; i < 40; i++ {
			res, err := http.Get(s.URL + "/Observation")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
		}
		return p.Stats().Faults
	}
	a, b := run(), run()
	if a[Fail500] != b[Fail500] || a[TooMany] != b[TooMany] || a[Fail500]+a[TooMany] == 0 {
		t.Errorf("same seed, different faults: %v vs %v", a, b)
	}

	p, s := proxyFor(t, be.URL, Options{})
	p.Stall(BeforeServer, nil)
	done := make(chan int, 1)
	go func() {
		res, err := http.Get(s.URL + "/Patient")
		if err != nil {
			done <- 0
			return
		}
		res.Body.Close()
		done <- res.StatusCode
	}()
	select {
	case got := <-p.Stalled():
		if got != "GET /Patient" {
			t.Errorf("stalled %q", got)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("request not stalled")
	}
	p.Release()
	if code := <-done; code != 200 {
		t.Errorf("released request: %d", code)
	}
}
