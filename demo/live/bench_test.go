package live

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/sync/engine"
)

// BenchmarkDemoStart measures building the embedded central with the
// default demo clinic (40 patients, 60 days), serving it and a first full
// pull into a fresh cache. The demo console no longer waits for this: it
// writes the clinic straight into its cache and does this behind the
// screen (see cmd/telehjerte-tui BenchmarkDemoStart for what the nurse
// waits for).
func BenchmarkDemoStart(b *testing.B) {
	ctx := context.Background()
	now := clinicNow(b)
	for range b.N {
		dir := b.TempDir()
		c, err := Start(ctx, Options{DBPath: filepath.Join(dir, "central.sqlite"), Now: func() time.Time { return now }})
		if err != nil {
			b.Fatal(err)
		}
		store, err := NewCache(ctx, filepath.Join(dir, "console.sqlite"))
		if err != nil {
			b.Fatal(err)
		}
		cl, err := c.Client("bench")
		if err != nil {
			b.Fatal(err)
		}
		rep, err := engine.New(store, cl, engine.Options{}).Once(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rep.Pulled["Observation"]), "observations")
		store.Close()
		if err := c.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
