package central

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// The database holds CPR numbers and names: it and its -wal and -shm files
// are private to the server's user, also when an older file was 0644.
func TestStoreFilesArePrivate(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"new.db", "old.db"} {
		path := filepath.Join(dir, name)
		if name == "old.db" {
			if err := os.WriteFile(path, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		st, err := OpenStore(context.Background(), path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Put(context.Background(), fhir.PatientToFHIR(domain.Patient{ID: "px", Name: "Syntetisk px", Synthetic: true})); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s has mode %04o, want 0600", filepath.Base(p), fi.Mode().Perm())
			}
		}
		st.Close()
	}
}

// The authentication scheme is case-insensitive (RFC 9110).
func TestBearerSchemeIsCaseInsensitive(t *testing.T) {
	e := newEnv(t)
	for _, scheme := range []string{"Bearer", "bearer", "BEARER", "bEaReR"} {
		req, _ := http.NewRequest(http.MethodGet, e.http.URL+"/Patient/p1", nil)
		req.Header.Set("Authorization", scheme+" "+tokNurseA)
		res, err := e.http.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("scheme %q: status %d", scheme, res.StatusCode)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, e.http.URL+"/Patient/p1", nil)
	req.Header.Set("Authorization", "Basic "+tokNurseA)
	res, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("Basic: status %d", res.StatusCode)
	}
}

// A token with an expiry is refused from then on (judged by the wall
// clock); one without never expires.
func TestTokenExpiry(t *testing.T) {
	now := time.Now()
	toks, err := NewTokenTable(map[string]TokenSpec{
		"token-expired": {Principal: "Practitioner/nurse-a", Expires: now.Add(-time.Minute).UTC().Format(time.RFC3339)},
		"token-valid":   {Principal: "Practitioner/nurse-a", Expires: now.Add(time.Hour).UTC().Format(time.RFC3339)},
		"token-forever": {Principal: "Practitioner/nurse-a"},
	})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	e.srv.tokens = toks
	oo := e.wantOutcome(e.do(http.MethodGet, "/Patient/p1", "token-expired", nil), http.StatusUnauthorized)
	if !strings.Contains(oo.Issue[0].Diagnostics, "expired") {
		t.Errorf("diagnostics %q", oo.Issue[0].Diagnostics)
	}
	e.want(e.do(http.MethodGet, "/Patient/p1", "token-valid", nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/Patient/p1", "token-forever", nil), http.StatusOK)
	if _, err := NewTokenTable(map[string]TokenSpec{"token-bad-exp": {Principal: "nurse-a", Expires: "tomorrow"}}); err == nil {
		t.Error("accepted an expiry that is not an instant")
	}
}

// A tokens file others can read is refused; the long form with an expiry
// is read.
func TestTokenFileMustBePrivate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tokens.json")
	body := `{"token-nurse-a": "Practitioner/nurse-a", "token-nurse-b": {"principal": "Practitioner/nurse-b", "expires": "2000-01-01T00:00:00Z"}}`
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	toks, err := LoadTokens(path)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := toks.Lookup("token-nurse-a", time.Now()); err != nil || p.Practitioner != "nurse-a" {
		t.Errorf("nurse-a: %v %v", p, err)
	}
	if _, err := toks.Lookup("token-nurse-b", time.Now()); err != ErrTokenExpired {
		t.Errorf("nurse-b: %v, want expired", err)
	}
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadTokens(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Errorf("mode %04o: %v", mode, err)
		}
	}
}

// A search listing more values than SQLite has variables for is a 400
// with an OperationOutcome, not a 500.
func TestLongIDListIsRefused(t *testing.T) {
	e := newEnv(t)
	ids := make([]string, 40000)
	for i := range ids {
		ids[i] = "x" + strings.Repeat("0", 3)
	}
	for _, param := range []string{"_id", "patient", "status"} {
		oo := e.wantOutcome(e.do(http.MethodGet, "/Observation?"+param+"="+strings.Join(ids, ","), tokNurseA, nil), http.StatusBadRequest)
		if oo.Issue[0].Code != "too-costly" {
			t.Errorf("%s: code %q", param, oo.Issue[0].Code)
		}
	}
	// Up to the limit is fine.
	e.want(e.do(http.MethodGet, "/Observation?_id="+strings.Join(ids[:MaxListValues], ","), tokNurseA, nil), http.StatusOK)
}

// Readings dated in the future, before the course began, or with an
// impossible offset are refused with a 400 and nothing is stored.
func TestAbsurdReadingDatesAreRefused(t *testing.T) {
	e := newEnv(t)
	for _, date := range []string{"9999-12-31T00:00:00Z", "0001-01-01T00:00:00Z", "2026-03-02T08:30:00+23:59",
		fhir.FormatInstant(t0.Add(10 * time.Minute)), fhir.FormatInstant(t0.Add(-73 * time.Hour))} {
		o := weightObs("p1", 80, t0, "")
		o.EffectiveDateTime = date
		oo := e.wantOutcome(e.do(http.MethodPost, "/Observation", tokPatient1, o), http.StatusBadRequest)
		if oo.Issue[0].Code != "value" {
			t.Errorf("%s: %s", date, oo.Issue[0].Diagnostics)
		}
	}
	// Nor by update-as-create, which would skip the triage and its checks.
	o := weightObs("p1", 80, t0, "")
	o.ID, o.EffectiveDateTime = "obs-put", "9999-12-31T00:00:00Z"
	e.wantOutcome(e.do(http.MethodPut, "/Observation/obs-put", tokNurseA, o), http.StatusMethodNotAllowed)
	if got := e.searchAll(tokNurseA, "/Observation?patient=p1"); len(got) != 0 {
		t.Errorf("%d readings stored", len(got))
	}
	// A phone a little ahead and a reading from the first day are fine.
	e.want(e.do(http.MethodPost, "/Observation", tokPatient1, weightObs("p1", 80, t0.Add(4*time.Minute), "")), http.StatusCreated)
	e.want(e.do(http.MethodPost, "/Observation", tokPatient1, weightObs("p1", 80, t0.Add(-71*time.Hour), "")), http.StatusCreated)
}
