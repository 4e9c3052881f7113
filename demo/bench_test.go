package demo

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkGenerate reports patients and readings generated per second; the
// 2000×365 case is the benchmark cache's size (about 3 million readings).
func BenchmarkGenerate(b *testing.B) {
	for _, size := range []struct{ patients, days int }{{40, 60}, {2000, 365}} {
		b.Run(fmt.Sprintf("%dx%d", size.patients, size.days), func(b *testing.B) {
			opts := Options{Patients: size.patients, Days: size.days, Now: testNow(b)}
			readings := 0
			for b.Loop() {
				readings = 0
				if err := Generate(opts, func(r PatientRecord) error {
					readings += len(r.Readings)
					return nil
				}); err != nil {
					b.Fatal(err)
				}
			}
			secs := b.Elapsed().Seconds()
			b.ReportMetric(float64(size.patients*b.N)/secs, "patients/s")
			b.ReportMetric(float64(readings*b.N)/secs, "readings/s")
			b.ReportMetric(float64(readings), "readings/op")
		})
	}
}

// BenchmarkSeedCache reports patients written into a real SQLite cache per
// second.
func BenchmarkSeedCache(b *testing.B) {
	opts := Options{Patients: 100, Days: 60, Now: testNow(b)}
	for b.Loop() {
		b.StopTimer()
		store := openCache(b)
		b.StartTimer()
		if err := SeedCache(context.Background(), store, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(opts.Patients*b.N)/b.Elapsed().Seconds(), "patients/s")
}
