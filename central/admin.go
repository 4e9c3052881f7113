package central

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// Administration of the reference central, run locally by
// `telehjerte-central admin ...` (never over the API): users and their
// roles, teams and their members, se-adgang grants. Every change is
// recorded as an AuditEvent whose agent is the administrator named.

// User is one account of the central.
type User struct {
	ID        string
	Name      string
	Role      domain.Role
	LastLogin time.Time // zero: never
}

// SetUser creates or changes a user: her Practitioner resource (name) and
// her role.
func (s *Store) SetUser(ctx context.Context, u User, by string) error {
	if !fhir.ValidID(u.ID) {
		return fmt.Errorf("user id %q is not a valid FHIR id", u.ID)
	}
	role, err := domain.ParseRole(string(u.Role))
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(t *tx) error {
		pr := &fhir.Practitioner{Base: fhir.Base{ResourceType: "Practitioner", ID: u.ID}}
		if st, err := t.current("Practitioner", u.ID); err == nil {
			if pr, err = fhir.Decode[*fhir.Practitioner](st.JSON); err != nil {
				return fmt.Errorf("stored Practitioner/%s: %w", u.ID, err)
			}
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		if u.Name != "" {
			pr.Name = []fhir.HumanName{{Text: u.Name}}
		}
		active := true
		pr.Active = &active
		if _, err := t.write(pr, 0); err != nil {
			return err
		}
		if _, err := t.exec(`INSERT INTO users(practitioner_id, role) VALUES (?, ?)
			ON CONFLICT(practitioner_id) DO UPDATE SET role = excluded.role`, u.ID, string(role)); err != nil {
			return fmt.Errorf("set role of %s: %w", u.ID, err)
		}
		_, err := t.write(adminAudit(by, fhir.Ref("Practitioner", u.ID), "user role "+string(role), t.s.now()), 0)
		return err
	})
}

// Users lists every practitioner the central knows, with role and last
// login, sorted by id.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	var out []User
	err := s.readTx(ctx, func(t *tx) error {
		rows, err := t.query(`SELECT r.id, r.json, COALESCE(u.role, ''), COALESCE(u.last_login_ms, 0)
			FROM resources r LEFT JOIN users u ON u.practitioner_id = r.id WHERE r.type = 'Practitioner' ORDER BY r.id`)
		if err != nil {
			return fmt.Errorf("list users: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, role string
			var stored []byte
			var last int64
			if err := rows.Scan(&id, &stored, &role, &last); err != nil {
				return err
			}
			js, err := unpackJSON(stored)
			if err != nil {
				return fmt.Errorf("list users: Practitioner/%s: %w", id, err)
			}
			u := User{ID: id, Role: domain.RoleNurse}
			if r, err := domain.ParseRole(role); err == nil {
				u.Role = r
			}
			if pr, err := fhir.Decode[*fhir.Practitioner](js); err == nil {
				u.Name = practitionerName(pr)
			}
			if last > 0 {
				u.LastLogin = time.UnixMilli(last).UTC()
			}
			out = append(out, u)
		}
		return rows.Err()
	})
	return out, err
}

// SetTeam creates a team (CareTeam, with its Organization when named) or
// renames it, keeping its members.
func (s *Store) SetTeam(ctx context.Context, team domain.Team, by string) error {
	if !fhir.ValidID(team.ID) {
		return fmt.Errorf("team id %q is not a valid FHIR id", team.ID)
	}
	return s.inTx(ctx, func(t *tx) error {
		ct, org := fhir.TeamToFHIR(team)
		if st, err := t.current("CareTeam", team.ID); err == nil {
			old, err := fhir.Decode[*fhir.CareTeam](st.JSON)
			if err != nil {
				return fmt.Errorf("stored CareTeam/%s: %w", team.ID, err)
			}
			if fhir.IsReadAccessGrant(old) {
				return fmt.Errorf("CareTeam/%s is a se-adgang grant, not a team", team.ID)
			}
			ct.Participant = old.Participant
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		if _, err := t.write(ct, 0); err != nil {
			return err
		}
		if org != nil {
			if _, err := t.write(org, 0); err != nil {
				return err
			}
		}
		_, err := t.write(adminAudit(by, fhir.Ref("CareTeam", team.ID), "team "+team.Name, t.s.now()), 0)
		return err
	})
}

// SetMember adds (or with remove, removes) a practitioner to a team.
func (s *Store) SetMember(ctx context.Context, teamID, practitioner string, remove bool, by string) error {
	return s.inTx(ctx, func(t *tx) error {
		st, err := t.current("CareTeam", teamID)
		if err != nil {
			return err
		}
		ct, err := fhir.Decode[*fhir.CareTeam](st.JSON)
		if err != nil {
			return fmt.Errorf("stored CareTeam/%s: %w", teamID, err)
		}
		if fhir.IsReadAccessGrant(ct) {
			return fmt.Errorf("CareTeam/%s is a se-adgang grant, not a team", teamID)
		}
		if _, err := t.current("Practitioner", practitioner); err != nil {
			return fmt.Errorf("no user %s (add her with `admin user add` first): %w", practitioner, err)
		}
		var kept []fhir.CareTeamParticipant
		for _, p := range ct.Participant {
			if id, ok := fhir.RefID(p.Member, "Practitioner"); ok && id == practitioner {
				continue
			}
			kept = append(kept, p)
		}
		what := "removed"
		if !remove {
			kept = append(kept, fhir.CareTeamParticipant{Member: fhir.Ref("Practitioner", practitioner)})
			what = "added"
		}
		ct.Participant = kept
		if _, err := t.write(ct, 0); err != nil {
			return err
		}
		_, err = t.write(adminAudit(by, fhir.Ref("CareTeam", teamID), fmt.Sprintf("membership %s Practitioner/%s", what, practitioner), t.s.now()), 0)
		return err
	})
}

// PutGrant stores a se-adgang grant as it is given (the grantor is
// g.GrantedBy), audited.
func (s *Store) PutGrant(ctx context.Context, g domain.ReadGrant, by string) error {
	if err := g.Validate(); err != nil {
		return err
	}
	if g.ID == "" {
		g.ID = newID()
	}
	return s.inTx(ctx, func(t *tx) error {
		if _, err := t.current("Practitioner", g.Grantee); err != nil {
			return fmt.Errorf("no user %s: %w", g.Grantee, err)
		}
		if _, err := t.write(fhir.ReadGrantToCareTeam(g), 0); err != nil {
			return err
		}
		what := "grant"
		if g.Revoked {
			what = "revoke"
		}
		_, err := t.write(adminAudit(by, fhir.Ref("CareTeam", g.ID),
			fmt.Sprintf("se-adgang %s Practitioner/%s until %s", what, g.Grantee, fhir.FormatInstant(g.To)), t.s.now()), 0)
		return err
	})
}

// Grants lists every se-adgang grant, sorted by grantee then end.
func (s *Store) Grants(ctx context.Context) ([]domain.ReadGrant, error) {
	var out []domain.ReadGrant
	err := s.readTx(ctx, func(t *tx) error {
		rows, err := t.query(`SELECT `+storedCols+` FROM resources WHERE type = 'CareTeam' AND id IN
			(SELECT id FROM params WHERE type = 'CareTeam' AND name = 'category' AND value = ?)`, fhir.SystemCareTeamKind+"|"+fhir.CodeReadAccess)
		if err != nil {
			return fmt.Errorf("list grants: %w", err)
		}
		sts, err := collectStored(rows)
		if err != nil {
			return err
		}
		for _, st := range sts {
			ct, err := fhir.Decode[*fhir.CareTeam](st.JSON)
			if err != nil {
				return fmt.Errorf("stored CareTeam/%s: %w", st.ID, err)
			}
			g, err := fhir.ReadGrantFromCareTeam(ct)
			if err != nil {
				return err
			}
			out = append(out, g)
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].Grantee != out[j].Grantee {
			return out[i].Grantee < out[j].Grantee
		}
		return out[i].To.Before(out[j].To)
	})
	return out, err
}

// Grant returns one se-adgang grant.
func (s *Store) Grant(ctx context.Context, id string) (domain.ReadGrant, error) {
	var g domain.ReadGrant
	err := s.inTx(ctx, func(t *tx) error {
		st, err := t.current("CareTeam", id)
		if err != nil {
			return err
		}
		ct, err := fhir.Decode[*fhir.CareTeam](st.JSON)
		if err != nil {
			return fmt.Errorf("stored CareTeam/%s: %w", id, err)
		}
		g, err = fhir.ReadGrantFromCareTeam(ct)
		return err
	})
	return g, err
}

// adminAudit is the AuditEvent of a local administration step.
func adminAudit(by string, what *fhir.Reference, desc string, now time.Time) *fhir.AuditEvent {
	agent := fhir.AuditEventAgent{Who: &fhir.Reference{Display: "administrator " + by}, Requestor: true}
	if fhir.ValidID(by) {
		agent.Who = fhir.Ref("Practitioner", by)
	}
	return &fhir.AuditEvent{
		Base:     fhir.Base{ResourceType: "AuditEvent"}, // named by write
		Type:     fhir.Coding{System: SystemAuditEventType, Code: "rest"},
		Subtype:  []fhir.Coding{{System: SystemRestfulAction, Code: "update"}},
		Action:   "U",
		Recorded: fhir.FormatInstant(now),
		Outcome:  "0",
		Agent:    []fhir.AuditEventAgent{agent},
		Source:   fhir.AuditEventSource{Site: CentralSite, Observer: fhir.Reference{Display: "telehjerte-central admin"}},
		Entity:   []fhir.AuditEventEntity{{What: what, Description: desc}},
	}
}
