package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
)

// arrivalsMain is `bench arrivals`: patients' readings arriving at the
// real central on loopback (HTTP, token, conditional create, triage), with
// `--concurrent` patients posting at once, on a database holding a day of
// the demo clinic and on one holding `--days` days of it. Both runs are in
// the same process and minute, so their ratio is what to compare on a
// shared machine; absolute figures are printed for the record.
func arrivalsMain(args []string) error {
	fs := flag.NewFlagSet("arrivals", flag.ExitOnError)
	patients := fs.Int("patients", 20, "patients in the clinic")
	days := fs.Int("days", 365, "days of readings in the populated database")
	concurrent := fs.Int("concurrent", 8, "patients posting at once")
	each := fs.Int("each", 25, "readings each posting patient sends")
	reps := fs.Int("reps", 3, "repetitions, alternating the two databases; the fastest run of each is kept (the machine is shared)")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the populated run to this file")
	dir := fs.String("dir", "", "where to keep the seeded databases (default: a temporary directory, removed)")
	servePages := fs.Int("serve-pages", 50, "search pages of 200 Observations and of 200 Tasks a nurse reads from the populated database after each burst (0: none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *concurrent > *patients {
		return fmt.Errorf("--concurrent %d is more than --patients %d", *concurrent, *patients)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	base := *dir
	if base != "" {
		if err := os.MkdirAll(base, 0o700); err != nil {
			return fmt.Errorf("create %s: %w", base, err)
		}
	} else {
		tmp, err := os.MkdirTemp("", "telehjerte-bench-arrivals-")
		if err != nil {
			return fmt.Errorf("temp dir: %w", err)
		}
		defer os.RemoveAll(tmp)
		base = tmp
	}
	fmt.Printf("load average at start: %s\n", loadAvg())
	sizes := []int{1, *days}
	pidsOf := map[int][]string{}
	for _, d := range sizes {
		path := filepath.Join(base, fmt.Sprintf("central-p%d-d%d.db", *patients, d))
		pids, err := seededCentral(ctx, path, *patients, d)
		if err != nil {
			return err
		}
		pidsOf[d] = pids
	}
	// A nurse's console cache per database, kept across the repetitions:
	// the first burst finds it after its initial sync, later ones after
	// the rounds of the bursts before.
	consoles := make([]*cache.Store, len(sizes))
	for i := range sizes {
		st, err := newCache(ctx, base)
		if err != nil {
			return err
		}
		defer func() { st.Close(); removeDB(st.Path()) }()
		consoles[i] = st
	}
	results := make([]arrivalResult, len(sizes))
	var serving servingResult
	for rep := range max(1, *reps) {
		for i, d := range sizes {
			path := filepath.Join(base, fmt.Sprintf("central-p%d-d%d.db", *patients, d))
			last := rep == max(1, *reps)-1
			if *profile != "" && d == *days && last {
				f, err := os.Create(*profile)
				if err != nil {
					return fmt.Errorf("cpu profile: %w", err)
				}
				if err := pprof.StartCPUProfile(f); err != nil {
					return fmt.Errorf("cpu profile: %w", err)
				}
			}
			res, err := measureArrivals(ctx, path, consoles[i], pidsOf[d][:*concurrent], *each)
			if *profile != "" && d == *days && last {
				pprof.StopCPUProfile()
			}
			if err != nil {
				return err
			}
			res.days = d
			if res.rate > results[i].rate {
				results[i] = res
			}
			if d == *days && *servePages > 0 {
				sv, err := measureServing(ctx, path, *servePages)
				if err != nil {
					return err
				}
				if sv.rate > serving.rate {
					serving = sv
				}
			}
		}
	}
	for _, res := range results {
		fmt.Printf("%d patients × %3d days: %6d readings stored, %5.0f bytes/reading (file %.1f MB); arrivals %6.1f/s, p50 %6.1f ms, p99 %6.1f ms (%d concurrent × %d; fastest of %d)\n",
			*patients, res.days, res.readings, res.bytesPerReading, float64(res.dbBytes)/1e6, res.rate, ms(res.p50), ms(res.p99), *concurrent, *each, max(1, *reps))
		fmt.Printf("    a console's sync round during the burst (sync/engine on its own cache): %d rounds pulled %d of the %d readings as they came, p50 %6.1f ms, max %6.1f ms\n",
			res.rounds, res.roundPulled, *concurrent**each, ms(res.roundP50), ms(res.roundMax))
	}
	if *servePages > 0 {
		fmt.Printf("serving search pages, %d patients × %d days: %d pages of Observation and Task (_count=200), %d resources, %.0f resources/s, page p50 %.1f ms, max %.1f ms (fastest of %d)\n",
			*patients, *days, serving.pages, serving.resources, serving.rate, ms(serving.p50), ms(serving.max), max(1, *reps))
	}
	e, p := results[0], results[1]
	fmt.Printf("populated / one-day database: arrivals/s %.2f, p50 %.2f, p99 %.2f, sync round p50 %.2f (1.00 = flat as the database grows)\n",
		p.rate/e.rate, float64(p.p50)/float64(e.p50), float64(p.p99)/float64(e.p99), float64(p.roundP50)/float64(e.roundP50))
	fmt.Printf("load average at end: %s\n", loadAvg())
	return nil
}

type arrivalResult struct {
	days            int
	readings        int
	bytesPerReading float64
	rate            float64
	p50, p99        time.Duration
	dbBytes         int64
	// A nurse's console's sync rounds during the burst, and the readings
	// they pulled.
	rounds             int
	roundP50, roundMax time.Duration
	roundPulled        int
}

// pulledObservations runs one sync round of eng and returns the
// Observations it stored.
func pulledObservations(ctx context.Context, eng *engine.Engine) (int, error) {
	rep, err := eng.Once(ctx)
	if err != nil {
		return 0, err
	}
	return rep.Pulled["Observation"], nil
}

// seededCentral returns the demo clinic's patient ids in a central
// database at path, seeding it when it does not exist yet.
func seededCentral(ctx context.Context, path string, patients, days int) ([]string, error) {
	_, statErr := os.Stat(path)
	seed := statErr != nil
	st, err := central.OpenStore(ctx, path, nil)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	var ids []string
	if seed {
		start := time.Now()
		members := map[string][]string{demo.TeamDemoID: {demo.NurseA, demo.NurseB}}
		if err := st.SeedTeams(ctx, demo.Teams(), members); err != nil {
			return nil, err
		}
		err = demo.Generate(demo.Options{Patients: patients, Days: days, Seed: 7, Now: time.Now()}, func(rec demo.PatientRecord) error {
			ids = append(ids, rec.Patient.ID)
			return st.SeedPatient(ctx, central.PatientSeed{Patient: rec.Patient, Responsibility: rec.Responsibility, Regimes: rec.Regimes,
				Readings: rec.Readings, Questionnaires: rec.Questionnaires, Messages: rec.Messages, Tasks: rec.Tasks}, time.Now())
		})
		if err != nil {
			return nil, fmt.Errorf("seed %s: %w", path, err)
		}
		fmt.Printf("seeded %d patients × %d days in %v\n", patients, days, time.Since(start).Round(time.Second))
		return ids, nil
	}
	// The same seed gives the same patients: generate without storing.
	err = demo.Generate(demo.Options{Patients: patients, Days: 1, Seed: 7, Now: time.Now()}, func(rec demo.PatientRecord) error {
		ids = append(ids, rec.Patient.ID)
		return nil
	})
	return ids, err
}

// measureArrivals serves the database at path and has each of pids post
// each readings one after the other, all patients at once.
func measureArrivals(ctx context.Context, path string, con *cache.Store, pids []string, each int) (arrivalResult, error) {
	var res arrivalResult
	st, err := central.OpenStore(ctx, path, nil)
	if err != nil {
		return res, err
	}
	defer st.Close()
	tokens := map[string]string{benchNurseToken: "Practitioner/" + demo.NurseA}
	for i, pid := range pids {
		tokens[fmt.Sprintf("tok-bench-patient-%03d", i)] = "Patient/" + pid
	}
	_, base, stop, err := serveStore(st, tokens, nil)
	if err != nil {
		return res, err
	}
	defer stop()

	var (
		mu    sync.Mutex
		lats  []time.Duration
		first error
		wg    sync.WaitGroup
	)
	gate := make(chan struct{})
	for i, pid := range pids {
		cl, err := client.New(client.Options{BaseURL: base, Token: fmt.Sprintf("tok-bench-patient-%03d", i), Timeout: 5 * time.Minute})
		if err != nil {
			return res, err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			for j := range each {
				ident := uuid.NewString()
				m := domain.Measurement{PatientID: pid, Kind: domain.KindPulse, Value: float64(55 + (i*7+j)%50),
					Taken: time.Now().Add(-time.Duration(each-j) * time.Second)}
				o := fhir.MeasurementToObservation(m, nil)
				o.Identifier = []fhir.Identifier{fhir.ClientIdentifier(ident)}
				body, err := fhir.Encode(o)
				if err == nil {
					t0 := time.Now()
					_, err = cl.Create(ctx, "Observation", body, fhir.ClientIdentifierCondition(ident))
					mu.Lock()
					lats = append(lats, time.Since(t0))
					mu.Unlock()
				}
				if err != nil {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("patient reading %d: %w", j, err)
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	// A nurse's console syncs during the burst, a round every
	// engine.DefaultBurstInterval as Run does while a burst lasts: the
	// real engine on its own cache file (sync/engine), caught up before
	// the burst begins, pulling the readings and the triage's tasks as
	// they arrive.
	eng, err := newEngine(con, base)
	if err != nil {
		return res, err
	}
	if _, err := pulledObservations(ctx, eng); err != nil {
		return res, fmt.Errorf("the console's sync before the burst: %w", err)
	}
	burstDone := make(chan struct{})
	roundsDone := make(chan error, 1)
	var (
		rounds []time.Duration
		pulled int
	)
	go func() {
		roundsDone <- func() error {
			<-gate
			for {
				t0 := time.Now()
				n, err := pulledObservations(ctx, eng)
				if err != nil {
					return err
				}
				rounds = append(rounds, time.Since(t0))
				pulled += n
				select {
				case <-burstDone:
					return nil
				case <-time.After(engine.DefaultBurstInterval - time.Since(t0)):
				}
			}
		}()
	}()
	start := time.Now()
	close(gate)
	wg.Wait()
	wall := time.Since(start)
	close(burstDone)
	if err := <-roundsDone; err != nil {
		return res, fmt.Errorf("the console's sync during the burst: %w", err)
	}
	if first != nil {
		return res, first
	}
	// One more round after the burst: the console must then hold every
	// reading the burst sent, or its rounds were not doing the work.
	n, err := pulledObservations(ctx, eng)
	if err != nil {
		return res, fmt.Errorf("the console's sync after the burst: %w", err)
	}
	if pulled+n != len(pids)*each {
		return res, fmt.Errorf("the console pulled %d of the burst's %d readings", pulled+n, len(pids)*each)
	}
	if len(rounds) > 0 {
		slices.Sort(rounds)
		res.rounds, res.roundP50, res.roundMax = len(rounds), rounds[len(rounds)/2], rounds[len(rounds)-1]
		res.roundPulled = pulled
	}
	slices.Sort(lats)
	res.rate = float64(len(lats)) / wall.Seconds()
	res.p50 = lats[len(lats)/2]
	res.p99 = lats[min(len(lats)-1, len(lats)*99/100)]
	res.readings, res.bytesPerReading, err = st.SizePerReading(ctx)
	if fi, serr := os.Stat(path); serr == nil {
		res.dbBytes = fi.Size()
	}
	return res, err
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	var one, five, fifteen string
	fmt.Sscan(string(b), &one, &five, &fifteen)
	return one + " " + five + " " + fifteen
}

// servingResult is a nurse reading whole search pages, as a console's
// initial sync does.
type servingResult struct {
	pages, resources int
	rate             float64
	p50, max         time.Duration
}

// measureServing serves the database at path and has the bench nurse
// follow the next links of Observation?_count=200 and Task?_count=200 for
// up to pages pages each: what the central's reading of stored documents
// costs when whole pages are asked for.
func measureServing(ctx context.Context, path string, pages int) (servingResult, error) {
	var res servingResult
	st, err := central.OpenStore(ctx, path, nil)
	if err != nil {
		return res, err
	}
	defer st.Close()
	_, base, stop, err := serveStore(st, map[string]string{benchNurseToken: "Practitioner/" + demo.NurseA}, nil)
	if err != nil {
		return res, err
	}
	defer stop()
	var times []time.Duration
	start := time.Now()
	for _, typ := range []string{"Observation", "Task"} {
		next := base + "/" + typ + "?_count=200"
		for range pages {
			t0 := time.Now()
			b, err := nurseBundle(ctx, next)
			if err != nil {
				return res, err
			}
			times = append(times, time.Since(t0))
			res.pages++
			res.resources += len(b.Entry)
			next = ""
			for _, l := range b.Link {
				if l.Relation == "next" {
					next = l.URL
				}
			}
			if next == "" {
				break
			}
		}
	}
	wall := time.Since(start)
	slices.Sort(times)
	res.rate = float64(res.resources) / wall.Seconds()
	if len(times) > 0 {
		res.p50, res.max = times[len(times)/2], times[len(times)-1]
	}
	return res, nil
}

// nurseBundle reads a search page with the bench nurse's token; only the
// links and the number of entries are decoded.
func nurseBundle(ctx context.Context, url string) (searchPage, error) {
	var b searchPage
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return b, err
	}
	req.Header.Set("Authorization", "Bearer "+benchNurseToken)
	req.Header.Set("Accept", central.ContentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return b, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return b, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&b); err != nil {
		return b, fmt.Errorf("GET %s: %w", url, err)
	}
	return b, nil
}

// searchPage is the part of a searchset Bundle measureServing reads.
type searchPage struct {
	Link []struct {
		Relation string `json:"relation"`
		URL      string `json:"url"`
	} `json:"link"`
	Entry []json.RawMessage `json:"entry"`
}

// serveStore serves st as a FHIR central on loopback with the given
// bearer tokens, its handler wrapped by wrap when not nil; stop ends the
// serving (st stays open).
func serveStore(st *central.Store, tokens map[string]string, wrap func(http.Handler) http.Handler) (srv *central.Server, base string, stop func(), err error) {
	toks, err := central.NewTokens(tokens)
	if err != nil {
		return nil, "", nil, err
	}
	srv, err = central.NewServer(central.Config{Store: st, Tokens: toks})
	if err != nil {
		return nil, "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, fmt.Errorf("listen: %w", err)
	}
	h := srv.Handler()
	if wrap != nil {
		h = wrap(h)
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: time.Minute}
	go func() { _ = hs.Serve(ln) }()
	return srv, "http://" + ln.Addr().String(), func() { _ = hs.Close() }, nil
}
