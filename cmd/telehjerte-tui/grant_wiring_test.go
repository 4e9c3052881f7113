package main

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// A monitoring nurse grants se-adgang from the console: through the
// outbox to the central, where the municipal nurse then sees the patient;
// revoked from the console, she no longer does; both are in the cache's
// audit log. The capability is its own console option.
func TestConsoleGrantsAndRevokesReadAccess(t *testing.T) {
	isolate(t)
	ctx := context.Background()
	url, _, _ := identityCentral(t)
	d, cfg, err := openIdentity(t, filepath.Join(t.TempDir(), "replica.sqlite"), url, idNurseToken)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.engine.Once(ctx); err != nil {
		t.Fatal(err)
	}
	opts, err := consoleOptions(d, cfg, envOnly(t))
	if err != nil {
		t.Fatal(err)
	}
	if opts.Granter == nil {
		t.Fatal("no se-adgang action for a monitoring nurse")
	}
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
