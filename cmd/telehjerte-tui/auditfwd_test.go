package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// centralAudits are the console AuditEvents on the central, as the nurse
// may read them.
func centralAudits(t *testing.T, url string) []*fhir.AuditEvent {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url+"/AuditEvent?_count=1000", nil)
	req.Header.Set("Authorization", "Bearer "+idNurseToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b fhir.Bundle
	if err := json.NewDecoder(res.Body).Decode(&b); err != nil {
		t.Fatal(err)
	}
	var out []*fhir.AuditEvent
	for _, en := range b.Entry {
		ae, err := fhir.Decode[*fhir.AuditEvent](en.Resource)
		if err == nil && ae.Source.Site == fhir.ConsoleAuditSite {
			out = append(out, ae)
		}
	}
	return out
}

// Every entry of the console's audit log reaches the central as an
// AuditEvent (who, which patient, what, when, which workstation; not the
// detail), entries made offline at the next chance, each once even when
// sent again; a read-only user's look-ups too.
func TestConsoleAuditLogReachesTheCentral(t *testing.T) {
	isolate(t)
	ctx := context.Background()
	url, _, down := identityCentral(t)
	d, _, err := openIdentity(t, filepath.Join(t.TempDir(), "replica.sqlite"), url, idNurseToken)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.engine.Once(ctx); err != nil {
		t.Fatal(err)
	}
	ids, _ := d.store.PatientIDs(ctx)
	pid := ids[0]
	at := time.Now()
	for _, e := range []domain.AuditEntry{
		{At: at, User: d.identity.ID, Action: "view-patient", PatientID: pid},
		{At: at, User: d.identity.ID, Action: "acknowledge", PatientID: pid, Detail: "pulse 101 -> acknowledged"},
	} {
		if err := d.store.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	fwd := newAuditForwarder(d.store, d.client, slog.New(slog.DiscardHandler))
	// Offline: nothing is lost, nothing marked sent.
	down.Store(true)
	if _, err := fwd.forward(ctx); err == nil {
		t.Fatal("forwarding to a central that is down succeeded")
	}
	down.Store(false)
	n, err := fwd.forward(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := centralAudits(t, url)
	if n != len(got) || len(got) < 2 {
		t.Fatalf("sent %d, on the central %d", n, len(got))
	}
	var view *fhir.AuditEvent
	for _, ae := range got {
		if ae.Subtype[0].Code == "view-patient" {
			view = ae
		}
		js, _ := fhir.Encode(ae)
		if strings.Contains(string(js), "pulse 101") {
			t.Errorf("the entry's detail reached the central: %s", js)
		}
	}
	if view == nil || view.Agent[0].Who.Reference != "Practitioner/"+d.identity.ID || view.Entity[0].What.Reference != "Patient/"+pid ||
		view.Source.Observer.Display == "" || view.Recorded == "" || view.Action != "R" {
		t.Errorf("view-patient AuditEvent: %+v", view)
	}
	// Sent again (an answer lost, the process killed before it noted the
	// entry sent): still once on the central.
	if err := d.store.Write(ctx, func(tx *cache.Tx) error { return tx.SetInfo(infoAuditForwarded, "0") }); err != nil {
		t.Fatal(err)
	}
	if _, err := fwd.forward(ctx); err != nil {
		t.Fatal(err)
	}
	if again := centralAudits(t, url); len(again) != len(got) {
		t.Errorf("sent twice: %d AuditEvents, want %d", len(again), len(got))
	}
	if n, err := fwd.forward(ctx); err != nil || n != 0 {
		t.Errorf("nothing new, yet sent %d (%v)", n, err)
	}
}

// A read-only user's look-ups reach the central although she may write
// nothing else.
func TestReadOnlyLookUpsReachTheCentral(t *testing.T) {
	isolate(t)
	ctx := context.Background()
	url, _, _ := identityCentral(t)
	d, _, err := openIdentity(t, filepath.Join(t.TempDir(), "replica.sqlite"), url, idReadOnlyToken)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.store.Audit(ctx, domain.AuditEntry{At: time.Now(), User: d.identity.ID, Action: "view-worklist"}); err != nil {
		t.Fatal(err)
	}
	if n, err := newAuditForwarder(d.store, d.client, slog.New(slog.DiscardHandler)).forward(ctx); err != nil || n != 1 {
		t.Fatalf("sent %d: %v", n, err)
	}
	found := false
	for _, ae := range centralAudits(t, url) {
		found = found || ae.Agent[0].Who.Reference == "Practitioner/municipal-1"
	}
	if !found {
		t.Error("her look-up is not on the central")
	}
}
