package engine

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkPullObservations measures a first pull of 5,000 Observations
// (200 per page, lastUpdated spread over 50 timestamps) from the loopback
// test server into a fresh SQLite cache, reported as observations/second.
func BenchmarkPullObservations(b *testing.B) {
	const n = 5000
	for b.Loop() {
		b.StopTimer()
		r := newRig(b, Options{PageSize: 200})
		r.seedPatient("p1")
		base := r.env.srv.now
		for i := 0; i < n; i++ {
			r.env.srv.setNow(base.Add(time.Duration(i/100) * time.Second))
			r.seedObservation(fmt.Sprintf("o%05d", i), "p1", base.Add(-time.Duration(i)*time.Minute), 70)
		}
		b.StartTimer()
		rep, err := r.eng.Once(ctx)
		if err != nil || rep.Pulled["Observation"] != n {
			b.Fatalf("pulled %d, %v", rep.Pulled["Observation"], err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "obs/s")
}
