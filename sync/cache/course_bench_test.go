package cache

import (
	"context"
	"testing"
	"time"
)

// BenchmarkCourseStates reads the course state of every patient (what the
// worklist's course reminders cost on each load) from the same store as
// BenchmarkWorklist.
func BenchmarkCourseStates(b *testing.B) {
	ctx := context.Background()
	s := benchStore(b)
	now := time.Now()
	var n int
	for b.Loop() {
		st, err := s.CourseStates(ctx, now, time.UTC)
		if err != nil {
			b.Fatal(err)
		}
		n = len(st)
	}
	b.ReportMetric(float64(n), "patients")
}
