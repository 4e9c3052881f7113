package cache

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// benchBatch is how many rows one Write transaction carries in the bulk
// benchmarks, as the demo seeder does.
const benchBatch = 5000

var benchKinds = []domain.Kind{domain.KindWeight, domain.KindPulse, domain.KindBloodPressure}

func benchReading(i, patients int) domain.Reading {
	p := i % patients
	n := i / patients
	k := benchKinds[n%len(benchKinds)]
	r := reading(fmt.Sprintf("obs-%08d", i), fmt.Sprintf("pat-%04d", p), k, t0.Add(time.Duration(n)*8*time.Hour), 70+float64(i%30), domain.Color(i%4))
	if k == domain.KindBloodPressure {
		r.Value, r.Value2 = 130, 80
	}
	r.Limits = domain.KindThresholds{Primary: domain.Limits{RedLow: domain.L(40), YellowLow: domain.L(45), YellowHigh: domain.L(90), RedHigh: domain.L(100)}}
	return r
}

func seedPatients(tb testing.TB, s *Store, n int) {
	tb.Helper()
	mustWrite(tb, s, func(tx *Tx) error {
		for p := 0; p < n; p++ {
			if err := addPatient(tx, fmt.Sprintf("pat-%04d", p), fmt.Sprintf("Patient %04d", p)); err != nil {
				return err
			}
		}
		return nil
	})
}

// bulk writes rows [from, to) as readings, each with its task when
// withTasks, in transactions of benchBatch rows.
func bulk(tb testing.TB, s *Store, from, to, patients int, withTasks bool, openFrom int) {
	tb.Helper()
	for start := from; start < to; start += benchBatch {
		end := min(start+benchBatch, to)
		mustWrite(tb, s, func(tx *Tx) error {
			for i := start; i < end; i++ {
				r := benchReading(i, patients)
				if err := tx.PutReading(r, Meta{VersionID: "1", LastUpdated: r.Received}); err != nil {
					return err
				}
				if !withTasks {
					continue
				}
				task := openTask(fmt.Sprintf("task-%08d", i), r.PatientID, r.Color, r.Received)
				task.FocusID = r.ID
				task.Done = i < openFrom
				if err := tx.PutTask(task, Meta{VersionID: "1", LastUpdated: r.Received}); err != nil {
					return err
				}
			}
			return nil
		})
	}
}

// BenchmarkBulkInsert measures the seeder's path: readings (and a task per
// reading) written in batches of benchBatch per transaction, into a store
// that already holds 2,000 patients.
func BenchmarkBulkInsert(b *testing.B) {
	for _, withTasks := range []bool{false, true} {
		name := "readings"
		if withTasks {
			name = "readings+tasks"
		}
		b.Run(name, func(b *testing.B) {
			s := openTest(b)
			const patients = 2000
			seedPatients(b, s, patients)
			b.ResetTimer()
			start := time.Now()
			cpu0, cpuOK := processCPU()
			bulk(b, s, 0, b.N, patients, withTasks, b.N)
			elapsed := time.Since(start)
			cpu1, _ := processCPU()
			rows := b.N
			if withTasks {
				rows *= 2
			}
			b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
			if cpuOK {
				b.ReportMetric(float64((cpu1-cpu0).Microseconds())/float64(rows), "cpu-µs/row")
			}
		})
	}
}

// BenchmarkWorklist runs Worklist on a synthetic store of 2,000 patients with
// 60 readings each and a task per reading (the last ~2 % open). With
// TELEHJERTE_BENCH_CACHE set to a cache file (e.g. the full demo cache) it
// runs on that file instead; Open migrates the file and sets mode 0600.
func BenchmarkWorklist(b *testing.B) {
	ctx := context.Background()
	s := benchStore(b)
	for _, all := range []bool{false, true} {
		b.Run(fmt.Sprintf("all=%v", all), func(b *testing.B) {
			var n int
			for b.Loop() {
				rows, err := s.Worklist(ctx, all)
				if err != nil {
					b.Fatal(err)
				}
				n = len(rows)
			}
			b.ReportMetric(float64(n), "rows")
		})
	}
}

// BenchmarkPatient reads one patient's 30-day window from the same store.
func BenchmarkPatient(b *testing.B) {
	ctx := context.Background()
	s := benchStore(b)
	rows, err := s.Worklist(ctx, true)
	if err != nil || len(rows) == 0 {
		b.Fatalf("worklist: %d rows, %v", len(rows), err)
	}
	id := rows[len(rows)/2].Patient.ID
	var latest time.Time
	for _, l := range rows[len(rows)/2].Latest {
		if l.Taken.After(latest) {
			latest = l.Taken
		}
	}
	since := latest.AddDate(0, 0, -30)
	var n int
	for b.Loop() {
		d, err := s.Patient(ctx, id, since)
		if err != nil {
			b.Fatal(err)
		}
		n = len(d.Readings)
	}
	b.ReportMetric(float64(n), "readings")
}

func benchStore(b *testing.B) *Store {
	b.Helper()
	if path := os.Getenv("TELEHJERTE_BENCH_CACHE"); path != "" {
		s, err := Open(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	}
	const patients, perPatient = 2000, 60
	s := openTest(b)
	seedPatients(b, s, patients)
	total := patients * perPatient
	bulk(b, s, 0, total, patients, true, total-total/50)
	return s
}
