package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := rootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func TestSeedWritesClinicAndPrivateTokens(t *testing.T) {
	dir := t.TempDir()
	db, toks := filepath.Join(dir, "c.db"), filepath.Join(dir, "tokens.json")
	out, err := run(t, "seed", "--db", db, "--patients", "4", "--days", "14", "--tokens-out", toks)
	if err != nil {
		t.Fatal(err, out)
	}
	if !strings.Contains(out, "seeded 4 synthetic patients") {
		t.Errorf("output %q", out)
	}
	fi, err := os.Stat(toks)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("tokens file mode %v", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(toks)
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil || len(m) != 3 {
		t.Fatalf("tokens %s: %v", b, err)
	}
	if _, err := loadTokens(toks, nil); err != nil {
		t.Fatal(err)
	}
	// An existing tokens file is never overwritten.
	if _, err := run(t, "seed", "--db", filepath.Join(dir, "other.db"), "--patients", "1", "--days", "3", "--tokens-out", toks); err == nil ||
		!strings.Contains(err.Error(), "tokens file") {
		t.Fatalf("overwrote the tokens file: %v", err)
	}
	// The demo already holds its missing-measurement tasks with the same ids
	// the central derives, so a scan right after seeding adds none.
	out, err = run(t, "scan", "--db", db)
	if err != nil {
		t.Fatal(err, out)
	}
	if !strings.Contains(out, "created 0") {
		t.Errorf("scan after seed should create nothing: %s", out)
	}
}

// Tokens written with --token-ttl carry their expiry and work until then.
func TestSeedWritesExpiringTokens(t *testing.T) {
	dir := t.TempDir()
	db, toks := filepath.Join(dir, "c.db"), filepath.Join(dir, "tokens.json")
	if out, err := run(t, "seed", "--db", db, "--patients", "1", "--days", "3", "--tokens-out", toks, "--token-ttl", "2h"); err != nil {
		t.Fatal(err, out)
	}
	specs, err := central.ReadTokenFile(toks)
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != 3 {
		t.Fatalf("%d tokens", len(specs))
	}
	table, err := loadTokens(toks, nil)
	if err != nil {
		t.Fatal(err)
	}
	for tok, spec := range specs {
		exp, err := time.Parse(time.RFC3339, spec.Expires)
		if err != nil || time.Until(exp) < time.Hour || time.Until(exp) > 3*time.Hour {
			t.Errorf("%s expires %q", spec.Principal, spec.Expires)
		}
		if _, err := table.Lookup(tok, time.Now()); err != nil {
			t.Errorf("%s: %v", spec.Principal, err)
		}
		if _, err := table.Lookup(tok, time.Now().Add(3*time.Hour)); err != central.ErrTokenExpired {
			t.Errorf("%s after its expiry: %v", spec.Principal, err)
		}
	}
}

func TestLoadTokensRejectsBadInput(t *testing.T) {
	if _, err := loadTokens("", nil); err == nil {
		t.Error("no tokens accepted")
	}
	if _, err := loadTokens("", []string{"short=nurse"}); err == nil {
		t.Error("short token accepted")
	}
	if _, err := loadTokens("", []string{"long-enough-token=Organization/x"}); err == nil {
		t.Error("non-practitioner principal accepted")
	}
	if _, err := loadTokens("", []string{"long-enough-token=Patient/p1"}); err != nil {
		t.Error(err)
	}
	// A tokens file others may read is refused; 0600 is read.
	path := filepath.Join(t.TempDir(), "tokens.json")
	if err := os.WriteFile(path, []byte(`{"long-enough-token": "Practitioner/p1"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadTokens(path, nil); err != nil {
		t.Error(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadTokens(path, nil); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("world-readable tokens file: %v", err)
	}
}

func TestServeClockOffset(t *testing.T) {
	if _, err := run(t, "serve", "--clock-offset", "soon", "--token", "long-enough-token=Practitioner/p1"); err == nil || !strings.Contains(err.Error(), "--clock-offset") {
		t.Errorf("bad --clock-offset: %v", err)
	}
	if now := shiftedClock(0); now().Sub(time.Now()).Abs() > time.Minute {
		t.Error("no offset is not real time")
	}
	if d := time.Until(shiftedClock(48 * time.Hour)()); d < 47*time.Hour || d > 49*time.Hour {
		t.Errorf("+2d clock is %v ahead", d)
	}
	if d := time.Until(shiftedClock(-3 * time.Hour)()); d > -2*time.Hour || d < -4*time.Hour {
		t.Errorf("-3h clock is %v away", d)
	}
}

// Seeding over an existing database silently undid what nurses had done
// since (acknowledgements, cover plans, regime changes): it is refused
// unless --replace, which starts again from scratch.
func TestSeedRefusesAnExistingDatabase(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "c.db")
	if out, err := run(t, "seed", "--db", db, "--patients", "2", "--days", "3"); err != nil {
		t.Fatal(err, out)
	}
	// A nurse's change after seeding.
	store, err := central.OpenStore(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	note := &fhir.Communication{Base: fhir.Base{ResourceType: "Communication", ID: "nurse-change"}, Status: "completed"}
	if err := store.Put(ctx, note); err != nil {
		t.Fatal(err)
	}
	store.Close()

	_, err = run(t, "seed", "--db", db, "--patients", "2", "--days", "3")
	if err == nil || !strings.Contains(err.Error(), "--replace") {
		t.Fatalf("seed over an existing database: %v", err)
	}
	if !hasResource(t, db, "Communication", "nurse-change") {
		t.Fatal("the refused seed changed the database")
	}
	if out, err := run(t, "seed", "--db", db, "--patients", "2", "--days", "3", "--replace"); err != nil {
		t.Fatal(err, out)
	}
	if hasResource(t, db, "Communication", "nurse-change") {
		t.Error("--replace kept the old data")
	}
	fi, err := os.Stat(db)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("seeded database: %v, %v (want mode 0600)", fi, err)
	}
}

// runFor runs the command with a context that ends after d.
func runFor(t *testing.T, d time.Duration, args ...string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	cmd := rootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	return cmd.ExecuteContext(ctx)
}

func hasResource(t *testing.T, db, typ, id string) bool {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow(`SELECT count(*) FROM resources WHERE type = ? AND id = ?`, typ, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// A moved clock is for training: serving a real database on one is
// refused (it left future missing-measurement tasks in the database for
// everyone); a seeded (synthetic, training) database may be, and its
// CapabilityStatement says it is test data.
func TestServeMovedClockOnlyOnATrainingDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	real := filepath.Join(dir, "real.db")
	store, err := central.OpenStore(ctx, real, nil)
	if err != nil {
		t.Fatal(err)
	}
	store.Close()
	// (Bounded: a serve that is not refused would run until cancelled.)
	err = runFor(t, 5*time.Second, "serve", "--db", real, "--addr", "127.0.0.1:0", "--clock-offset", "2d", "--scan-every", "0",
		"--token", "long-enough-token=Practitioner/p1")
	if err == nil || !strings.Contains(err.Error(), "not a training database") {
		t.Fatalf("moved clock on a real database: %v", err)
	}

	training := filepath.Join(dir, "training.db")
	if out, err := run(t, "seed", "--db", training, "--patients", "1", "--days", "3"); err != nil {
		t.Fatal(err, out)
	}
	for _, db := range []string{real, training} {
		store, err := central.OpenStore(ctx, db, nil)
		if err != nil {
			t.Fatal(err)
		}
		toks, _ := central.NewTokens(nil)
		srv, err := central.NewServer(central.Config{Store: store, Tokens: toks})
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metadata", nil))
		tagged := strings.Contains(rec.Body.String(), `"`+fhir.CodeTestData+`"`)
		if tagged != (db == training) {
			t.Errorf("%s: CapabilityStatement tagged as test data = %v\n%s", filepath.Base(db), tagged, rec.Body.String())
		}
		store.Close()
	}

	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	cmd := rootCmd()
	cmd.SetArgs([]string{"serve", "--db", training, "--addr", "127.0.0.1:0", "--clock-offset", "2d", "--scan-every", "0",
		"--token", "long-enough-token=Practitioner/p1"})
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	go func() { done <- cmd.ExecuteContext(sctx) }()
	select {
	case err := <-done:
		t.Fatalf("serve on a training database with a moved clock ended: %v", err)
	case <-time.After(500 * time.Millisecond):
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
}
