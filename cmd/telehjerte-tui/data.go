package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// data is the cache the console works on and what it says about itself.
type data struct {
	store  *cache.Store
	mode   config.Mode
	demo   bool   // synthetic data: the DEMO banner is shown
	clinic string // from the cache's info table
	note   string // a remark for the user, e.g. that sync is not implemented
}

// noteNoSync says, without pretending otherwise, that the central is not
// contacted yet.
const noteNoSync = "sync with the central server is not implemented yet: showing the local cache as it is"

// openData opens the cache for cfg's mode: a freshly built demo, an
// existing cache file, or the central's replica.
func openData(ctx context.Context, cfg config.Config, now time.Time, loc *time.Location, log *slog.Logger) (*data, error) {
	d := &data{mode: cfg.Mode()}
	var err error
	switch d.mode {
	case config.ModeDemo:
		start := time.Now()
		d.store, err = buildDemo(ctx, cfg.DemoCachePath, demo.Options{
			Patients: cfg.DemoPatients, Days: cfg.DemoDays, Now: now, Loc: loc,
		})
		if err != nil {
			return nil, err
		}
		log.Info("demo cache built", "patients", cfg.DemoPatients, "days", cfg.DemoDays, "duration", time.Since(start))
	case config.ModeCache:
		// With no central, a missing file is a typo, not a cache to create.
		if _, err := os.Stat(cfg.CachePath); err != nil {
			return nil, fmt.Errorf("cache %s (%s): %w; build one with `telehjerte-tui seed --out PATH`",
				cfg.CachePath, cfg.Source(config.KeyCachePath), err)
		}
		if d.store, err = cache.Open(ctx, cfg.CachePath); err != nil {
			return nil, err
		}
	case config.ModeCentral:
		if d.store, err = cache.Open(ctx, cfg.CachePath); err != nil {
			return nil, err
		}
		d.note = noteNoSync
		log.Warn("central configured but sync is not implemented; showing the cache as it is")
	}
	info, err := d.store.Info(ctx)
	if err != nil {
		d.store.Close()
		return nil, err
	}
	d.clinic = info[demo.InfoClinic]
	d.demo = d.mode == config.ModeDemo || isTrue(info[demo.InfoDemo])
	log.Info("cache opened", "mode", d.mode.String(), "demo", d.demo)
	return d, nil
}

func isTrue(s string) bool {
	switch s {
	case "1", "true", "yes":
		return true
	}
	return false
}

// buildDemo replaces the file at path with a new demo clinic.
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
