package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/demo/live"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
)

// demoBoot builds the demo clinic while the console is already on screen:
// first straight into the cache, in bulk (the worklist is usable as soon as
// that is done, with its progress on the screen until then), then the
// embedded central with the same clinic generated for the same moment,
// then the sync engine against it, whose first round finds the cache
// already holding what the central has. Building through the central
// first and pulling everything took 9 s of blank screen on two cores.
type demoBoot struct {
	cfg   config.Config
	e     *env
	log   *slog.Logger
	d     *data
	at    time.Time // the moment the clinic is generated for
	nurse string    // the practitioner the console acts as
	// start starts the embedded central (live.Start; tests hold it back).
	start func(context.Context, live.Options) (*live.Central, error)

	mu                  sync.Mutex
	patients, resources int       // written into the cache so far
	cached              time.Time // when the cache held the whole clinic; zero before
	err                 error     // the build failed
	engine              *engine.Engine
	central             *live.Central
	client              *client.Client // the demo nurse's client of the central
}

// newDemoBoot prepares the build of the demo clinic into d's fresh cache.
func newDemoBoot(d *data, cfg config.Config, e *env, log *slog.Logger) *demoBoot {
	return &demoBoot{cfg: cfg, e: e, log: log, d: d, at: e.now(), nurse: demo.NurseA, start: live.Start}
}

// status is the console's sync status: the build's progress while the
// cache is written, then "connecting" with the data's age while the
// central starts, then the engine's.
func (b *demoBoot) status() console.SyncStatus {
	b.mu.Lock()
	eng, err, cached := b.engine, b.err, b.cached
	s := console.SyncStatus{Syncing: true, LastSync: cached}
	if cached.IsZero() {
		s.FirstSync, s.Patients, s.Resources = true, b.patients, b.resources
	}
	b.mu.Unlock()
	switch {
	case eng != nil:
		return syncStatus(eng.Status)()
	case err != nil:
		return console.SyncStatus{State: console.ConnServerError, Detail: "demo: " + engine.ErrorKind(err),
			LastSync: cached, LastAttempt: b.e.now()}
	}
	return s
}

// trigger asks for a sync round now, once there is an engine.
func (b *demoBoot) trigger() {
	b.mu.Lock()
	eng := b.engine
	b.mu.Unlock()
	if eng != nil {
		eng.Trigger()
	}
}

// errDemoCentralStarting: the embedded central is not up yet.
var errDemoCentralStarting = errors.New("the DEMO central is still starting: try again in a moment")

// AccessReport is the access report (U) of the embedded central for the
// demo nurse, a member of the demo clinic's team, as a configured central
// gives it to a team member.
func (b *demoBoot) AccessReport(ctx context.Context, since time.Time) ([]domain.AccessLine, error) {
	b.mu.Lock()
	cl := b.client
	b.mu.Unlock()
	if cl == nil {
		return nil, errDemoCentralStarting
	}
	return cl.AccessReport(ctx, since)
}

// centralClient is the demo nurse's client of the embedded central; nil
// until the central is up.
func (b *demoBoot) centralClient() *client.Client {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.client
}

// run builds the clinic, then syncs with the embedded central (and runs
// the patient simulator) until ctx ends; onRound gets every sync round.
// It stops the central when it returns.
func (b *demoBoot) run(ctx context.Context, f consoleFlags, onRound func(engine.Report, error)) {
	// Each batch of patients in the cache is shown as it lands, like
	// patients a sync round brought.
	shown := 0
	stored := func(patients int) {
		onRound(engine.Report{Appeared: patients - shown}, nil)
		shown = patients
	}
	if err := b.build(ctx, stored); err != nil {
		if ctx.Err() == nil {
			b.log.Error("demo build", "error_kind", engine.ErrorKind(err), "err", err)
			b.mu.Lock()
			b.err = err
			b.mu.Unlock()
			onRound(engine.Report{}, err)
		}
		return
	}
	defer func() {
		if err := b.central.Close(); err != nil {
			b.log.Error("stop the demo central", "err", err)
		}
	}()
	var wg sync.WaitGroup
	wg.Go(func() { _ = b.engine.Run(ctx, 0, onRound) })
	if f.demoEvery > 0 {
		sim := b.central.Simulator(f.demoSeed, nil)
		wg.Go(func() { runSimulator(ctx, sim, f.demoEvery, b.engine, b.log) })
	}
	wg.Wait()
}

// build writes the clinic into the cache, starts the embedded central with
// the same clinic and makes the engine.
// stored is called after every batch of patients the cache commits, and
// when the whole clinic is in.
func (b *demoBoot) build(ctx context.Context, stored func(patients int)) error {
	start := time.Now()
	opts := demo.Options{Patients: b.cfg.DemoPatients, Days: b.cfg.DemoDays, Now: b.at, Loc: b.e.loc}
	err := demo.SeedCacheProgress(ctx, b.d.store, opts, func(patients, resources int) {
		b.mu.Lock()
		b.patients, b.resources = patients, resources
		b.mu.Unlock()
		stored(patients)
	})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := b.d.store.SetLastSync(ctx, b.at); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	b.mu.Lock()
	b.cached = b.at
	patients := b.patients
	b.mu.Unlock()
	stored(patients + 1) // the status changed: the data's age replaces the progress
	cachedIn := time.Since(start)
	c, err := b.start(ctx, live.Options{
		DBPath:   filepath.Join(filepath.Dir(b.cfg.DemoCachePath), demoCentralFile),
		Patients: b.cfg.DemoPatients, Days: b.cfg.DemoDays, Now: b.e.now, GenerateAt: b.at, Loc: b.e.loc,
		Nurse: b.nurse, Logger: warnOnly(b.log),
	})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	cl, err := c.Client(userAgent())
	if err != nil {
		c.Close()
		return fmt.Errorf("demo: %w", err)
	}
	eng := newEngine(b.d.store, cl, b.cfg, b.e.now, b.log)
	if err := eng.Restore(ctx); err != nil {
		c.Close()
		return fmt.Errorf("demo: %w", err)
	}
	b.mu.Lock()
	b.engine, b.central, b.client = eng, c, cl
	b.mu.Unlock()
	b.log.Info("demo ready", "patients", c.Patients, "days", b.cfg.DemoDays,
		"cache_ms", cachedIn.Milliseconds(), "central_ms", (time.Since(start) - cachedIn).Milliseconds())
	return nil
}
