package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/domain"
)

// adminCmd administers the reference central locally: users and roles,
// teams and members, tokens and patient logins, se-adgang grants. No JSON
// is edited by hand; every change of the database is audited with --by.
func adminCmd() *cobra.Command {
	var dbPath, by string
	a := &cobra.Command{Use: "admin", Short: "Administer users, teams, tokens, patient logins and se-adgang"}
	a.PersistentFlags().StringVar(&dbPath, "db", "telehjerte-central.db", "SQLite database file")
	a.PersistentFlags().StringVar(&by, "by", os.Getenv("USER"), "who administers (recorded in the audit)")
	withStore := func(cmd *cobra.Command, fn func(*central.Store) error) error {
		store, err := central.OpenStore(cmd.Context(), dbPath, nil)
		if err != nil {
			return err
		}
		defer store.Close()
		return fn(store)
	}

	// user
	user := &cobra.Command{Use: "user", Short: "Users (practitioners) and their roles"}
	var uid, uname, urole, format string
	userAdd := &cobra.Command{
		Use:   "add",
		Short: "Create a user or change her name or role",
		RunE: func(cmd *cobra.Command, _ []string) error {
			role, err := domain.ParseRole(urole)
			if err != nil {
				return err
			}
			return withStore(cmd, func(s *central.Store) error {
				if err := s.SetUser(cmd.Context(), central.User{ID: uid, Name: uname, Role: role}, by); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "user %s: role %s\n", uid, role)
				return nil
			})
		},
	}
	userAdd.Flags().StringVar(&uid, "id", "", "practitioner id")
	userAdd.Flags().StringVar(&uname, "name", "", "display name")
	userAdd.Flags().StringVar(&urole, "role", string(domain.RoleNurse), "monitoring-nurse, read-only or administrator")
	_ = userAdd.MarkFlagRequired("id")
	userList := &cobra.Command{
		Use:   "list",
		Short: "List users with role and last login",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, func(s *central.Store) error {
				us, err := s.Users(cmd.Context())
				if err != nil {
					return err
				}
				rows := [][]string{{"id", "name", "role", "last_login"}}
				for _, u := range us {
					rows = append(rows, []string{u.ID, u.Name, string(u.Role), instant(u.LastLogin)})
				}
				return writeRows(cmd.OutOrStdout(), format, rows)
			})
		},
	}
	userList.Flags().StringVar(&format, "format", "table", "table, csv or json")
	user.AddCommand(userAdd, userList)

	// team
	team := &cobra.Command{Use: "team", Short: "Teams (CareTeams) and their members"}
	var tid, tname, orgID, orgName, memberTeam, memberUser string
	teamAdd := &cobra.Command{
		Use:   "add",
		Short: "Create a team or rename it",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, func(s *central.Store) error {
				if err := s.SetTeam(cmd.Context(), domain.Team{ID: tid, Name: tname, OrgID: orgID, OrgName: orgName}, by); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "team %s: %s\n", tid, tname)
				return nil
			})
		},
	}
	teamAdd.Flags().StringVar(&tid, "id", "", "team id")
	teamAdd.Flags().StringVar(&tname, "name", "", "team name")
	teamAdd.Flags().StringVar(&orgID, "org-id", "", "organisation id (optional)")
	teamAdd.Flags().StringVar(&orgName, "org-name", "", "organisation name (optional)")
	_ = teamAdd.MarkFlagRequired("id")
	_ = teamAdd.MarkFlagRequired("name")
	member := func(remove bool) *cobra.Command {
		use, short := "add-member", "Add a user to a team"
		if remove {
			use, short = "remove-member", "Remove a user from a team"
		}
		c := &cobra.Command{
			Use:   use,
			Short: short,
			RunE: func(cmd *cobra.Command, _ []string) error {
				return withStore(cmd, func(s *central.Store) error {
					if err := s.SetMember(cmd.Context(), memberTeam, memberUser, remove, by); err != nil {
						return err
					}
					fmt.Fprintf(cmd.OutOrStdout(), "team %s: %s %s\n", memberTeam, use, memberUser)
					return nil
				})
			},
		}
		c.Flags().StringVar(&memberTeam, "team", "", "team id")
		c.Flags().StringVar(&memberUser, "user", "", "practitioner id")
		_ = c.MarkFlagRequired("team")
		_ = c.MarkFlagRequired("user")
		return c
	}
	team.AddCommand(teamAdd, member(false), member(true))

	// token and patient login
	var tokensPath, tokUser, tokPatient string
	var ttl time.Duration
	token := &cobra.Command{Use: "token", Short: "Bearer tokens of users (the tokens file read by serve --tokens)"}
	tokenAdd := &cobra.Command{
		Use:   "add",
		Short: "Make a new token for a user and print it once",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, func(s *central.Store) error {
				if !knownUser(cmd, s, tokUser) {
					return fmt.Errorf("no user %s: add her with `admin user add` first", tokUser)
				}
				return addToken(cmd.OutOrStdout(), tokensPath, "Practitioner/"+tokUser, ttl)
			})
		},
	}
	tokenRevoke := &cobra.Command{
		Use:   "revoke",
		Short: "Remove every token of a user (or, with --patient, of a patient login)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			who := "Practitioner/" + tokUser
			if tokPatient != "" {
				who = "Patient/" + tokPatient
			}
			n, err := revokeTokens(tokensPath, who)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d token(s) of %s removed; restart serve to apply\n", n, who)
			return nil
		},
	}
	for _, c := range []*cobra.Command{tokenAdd, tokenRevoke} {
		c.Flags().StringVar(&tokensPath, "tokens", "", "tokens file (created with mode 0600 when missing)")
		c.Flags().StringVar(&tokUser, "user", "", "practitioner id")
		_ = c.MarkFlagRequired("tokens")
	}
	tokenAdd.Flags().DurationVar(&ttl, "ttl", 0, "the token expires after this long, e.g. 720h (0: never)")
	tokenRevoke.Flags().StringVar(&tokPatient, "patient", "", "patient id (a patient login)")
	token.AddCommand(tokenAdd, tokenRevoke)
	patientLogin := &cobra.Command{
		Use:   "patient-login",
		Short: "Make a patient login (a token for the patient side) and print it once",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return addToken(cmd.OutOrStdout(), tokensPath, "Patient/"+tokPatient, ttl)
		},
	}
	patientLogin.Flags().StringVar(&tokensPath, "tokens", "", "tokens file (created with mode 0600 when missing)")
	patientLogin.Flags().StringVar(&tokPatient, "patient", "", "patient id")
	patientLogin.Flags().DurationVar(&ttl, "ttl", 0, "the login expires after this long (0: never)")
	_ = patientLogin.MarkFlagRequired("tokens")
	_ = patientLogin.MarkFlagRequired("patient")

	a.AddCommand(user, team, token, patientLogin, grantCmd(withStore, &by))
	return a
}

func grantCmd(withStore func(*cobra.Command, func(*central.Store) error) error, by *string) *cobra.Command {
	g := &cobra.Command{Use: "grant", Short: "se-adgang: read-only access to patients or a team for a period"}
	var grantee, grantedBy, reason, until, id, format string
	var patients, teams []string
	var months int
	add := &cobra.Command{
		Use:   "add",
		Short: "Grant se-adgang (default 3 months)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			now := time.Now()
			end := now.AddDate(0, months, 0)
			if until != "" {
				t, err := time.Parse("2006-01-02", until)
				if err != nil {
					return fmt.Errorf("--until %q: expected a date such as 2026-06-01", until)
				}
				end = t
			}
			gr := domain.ReadGrant{Grantee: grantee, GrantedBy: grantedBy, Patients: patients, Teams: teams, From: now, To: end, Reason: reason}
			return withStore(cmd, func(s *central.Store) error {
				if err := s.PutGrant(cmd.Context(), gr, *by); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "se-adgang for %s until %s\n", grantee, end.Format("2006-01-02"))
				return nil
			})
		},
	}
	add.Flags().StringVar(&grantee, "user", "", "the practitioner who gets read-only access")
	add.Flags().StringSliceVar(&patients, "patient", nil, "patient id (repeatable)")
	add.Flags().StringSliceVar(&teams, "team", nil, "team id: all of its patients (repeatable)")
	add.Flags().StringVar(&grantedBy, "granted-by", "", "the monitoring nurse who grants it")
	add.Flags().StringVar(&reason, "reason", "", "why (required)")
	add.Flags().IntVar(&months, "months", 3, "length in months")
	add.Flags().StringVar(&until, "until", "", "end date instead of --months (YYYY-MM-DD)")
	for _, f := range []string{"user", "granted-by", "reason"} {
		_ = add.MarkFlagRequired(f)
	}
	revoke := &cobra.Command{
		Use:   "revoke",
		Short: "Revoke a se-adgang grant",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, func(s *central.Store) error {
				gr, err := s.Grant(cmd.Context(), id)
				if err != nil {
					return err
				}
				gr.Revoked = true
				if err := s.PutGrant(cmd.Context(), gr, *by); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "se-adgang %s of %s revoked\n", id, gr.Grantee)
				return nil
			})
		},
	}
	revoke.Flags().StringVar(&id, "id", "", "grant id (see grant list)")
	_ = revoke.MarkFlagRequired("id")
	list := &cobra.Command{
		Use:   "list",
		Short: "List se-adgang grants",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, func(s *central.Store) error {
				gs, err := s.Grants(cmd.Context())
				if err != nil {
					return err
				}
				now := time.Now()
				rows := [][]string{{"id", "user", "patients", "teams", "from", "to", "state", "granted_by", "reason"}}
				for _, gr := range gs {
					state := "active"
					switch {
					case gr.Revoked:
						state = "revoked"
					case !now.Before(gr.To):
						state = "expired"
					case now.Before(gr.From):
						state = "future"
					}
					rows = append(rows, []string{gr.ID, gr.Grantee, strings.Join(gr.Patients, " "), strings.Join(gr.Teams, " "),
						instant(gr.From), instant(gr.To), state, gr.GrantedBy, gr.Reason})
				}
				return writeRows(cmd.OutOrStdout(), format, rows)
			})
		},
	}
	list.Flags().StringVar(&format, "format", "table", "table, csv or json")
	g.AddCommand(add, revoke, list)
	return g
}

func knownUser(cmd *cobra.Command, s *central.Store, id string) bool {
	us, err := s.Users(cmd.Context())
	if err != nil {
		return false
	}
	for _, u := range us {
		if u.ID == id {
			return true
		}
	}
	return false
}

func instant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// writeRows prints rows (the first is the header) as a table, CSV or JSON
// (an array of objects keyed by the header).
func writeRows(w io.Writer, format string, rows [][]string) error {
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.WriteAll(rows); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
		return nil
	case "json":
		out := make([]map[string]string, 0, len(rows)-1)
		for _, r := range rows[1:] {
			m := map[string]string{}
			for i, h := range rows[0] {
				m[h] = r[i]
			}
			out = append(out, m)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "table", "":
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, r := range rows {
			fmt.Fprintln(tw, strings.Join(r, "\t"))
		}
		return tw.Flush()
	}
	return fmt.Errorf("--format %q: expected table, csv or json", format)
}

// readTokensFile reads the tokens file as raw JSON values per token (so
// entries are kept as they were written); a missing file is empty.
func readTokensFile(path string) (map[string]json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	// The same checks as serve: mode 0600 and the right shape.
	if _, err := central.LoadTokens(path); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read tokens file: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("tokens file %s: %w", path, err)
	}
	return m, nil
}

// writeTokensFile replaces the tokens file atomically, mode 0600.
func writeTokensFile(path string, m map[string]json.RawMessage) error {
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tokens-*")
	if err != nil {
		return fmt.Errorf("write tokens file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write tokens file: %w", err)
	}
	if _, err := tmp.Write(append(js, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write tokens file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write tokens file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write tokens file: %w", err)
	}
	return nil
}

// addToken adds a fresh random token for who and prints it once (it is
// not shown again: the central keeps only its hash in memory).
func addToken(out io.Writer, path, who string, ttl time.Duration) error {
	m, err := readTokensFile(path)
	if err != nil {
		return err
	}
	tok, err := newToken()
	if err != nil {
		return err
	}
	spec := central.TokenSpec{Principal: who}
	if ttl > 0 {
		spec.Expires = time.Now().Add(ttl).UTC().Format(time.RFC3339)
	}
	js, err := json.Marshal(spec)
	if err != nil {
		return err
	}
	m[tok] = js
	if err := writeTokensFile(path, m); err != nil {
		return err
	}
	fmt.Fprintln(out, tok)
	return nil
}

// revokeTokens removes every token of who.
func revokeTokens(path, who string) (int, error) {
	m, err := readTokensFile(path)
	if err != nil {
		return 0, err
	}
	n := 0
	for tok, raw := range m {
		var spec central.TokenSpec
		if err := json.Unmarshal(raw, &spec); err != nil {
			return 0, fmt.Errorf("tokens file %s: %w", path, err)
		}
		p := spec.Principal
		if !strings.Contains(p, "/") {
			p = "Practitioner/" + p
		}
		if p == who {
			delete(m, tok)
			n++
		}
	}
	return n, writeTokensFile(path, m)
}
