package main

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
)

// A console connected to a training central (one whose CapabilityStatement
// is tagged as test data, v3-ActReason HTEST) says so above every screen
// ("ØVELSE"), learnt from the central itself, not from the configuration;
// and it follows the central's clinical clock (extension
// fhir.ExtServerClock), so when the instructor pauses or advances a
// classroom's clock, every trainee's console moves with it. Its audit log
// keeps the real time (env.realClock).

// followClock is the real clock plus the offset of the training central's
// clock; zero offset until a training central gives its clock.
type followClock struct {
	real   func() time.Time
	offset atomic.Int64
}

func (f *followClock) now() time.Time { return f.real().Add(time.Duration(f.offset.Load())) }

// set follows the central's clock as read in info; false when there is
// nothing to follow (not a training central, or no clock given).
func (f *followClock) set(info client.ServerInfo) bool {
	if !info.TestData || info.Clock.IsZero() {
		return false
	}
	d := info.Clock.Sub(info.Asked)
	if d > -2*time.Second && d < 2*time.Second {
		d = 0 // the central runs on real time; network delay is no offset
	}
	f.offset.Store(int64(d))
	return true
}

// following returns a copy of e on the clock f (the real clock kept for
// the audit log).
func (e *env) following(f *followClock) *env {
	c := *e
	c.real = e.realClock()
	c.now = f.now
	return &c
}

// training is what the console knows of a training central.
type training struct {
	on    bool
	lang  string
	loc   *time.Location
	clock *followClock // nil: the console's own clock
}

// askTraining asks the central whether it is a training central and sets
// the console's clock to its clock. Offline, a central that said so before
// to this cache is still shown as training (on the console's own clock).
func askTraining(ctx context.Context, cl *client.Client, store *cache.Store, cfg config.Config, fc *followClock, log *slog.Logger) training {
	tr := training{lang: cfg.Lang}
	qctx, cancel := context.WithTimeout(ctx, whoAmITimeout)
	defer cancel()
	info, err := cl.ServerInfo(qctx)
	if err != nil {
		if i, ierr := store.Info(ctx); ierr == nil && i[infoTrainingCentral] == cfg.Central.URL {
			tr.on = true
		}
		return tr
	}
	tr.on = info.TestData
	if tr.on {
		if err := store.Write(ctx, func(tx *cache.Tx) error { return tx.SetInfo(infoTrainingCentral, cfg.Central.URL) }); err != nil {
			log.Warn("training mark", "err", err)
		}
	}
	if fc != nil && fc.set(info) {
		tr.clock = fc
	}
	return tr
}

// followLoop keeps the console on the training central's clock (the
// instructor may pause or advance it) until ctx ends; changed is called
// when the clock was moved.
func followLoop(ctx context.Context, cl *client.Client, fc *followClock, every time.Duration, changed func()) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		qctx, cancel := context.WithTimeout(ctx, whoAmITimeout)
		info, err := cl.ServerInfo(qctx)
		cancel()
		if err != nil {
			continue
		}
		before := fc.offset.Load()
		if fc.set(info) && absDur(time.Duration(fc.offset.Load()-before)) > time.Minute {
			changed()
		}
	}
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// banner is the training line above every screen ("" when not training).
func (t training) banner() string {
	if !t.on {
		return ""
	}
	clock := ""
	if t.clock != nil {
		now := t.clock.now()
		if t.loc != nil {
			now = now.In(t.loc)
		}
		if t.lang == "en" {
			clock = " · training clock " + now.Format("02.01 15:04")
		} else {
			clock = " · øvelsesur " + now.Format("02.01 15:04")
		}
	}
	if t.lang == "en" {
		return " ØVELSE · TRAINING · test data, not real patients" + clock + " "
	}
	return " ØVELSE · træningsdata – ikke rigtige borgere" + clock + " "
}
