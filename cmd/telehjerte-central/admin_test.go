package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// The administration of the reference central is done with subcommands,
// no JSON edited by hand: a team with a nurse, a read-only municipal
// nurse with a token, se-adgang to the nurse's patient; served, the
// municipal nurse sees that patient only and is told she is read-only;
// revoked, she sees nothing; her token revoked, she is refused.
func TestAdminSubcommands(t *testing.T) {
	dir := t.TempDir()
	db, toks := filepath.Join(dir, "c.db"), filepath.Join(dir, "tokens.json")
	must := func(args ...string) string {
		t.Helper()
		out, err := run(t, append([]string{"admin", "--db", db, "--by", "admin-1"}, args...)...)
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return out
	}
	must("team", "add", "--id", "team-h", "--name", "Hjertesvigt Syd", "--org-id", "org-h", "--org-name", "Sygehus Syd")
	must("user", "add", "--id", "nurse-h", "--name", "Hanne Hjerte")
	must("user", "add", "--id", "muni-1", "--name", "Mette Kommune", "--role", "read-only")
	must("team", "add-member", "--team", "team-h", "--user", "nurse-h")
	if _, err := run(t, "admin", "--db", db, "user", "add", "--id", "x", "--role", "root"); err == nil {
		t.Error("an unknown role was accepted")
	}
	if _, err := run(t, "admin", "--db", db, "token", "add", "--tokens", toks, "--user", "nobody"); err == nil {
		t.Error("a token for an unknown user was made")
	}
	muniTok := strings.TrimSpace(must("token", "add", "--tokens", toks, "--user", "muni-1"))
	nurseTok := strings.TrimSpace(must("token", "add", "--tokens", toks, "--user", "nurse-h", "--ttl", "720h"))
	patTok := strings.TrimSpace(must("patient-login", "--tokens", toks, "--patient", "p-h1"))
	if fi, err := os.Stat(toks); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("tokens file: %v %v", fi, err)
	}
	// A patient of the team (seeded as the central does).
	store, err := central.OpenStore(context.Background(), db, nil)
	if err != nil {
		t.Fatal(err)
	}
	team := domain.Team{ID: "team-h", Name: "Hjertesvigt Syd"}
	for _, id := range []string{"p-h1", "p-h2"} {
		if err := store.SeedPatient(context.Background(), central.PatientSeed{Patient: domain.Patient{ID: id, Name: "Syntetisk " + id, Synthetic: true},
			Responsibility: domain.Responsibility{Home: team}}, t0()); err != nil {
			t.Fatal(err)
		}
	}
	store.Close()
	out := must("grant", "add", "--user", "muni-1", "--patient", "p-h1", "--granted-by", "nurse-h", "--reason", "støtte til egenomsorg")
	if !strings.Contains(out, "se-adgang for muni-1 until") {
		t.Errorf("grant add: %q", out)
	}
	var grants []map[string]string
	if err := json.Unmarshal([]byte(must("grant", "list", "--format", "json")), &grants); err != nil || len(grants) != 1 ||
		grants[0]["state"] != "active" || grants[0]["patients"] != "p-h1" || grants[0]["granted_by"] != "nurse-h" {
		t.Fatalf("grant list: %v %v", grants, err)
	}

	serveOnce := func() *httptest.Server {
		store, err := central.OpenStore(context.Background(), db, nil)
		if err != nil {
			t.Fatal(err)
		}
		tk, err := loadTokens(toks, nil)
		if err != nil {
			t.Fatal(err)
		}
		srv, err := central.NewServer(central.Config{Store: store, Tokens: tk})
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(srv.Handler())
		t.Cleanup(func() { hs.Close(); store.Close() })
		return hs
	}
	get := func(hs *httptest.Server, tok, path string) (int, []byte) {
		req, _ := http.NewRequest(http.MethodGet, hs.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b []byte
		b, _ = readAll(resp)
		return resp.StatusCode, b
	}
	hs := serveOnce()
	if code, body := get(hs, muniTok, "/$whoami"); code != 200 || !strings.Contains(string(body), `"valueCode":"read-only"`) || !strings.Contains(string(body), "Mette Kommune") {
		t.Errorf("whoami: %d %s", code, body)
	}
	if code, body := get(hs, nurseTok, "/$whoami"); code != 200 || !strings.Contains(string(body), "CareTeam/team-h") {
		t.Errorf("nurse whoami: %d %s", code, body)
	}
	if code, _ := get(hs, muniTok, "/Patient/p-h1"); code != 200 {
		t.Errorf("granted patient: %d", code)
	}
	if code, _ := get(hs, muniTok, "/Patient/p-h2"); code != 404 {
		t.Errorf("patient not granted: %d", code)
	}
	if code, _ := get(hs, patTok, "/Patient/p-h1"); code != 200 {
		t.Errorf("patient login: %d", code)
	}
	hs.Close()

	must("grant", "revoke", "--id", grants[0]["id"])
	must("token", "revoke", "--tokens", toks, "--user", "nurse-h")
	users := must("user", "list", "--format", "csv")
	if !strings.Contains(users, "muni-1,Mette Kommune,read-only,") || !strings.Contains(users, "nurse-h,Hanne Hjerte,monitoring-nurse,") {
		t.Errorf("user list: %s", users)
	}
	hs = serveOnce()
	if code, _ := get(hs, muniTok, "/Patient/p-h1"); code != 404 {
		t.Errorf("after the revocation: %d", code)
	}
	if code, _ := get(hs, nurseTok, "/$whoami"); code != 401 {
		t.Errorf("revoked token: %d", code)
	}
	hs.Close()
	// The authorisation report lists her grant and her look-up outside her
	// teams, and the nurse who never looked anything up; the run is
	// audited; the patient-centred view has the look-up.
	out = must2(t, "report", "access", "--db", db, "--since", "6mo", "--format", "json", "--by", "lead-1")
	var rep []reportUserJSON
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err, out)
	}
	found := false
	for _, u := range rep {
		if u.User == "muni-1" {
			found = true
			if u.Role != "read-only" || len(u.Grants) != 1 || !u.Grants[0].Revoked || u.LookUps != 1 || u.Patients != 1 || u.Opened != 0 || u.LastOpened != "" ||
				len(u.Outside) != 1 || u.Outside[0].Patient != "p-h1" || !strings.HasPrefix(u.Outside[0].Via, "se-adgang ") || u.LastLogin == "" {
				t.Errorf("muni-1 in the report: %+v", u)
			}
		}
		if u.User == "nurse-h" && (!u.Unused || u.Teams[0] != "Hjertesvigt Syd") {
			t.Errorf("nurse-h in the report: %+v", u)
		}
	}
	if !found {
		t.Errorf("muni-1 not in the report: %s", out)
	}
	if out := must2(t, "report", "access", "--db", db, "--patient", "p-h1", "--format", "csv"); !strings.Contains(out, "Practitioner/muni-1,read,read Patient/p-h1,central") {
		t.Errorf("patient view: %s", out)
	}
	table := must2(t, "report", "access", "--db", db)
	if !strings.Contains(table, "UNUSED") || strings.Contains(table, "Syntetisk") || !strings.Contains(table, "opened_patients") ||
		!strings.Contains(table, domain.AccessFiguresNote) {
		t.Errorf("table: %s", table)
	}
	hs = serveOnce()
	// Every step is audited on the central.
	code, body := get(hs, muniTok, "/AuditEvent?_count=100")
	b, err := fhir.Decode[*fhir.Bundle](body)
	if code != 200 || err != nil {
		t.Fatal(code, err)
	}
	var descs []string
	for _, en := range b.Entry {
		ae, err := fhir.Decode[*fhir.AuditEvent](en.Resource)
		if err == nil && len(ae.Entity) > 0 {
			descs = append(descs, ae.Entity[0].Description)
		}
	}
	all := strings.Join(descs, "|")
	for _, want := range []string{"user role read-only", "team Hjertesvigt Syd", "membership added Practitioner/nurse-h", "se-adgang grant Practitioner/muni-1", "se-adgang revoke Practitioner/muni-1", "access report since=6mo"} {
		if !strings.Contains(all, want) {
			t.Errorf("no audit %q in %s", want, all)
		}
	}
}

func t0() time.Time { return time.Now() }

func readAll(resp *http.Response) ([]byte, error) { return io.ReadAll(resp.Body) }

func must2(t *testing.T, args ...string) string {
	t.Helper()
	out, err := run(t, args...)
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	return out
}

// The report's period is read like the console's (config.ParsePeriod): an
// empty period (0d) or a text that is no period is refused, before the
// database is opened, naming the flag.
func TestReportAccessRefusesAnEmptyPeriod(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	for _, since := range []string{"0d", "0mo", "6 months"} {
		out, err := run(t, "report", "access", "--db", db, "--since", since, "--by", "lead-1")
		if err == nil || !strings.Contains(err.Error(), "--since") {
			t.Errorf("--since %q: %v\n%s", since, err, out)
		}
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("a refused report opened the database: %v", err)
	}
}
