package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/telehjerte/telehjerte-tui/cmd/telehjerte-tui/internal/export"
	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// ActionAuditReport is the audit action of reading the audit log itself.
const ActionAuditReport = "report-audit-log"

type auditFlags struct {
	format  string
	since   time.Duration
	patient string
	user    string
}

func (f auditFlags) validate() error {
	switch f.format {
	case "table", "json", "csv":
	default:
		return fmt.Errorf("unknown --format %q (table, json or csv)", f.format)
	}
	if f.since <= 0 {
		return fmt.Errorf("--since %s must be positive", f.since)
	}
	return nil
}

func newAuditCmd(e *env) *cobra.Command {
	f := auditFlags{format: "table", since: 183 * 24 * time.Hour}
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Report the audit log: who looked up or changed what, and when",
		Long: `Print the cache's audit log for the half-yearly authorisation check: every
look-up of patient data and every action, with the user, the patient id and
(for changes) the old and new values. The default window is the last half
year. Reading the log is itself recorded in it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.validate(); err != nil {
				return err
			}
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			return runAudit(cmd.Context(), e.shifted(cfg.ClockOffset), cfg, f)
		},
	}
	cmd.Flags().StringVar(&f.format, "format", f.format, "output format: table, json or csv")
	cmd.Flags().DurationVar(&f.since, "since", f.since, "how far back to report")
	cmd.Flags().StringVar(&f.patient, "patient", "", "only entries about this patient id")
	cmd.Flags().StringVar(&f.user, "user", "", "only entries by this user")
	return cmd
}

func runAudit(ctx context.Context, e *env, cfg config.Config, f auditFlags) error {
	if cfg.Mode() == config.ModeDemo {
		return fmt.Errorf("audit: the demo's cache is rebuilt at every start and keeps no history; name a cache with --cache or configure a central")
	}
	store, err := cache.Open(ctx, cfg.CachePath, e.cacheOptions()...)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	defer store.Close()
	now := e.now()
	entries, err := store.AuditLog(ctx, now.Add(-f.since))
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	user, err := auditUser(ctx, store, cfg)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	// The report is recorded before it is shown, like every other look-up.
	if err := store.Audit(ctx, domain.AuditEntry{At: now, User: user, Action: ActionAuditReport,
		Detail: fmt.Sprintf("since=%s patient=%q user=%q", f.since, f.patient, f.user)}); err != nil {
		return fmt.Errorf("audit: record the report: %w", err)
	}
	var kept []domain.AuditEntry
	for _, a := range entries {
		if (f.patient == "" || a.PatientID == f.patient) && (f.user == "" || a.User == f.user) {
			kept = append(kept, a)
		}
	}
	w := bufio.NewWriter(e.stdout)
	if err := writeAudit(w, kept, f.format, e.loc); err != nil {
		return fmt.Errorf("audit: write: %w", err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("audit: write: %w", err)
	}
	return nil
}

// auditRow is one entry as reported; text is sanitised because details can
// carry values that came from patients or the central.
type auditRow struct {
	At      string `json:"at"`
	User    string `json:"user"`
	Action  string `json:"action"`
	Patient string `json:"patient_id,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

func writeAudit(w io.Writer, entries []domain.AuditEntry, format string, loc *time.Location) error {
	rows := make([]auditRow, len(entries))
	for i, a := range entries {
		rows[i] = auditRow{At: a.At.In(loc).Format(time.RFC3339), User: safetext.Sanitize(a.User), Action: safetext.Sanitize(a.Action),
			Patient: safetext.Sanitize(a.PatientID), Detail: safetext.Sanitize(a.Detail)}
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if rows == nil {
			rows = []auditRow{}
		}
		return enc.Encode(rows)
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"at", "user", "action", "patient_id", "detail"})
		for _, r := range rows {
			_ = cw.Write([]string{r.At, export.Cell(r.User), export.Cell(r.Action), export.Cell(r.Patient), export.Cell(r.Detail)})
		}
		cw.Flush()
		return cw.Error()
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tUSER\tACTION\tPATIENT\tDETAIL")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.At, r.User, r.Action, r.Patient, r.Detail)
	}
	return tw.Flush()
}
