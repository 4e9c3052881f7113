package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/telehjerte/telehjerte-tui/cmd/telehjerte-tui/internal/export"
	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// newReportCmd is `report access`: the authorisation report fetched from
// the central with the signed-in user's login; the central decides what
// she may see (her teams' part, or everything for an administrator) and
// records the run.
func newReportCmd(e *env) *cobra.Command {
	root := &cobra.Command{Use: "report", Short: "Reports from the central for the authorisation check"}
	var since, format string
	access := &cobra.Command{
		Use:   "access",
		Short: "Who has access to your team's patients, what access, and the use of it",
		Long: `Print the half-yearly authorisation check from the central's own records:
per user her role, teams, se-adgang grants with their ends, last login, last
look-up, look-ups and patients looked up, look-ups outside her own teams with
the grant or cover that allowed them, and UNUSED for access not used. A team
member gets her teams' part (their members, the grants to their patients,
anyone who looked their patients up); an administrator gets every user. The
central records every run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			period, err := config.ParsePeriod(since)
			if err != nil {
				return fmt.Errorf("--since: %w", err)
			}
			switch format {
			case "table", "csv", "json":
			default:
				return fmt.Errorf("unknown --format %q (table, json or csv)", format)
			}
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			return runAccessReport(cmd.Context(), e.shifted(cfg.ClockOffset), cfg, period, format)
		},
	}
	access.Flags().StringVar(&since, "since", "6mo", "period: e.g. 6mo, 90d, 2w, 1y or 4380h")
	access.Flags().StringVar(&format, "format", "table", "output format: table, json or csv")
	root.AddCommand(access)
	return root
}

func runAccessReport(ctx context.Context, e *env, cfg config.Config, period time.Duration, format string) error {
	if cfg.Mode() != config.ModeCentral {
		return fmt.Errorf("report access needs a central server: set central.url (%s or --central-url)",
			config.EnvName(config.KeyCentralURL))
	}
	cl, err := newClient(cfg)
	if err != nil {
		return fmt.Errorf("report access: %w", err)
	}
	lines, err := cl.AccessReport(ctx, e.now().Add(-period))
	if err != nil {
		return fmt.Errorf("report access: %w", explainSyncError(cfg, err))
	}
	w := bufio.NewWriter(e.stdout)
	if err := writeAccessReport(w, lines, format, e.loc); err != nil {
		return fmt.Errorf("report access: write: %w", err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("report access: write: %w", err)
	}
	return nil
}

type accessLineJSON struct {
	User       string        `json:"user"`
	Name       string        `json:"name"`
	Role       string        `json:"role"`
	Teams      []string      `json:"teams"`
	Grants     []string      `json:"grants"`
	LastLogin  string        `json:"last_login"`
	LastLookUp string        `json:"last_lookup"`
	LookUps    int           `json:"lookups"`
	Patients   int           `json:"patients"`
	Outside    []outsideJSON `json:"outside_own_teams"`
	Unused     bool          `json:"unused"`
	// What the user opened on a console's screen (domain.AccessFiguresNote).
	Opened         int    `json:"opened"`
	OpenedPatients int    `json:"opened_patients"`
	LastOpened     string `json:"last_opened"`
}

type outsideJSON struct {
	Patient string `json:"patient"`
	LookUps int    `json:"lookups"`
	Via     string `json:"via"`
}

// writeAccessReport writes the report; every text came from the central
// and is cleaned (and defused for spreadsheets in CSV).
func writeAccessReport(w io.Writer, lines []domain.AccessLine, format string, loc *time.Location) error {
	clean := safetext.Sanitize
	at := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format(time.RFC3339)
	}
	rows := make([]accessLineJSON, 0, len(lines))
	for _, l := range lines {
		j := accessLineJSON{User: clean(l.User), Name: clean(l.Name), Role: clean(string(l.Role)), Teams: []string{}, Grants: []string{},
			LastLogin: at(l.LastLogin), LastLookUp: at(l.LastLookUp), LookUps: l.LookUps, Patients: l.Patients, Outside: []outsideJSON{}, Unused: l.Unused,
			Opened: l.Opened, OpenedPatients: l.OpenedPatients, LastOpened: at(l.LastOpened)}
		for _, t := range l.Teams {
			j.Teams = append(j.Teams, clean(t))
		}
		for _, g := range l.Grants {
			s := fmt.Sprintf("%s until %s", clean(g.ID), g.To.In(loc).Format("2006-01-02"))
			if g.Revoked {
				s += " revoked"
			}
			j.Grants = append(j.Grants, s)
		}
		for _, o := range l.Outside {
			j.Outside = append(j.Outside, outsideJSON{Patient: clean(o.Patient), LookUps: o.Count, Via: clean(o.Via)})
		}
		rows = append(rows, j)
	}
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	head := []string{"user", "name", "role", "teams", "grants", "last_login", "last_lookup", "lookups", "patients", "outside_own_teams", "unused",
		"opened", "opened_patients", "last_opened"}
	recs := [][]string{head}
	for _, r := range rows {
		var outside []string
		for _, o := range r.Outside {
			outside = append(outside, fmt.Sprintf("%s x%d (%s)", o.Patient, o.LookUps, o.Via))
		}
		unused := ""
		if r.Unused {
			unused = "UNUSED"
		}
		recs = append(recs, []string{r.User, r.Name, r.Role, strings.Join(r.Teams, "; "), strings.Join(r.Grants, "; "), r.LastLogin, r.LastLookUp,
			strconv.Itoa(r.LookUps), strconv.Itoa(r.Patients), strings.Join(outside, "; "), unused,
			strconv.Itoa(r.Opened), strconv.Itoa(r.OpenedPatients), r.LastOpened})
	}
	if format == "csv" {
		cw := csv.NewWriter(w)
		for i, rec := range recs {
			if i > 0 {
				for k := range rec {
					rec[k] = export.Cell(rec[k])
				}
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, rec := range recs {
		fmt.Fprintln(tw, strings.Join(rec, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// What the figures count, under the table a person reads.
	_, err := fmt.Fprintf(w, "\n%s\n", domain.AccessFiguresNote)
	return err
}
