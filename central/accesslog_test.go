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

// Every read and search that returns patient data is in the central's
// access log (who, what, which patients, when; never a search value);
// reading the log adds nothing; the log cannot be changed or deleted over
// the API.
func TestCentralAuditsLookUps(t *testing.T) {
	e := rolesEnv(t)
	ctx := context.Background()
	e.want(e.do(http.MethodGet, "/Patient/p1", tokNurseA, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/Observation?patient=p1&_count=10", tokNurseA, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/Patient?identifier=0101011111", tokMunicip, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/Observation/obs-1/_history/1", tokPatient1, nil), http.StatusOK)
	// Nothing of a patient, or ids only: no entry.
	e.want(e.do(http.MethodGet, "/Patient?_elements=id", tokNurseA, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/CareTeam?_count=10", tokNurseA, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/Patient/p1", tokNurseB, nil), http.StatusNotFound)
	log, err := e.store.AccessLog(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Access{
		{Who: "Practitioner/nurse-a", Action: "read", What: "read Patient/p1", Patients: []string{"p1"}},
		{Who: "Practitioner/nurse-a", Action: "search-type", What: "search Observation by patient", Patients: []string{"p1"}},
		{Who: "Practitioner/municipal-m", Action: "search-type", What: "search Patient by identifier", Patients: []string{"p1"}},
		{Who: "Patient/p1", Action: "vread", What: "vread Observation/obs-1/_history/1", Patients: []string{"p1"}},
	}
	if len(log) != len(want) {
		t.Fatalf("access log %+v, want %d entries", log, len(want))
	}
	for i, w := range want {
		g := log[i]
		if g.Who != w.Who || g.Action != w.Action || g.What != w.What || strings.Join(g.Patients, ",") != strings.Join(w.Patients, ",") || g.At.IsZero() {
			t.Errorf("entry %d = %+v, want %+v", i, g, w)
		}
	}
	// Reading the log does not grow it; no search value (a CPR number) is
	// in it.
	r := e.want(e.do(http.MethodGet, "/AuditEvent?patient=p1&_count=100", tokNurseA, nil), http.StatusOK)
	if strings.Contains(string(r.body), "0101011111") {
		t.Error("a CPR number searched for is in the access log")
	}
	if again, _ := e.store.AccessLog(ctx, time.Time{}); len(again) != len(want) {
		t.Errorf("reading the log added %d entries", len(again)-len(want))
	}
	b, err := fhir.Decode[*fhir.Bundle](r.body)
	if err != nil || len(b.Entry) == 0 {
		t.Fatalf("nurse-a cannot read p1's access log: %v", err)
	}
	ae, err := fhir.Decode[*fhir.AuditEvent](b.Entry[0].Resource)
	if err != nil {
		t.Fatal(err)
	}
	ae.Outcome = "8"
	e.wantOutcome(e.do(http.MethodPut, "/AuditEvent/"+ae.ID, tokNurseA, ae), http.StatusForbidden)
	e.wantOutcome(e.do(http.MethodPost, "/", tokNurseA, txBundle(t, "PUT", "AuditEvent", ae.ID, ae)), http.StatusForbidden)
	e.wantOutcome(e.do(http.MethodPatch, "/AuditEvent/"+ae.ID, tokNurseA, `[{"op":"replace","path":"/outcome","value":"8"}]`, "Content-Type", "application/json-patch+json"), http.StatusMethodNotAllowed)
	e.wantOutcome(e.do(http.MethodDelete, "/AuditEvent/"+ae.ID, tokNurseA, nil), http.StatusMethodNotAllowed)
	if cur, err := e.currentOf("AuditEvent", ae.ID); err != nil || cur.(*fhir.AuditEvent).Outcome != "0" {
		t.Errorf("the audit event changed: %v", err)
	}
}

// The authorisation report: per user role, teams, grants, last login,
// look-ups, patients, look-ups outside her own teams with the grant that
// allowed them, and users with access but no use.
func TestAccessReport(t *testing.T) {
	e := rolesEnv(t)
	ctx := context.Background()
	e.want(e.do(http.MethodGet, "/$whoami", tokMunicip, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/Patient/p1", tokMunicip, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/Observation?patient=p1", tokMunicip, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/Patient/p1", tokNurseA, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/Patient/p1", tokNurseC, nil), http.StatusOK) // inside the cover
	rep, err := e.store.AccessReport(ctx, t0.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]UserAccess{}
	for _, u := range rep {
		by[u.ID] = u
	}
	m := by["municipal-m"]
	if m.Role != domain.RoleReadOnly || m.LookUps != 2 || m.Patients != 1 || m.LastLogin.IsZero() || m.LastLookUp.IsZero() || len(m.Grants) != 1 ||
		len(m.Outside) != 1 || m.Outside[0].Patient != "p1" || m.Outside[0].Count != 2 || !strings.HasPrefix(m.Outside[0].Via, "se-adgang grant-m until ") || m.Unused {
		t.Errorf("municipal-m: %+v", m)
	}
	if a := by["nurse-a"]; a.LookUps != 1 || len(a.Outside) != 0 || len(a.Teams) != 1 || a.Teams[0] != "Klinik A" {
		t.Errorf("nurse-a: %+v", a)
	}
	if c := by["nurse-c"]; len(c.Outside) != 1 || c.Outside[0].Via != "cover" {
		t.Errorf("nurse-c: %+v", c)
	}
	if b := by["nurse-b"]; !b.Unused || b.LookUps != 0 {
		t.Errorf("nurse-b has a team and looked nothing up: %+v", b)
	}
	if x := by["municipal-x"]; x.Unused {
		t.Errorf("municipal-x has a grant that is not active: %+v", x)
	}
	pa, err := e.store.PatientAccess(ctx, "p1", time.Time{})
	if err != nil || len(pa) != 4 {
		t.Errorf("p1's access: %+v %v", pa, err)
	}
	if pa, _ := e.store.PatientAccess(ctx, "p2", time.Time{}); len(pa) != 0 {
		t.Errorf("p2's access: %+v", pa)
	}
}

// A look-up after a grant was revoked is not explained by that grant: the
// report judges each look-up by the grant as it stood then, and lists
// look-ups explained differently on lines of their own.
func TestAccessReportHonoursRevocation(t *testing.T) {
	e := rolesEnv(t)
	ctx := context.Background()
	e.want(e.do(http.MethodGet, "/Patient/p1", tokMunicip, nil), http.StatusOK)
	e.clock.Set(inside.Add(time.Hour))
	g, err := e.store.Grant(ctx, "grant-m")
	if err != nil {
		t.Fatal(err)
	}
	g.Revoked = true
	if err := e.store.PutGrant(ctx, g, "test"); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(inside.Add(2 * time.Hour))
	// A later grant of team-a's patients, running longer than grant-m.
	later := domain.ReadGrant{ID: "grant-later", Grantee: "municipal-m", GrantedBy: "nurse-a", Teams: []string{"team-a"},
		From: inside, To: inside.Add(20 * 24 * time.Hour), Reason: "egenomsorg"}
	if err := e.store.PutGrant(ctx, later, "test"); err != nil {
		t.Fatal(err)
	}
	e.want(e.do(http.MethodGet, "/Patient/p1", tokMunicip, nil), http.StatusOK)
	rep, err := e.store.AccessReport(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range rep {
		if u.ID != "municipal-m" {
			continue
		}
		if len(u.Outside) != 2 || !strings.HasPrefix(u.Outside[0].Via, "se-adgang grant-later ") || u.Outside[0].Count != 1 ||
			!strings.HasPrefix(u.Outside[1].Via, "se-adgang grant-m ") || u.Outside[1].Count != 1 {
			t.Errorf("municipal-m's look-ups outside her teams: %+v", u.Outside)
		}
		return
	}
	t.Fatal("municipal-m is not in the report")
}
