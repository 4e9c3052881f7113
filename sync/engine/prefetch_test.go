package engine

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestPrefetchNeverFetchesPastThePageCap: the next page is fetched while
// one is applied, but the page cap still holds: with a cap of 2 pages and
// 4 pages of Observations, the round asks the server for 2 pages of
// Observations, stores both, and leaves the rest for the next round. (A
// fetch started past the cap would be cancelled at once, so it may or may
// not reach the server: this test cannot see one, only what is stored.)
func TestPrefetchNeverFetchesPastThePageCap(t *testing.T) {
	r := newRig(t, Options{PageSize: 30, MaxPagesPerType: 2})
	r.env.srv.nextLinks = true
	r.seedPatient("p1")
	for i := 0; i < 100; i++ {
		r.seedObservation(fmt.Sprintf("o%03d", i), "p1", r.env.srv.now.Add(-time.Duration(i)*time.Minute), 70)
	}
	var mu sync.Mutex
	obsGets := 0
	next := r.env.faults.next
	r.env.faults.next = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodGet && strings.HasPrefix(req.URL.Path, "/Observation") {
			mu.Lock()
			obsGets++
			mu.Unlock()
		}
		next.ServeHTTP(w, req)
	})
	_, err := r.eng.Once(ctx)
	if err == nil || !strings.Contains(err.Error(), "more than 2 pages") {
		t.Fatalf("round error = %v, want the page cap", err)
	}
	mu.Lock()
	got := obsGets
	mu.Unlock()
	if got != 2 {
		t.Errorf("%d Observation pages fetched, want 2 (the cap)", got)
	}
	if n := r.readings(t, "p1"); n != 60 {
		t.Errorf("readings = %d, want the 60 of the two pages fetched", n)
	}
}
