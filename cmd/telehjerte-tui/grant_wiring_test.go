package main

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui"
)

// grantingNurse is a monitoring nurse's console after one sync round with
// the identity central at url; her options must have the se-adgang action.
func grantingNurse(t *testing.T) (url string, d *data, opts tui.Options) {
	t.Helper()
	isolate(t)
	url, _, _ = identityCentral(t)
	d, cfg, err := openIdentity(t, filepath.Join(t.TempDir(), "replica.sqlite"), url, idNurseToken)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.engine.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	opts, err = consoleOptions(d, cfg, envOnly(t))
	if err != nil {
		t.Fatal(err)
	}
	if opts.Granter == nil {
		t.Fatal("no se-adgang action for a monitoring nurse")
	}
	return url, d, opts
}

// A monitoring nurse grants se-adgang from the console: through the
// outbox to the central, where the municipal nurse then sees the patient;
// revoked from the console, she no longer does; both are in the cache's
// audit log. The capability is its own console option.
func TestConsoleGrantsAndRevokesReadAccess(t *testing.T) {
	ctx := context.Background()
	url, d, opts := grantingNurse(t)
	ids, err := d.store.PatientIDs(ctx)
	if err != nil || len(ids) == 0 {
		t.Fatalf("no patients: %v", err)
	}
	pid := ids[0]
	status := func() int {
		req, _ := http.NewRequest(http.MethodGet, url+"/Patient/"+pid, nil)
		req.Header.Set("Authorization", "Bearer "+idReadOnlyToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if s := status(); s != http.StatusNotFound {
		t.Fatalf("before the grant: %d", s)
	}
	now := time.Now()
	g := domain.ReadGrant{Grantee: "municipal-1", Patients: []string{pid}, From: now, To: now.Add(domain.DefaultReadGrant), Reason: "støtte til egenomsorg"}
	if err := opts.Granter.GrantReadAccess(ctx, g); err != nil {
		t.Fatal(err)
	}
	if _, err := d.engine.Once(ctx); err != nil {
		t.Fatal(err)
	}
	if s := status(); s != http.StatusOK {
		t.Fatalf("after the grant: %d", s)
	}
	gs, err := opts.Granter.ReadGrants(ctx, pid)
	if err != nil || len(gs) != 1 || gs[0].Grantee != "municipal-1" || gs[0].GrantedBy == "" {
		t.Fatalf("grants in the cache: %+v %v", gs, err)
	}
	if err := opts.Granter.RevokeReadAccess(ctx, gs[0].ID, pid); err != nil {
		t.Fatal(err)
	}
	if _, err := d.engine.Once(ctx); err != nil {
		t.Fatal(err)
	}
	if s := status(); s != http.StatusNotFound {
		t.Errorf("after the revocation: %d", s)
	}
	if gs, _ := opts.Granter.ReadGrants(ctx, pid); len(gs) != 0 {
		t.Errorf("a revoked grant is still listed: %+v", gs)
	}
	log, err := d.store.AuditLog(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range log {
		if e.PatientID == pid {
			seen[e.Action] = true
		}
	}
	if !seen["grant-read-access"] || !seen["revoke-read-access"] {
		t.Errorf("audit log %+v", log)
	}
}

// A monitoring nurse grants se-adgang to all of her team's patients from
// the console: the municipal nurse then sees every patient of the team on
// the central, and no other; the grant is listed from any of the team's
// patients, with its reason in the audit log; revoked from there, she
// sees none of them.
func TestConsoleGrantsReadAccessToATeam(t *testing.T) {
	ctx := context.Background()
	url, d, opts := grantingNurse(t)
	ids, err := d.store.PatientIDs(ctx)
	if err != nil || len(ids) < 2 {
		t.Fatalf("patients: %v %v", ids, err)
	}
	team, err := d.store.HomeTeam(ctx, ids[0])
	if err != nil || team == "" {
		t.Fatalf("home team: %q %v", team, err)
	}
	var teamPatients []string
	for _, id := range ids {
		if h, _ := d.store.HomeTeam(ctx, id); h == team {
			teamPatients = append(teamPatients, id)
		}
	}
	seen := func() []string {
		req, _ := http.NewRequest(http.MethodGet, url+"/Patient?_count=500&_elements=id", nil)
		req.Header.Set("Authorization", "Bearer "+idReadOnlyToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b struct {
			Entry []struct {
				Resource struct {
					ID string `json:"id"`
				} `json:"resource"`
			} `json:"entry"`
		}
		if err := json.NewDecoder(res.Body).Decode(&b); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range b.Entry {
			out = append(out, e.Resource.ID)
		}
		slices.Sort(out)
		return out
	}
	if got := seen(); len(got) != 0 {
		t.Fatalf("before the grant she sees %v", got)
	}
	now := time.Now()
	g := domain.ReadGrant{Grantee: "municipal-1", Teams: []string{team}, From: now, To: now.Add(domain.DefaultReadGrant), Reason: "kommunal opfølgning"}
	if err := opts.Granter.GrantReadAccess(ctx, g); err != nil {
		t.Fatal(err)
	}
	if _, err := d.engine.Once(ctx); err != nil {
		t.Fatal(err)
	}
	slices.Sort(teamPatients)
	if got := seen(); !slices.Equal(got, teamPatients) {
		t.Fatalf("with the team grant she sees %v, want the team's %v", got, teamPatients)
	}
	gs, err := opts.Granter.ReadGrants(ctx, teamPatients[len(teamPatients)-1])
	if err != nil || len(gs) != 1 || len(gs[0].Teams) != 1 || gs[0].Teams[0] != team {
		t.Fatalf("the team grant from a patient of the team: %+v %v", gs, err)
	}
	if err := opts.Granter.RevokeReadAccess(ctx, gs[0].ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := d.engine.Once(ctx); err != nil {
		t.Fatal(err)
	}
	if got := seen(); len(got) != 0 {
		t.Errorf("after the revocation she sees %v", got)
	}
	log, err := d.store.AuditLog(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range log {
		found = found || e.Action == "grant-read-access" && strings.Contains(e.Detail, "CareTeam/"+team) && strings.Contains(e.Detail, "kommunal opfølgning")
	}
	if !found {
		t.Errorf("no audited team grant in %+v", log)
	}
	// One patient or one team at a time.
	both := g
	both.Patients = []string{ids[0]}
	if err := opts.Granter.GrantReadAccess(ctx, both); err == nil {
		t.Error("a grant of a patient and a team at once was taken")
	}
}
