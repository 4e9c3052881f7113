package engine_test

import (
	"context"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
)

// liveCentral is the real central behind a handler that, while on, has a
// patient send a new reading just before each incremental Observation
// search is answered: every search finds something new, as during a burst
// of arrivals that lasts longer than a round.
type liveCentral struct {
	*centralEnv
	on       atomic.Bool
	searches atomic.Int64 // incremental Observation searches answered
	sent     atomic.Int64 // readings sent by the stream
}

func newLiveCentral(t *testing.T) (*liveCentral, string) {
	t.Helper()
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "central.db")
	seed, err := central.OpenStore(ctx, dbPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	pids := seedClinicIDs(t, seed, 3, 2, time.Now().Add(-time.Hour))
	if err := seed.Close(); err != nil {
		t.Fatal(err)
	}
	lc := &liveCentral{}
	lc.centralEnv = startCentral(t, dbPath, "", func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && r.URL.Path == "/Observation" && r.URL.Query().Has("_lastUpdated") {
				lc.searches.Add(1)
				if lc.on.Load() {
					m := domain.Measurement{PatientID: pids[0], Kind: domain.KindPulse,
						Value: float64(60 + lc.sent.Load()%30), Taken: time.Now().Add(-time.Minute)}
					if _, err := lc.srv.Submit(r.Context(), m); err != nil {
						t.Errorf("the stream's reading: %v", err)
					}
					lc.sent.Add(1)
				}
			}
			h.ServeHTTP(w, r)
		})
	})
	return lc, pids[0]
}

// TestRoundLeavesALiveStreamToTheNextRound: when every search of a type
// finds something new again, a round stops chasing after the second search
// in a row that brought something on a page the server did not fill. It
// ends without error and says More; the next round goes on from the
// watermark, and once the stream stops the cache equals the central.
// Before, a round read on until the stream ended or MaxPagesPerType ended
// the round with an error, keeping the nurse's screen waiting meanwhile.
func TestRoundLeavesALiveStreamToTheNextRound(t *testing.T) {
	lc, _ := newLiveCentral(t)
	con := newConsole(t, lc.url(), tokNurseA, engine.Options{MaxPagesPerType: 40}, client.Options{})
	if rep := mustOnce(t, con); rep.More {
		t.Fatalf("the first sync says More with nothing arriving: %+v", rep)
	}

	lc.on.Store(true)
	for round := 1; round <= 3; round++ {
		before := lc.searches.Load()
		rep, err := con.eng.Once(context.Background())
		if err != nil {
			t.Fatalf("round %d during the stream: %v", round, err)
		}
		if !rep.More {
			t.Errorf("round %d during the stream: More is false; every search found something new", round)
		}
		// The first search and one more from its new bound (the one
		// fetched ahead may be a third, dropped or used).
		if n := lc.searches.Load() - before; n > 3 {
			t.Errorf("round %d asked %d Observation searches during the stream, want at most 3", round, n)
		}
		if rep.Pulled["Observation"] == 0 {
			t.Errorf("round %d during the stream pulled no Observation", round)
		}
	}
	lc.on.Store(false)
	rep := mustOnce(t, con)
	if rep.More {
		t.Errorf("the round after the stream says More: %+v", rep)
	}
	if lc.sent.Load() == 0 {
		t.Fatal("the stream sent nothing")
	}
	assertCacheEqualsServer(t, con, lc.url(), tokNurseA)
}

// TestRunStartsTheNextRoundSoonWhileResourcesArrive: Run does not wait
// its interval (an hour here) after a round that left arriving resources
// to the next, but its BurstInterval; it runs rounds until one finds the
// type caught up.
func TestRunStartsTheNextRoundSoonWhileResourcesArrive(t *testing.T) {
	lc, _ := newLiveCentral(t)
	con := newConsole(t, lc.url(), tokNurseA, engine.Options{Interval: time.Hour, BurstInterval: 10 * time.Millisecond}, client.Options{})
	mustOnce(t, con)

	// The stream sends a reading before each of the next 8 searches.
	lc.on.Store(true)
	limit := lc.searches.Load() + 8
	type result struct {
		rep engine.Report
		err error
	}
	results := make(chan result, 100)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = con.eng.Run(ctx, 0, func(rep engine.Report, err error) {
			if lc.searches.Load() >= limit {
				lc.on.Store(false)
			}
			results <- result{rep, err}
		})
	}()
	rounds := 0
	deadline := time.After(2 * time.Minute) // a failure, not a timing target
	for caughtUp := false; !caughtUp; {
		select {
		case r := <-results:
			rounds++
			if r.err != nil {
				t.Fatalf("round %d: %v", rounds, r.err)
			}
			caughtUp = !r.rep.More && !lc.on.Load()
		case <-deadline:
			t.Fatalf("after %d rounds Run had not caught up; it waits its interval after a round that said More", rounds)
		}
	}
	cancel()
	<-done
	if rounds < 2 {
		t.Errorf("Run caught up in %d round; the stream should have needed more", rounds)
	}
	assertCacheEqualsServer(t, con, lc.url(), tokNurseA)
}
