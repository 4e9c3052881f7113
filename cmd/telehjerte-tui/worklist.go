package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/telehjerte/telehjerte-tui/cmd/telehjerte-tui/internal/export"
	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui"
)

// worklistFlags are the worklist subcommand's own flags.
type worklistFlags struct {
	format string
	all    bool
	width  int
}

// Worklist output formats.
var worklistFormats = []string{"table", "json", "csv"}

func (f worklistFlags) validate() error {
	for _, ok := range worklistFormats {
		if f.format == ok {
			if f.width < 0 {
				return fmt.Errorf("--width %d must not be negative", f.width)
			}
			return nil
		}
	}
	return fmt.Errorf("unknown --format %q (table, json or csv)", f.format)
}

// defaultTableWidth is used when stdout is not a terminal.
const defaultTableWidth = 120

func newWorklistCmd(e *env) *cobra.Command {
	var f worklistFlags
	cmd := &cobra.Command{
		Use:   "worklist",
		Short: "Print the worklist (patients with something open, most urgent first)",
		Long: `Print the worklist in the console's order: red, yellow, missing, messages,
green, unclassified; oldest open item first within a group. CPR numbers are
masked. Every run is recorded in the audit log.

With a central configured it prints the local cache as it is (update it with
` + "`telehjerte-tui sync --once`" + `); in the demo it starts the embedded central and
prints after the first sync.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.validate(); err != nil {
				return err
			}
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			return runWorklist(cmd.Context(), e.shifted(cfg.ClockOffset), cfg, f)
		},
	}
	cmd.Flags().StringVar(&f.format, "format", "table", "output format: table, json or csv")
	cmd.Flags().BoolVar(&f.all, "all", false, "include patients with nothing open")
	cmd.Flags().IntVar(&f.width, "width", 0, "table width in columns (default: the terminal's, else 120)")
	return cmd
}

func runWorklist(ctx context.Context, e *env, cfg config.Config, f worklistFlags) error {
	if e.locErr != nil {
		return e.locErr
	}
	log, closeLog := logOrWarn(e, cfg.LogFile)
	defer closeLog()
	start := time.Now()
	now := e.now()

	d, err := openData(ctx, e, cfg, log)
	if err != nil {
		log.Error("worklist: open data", "err", err)
		return err
	}
	defer func() {
		if err := d.close(); err != nil {
			log.Error("worklist: close data", "err", err)
		}
	}()
	if d.note != "" {
		fmt.Fprintln(e.stderr, "telehjerte-tui:", d.note)
	}

	// The worklist as the console shows it: with the course reminders, so a
	// patient with only a reminder is listed and one whose course has
	// ended is not.
	rows, err := tui.WorklistWithCourse(ctx, d.store, d.store, now, e.loc, f.all)
	if err != nil {
		return fmt.Errorf("worklist: %w", err)
	}
	user, err := auditUser(ctx, d.store, cfg)
	if err != nil {
		return fmt.Errorf("worklist: %w", err)
	}
	if d.embedded != nil {
		// The DEMO: who the console acts as there, the demo nurse, the
		// author of everything in it, not the OS user.
		user = actingUser(d, cfg).ID
	}
	// The look-up is audited before anything is shown.
	if err := d.store.Audit(ctx, domain.AuditEntry{
		At: now, User: user, Action: tui.ActionViewWorklist,
		Detail: fmt.Sprintf("worklist subcommand: format=%s all=%t rows=%d", f.format, f.all, len(rows)),
	}); err != nil {
		return fmt.Errorf("worklist: audit: %w", err)
	}

	w := bufio.NewWriter(e.stdout)
	switch f.format {
	case "json":
		err = export.WriteJSON(w, export.Rows(rows, now, e.loc))
	case "csv":
		err = export.WriteCSV(w, export.Rows(rows, now, e.loc))
	default:
		width := f.width
		if width == 0 {
			width = terminalWidth()
		}
		opts := tui.Options{Lang: cfg.Lang, Demo: d.demo, Clinic: d.clinic, User: user,
			Now: func() time.Time { return now }, Loc: e.loc, Days: cfg.PatientDays}
		err = tui.WriteWorklistTable(w, rows, opts, width)
	}
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		return fmt.Errorf("worklist: write: %w", err)
	}
	log.Info("worklist printed", "format", f.format, "all", f.all, "rows", len(rows), "duration", time.Since(start))
	return nil
}

func terminalWidth() int {
	if w, _, err := term.GetSize(os.Stdout.Fd()); err == nil && w > 0 {
		return w
	}
	return defaultTableWidth
}
