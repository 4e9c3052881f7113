package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// env is what the commands take from the outside world, so tests can
// replace it.
type env struct {
	stdout, stderr io.Writer
	now            func() time.Time
	// real is the clock before any clock.offset (shifted keeps it): real
	// records such as the audit log use it. Nil: now is real.
	real   func() time.Time
	loc    *time.Location
	locErr error
	// terminal reports whether stdin and stdout are a terminal.
	terminal func() bool
}

func newEnv() *env {
	loc, err := time.LoadLocation(clinicZone)
	if err != nil {
		err = fmt.Errorf("load time zone %s: %w", clinicZone, err)
	}
	return &env{stdout: os.Stdout, stderr: os.Stderr, now: time.Now, loc: loc, locErr: err,
		terminal: func() bool { return term.IsTerminal(os.Stdin.Fd()) && term.IsTerminal(os.Stdout.Fd()) }}
}

// shifted returns a copy of e whose clock runs offset ahead of (or, when
// negative, behind) e's: clock.offset, for training sessions and tests.
func (e *env) shifted(offset time.Duration) *env {
	if offset == 0 {
		return e
	}
	c := *e
	now := e.now
	c.real = e.realClock()
	c.now = func() time.Time { return now().Add(offset) }
	return &c
}

// realClock is the clock without clock.offset.
func (e *env) realClock() func() time.Time {
	if e.real != nil {
		return e.real
	}
	return e.now
}

// cacheOptions open the cache on the console's clock, with audit entries
// stamped by the real one: a moved clock is for training, the audit log is
// a real record.
func (e *env) cacheOptions() []cache.Option {
	return []cache.Option{cache.WithClock(e.now), cache.WithAuditClock(e.realClock())}
}

// clinicZone is the time zone of the clinics: measurement deadlines and days
// are local to it.
const clinicZone = "Europe/Copenhagen"
