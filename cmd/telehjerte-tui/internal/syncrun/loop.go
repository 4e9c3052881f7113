// Package syncrun runs the sync engine for the console: a background loop
// that reports every round (so the console can reload what changed and
// show its status), and one reported round for `sync --once` with what was
// pushed per resource type.
package syncrun

import (
	"context"
	"log/slog"
	"time"

	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
)

// Loop runs a round every Interval and on Trigger until its context ends.
type Loop struct {
	eng      *engine.Engine
	interval time.Duration
	log      *slog.Logger
	onRound  func(engine.Report, error)
	trigger  chan struct{}
}

// NewLoop returns a loop over eng. onRound (may be nil) is called after
// every round from the loop's goroutine; it must not block for long.
// log gets one line per failed round: the kind of failure, never its text
// (which may quote the server).
func NewLoop(eng *engine.Engine, interval time.Duration, log *slog.Logger, onRound func(engine.Report, error)) *Loop {
	if interval <= 0 {
		interval = engine.DefaultInterval
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Loop{eng: eng, interval: interval, log: log, onRound: onRound, trigger: make(chan struct{}, 1)}
}

// Trigger asks for a round now. It never blocks; triggers that arrive
// while one is waiting are merged.
func (l *Loop) Trigger() {
	select {
	case l.trigger <- struct{}{}:
	default:
	}
}

// Run does a round at once (unless skipFirst), then every interval and on
// Trigger, until ctx ends; it returns ctx's error. A failed round
// (central unreachable, refused) is reported and retried next time.
func (l *Loop) Run(ctx context.Context, skipFirst bool) error {
	wait := time.Duration(0)
	if skipFirst {
		wait = l.interval
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		case <-l.trigger:
		}
		rep, err := l.eng.Once(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			l.log.Warn("sync round failed", "error_kind", ErrorKind(err))
		}
		if l.onRound != nil {
			l.onRound(rep, err)
		}
		if !t.Stop() {
			select {
			case <-t.C:
			default:
			}
		}
		t.Reset(l.interval)
	}
}

// ErrorKind is a log-safe label of a sync error: its class and HTTP status,
// no text from the server or the data. It is the engine's own labelling, so
// the console's log and the engine's agree.
func ErrorKind(err error) string { return engine.ErrorKind(err) }

// Offline reports whether err means the central could not be reached (or
// did not answer properly), rather than refusing.
func Offline(err error) bool { return client.IsRetryable(err) }
