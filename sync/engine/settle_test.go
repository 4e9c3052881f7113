package engine

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// round runs one round and returns the Observation searches it made.
func (r *rig) observationSearches(t *testing.T) []string {
	t.Helper()
	if _, err := r.eng.Once(ctx); err != nil {
		t.Fatal(err)
	}
	return r.env.srv.searches("Observation")
}

// A round searches from the watermark with ge until a second search from
// it, Settle after the first, has brought nothing new; then past it with
// gt, so an idle clinic's rounds no longer fetch (and have the server log)
// the resources at the watermark again. A resource that shares the
// watermark's lastUpdated and shows up before then is still pulled; one
// updated later is pulled by the gt search, and the next rounds search
// from its watermark with ge again.
func TestPullSearchesPastASettledWatermark(t *testing.T) {
	for _, fetches := range []int{1, 4} {
		t.Run(fmt.Sprintf("fetches=%d", fetches), func(t *testing.T) {
			r := newRig(t, Options{Settle: time.Nanosecond, Fetches: fetches})
			r.seedPatient("p1")
			t0 := r.env.srv.now
			ge0, gt0 := "ge"+fhir.FormatInstant(t0), "gt"+fhir.FormatInstant(t0)
			r.seedObservation("o1", "p1", t0.Add(-time.Hour), 60)

			if got := r.observationSearches(t); !slices.Equal(got, []string{"", ge0}) {
				t.Fatalf("first round searched %q, want a full search and one from its watermark", got)
			}
			// Visible only now, with the very lastUpdated of the watermark:
			// one search from it with nothing new is not enough to pass it.
			r.seedObservation("o2", "p1", t0.Add(-30*time.Minute), 61)
			if got := r.observationSearches(t); !slices.Equal(got, []string{ge0, ge0}) {
				t.Fatalf("second round searched %q, want ge from the watermark (twice: it brought something new)", got)
			}
			if n := r.readings(t, "p1"); n != 2 {
				t.Fatalf("%d readings in the cache, want 2: the one sharing the watermark's lastUpdated was skipped", n)
			}
			for i := range 2 {
				if got := r.observationSearches(t); !slices.Equal(got, []string{gt0}) {
					t.Fatalf("idle round %d searched %q, want only %s", i+1, got, gt0)
				}
			}

			t1 := t0.Add(time.Minute)
			r.env.srv.setNow(t1)
			r.seedObservation("o3", "p1", t1.Add(-time.Minute), 62)
			ge1, gt1 := "ge"+fhir.FormatInstant(t1), "gt"+fhir.FormatInstant(t1)
			if got := r.observationSearches(t); !slices.Equal(got, []string{gt0, ge1}) {
				t.Fatalf("round after an arrival searched %q, want %s then %s", got, gt0, ge1)
			}
			if n := r.readings(t, "p1"); n != 3 {
				t.Fatalf("%d readings in the cache, want 3: the reading after the settled watermark was not pulled", n)
			}
			if got := r.observationSearches(t); !slices.Equal(got, []string{ge1}) {
				t.Fatalf("first round at the new watermark searched %q, want %s", got, ge1)
			}
			if got := r.observationSearches(t); !slices.Equal(got, []string{gt1}) {
				t.Fatalf("second round at the new watermark searched %q, want %s", got, gt1)
			}
		})
	}
}

// With Overlap (a server whose lastUpdated order may differ from its
// commit order), with Settle negative, and before Settle has passed, every
// round searches with ge.
func TestPullKeepsGeWhenNotSettled(t *testing.T) {
	for name, opts := range map[string]Options{
		"overlap":      {Settle: time.Nanosecond, Overlap: time.Second},
		"negative":     {Settle: -1},
		"within":       {Settle: time.Hour},
		"default (5s)": {},
	} {
		t.Run(name, func(t *testing.T) {
			r := newRig(t, opts)
			r.seedPatient("p1")
			r.seedObservation("o1", "p1", r.env.srv.now.Add(-time.Hour), 60)
			r.observationSearches(t)
			for i := range 3 {
				for _, q := range r.observationSearches(t) {
					if len(q) < 2 || q[:2] != "ge" {
						t.Fatalf("round %d searched %q, want ge only", i+2, q)
					}
				}
			}
		})
	}
}
