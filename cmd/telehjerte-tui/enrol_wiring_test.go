package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
)

// The enrolment capability is its own option, wired with a central and
// absent from a read-only cache, and it carries the configured template.
func TestConsoleOptionsWireEnrolment(t *testing.T) {
	dir := isolate(t)
	e, _, _ := testEnv(t)
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	cachePath := filepath.Join(dir, "replica.sqlite")
	cfg := flagConfig(t, e, "--cache", cachePath, "--central-url", "http://127.0.0.1:9", "--user", "nurse-a")
	d, err := openData(ctx, e, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := consoleOptions(d, cfg, e)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Course == nil || opts.Keeper == nil {
		t.Fatalf("central console: course reminders %v, re-evaluation and end %v", opts.Course != nil, opts.Keeper != nil)
	}
	if opts.Enroller == nil || opts.Enroller.Template().Name != cfg.EnrolTemplate.Name || cfg.EnrolTemplate.StartUpDays != 14 {
		t.Fatalf("central console: enroller %v", opts.Enroller != nil)
	}
	d.close()
	cfg = flagConfig(t, e, "--cache", cachePath)
	d, err = openData(ctx, e, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	if opts, err = consoleOptions(d, cfg, e); err != nil || opts.Enroller != nil || opts.Keeper != nil {
		t.Fatalf("read-only console offers enrolment: %v %v", opts.Enroller != nil, err)
	}
	if opts.Course == nil {
		t.Error("a read-only console lost the course reminders")
	}
}
