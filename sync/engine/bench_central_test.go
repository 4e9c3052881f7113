package engine_test

// Benchmarks of the engine against the real central on loopback.
//
//	go test -run '^$' -bench 'Central' -benchtime 1x ./sync/engine/
//
// The central databases (demo clinic, a year of readings) take minutes to
// seed at 500 patients, so each is built once and kept under os.TempDir()
// (or $TELEHJERTE_BENCH_CENTRAL), keyed by size and seed; a plain `go test`
// builds nothing. The incremental benchmark adds readings to its database.

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
)

const benchDays = 365

// benchSizes are the clinic sizes: a quick one and the 500
// patients with a year of readings (about 730,000 observations).
var benchSizes = []int{50, 500}

// benchCentralDB returns the path of a seeded central database for
// patients x benchDays, building it when missing.
func benchCentralDB(b *testing.B, patients int) string {
	b.Helper()
	dir := os.Getenv("TELEHJERTE_BENCH_CENTRAL")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "telehjerte-bench-central")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("central-v1-p%d-d%d.db", patients, benchDays))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := path + ".building"
	for _, p := range []string{tmp, tmp + "-wal", tmp + "-shm"} {
		_ = os.Remove(p)
	}
	start := time.Now()
	st, err := central.OpenStore(context.Background(), tmp, nil)
	if err != nil {
		b.Fatal(err)
	}
	seedClinic(b, st, patients, benchDays, time.Now())
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %s in %v", path, time.Since(start).Round(time.Second))
	return path
}

// benchCentral serves the database at path on loopback.
func benchCentral(b *testing.B, path string) *centralEnv {
	b.Helper()
	return startCentral(b, path, "", nil)
}

// peakSampler records the peak Go heap while running.
type peakSampler struct {
	stop chan struct{}
	done chan struct{}
	mu   sync.Mutex
	peak uint64
}

func startPeakSampler() *peakSampler {
	s := &peakSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(25 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			s.mu.Lock()
			s.peak = max(s.peak, ms.HeapInuse)
			s.mu.Unlock()
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *peakSampler) Stop() uint64 {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

// vmHWM is the process's peak resident set size in bytes (Linux), 0 when
// unknown.
func vmHWM() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkCentralInitialSync: a first sync of everything the nurse may
// see from a local central into a fresh cache, end to end (HTTP, JSON,
// SQLite on both sides; central and console in this one process).
// Reports observations/s and resources/s over the whole round, and the
// peak Go heap (in use, sampled) during it.
func BenchmarkCentralInitialSync(b *testing.B) {
	for _, patients := range benchSizes {
		b.Run("patients="+strconv.Itoa(patients), func(b *testing.B) {
			c := benchCentral(b, benchCentralDB(b, patients))
			var obs, all int
			var peak uint64
			runtime.GC()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				path := filepath.Join(b.TempDir(), "cache.db")
				st, err := cache.Open(context.Background(), path)
				if err != nil {
					b.Fatal(err)
				}
				cl, err := client.New(client.Options{BaseURL: c.url(), Token: tokNurseA, Timeout: 5 * time.Minute})
				if err != nil {
					b.Fatal(err)
				}
				eng := engine.New(st, cl, engine.Options{Logger: quiet})
				runtime.GC()
				s := startPeakSampler()
				b.StartTimer()
				rep, err := eng.Once(context.Background())
				b.StopTimer()
				peak = max(peak, s.Stop())
				if err != nil {
					b.Fatal(err)
				}
				obs += rep.Pulled["Observation"]
				for _, n := range rep.Pulled {
					all += n
				}
				st.Close()
				b.StartTimer()
			}
			b.StopTimer()
			sec := b.Elapsed().Seconds()
			b.ReportMetric(float64(obs)/float64(b.N), "obs/op")
			b.ReportMetric(float64(obs)/sec, "obs/s")
			b.ReportMetric(float64(all)/sec, "resources/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(vmHWM())/(1<<20), "VmHWM-MB")
		})
	}
}

// BenchmarkCentralBaselineDecodeInsert is the practical limit beside
// BenchmarkCentralInitialSync: the same Observation JSON (read from the
// central's database beforehand, in pages of 200) decoded and inserted
// into a fresh cache, one transaction per page, with no HTTP and no
// server. Patients, episodes and regimes are loaded first, untimed.
func BenchmarkCentralBaselineDecodeInsert(b *testing.B) {
	for _, patients := range benchSizes {
		b.Run("patients="+strconv.Itoa(patients), func(b *testing.B) {
			src, err := sql.Open("sqlite", "file:"+benchCentralDB(b, patients)+"?mode=ro")
			if err != nil {
				b.Fatal(err)
			}
			defer src.Close()
			obs := 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				st, err := cache.Open(context.Background(), filepath.Join(b.TempDir(), "cache.db"))
				if err != nil {
					b.Fatal(err)
				}
				if err := st.PrepareSync(context.Background()); err != nil {
					b.Fatal(err)
				}
				for _, typ := range []string{"Organization", "CareTeam", "Practitioner", "Patient", "EpisodeOfCare", "ServiceRequest", "CarePlan"} {
					eachPage(b, src, typ, func(page [][]byte) { applyPage(b, st, page) })
				}
				b.StartTimer()
				eachPage(b, src, "Observation", func(page [][]byte) {
					b.StartTimer()
					applyPage(b, st, page)
					obs += len(page)
					b.StopTimer()
				})
				b.StopTimer()
				if n, _ := st.ParkedCount(context.Background()); n != 0 {
					b.Fatalf("%d parked", n)
				}
				st.Close()
			}
			b.ReportMetric(float64(obs)/b.Elapsed().Seconds(), "obs/s")
		})
	}
}

// eachPage reads the resources of typ from a central database in pages of
// 200 (untimed: the caller starts the timer inside fn).
func eachPage(b *testing.B, db *sql.DB, typ string, fn func([][]byte)) {
	b.Helper()
	b.StopTimer()
	var lastT int64 = -1
	lastID := ""
	for {
		rows, err := db.Query(`SELECT last_updated, id, json FROM resources WHERE type = ? AND (last_updated > ? OR (last_updated = ? AND id > ?))
ORDER BY last_updated, id LIMIT 200`, typ, lastT, lastT, lastID)
		if err != nil {
			b.Fatal(err)
		}
		var page [][]byte
		for rows.Next() {
			var col []byte
			if err := rows.Scan(&lastT, &lastID, &col); err != nil {
				b.Fatal(err)
			}
			js, err := central.DocumentOf(col)
			if err != nil {
				b.Fatal(err)
			}
			page = append(page, js)
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
		rows.Close()
		if len(page) == 0 {
			return
		}
		fn(page)
	}
}

func applyPage(b *testing.B, st *cache.Store, page [][]byte) {
	err := st.Write(context.Background(), func(tx *cache.Tx) error {
		for _, raw := range page {
			if _, err := tx.ApplyResource(raw); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCentralIncrementalSync20: with the cache in step, 20 new
// readings arrive (submitted as patients, triaged by the central); one
// round pulls them. Time per round.
func BenchmarkCentralIncrementalSync20(b *testing.B) {
	const patients = 50
	c := benchCentral(b, benchCentralDB(b, patients))
	st, err := cache.Open(context.Background(), filepath.Join(b.TempDir(), "cache.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	cl, err := client.New(client.Options{BaseURL: c.url(), Token: tokNurseA, Timeout: 5 * time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	eng := engine.New(st, cl, engine.Options{Logger: quiet})
	if _, err := eng.Once(context.Background()); err != nil {
		b.Fatal(err)
	}
	rows, err := st.Worklist(context.Background(), true)
	if err != nil || len(rows) == 0 {
		b.Fatalf("worklist: %d, %v", len(rows), err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		now := time.Now()
		for j := 0; j < 20; j++ {
			m := domain.Measurement{PatientID: rows[j%len(rows)].Patient.ID, Kind: domain.KindPulse, Value: float64(55 + j), Taken: now}
			if _, err := c.srv.Submit(context.Background(), m); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		rep, err := eng.Once(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if rep.Pulled["Observation"] != 20 {
			b.Fatalf("pulled %d observations, want 20", rep.Pulled["Observation"])
		}
	}
}

// BenchmarkCentralPushMessages: one round pushing 100 queued messages
// (conditional creates) to the real central on loopback, reported as
// entries/second. Each entry's first send also records its sent mark (one
// small cache transaction) before the request goes out.
func BenchmarkCentralPushMessages(b *testing.B) {
	const n = 100
	c := newCentral(b)
	seedClinic(b, c.store, 3, 2, time.Now())
	con := newConsole(b, c.url(), tokNurseA, engine.Options{}, client.Options{})
	mustOnce(b, con)
	pid := openTasks(b, con)[0].patient
	for b.Loop() {
		b.StopTimer()
		for i := range n {
			enqueueMessage(b, con.store, pid, "besked "+strconv.Itoa(i))
		}
		b.StartTimer()
		rep, err := con.eng.Once(context.Background())
		if err != nil || rep.Pushed != n {
			b.Fatalf("pushed %d, %v", rep.Pushed, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "entries/s")
}
