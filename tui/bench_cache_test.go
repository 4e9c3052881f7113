package tui

import (
	"context"
	"os"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// benchStore opens the cache named by TELEHJERTE_BENCH_CACHE (build one with
// `telehjerte-tui seed --patients 2000 --days 365 --out FILE`); without it the
// benchmark is skipped, so `go test ./...` never pays for a large cache.
func benchStore(b *testing.B) *cache.Store {
	b.Helper()
	path := os.Getenv("TELEHJERTE_BENCH_CACHE")
	if path == "" {
		b.Skip("TELEHJERTE_BENCH_CACHE not set")
	}
	st, err := cache.Open(context.Background(), path)
	if err != nil {
		b.Fatalf("open bench cache: %v", err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

func benchOptions() Options {
	return Options{Clinic: "Bench", User: "bench", Now: time.Now, Loc: cph, Days: 28}
}

// BenchmarkWorklistOpenCache is what a nurse waits for when the worklist
// opens: the audited query against the real cache, the model update and the
// first full render (target ≤ 100 ms on the 2,000-patient, one-year cache).
func BenchmarkWorklistOpenCache(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	rows := 0
	for range b.N {
		m := New(ctx, st, benchOptions())
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		drive(m, m.Init())
		if m.View().Content == "" {
			b.Fatal("empty view")
		}
		rows = len(m.worklist.rows)
	}
	b.ReportMetric(float64(rows), "rows")
}

// BenchmarkCursorMoveCache is one key press on the loaded worklist: Update
// plus View (target ≤ 2 ms).
func BenchmarkCursorMoveCache(b *testing.B) {
	st := benchStore(b)
	m := New(context.Background(), st, benchOptions())
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	drive(m, m.Init())
	down, up := tea.KeyPressMsg{Code: tea.KeyDown}, tea.KeyPressMsg{Code: tea.KeyUp}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		k := down
		if (i/500)%2 == 1 {
			k = up
		}
		m.Update(k)
		_ = m.View()
	}
}
