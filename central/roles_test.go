package central

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// rolesEnv: authEnv's central (nurse-a home of p1, nurse-b of p2,
// municipal-m read-only with se-adgang to p1 for 5 days, admin-1).
func rolesEnv(t *testing.T) *env {
	e, _ := authEnv(t)
	e.clock.Set(inside)
	return e
}

func grantBody(g domain.ReadGrant) *fhir.CareTeam {
	ct := fhir.ReadGrantToCareTeam(g)
	ct.ID = ""
	return ct
}

func patientIDs(t *testing.T, e *env, token string) []string {
	t.Helper()
	var out []string
	for _, r := range e.searchAll(token, "/Patient?_count=100") {
		out = append(out, r.Header().ID)
	}
	return out
}

// A monitoring nurse grants se-adgang to a team's patients; the grantee
// sees them read-only until the grant is revoked or runs out; only the
// team responsible may grant or revoke; every change is audited.
func TestReadOnlyGrantByTeam(t *testing.T) {
	e := rolesEnv(t)
	if got := patientIDs(t, e, tokMunicipN); strings.Join(got, ",") != "p2" {
		t.Fatalf("municipal-n sees %v before, want p2 only", got)
	}
	g := domain.ReadGrant{Grantee: "municipal-n", Teams: []string{"team-a"}, From: inside, To: inside.Add(domain.DefaultReadGrant), Reason: "støtte til egenomsorg"}
	// Not by a nurse of another team, not by the read-only user herself,
	// not by an administrator.
	for _, tok := range []string{tokNurseB, tokMunicipN, tokAdmin, tokNurseC} {
		e.wantOutcome(e.do(http.MethodPost, "/CareTeam", tok, grantBody(g)), http.StatusForbidden)
	}
	// A forged grantor is refused; a grant without a reason or too long is
	// a 422.
	forged := g
	forged.GrantedBy = "nurse-b"
	e.wantOutcome(e.do(http.MethodPost, "/CareTeam", tokNurseA, grantBody(forged)), http.StatusForbidden)
	noReason := g
	noReason.Reason = " "
	e.wantOutcome(e.do(http.MethodPost, "/CareTeam", tokNurseA, grantBody(noReason)), http.StatusUnprocessableEntity)
	tooLong := g
	tooLong.To = g.From.Add(domain.MaxReadGrant + time.Hour)
	e.wantOutcome(e.do(http.MethodPost, "/CareTeam", tokNurseA, grantBody(tooLong)), http.StatusUnprocessableEntity)

	r := e.want(e.do(http.MethodPost, "/CareTeam", tokNurseA, grantBody(g)), http.StatusCreated)
	var stored fhir.CareTeam
	r.decode(t, &stored)
	got, err := fhir.ReadGrantFromCareTeam(&stored)
	if err != nil {
		t.Fatal(err)
	}
	if got.GrantedBy != "nurse-a" {
		t.Errorf("granted-by %q, want the signed-in nurse-a", got.GrantedBy)
	}
	if ids := patientIDs(t, e, tokMunicipN); strings.Join(ids, ",") != "p1,p2" {
		t.Errorf("municipal-n sees %v with the team grant, want p1,p2", ids)
	}
	// A grant's participant is not a team member: she cannot write.
	e.wantOutcome(e.do(http.MethodPost, "/Communication", tokMunicipN, fhir.MessageToCommunication(domain.Message{PatientID: "p1", Body: "hej", Sent: inside})), http.StatusForbidden)
	// The grant is not a team: nobody adds herself to it to act.
	e.want(e.do(http.MethodGet, "/EpisodeOfCare?patient=p1", tokMunicipN, nil), http.StatusOK)

	// Revoke: by nurse-b refused, by nurse-a allowed; p1 is gone.
	stored.Status = "inactive"
	e.wantOutcome(e.do(http.MethodPut, "/CareTeam/"+stored.ID, tokNurseB, &stored), http.StatusForbidden)
	e.want(e.do(http.MethodPut, "/CareTeam/"+stored.ID, tokNurseA, &stored), http.StatusOK)
	if ids := patientIDs(t, e, tokMunicipN); strings.Join(ids, ",") != "p2" {
		t.Errorf("municipal-n sees %v after the revocation, want p2", ids)
	}
	// Both steps were audited by the central.
	var descs []string
	for _, r := range e.searchAll(tokNurseA, "/AuditEvent?_count=100") {
		ae := r.(*fhir.AuditEvent)
		for _, en := range ae.Entity {
			if en.What != nil && en.What.Reference == "CareTeam/"+stored.ID {
				descs = append(descs, en.Description)
			}
		}
	}
	joined := strings.Join(descs, "|")
	if !strings.Contains(joined, "se-adgang grant Practitioner/municipal-n") || !strings.Contains(joined, "se-adgang revoke Practitioner/municipal-n") {
		t.Errorf("audit of the grant: %q", joined)
	}
}

// A grant to one patient ends at its end: the grantee's reads of the
// patient are 404 and her searches empty, while the grant stays on record.
func TestReadOnlyGrantExpires(t *testing.T) {
	e := rolesEnv(t)
	e.want(e.do(http.MethodGet, "/Patient/p1", tokMunicip, nil), http.StatusOK)
	e.clock.Set(t0.Add(5 * 24 * time.Hour))
	e.wantOutcome(e.do(http.MethodGet, "/Patient/p1", tokMunicip, nil), http.StatusNotFound)
	if ids := patientIDs(t, e, tokMunicip); len(ids) != 0 {
		t.Errorf("after the grant's end municipal-m sees %v", ids)
	}
	gs, err := e.store.Grants(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, g := range gs {
		found = found || g.ID == "grant-m"
	}
	if !found {
		t.Errorf("the expired grant is no longer on record: %v", gs)
	}
}

// A team-wide grant ends at its end too: inside its period the grantee
// sees every patient of the team, after it none but those of her own
// grants.
func TestReadOnlyTeamGrantExpires(t *testing.T) {
	e := rolesEnv(t)
	to := inside.Add(24 * time.Hour)
	g := domain.ReadGrant{Grantee: "municipal-n", Teams: []string{"team-a"}, From: inside, To: to, Reason: "kommunal opfølgning"}
	e.want(e.do(http.MethodPost, "/CareTeam", tokNurseA, grantBody(g)), http.StatusCreated)
	if ids := patientIDs(t, e, tokMunicipN); strings.Join(ids, ",") != "p1,p2" {
		t.Fatalf("inside the team grant municipal-n sees %v, want p1,p2", ids)
	}
	e.clock.Set(to.Add(-time.Minute))
	e.want(e.do(http.MethodGet, "/Patient/p1", tokMunicipN, nil), http.StatusOK)
	e.clock.Set(to)
	e.wantOutcome(e.do(http.MethodGet, "/Patient/p1", tokMunicipN, nil), http.StatusNotFound)
	if ids := patientIDs(t, e, tokMunicipN); strings.Join(ids, ",") != "p2" {
		t.Errorf("after the team grant's end municipal-n sees %v, want p2 (her own grant)", ids)
	}
}

// $whoami says who a token belongs to, with role and teams, and records
// the login.
func TestWhoAmI(t *testing.T) {
	e := rolesEnv(t)
	if err := e.store.SetUser(context.Background(), User{ID: "nurse-a", Name: "Anna Sygeplejerske", Role: domain.RoleNurse}, "admin-1"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		token string
		want  domain.Identity
	}{
		{tokNurseA, domain.Identity{ID: "nurse-a", Name: "Anna Sygeplejerske", Role: domain.RoleNurse, Teams: []domain.Team{{ID: "team-a", Name: "Klinik A"}}}},
		{tokMunicip, domain.Identity{ID: "municipal-m", Role: domain.RoleReadOnly}},
		{tokAdmin, domain.Identity{ID: "admin-1", Role: domain.RoleAdmin}},
	} {
		r := e.want(e.do(http.MethodGet, "/$whoami", c.token, nil), http.StatusOK)
		var p fhir.Parameters
		r.decode(t, &p)
		got, err := fhir.WhoAmIFromParameters(&p)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != c.want.ID || got.Name != c.want.Name || got.Role != c.want.Role || len(got.Teams) != len(c.want.Teams) ||
			(len(got.Teams) > 0 && got.Teams[0] != c.want.Teams[0]) {
			t.Errorf("$whoami for %s = %+v, want %+v", c.want.ID, got, c.want)
		}
	}
	e.want(e.do(http.MethodGet, "/$whoami", "", nil), http.StatusUnauthorized)
	// The CapabilityStatement declares the operation.
	if r := e.want(e.do(http.MethodGet, "/metadata", "", nil), http.StatusOK); !strings.Contains(string(r.body), `"operation":[{"name":"whoami"`) {
		t.Errorf("metadata does not declare $whoami: %.300s", r.body)
	}
	users, err := e.store.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.ID == "nurse-a" && u.LastLogin.IsZero() {
			t.Errorf("nurse-a's login was not recorded")
		}
		if u.ID == "nurse-b" && !u.LastLogin.IsZero() {
			t.Errorf("nurse-b never signed in but has a last login")
		}
	}
}

// A principal whose role a search is still to read has the least rights
// until it is read: read-only, no administrator, continuing no record;
// withRole reads it in the transaction.
func TestRoleLaterIsLeastRights(t *testing.T) {
	e := newEnv(t)
	p := Principal{Practitioner: "nurse-a", roleLater: true}
	if !p.readOnly() || p.admin() {
		t.Errorf("role not read yet: readOnly %v, admin %v; want read-only, no administrator", p.readOnly(), p.admin())
	}
	err := e.store.readTx(context.Background(), func(tx *tx) error {
		got, err := tx.withRole(p)
		if err != nil {
			return err
		}
		if got.roleLater || got.Role != domain.RoleNurse || got.readOnly() {
			t.Errorf("role read: %+v, want a nurse", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
