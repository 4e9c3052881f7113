package engine_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
)

// Size of the burst: patients posting at once, readings each.
const (
	burstPatients = 50
	burstReadings = 2
)

// TestBurstOfArrivalsWhileSyncing: 50 patients post their readings at the
// same moment to the real central while a nurse's console syncs round after
// round. No post gets a 5xx, every reading is on the central exactly once,
// at least one sync round runs and finishes while the burst goes on, and
// after it the console's cache equals the central (every new reading and
// the tasks triage made of them). Nothing here is timed.
func TestBurstOfArrivalsWhileSyncing(t *testing.T) {
	if testing.Short() {
		t.Skip("a burst of 100 arrivals")
	}
	ctx := context.Background()
	now := time.Now()
	dbPath := filepath.Join(t.TempDir(), "central.db")
	seed, err := central.OpenStore(ctx, dbPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	pids := seedClinicIDs(t, seed, burstPatients, 2, now.Add(-time.Hour))
	if err := seed.Close(); err != nil {
		t.Fatal(err)
	}
	if len(pids) != burstPatients {
		t.Fatalf("seeded %d patients, want %d", len(pids), burstPatients)
	}
	tokens := map[string]string{}
	for i, pid := range pids {
		tokens[fmt.Sprintf("tok-burst-patient-%03d", i)] = "Patient/" + pid
	}
	c := startCentralTokens(t, dbPath, "", nil, tokens)
	con := newConsole(t, c.url(), tokNurseA, engine.Options{}, client.Options{Timeout: 5 * time.Minute})
	mustOnce(t, con)

	// The console syncs round after round until the burst is over. Its
	// first round starts once every patient's first reading is in and
	// before any second one is sent: that round runs during the burst by
	// construction (no timing), and it must finish.
	var burstOn atomic.Bool
	burstOn.Store(true)
	start := make(chan struct{})
	var firsts sync.WaitGroup
	firsts.Add(burstPatients)
	roundStarted := make(chan struct{})
	rounds := make(chan error, 1000)
	syncDone := make(chan struct{})
	go func() {
		defer close(syncDone)
		firsts.Wait()
		close(roundStarted)
		for first := true; first || burstOn.Load(); first = false {
			_, err := con.eng.Once(ctx)
			rounds <- err
		}
	}()

	type posted struct{ pid, token, ident, id string }
	var (
		mu      sync.Mutex
		all     []posted
		failure []string
	)
	var wg sync.WaitGroup
	for i, pid := range pids {
		tok := fmt.Sprintf("tok-burst-patient-%03d", i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			firstIn := sync.OnceFunc(firsts.Done) // also when this patient gives up
			defer firstIn()
			cl, err := client.New(client.Options{BaseURL: c.url(), Token: tok, Timeout: 5 * time.Minute})
			if err != nil {
				t.Error(err)
				return
			}
			<-start
			for j := range burstReadings {
				if j == 1 {
					firstIn()
					<-roundStarted
				}
				ident := uuid.NewString()
				m := domain.Measurement{PatientID: pid, Kind: domain.KindPulse, Value: float64(60 + (i+j)%40),
					Taken: time.Now().Add(-time.Duration(j+1) * time.Minute)}
				o := fhir.MeasurementToObservation(m, nil)
				o.Identifier = []fhir.Identifier{fhir.ClientIdentifier(ident)}
				body, err := fhir.Encode(o)
				if err != nil {
					t.Error(err)
					return
				}
				resp, err := cl.Create(ctx, "Observation", body, fhir.ClientIdentifierCondition(ident))
				mu.Lock()
				if err != nil {
					failure = append(failure, fmt.Sprintf("patient %s reading %d: status %d: %v", pid, j, client.StatusOf(err), err))
				} else {
					all = append(all, posted{pid: pid, token: tok, ident: ident, id: resp.ID})
				}
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	burstOn.Store(false)
	<-syncDone
	close(rounds)

	for _, f := range failure {
		t.Errorf("post refused: %s", f)
	}
	n := 0
	for err := range rounds {
		n++
		if err != nil {
			t.Errorf("sync round %d during the burst: %v", n, err)
		}
	}
	t.Logf("%d readings posted by %d patients; %d sync rounds during the burst, all finished", len(all), burstPatients, n)
	if len(all) != burstPatients*burstReadings {
		t.Fatalf("%d readings accepted, want %d", len(all), burstPatients*burstReadings)
	}

	mustOnce(t, con)
	for _, p := range all {
		if got := serverCountByIdentifier(t, c.url(), p.token, "Observation", p.ident); got != 1 {
			t.Errorf("reading %s of %s is on the central %d times, want once", p.ident, p.pid, got)
		}
	}
	server := assertCacheEqualsServer(t, con, c.url(), tokNurseA)
	inCache := 0
	for _, p := range all {
		if _, ok := server["Observation"][p.id]; ok {
			inCache++
		}
	}
	if inCache == 0 {
		t.Errorf("none of the %d new readings is visible to nurse A: the burst proves nothing about her cache", len(all))
	}
	t.Logf("%d of the new readings are nurse A's patients' and in her cache", inCache)
}
