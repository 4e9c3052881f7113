package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/central"
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
	if _, err := run(t, "seed", "--db", db, "--patients", "1", "--days", "3", "--tokens-out", toks); err == nil {
		t.Fatal("overwrote the tokens file")
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
