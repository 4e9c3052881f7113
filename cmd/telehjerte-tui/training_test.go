package main

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
)

// trainingCentral serves a real central; training marks its database,
// clock is its clinical clock.
func trainingCentral(t *testing.T, training bool, clock func() time.Time) string {
	t.Helper()
	ctx := context.Background()
	store, err := central.OpenStore(ctx, filepath.Join(t.TempDir(), "central.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if training {
		if err := store.MarkTraining(ctx); err != nil {
			t.Fatal(err)
		}
	}
	toks, _ := central.NewTokens(map[string]string{"token-trainee-1": "Practitioner/prac-1"})
	srv, err := central.NewServer(central.Config{Store: store, Tokens: toks, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return hs.URL
}

func askIt(t *testing.T, url string, fc *followClock) training {
	t.Helper()
	ctx := context.Background()
	cl, err := client.New(client.Options{BaseURL: url, Token: "token-trainee-1"})
	if err != nil {
		t.Fatal(err)
	}
	store, err := cache.Open(ctx, filepath.Join(t.TempDir(), "cache.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	cfg := config.Config{Lang: "da"}
	cfg.Central.URL = url
	return askTraining(ctx, cl, store, cfg, fc, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// The console learns from the central that it is a training one: ØVELSE
// above every screen, and its clock follows the central's (the classroom's
// session clock a day and a half ahead here).
func TestTrainingCentralIsShownAndItsClockFollowed(t *testing.T) {
	ahead := 36 * time.Hour
	url := trainingCentral(t, true, func() time.Time { return time.Now().Add(ahead) })
	fc := &followClock{real: time.Now}
	tr := askIt(t, url, fc)
	if !tr.on || tr.clock == nil {
		t.Fatalf("training %v, clock followed %v", tr.on, tr.clock != nil)
	}
	if d := fc.now().Sub(time.Now().Add(ahead)); d < -time.Minute || d > time.Minute {
		t.Errorf("console clock %v off the central's by %s", fc.now(), d)
	}
	b := tr.banner()
	if !strings.Contains(b, "ØVELSE") || !strings.Contains(b, "øvelsesur "+time.Now().Add(ahead).Format("02.01")) {
		t.Errorf("banner %q", b)
	}
	sh := shell{banner: " SE-ADGANG ", training: tr.banner}
	if got := sh.bannerText(); !strings.HasPrefix(got, b) || !strings.HasSuffix(got, "| SE-ADGANG ") {
		t.Errorf("banner line %q keeps neither ØVELSE first nor the other notices", got)
	}
}

// A real central (not marked training) gives no ØVELSE and no clock to
// follow, whatever the configuration says.
func TestRealCentralIsNoTraining(t *testing.T) {
	url := trainingCentral(t, false, func() time.Time { return time.Now().Add(48 * time.Hour) })
	fc := &followClock{real: time.Now}
	tr := askIt(t, url, fc)
	if tr.on || tr.clock != nil || tr.banner() != "" || fc.offset.Load() != 0 {
		t.Fatalf("a real central: training %v, banner %q, offset %s", tr.on, tr.banner(), time.Duration(fc.offset.Load()))
	}
}
