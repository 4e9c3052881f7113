package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
)

// openLog opens the log file for appending, mode 0600 in a 0700 directory.
// The log holds operational events only (mode, counts, durations, errors),
// never names, CPR numbers or message text.
func openLog(path string) (*slog.Logger, io.Closer, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, fmt.Errorf("log file %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("log file %s: %w", path, err)
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("log file %s: restrict to 0600: %w", path, err)
	}
	return slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelInfo})), f, nil
}

// logOrWarn opens the log; when it cannot, it warns on stderr and logs
// nowhere, so a read-only state directory never stops the console.
func logOrWarn(e *env, path string) (*slog.Logger, func()) {
	log, c, err := openLog(path)
	if err != nil {
		fmt.Fprintln(e.stderr, "telehjerte-tui: warning: logging disabled:", err)
		return slog.New(slog.DiscardHandler), func() {}
	}
	return log, func() { c.Close() }
}

// warnOnly passes on warnings and errors of log and drops the rest (for the
// embedded central, whose per-request lines would swamp the log).
func warnOnly(log *slog.Logger) *slog.Logger {
	return slog.New(minLevel{h: log.Handler(), min: slog.LevelWarn})
}

// minLevel is a handler that drops records below min.
type minLevel struct {
	h   slog.Handler
	min slog.Level
}

func (m minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= m.min && m.h.Enabled(ctx, l)
}
func (m minLevel) Handle(ctx context.Context, r slog.Record) error { return m.h.Handle(ctx, r) }
func (m minLevel) WithAttrs(a []slog.Attr) slog.Handler {
	return minLevel{h: m.h.WithAttrs(a), min: m.min}
}
func (m minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h: m.h.WithGroup(name), min: m.min}
}
