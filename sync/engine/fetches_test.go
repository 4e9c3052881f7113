package engine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// searchGate holds every type search at the server until want of them
// are in flight together, and counts the most it saw at once. Should
// they never be that many, the first one held gives up at its deadline
// and from then on none is held (the round then ends, and the test fails
// on the count, instead of hanging).
type searchGate struct {
	next     http.Handler
	want     int
	deadline time.Duration

	mu       sync.Mutex
	cond     *sync.Cond
	now      int
	most     int
	searches int
	open     bool
}

func newSearchGate(want int, deadline time.Duration) *searchGate {
	g := &searchGate{want: want, deadline: deadline}
	g.cond = sync.NewCond(&g.mu)
	return g
}

func (g *searchGate) wrap(next http.Handler) http.Handler {
	g.next = next
	return g
}

func (g *searchGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// A type search: GET /Type?query.
	if r.Method != http.MethodGet || strings.Contains(strings.Trim(r.URL.Path, "/"), "/") {
		g.next.ServeHTTP(w, r)
		return
	}
	g.mu.Lock()
	g.searches++
	g.now++
	g.most = max(g.most, g.now)
	g.cond.Broadcast()
	timer := time.AfterFunc(g.deadline, func() {
		g.mu.Lock()
		g.open = true
		g.cond.Broadcast()
		g.mu.Unlock()
	})
	for !g.open && g.now < g.want {
		g.cond.Wait()
	}
	if !g.open {
		// want searches came together: let them all through.
		g.open = true
		g.cond.Broadcast()
	}
	g.mu.Unlock()
	timer.Stop()
	g.next.ServeHTTP(w, r)
	g.mu.Lock()
	g.now--
	g.mu.Unlock()
}

// A round's searches of the different types are in flight together, at
// most Options.Fetches of them, and what they bring is stored as when the
// types are asked one after the other.
func TestRoundSearchesInFlightTogether(t *testing.T) {
	const fetches = 3
	g := newSearchGate(fetches, 10*time.Second)
	r := newRigBehind(t, Options{Fetches: fetches}, g.wrap)
	r.seedPatient("p1")
	for i := range 5 {
		r.seedObservation(fmt.Sprintf("o%d", i), "p1", r.env.srv.now.Add(-time.Duration(i)*time.Minute), 70)
	}
	rep, err := r.eng.Once(ctx)
	if err != nil {
		t.Fatal(err)
	}
	g.mu.Lock()
	most, searches := g.most, g.searches
	g.mu.Unlock()
	if most != fetches {
		t.Errorf("at most %d searches were in flight together, want %d (Options.Fetches)", most, fetches)
	}
	if searches < len(DefaultTypes) {
		t.Errorf("%d searches, want at least one per type (%d)", searches, len(DefaultTypes))
	}
	if got := r.readings(t, "p1"); got != 5 {
		t.Errorf("readings = %d, want 5", got)
	}
	if rep.Pulled["Patient"] != 1 || rep.Pulled["Observation"] != 5 || rep.Parked != 0 {
		t.Errorf("report %+v, want the patient and its 5 readings stored, nothing parked", rep)
	}
}

// holdUntil holds the first search of hold at the server until a second
// search of until has arrived (or the deadline passes), and records
// whether it did.
type holdUntil struct {
	next        http.Handler
	hold, until string
	deadline    time.Duration

	mu      sync.Mutex
	armed   bool // nothing is counted or held before
	seen    int  // searches of until since armed
	held    bool // the search of hold has been held
	waited  bool // and was let go at the deadline, not by the arrival
	arrived chan struct{}
}

func (h *holdUntil) wrap(next http.Handler) http.Handler {
	h.next = next
	return h
}

func (h *holdUntil) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.Trim(r.URL.Path, "/")
	h.mu.Lock()
	armed := h.armed
	h.mu.Unlock()
	if !armed {
		h.next.ServeHTTP(w, r)
		return
	}
	if r.Method == http.MethodGet && path == h.until {
		h.mu.Lock()
		h.seen++
		if h.seen == 2 {
			close(h.arrived)
		}
		h.mu.Unlock()
	}
	if r.Method == http.MethodGet && path == h.hold {
		h.mu.Lock()
		first := !h.held
		h.held = true
		h.mu.Unlock()
		if first {
			select {
			case <-h.arrived:
			case <-time.After(h.deadline):
				h.mu.Lock()
				h.waited = true
				h.mu.Unlock()
			}
		}
	}
	h.next.ServeHTTP(w, r)
}

// A type's page that brings new resources is searched again from its
// greatest lastUpdated; that search is asked as soon as the page is
// decoded, not after it is stored: here while the round still waits for
// an earlier type (Patient, held at the server until the second
// Observation search has arrived), so the page cannot have been stored.
// The second search finds the resources at the new watermark again, known.
func TestFollowUpSearchAskedBeforeThePageIsStored(t *testing.T) {
	h := &holdUntil{hold: "Patient", until: "Observation", deadline: 10 * time.Second, arrived: make(chan struct{})}
	r := newRigBehind(t, Options{}, h.wrap)
	r.seedPatient("p1")
	if _, err := r.eng.Once(ctx); err != nil {
		t.Fatal(err)
	}
	r.env.srv.mu.Lock()
	r.env.srv.now = r.env.srv.now.Add(time.Hour)
	r.env.srv.mu.Unlock()
	for i := range 3 {
		r.seedObservation(fmt.Sprintf("o%d", i), "p1", r.env.srv.now.Add(-time.Duration(i)*time.Minute), 70)
	}
	h.mu.Lock()
	h.armed = true
	h.mu.Unlock()
	rep, err := r.eng.Once(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	held, waited := h.held, h.waited
	h.mu.Unlock()
	if !held || waited {
		t.Fatal("the second Observation search did not come while the Patient search was held")
	}
	if got := r.readings(t, "p1"); got != 3 {
		t.Errorf("readings = %d, want 3", got)
	}
	if rep.Pulled["Observation"] != 3 || rep.Known < 3 {
		t.Errorf("report %+v, want 3 readings stored and the second search's known", rep)
	}
	wm, err := r.store.Watermark(ctx, "Observation")
	if err != nil {
		t.Fatal(err)
	}
	if !wm.Equal(r.env.srv.now) {
		t.Errorf("Observation watermark %v, want %v", wm, r.env.srv.now)
	}
}

// A round cancelled while its searches are in flight together (held at
// the server) ends at once with context.Canceled, stores nothing and
// leaves the connection state as it was.
func TestRoundCancelledWithSearchesInFlight(t *testing.T) {
	g := newSearchGate(len(DefaultTypes)+1, time.Hour) // never enough: held until the test ends
	r := newRigBehind(t, Options{Fetches: 4}, g.wrap)
	t.Cleanup(func() {
		g.mu.Lock()
		g.open = true
		g.cond.Broadcast()
		g.mu.Unlock()
	})
	r.seedPatient("p1")
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { _, err := r.eng.Once(cctx); done <- err }()
	// Wait until 4 searches are held (up to a deadline).
	wake := time.AfterFunc(30*time.Second, func() { g.mu.Lock(); g.cond.Broadcast(); g.mu.Unlock() })
	defer wake.Stop()
	deadline := time.Now().Add(30 * time.Second)
	g.mu.Lock()
	for g.now < 4 && time.Now().Before(deadline) {
		g.cond.Wait()
	}
	held := g.now
	g.mu.Unlock()
	if held < 4 {
		t.Fatalf("%d searches in flight, want 4", held)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Once returned %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Once did not return after its context was cancelled")
	}
	if st := r.eng.Status(); st.State != StateUnknown || st.Syncing {
		t.Errorf("status %+v, want the state as before the round (unknown), not syncing", st)
	}
	wms, err := r.store.Watermarks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for typ, wm := range wms {
		if !wm.IsZero() {
			t.Errorf("watermark of %s moved to %v by a cancelled round", typ, wm)
		}
	}
	if ids, err := r.store.PatientIDs(ctx); err != nil || len(ids) != 0 {
		t.Errorf("patients %v (%v), want none stored", ids, err)
	}
}
