package central

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// Roles on the central (docs/fhir-mapping.md, "Roles and se-adgang"): a
// user's role is an attribute of her account here (the users table, set
// by `telehjerte-central admin user`), never of anything she writes.

// refuseReadOnly: a read-only user (se-adgang) writes nothing at all.
func refuseReadOnly(p Principal) error {
	if p.readOnly() {
		return forbidden("se-adgang is read-only: this user may look but not change anything")
	}
	return nil
}

// authorizeAdminWrite: an administrator creates and changes teams of
// nurses and Practitioner resources; she writes no patient data (and sees
// none unless she is also a member of a team, which she may not make
// herself through the API: her membership would give her access).
func (t *tx) authorizeAdminWrite(p Principal, r fhir.Resource, cur *Stored) ([]fhir.Resource, error) {
	switch v := r.(type) {
	case *fhir.Practitioner:
		return nil, nil
	case *fhir.CareTeam:
		if fhir.IsReadAccessGrant(v) {
			return nil, forbidden("se-adgang is granted by a monitoring nurse of the patient's team, not by an administrator")
		}
		if extract(v).members != nil && containsMember(v, p.Practitioner) {
			was := false
			if cur != nil {
				old, err := fhir.Decode[*fhir.CareTeam](cur.JSON)
				if err != nil {
					return nil, fmt.Errorf("stored CareTeam/%s: %w", cur.ID, err)
				}
				was = containsMember(old, p.Practitioner)
			}
			if !was {
				return nil, forbidden("an administrator may not add herself to a team over the API")
			}
		}
		return t.authorizeCareTeam(p, v, cur)
	}
	return nil, forbidden("an administrator manages teams and users; she does not write %s", r.Header().ResourceType)
}

func containsMember(ct *fhir.CareTeam, practitioner string) bool {
	for _, m := range extract(ct).members {
		if m == practitioner {
			return true
		}
	}
	return false
}

// sameKind reports whether ct (and its stored version cur) is a se-adgang
// grant; a team never becomes a grant nor a grant a team.
func sameKind(ct *fhir.CareTeam, cur *Stored) (bool, error) {
	grant := fhir.IsReadAccessGrant(ct)
	if cur != nil {
		old, err := fhir.Decode[*fhir.CareTeam](cur.JSON)
		if err != nil {
			return false, fmt.Errorf("stored CareTeam/%s: %w", cur.ID, err)
		}
		if fhir.IsReadAccessGrant(old) != grant {
			return false, forbidden("a team of nurses cannot become a se-adgang grant, nor a grant a team")
		}
	}
	return grant, nil
}

// authorizeGrant: se-adgang is granted, changed and revoked by a
// monitoring nurse responsible for everything it covers (a member of a
// home team of each patient, a member of each team), to one Practitioner,
// with a reason and a period of at most domain.MaxReadGrant. The server
// records who granted it (granted-by) and audits every change.
func (t *tx) authorizeGrant(p Principal, ct *fhir.CareTeam, cur *Stored) ([]fhir.Resource, error) {
	if p.admin() {
		return nil, forbidden("se-adgang is granted by a monitoring nurse of the patient's team, not by an administrator")
	}
	g, err := fhir.ReadGrantFromCareTeam(ct)
	if err != nil {
		return nil, errorf(http.StatusUnprocessableEntity, "business-rule", "%v", err)
	}
	if err := g.Validate(); err != nil {
		return nil, errorf(http.StatusUnprocessableEntity, "business-rule", "%v", err)
	}
	if _, err := t.current("Practitioner", g.Grantee); err != nil {
		return nil, errorf(http.StatusUnprocessableEntity, "business-rule", "se-adgang is granted to a known user (Practitioner/%s is not one)", g.Grantee)
	}
	if err := t.responsibleFor(p, g); err != nil {
		return nil, err
	}
	grantedBy := p.Practitioner
	action := "grant"
	if cur != nil {
		oldCT, err := fhir.Decode[*fhir.CareTeam](cur.JSON)
		if err != nil {
			return nil, fmt.Errorf("stored CareTeam/%s: %w", cur.ID, err)
		}
		old, err := fhir.ReadGrantFromCareTeam(oldCT)
		if err != nil {
			return nil, fmt.Errorf("stored CareTeam/%s: %w", cur.ID, err)
		}
		if err := t.responsibleFor(p, old); err != nil {
			return nil, err
		}
		if old.Grantee != g.Grantee {
			return nil, errorf(http.StatusUnprocessableEntity, "business-rule", "a se-adgang grant stays with its user; grant another user anew")
		}
		grantedBy = old.GrantedBy
		action = "change"
		if g.Revoked && !old.Revoked {
			action = "revoke"
		}
	} else if g.GrantedBy != "" && g.GrantedBy != p.Practitioner {
		return nil, forbidden("se-adgang is granted by the signed-in user only")
	}
	// granted-by is the server's.
	var kept []fhir.Extension
	for _, e := range ct.Extension {
		if e.URL != fhir.ExtGrantedBy {
			kept = append(kept, e)
		}
	}
	ct.Extension = append(kept, fhir.Extension{URL: fhir.ExtGrantedBy, ValueReference: fhir.Ref("Practitioner", grantedBy)})
	sub, code := "update", "U"
	if cur == nil {
		sub, code = "create", "C"
	}
	ae := &fhir.AuditEvent{
		Base:     fhir.Base{ResourceType: "AuditEvent"}, // named by write
		Type:     fhir.Coding{System: SystemAuditEventType, Code: "rest"},
		Subtype:  []fhir.Coding{{System: SystemRestfulAction, Code: sub}},
		Action:   code,
		Recorded: fhir.FormatInstant(t.s.now()),
		Outcome:  "0",
		Agent:    []fhir.AuditEventAgent{{Who: fhir.Ref("Practitioner", p.Practitioner), Requestor: true}},
		Source:   fhir.AuditEventSource{Site: CentralSite, Observer: fhir.Reference{Display: "telehjerte-central"}},
		Entity: []fhir.AuditEventEntity{{What: fhir.Ref("CareTeam", ct.ID),
			Description: fmt.Sprintf("se-adgang %s Practitioner/%s until %s", action, g.Grantee, fhir.FormatInstant(g.To))}},
	}
	return []fhir.Resource{ae}, nil
}

// responsibleFor: p is a member of a home team of each patient of g and a
// member of each (nurses') team of g.
func (t *tx) responsibleFor(p Principal, g domain.ReadGrant) error {
	for _, pid := range g.Patients {
		ok, err := t.isHome(p.Practitioner, "", pid)
		if err != nil {
			return err
		}
		if !ok {
			return forbidden("se-adgang to a patient is granted by a monitoring nurse of her team only")
		}
	}
	for _, team := range g.Teams {
		st, err := t.current("CareTeam", team)
		if err != nil {
			return forbidden("se-adgang to a team is granted by a member of that team only")
		}
		ct, err := fhir.Decode[*fhir.CareTeam](st.JSON)
		if err != nil || fhir.IsReadAccessGrant(ct) {
			return forbidden("se-adgang is granted to a team of nurses, not to another grant")
		}
		ok, err := t.isMember(p.Practitioner, team)
		if err != nil {
			return err
		}
		if !ok {
			return forbidden("se-adgang to a team is granted by a member of that team only")
		}
	}
	return nil
}

// qRoleOf reads a practitioner's role.
const qRoleOf = `SELECT role FROM users WHERE practitioner_id = ?`

// roleOf is the role recorded for a practitioner (a nurse when none). It
// is read on every request, from the read pool: it never waits for a
// write.
func (s *Store) roleOf(ctx context.Context, practitioner string) (domain.Role, error) {
	var row *sql.Row
	st, release := s.readStmt(ctx, qRoleOf)
	if st != nil {
		// Held until the row is read: pushed out of the cache meanwhile,
		// it is closed after, not under the look-up.
		defer release()
		row = st.QueryRowContext(ctx, practitioner)
	} else {
		row = s.reader().QueryRowContext(ctx, qRoleOf, practitioner)
	}
	return scanRole(row)
}

// withRole is p with her role read in t, for a request whose role auth
// left to the handler (roleLater); p as it is otherwise.
func (t *tx) withRole(p Principal) (Principal, error) {
	if !p.roleLater {
		return p, nil
	}
	role, err := scanRole(t.queryRow(qRoleOf, p.Practitioner))
	if err != nil {
		return p, err
	}
	p.Role, p.roleLater = role, false
	return p, nil
}

// scanRole reads the row of qRoleOf: a nurse when there is none.
func scanRole(row *sql.Row) (domain.Role, error) {
	var role string
	err := row.Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.RoleNurse, nil
	}
	if err != nil {
		return "", fmt.Errorf("read role: %w", err)
	}
	return domain.ParseRole(role)
}

// whoami answers GET /$whoami: who the token belongs to (fhirUser), her
// role and her teams, as FHIR Parameters. It is the console's sign-in, so
// it records the user's last login.
func (s *Server) whoami(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if p.Patient != "" {
		writeJSON(w, http.StatusOK, &fhir.Parameters{ResourceType: "Parameters", Parameter: []fhir.ParametersParameter{
			{Name: "fhirUser", ValueReference: fhir.Ref("Patient", p.Patient)}}})
		return
	}
	id := domain.Identity{ID: p.Practitioner, Role: p.Role}
	err := s.store.inTx(r.Context(), func(t *tx) error {
		if st, err := t.current("Practitioner", p.Practitioner); err == nil {
			if pr, err := fhir.Decode[*fhir.Practitioner](st.JSON); err == nil {
				id.Name = practitionerName(pr)
			}
		}
		teams, err := t.teamsOf(p.Practitioner)
		if err != nil {
			return err
		}
		for _, tid := range teams {
			team := domain.Team{ID: tid}
			if st, err := t.current("CareTeam", tid); err == nil {
				if ct, err := fhir.Decode[*fhir.CareTeam](st.JSON); err == nil {
					team.Name = ct.Name
				}
			}
			id.Teams = append(id.Teams, team)
		}
		_, err = t.exec(`INSERT INTO users(practitioner_id, role, last_login_ms) VALUES (?, ?, ?)
			ON CONFLICT(practitioner_id) DO UPDATE SET last_login_ms = excluded.last_login_ms`,
			p.Practitioner, string(domain.RoleNurse), time.Now().UnixMilli())
		if err != nil {
			return fmt.Errorf("record login: %w", err)
		}
		return nil
	})
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, fhir.WhoAmIToParameters(id))
}

// practitionerName is a Practitioner's display name ("" when none).
func practitionerName(pr *fhir.Practitioner) string {
	for _, n := range pr.Name {
		if n.Text != "" {
			return n.Text
		}
		if s := strings.TrimSpace(strings.Join(append(append([]string{}, n.Given...), n.Family), " ")); s != "" {
			return s
		}
	}
	return ""
}
