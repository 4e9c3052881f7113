package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/demo/live"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
	"github.com/telehjerte/telehjerte-tui/sync/oauth"
)

// data is the cache the console works on, what it says about itself, and,
// when it has one, the central it syncs with.
type data struct {
	store  *cache.Store
	mode   config.Mode
	demo   bool   // synthetic data: the DEMO banner is shown
	clinic string // from the cache's info table
	note   string // a remark for the user, printed before and after the console

	// engine syncs store with the central: the embedded one in demo mode,
	// the configured one in central mode; nil in cache mode.
	engine *engine.Engine
	// centralURL is the central engine talks to.
	centralURL string
	// embedded is the demo's in-process central; nil otherwise.
	embedded *live.Central
	// boot builds the demo clinic behind the console (see openDemoLater);
	// nil otherwise. It owns the engine and the central it starts.
	boot *demoBoot
	// client talks to the configured central; nil otherwise.
	client *client.Client
	// identity is who the console acts as against the configured central
	// (resolveIdentity); zero until asked, and in the other modes.
	identity identity
}

// close stops the embedded central (if any) and closes the cache.
func (d *data) close() error {
	var err error
	if d.embedded != nil {
		err = d.embedded.Close()
	}
	return errors.Join(err, d.store.Close())
}

// demoCentralFile is the embedded central's database, beside the demo cache.
const demoCentralFile = "demo-central.sqlite"

// openData opens the cache for cfg's mode: the demo clinic synced from an
// embedded central, an existing cache file as it is, or the configured
// central's replica (not synced here: see runConsole and sync --once).
func openData(ctx context.Context, e *env, cfg config.Config, log *slog.Logger) (*data, error) {
	d := &data{mode: cfg.Mode()}
	var err error
	switch d.mode {
	case config.ModeDemo:
		if err := openDemo(ctx, e, cfg, log, d); err != nil {
			return nil, err
		}
	case config.ModeCache:
		// With no central, a missing file is a typo, not a cache to create.
		if _, err := os.Stat(cfg.CachePath); err != nil {
			return nil, fmt.Errorf("cache %s (%s): %w; build one with `telehjerte-tui seed --out PATH`",
				cfg.CachePath, cfg.Source(config.KeyCachePath), err)
		}
		if d.store, err = cache.Open(ctx, cfg.CachePath, e.cacheOptions()...); err != nil {
			return nil, err
		}
	case config.ModeCentral:
		if d.store, err = cache.Open(ctx, cfg.CachePath, e.cacheOptions()...); err != nil {
			return nil, err
		}
		cl, err := newClient(cfg)
		if err != nil {
			d.store.Close()
			return nil, err
		}
		if err := checkTrainingClock(ctx, cfg, d.store, cl); err != nil {
			d.store.Close()
			return nil, err
		}
		d.engine = newEngine(d.store, cl, cfg, e.now, log)
		d.client = cl
		d.centralURL = cfg.Central.URL
		// The age of the data is known before the first round ends (and
		// with the central down).
		if err := d.engine.Restore(ctx); err != nil {
			d.store.Close()
			return nil, err
		}
	}
	info, err := d.store.Info(ctx)
	if err != nil {
		d.close()
		return nil, err
	}
	d.clinic = info[demo.InfoClinic]
	d.demo = d.mode == config.ModeDemo || isTrue(info[demo.InfoDemo])
	log.Info("cache opened", "mode", d.mode.String(), "demo", d.demo)
	return d, nil
}

// openDemo starts the embedded central with a fresh demo clinic, makes a
// fresh cache and pulls everything once, so the worklist is complete when
// it is first shown.
func openDemo(ctx context.Context, e *env, cfg config.Config, log *slog.Logger, d *data) error {
	start := time.Now()
	c, err := live.Start(ctx, live.Options{
		DBPath:   filepath.Join(filepath.Dir(cfg.DemoCachePath), demoCentralFile),
		Patients: cfg.DemoPatients, Days: cfg.DemoDays, Now: e.now, Loc: e.loc,
		Logger: warnOnly(log),
	})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	store, err := live.NewCache(ctx, cfg.DemoCachePath)
	if err == nil && cfg.ClockOffset != 0 {
		// Reopened on the moved clock (the demo cache is opened on the
		// real one).
		if err = store.Close(); err == nil {
			store, err = cache.Open(ctx, cfg.DemoCachePath, e.cacheOptions()...)
		}
	}
	if err != nil {
		c.Close()
		return fmt.Errorf("demo: %w", err)
	}
	d.store, d.embedded, d.centralURL = store, c, c.URL
	cl, err := c.Client(userAgent())
	if err != nil {
		d.close()
		return fmt.Errorf("demo: %w", err)
	}
	d.engine = newEngine(store, cl, cfg, e.now, log)
	rep, err := d.engine.Once(ctx)
	if err != nil {
		d.close()
		return fmt.Errorf("demo: first sync with the embedded central: %w", err)
	}
	log.Info("demo ready", "patients", c.Patients, "days", cfg.DemoDays, "pulled", total(rep.Pulled),
		"duration", time.Since(start).Round(time.Millisecond))
	return nil
}

// openDemoLater makes a fresh, empty demo cache at once and leaves the
// clinic to a demoBoot (data.boot) that runConsole starts behind the
// screen, so the console appears without waiting for the build.
func openDemoLater(ctx context.Context, e *env, cfg config.Config, log *slog.Logger) (*data, error) {
	store, err := live.NewCache(ctx, cfg.DemoCachePath)
	if err == nil {
		// Reopened on the console's clocks (the demo cache is opened on
		// the real one).
		if err = store.Close(); err == nil {
			store, err = cache.Open(ctx, cfg.DemoCachePath, e.cacheOptions()...)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	d := &data{store: store, mode: config.ModeDemo, demo: true, clinic: demo.ClinicName}
	d.boot = newDemoBoot(d, cfg, e, log)
	log.Info("cache opened", "mode", d.mode.String(), "demo", d.demo)
	return d, nil
}

// newClient builds the FHIR client from the configuration.
func newClient(cfg config.Config) (*client.Client, error) {
	opts := client.Options{BaseURL: cfg.Central.URL, Token: cfg.Central.Token,
		CAFile: cfg.Central.CAFile, UserAgent: userAgent()}
	if cfg.Central.OAuth.Issuer != "" {
		// The OAuth login: a token that refreshes itself (see login.go).
		oc, err := oauthConfig(cfg)
		if err != nil {
			return nil, err
		}
		opts.TokenSource = oauth.NewSource(oc)
	}
	cl, err := client.New(opts)
	if err != nil {
		return nil, fmt.Errorf("central %s (%s): %w", cfg.Central.URL, cfg.Source(config.KeyCentralURL), err)
	}
	return cl, nil
}

// newEngine makes the sync engine on the console's clock; its log lines go
// to the log file only.
func newEngine(store *cache.Store, cl *client.Client, cfg config.Config, now func() time.Time, log *slog.Logger) *engine.Engine {
	return engine.New(store, cl, engineOptions(cfg, now, log))
}

// engineOptions are the engine's options from the configuration: sync.settle
// 0 means never search past a watermark (the engine's Settle -1).
func engineOptions(cfg config.Config, now func() time.Time, log *slog.Logger) engine.Options {
	settle := cfg.SyncSettle
	if settle == 0 {
		settle = -1
	}
	return engine.Options{Interval: cfg.SyncInterval, Overlap: cfg.SyncOverlap, Settle: settle, Clock: now, Logger: log}
}

func userAgent() string { return "telehjerte-tui/" + versionString() }

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func isTrue(s string) bool {
	switch s {
	case "1", "true", "yes":
		return true
	}
	return false
}

// buildDemo replaces the file at path with a new demo clinic written
// straight into the cache (for `seed`: files of any size, no central).
func buildDemo(ctx context.Context, path string, opts demo.Options) (*cache.Store, error) {
	if err := removeCache(path); err != nil {
		return nil, fmt.Errorf("demo cache: %w", err)
	}
	store, err := cache.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("demo cache: %w", err)
	}
	if err := demo.SeedCache(ctx, store, opts); err != nil {
		store.Close()
		return nil, fmt.Errorf("demo cache %s: %w", path, err)
	}
	return store, nil
}

// removeCache deletes an SQLite file and its journal companions, so a stale
// write-ahead log is never applied to a new file.
func removeCache(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", p, err)
		}
	}
	return nil
}

// infoTrainingCentral is the cache's info key naming the central that
// declared itself a training (test data) server.
const infoTrainingCentral = "training_central"

// checkTrainingClock lets a moved clock (clock.offset) write only into
// training data: the central must declare that it holds test data (its
// CapabilityStatement tagged v3-ActReason HTEST), or, when it cannot be
// asked now, have declared it to this cache before. A real central would
// otherwise get acknowledgements, messages and regime changes dated at a
// time that is not now.
func checkTrainingClock(ctx context.Context, cfg config.Config, store *cache.Store, cl *client.Client) error {
	if cfg.ClockOffset == 0 {
		return nil
	}
	refuse := func(why string) error {
		return fmt.Errorf("%s %s: %s; a moved clock is for training and tests only and never writes into real records",
			config.KeyClockOffset, config.FormatOffset(cfg.ClockOffset), why)
	}
	training, err := cl.TestData(ctx)
	if err != nil {
		info, ierr := store.Info(ctx)
		if ierr == nil && info[infoTrainingCentral] == cfg.Central.URL {
			return nil // it said so before; it cannot be asked now
		}
		return refuse(fmt.Sprintf("cannot ask the central at %s whether it is a training server (%s)", cfg.Central.URL, engine.ErrorKind(err)))
	}
	if !training {
		return refuse(fmt.Sprintf("the central at %s is not a training server (its CapabilityStatement is not tagged as test data)", cfg.Central.URL))
	}
	if err := store.Write(ctx, func(tx *cache.Tx) error { return tx.SetInfo(infoTrainingCentral, cfg.Central.URL) }); err != nil {
		return fmt.Errorf("mark the cache as training: %w", err)
	}
	return nil
}
