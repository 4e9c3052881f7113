package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/domain"
)

// reportCmd prints the half-yearly authorisation check from the central's
// own records (users, teams, grants, the access log), and the access log
// of one patient; every run is itself audited.
func reportCmd() *cobra.Command {
	r := &cobra.Command{Use: "report", Short: "Reports for the authorisation check"}
	var dbPath, since, format, patient, by string
	access := &cobra.Command{
		Use:   "access",
		Short: "Who has access, what access, and the use of it (per user, or every access to one patient with --patient)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := config.ParsePeriod(since)
			if err != nil {
				return fmt.Errorf("--since: %w", err)
			}
			from := time.Now().Add(-d)
			store, err := central.OpenStore(cmd.Context(), dbPath, nil)
			if err != nil {
				return err
			}
			defer store.Close()
			if err := store.AuditReportRun(cmd.Context(), by, fmt.Sprintf("since=%s patient=%q format=%s", since, patient, format)); err != nil {
				return err
			}
			if patient != "" {
				log, err := store.PatientAccess(cmd.Context(), patient, from)
				if err != nil {
					return err
				}
				// recorded_by: the central (an answer that carried her
				// data) or a console (she was opened on its screen).
				rows := [][]string{{"at", "who", "action", "what", "recorded_by"}}
				for _, a := range log {
					recordedBy := "central"
					if a.Console {
						recordedBy = "console"
					}
					rows = append(rows, []string{instant(a.At), a.Who, a.Action, a.What, recordedBy})
				}
				return writeRows(cmd.OutOrStdout(), format, rows)
			}
			rep, err := store.AccessReport(cmd.Context(), from)
			if err != nil {
				return err
			}
			if format == "json" {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(reportJSON(rep))
			}
			rows := [][]string{{"user", "name", "role", "teams", "grants", "last_login", "last_lookup", "lookups", "patients", "outside_own_teams", "unused",
				"opened", "opened_patients", "last_opened"}}
			for _, u := range rep {
				var grants, outside []string
				for _, g := range u.Grants {
					state := ""
					if g.Revoked {
						state = " revoked"
					}
					grants = append(grants, fmt.Sprintf("%s until %s%s", g.ID, g.To.UTC().Format("2006-01-02"), state))
				}
				for _, o := range u.Outside {
					outside = append(outside, fmt.Sprintf("%s x%d (%s)", o.Patient, o.Count, o.Via))
				}
				unused := ""
				if u.Unused {
					unused = "UNUSED"
				}
				rows = append(rows, []string{u.ID, u.Name, string(u.Role), strings.Join(u.Teams, "; "), strings.Join(grants, "; "),
					instant(u.LastLogin), instant(u.LastLookUp), strconv.Itoa(u.LookUps), strconv.Itoa(u.Patients), strings.Join(outside, "; "), unused,
					strconv.Itoa(u.Opened), strconv.Itoa(u.OpenedPatients), instant(u.LastOpened)})
			}
			if err := writeRows(cmd.OutOrStdout(), format, rows); err != nil || (format != "table" && format != "") {
				return err
			}
			// What the figures count, under the table a person reads.
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "\n%s\n", domain.AccessFiguresNote)
			return err
		},
	}
	access.Flags().StringVar(&dbPath, "db", "telehjerte-central.db", "SQLite database file")
	access.Flags().StringVar(&since, "since", "6mo", "period: e.g. 6mo, 90d, 2w, 1y or a Go duration")
	access.Flags().StringVar(&format, "format", "table", "table, csv or json")
	access.Flags().StringVar(&patient, "patient", "", "every access to this patient (for her request for insight)")
	access.Flags().StringVar(&by, "by", os.Getenv("USER"), "who runs the report (recorded in the audit)")
	r.AddCommand(access)
	return r
}

type reportUserJSON struct {
	User       string        `json:"user"`
	Name       string        `json:"name"`
	Role       string        `json:"role"`
	Teams      []string      `json:"teams"`
	Grants     []grantJSON   `json:"grants"`
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

type grantJSON struct {
	ID       string   `json:"id"`
	Patients []string `json:"patients,omitempty"`
	Teams    []string `json:"teams,omitempty"`
	From     string   `json:"from"`
	To       string   `json:"to"`
	Revoked  bool     `json:"revoked"`
	By       string   `json:"granted_by"`
	Reason   string   `json:"reason"`
}

type outsideJSON struct {
	Patient string `json:"patient"`
	Count   int    `json:"lookups"`
	Via     string `json:"via"`
}

func reportJSON(rep []central.UserAccess) []reportUserJSON {
	out := make([]reportUserJSON, 0, len(rep))
	for _, u := range rep {
		j := reportUserJSON{User: u.ID, Name: u.Name, Role: string(u.Role), Teams: u.Teams, LastLogin: instant(u.LastLogin),
			LastLookUp: instant(u.LastLookUp), LookUps: u.LookUps, Patients: u.Patients, Unused: u.Unused,
			Opened: u.Opened, OpenedPatients: u.OpenedPatients, LastOpened: instant(u.LastOpened),
			Grants: []grantJSON{}, Outside: []outsideJSON{}}
		if j.Teams == nil {
			j.Teams = []string{}
		}
		for _, g := range u.Grants {
			j.Grants = append(j.Grants, grantJSON{ID: g.ID, Patients: g.Patients, Teams: g.Teams, From: instant(g.From), To: instant(g.To),
				Revoked: g.Revoked, By: g.GrantedBy, Reason: g.Reason})
		}
		for _, o := range u.Outside {
			j.Outside = append(j.Outside, outsideJSON{Patient: o.Patient, Count: o.Count, Via: o.Via})
		}
		out = append(out, j)
	}
	return out
}
