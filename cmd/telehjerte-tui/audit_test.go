package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// The audit report lists the look-ups made with the real binary on a real
// cache, filters by user, records itself, and refuses the throw-away demo.
func TestE2EAuditReport(t *testing.T) {
	bin := buildBinary(t)
	env := isolatedEnv(t)
	path := filepath.Join(t.TempDir(), "clinic.sqlite")
	if _, stderr, err := runBinary(t, bin, env, "seed", "--patients", "10", "--days", "4", "--out", path); err != nil {
		t.Fatalf("seed: %v\n%s", err, stderr)
	}
	if _, stderr, err := runBinary(t, bin, env, "--cache", path, "worklist", "--format", "json"); err != nil {
		t.Fatalf("worklist: %v\n%s", err, stderr)
	}
	other := append(env[:len(env):len(env)], "USER=other-nurse")
	if _, stderr, err := runBinary(t, bin, other, "--cache", path, "worklist"); err != nil {
		t.Fatalf("worklist as other-nurse: %v\n%s", err, stderr)
	}

	type row struct{ User, Action, Detail string }
	report := func(args ...string) []row {
		t.Helper()
		out, stderr, err := runBinary(t, bin, env, append([]string{"--cache", path, "audit", "--format", "json"}, args...)...)
		if err != nil {
			t.Fatalf("audit %v: %v\n%s", args, err, stderr)
		}
		var rows []row
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatalf("audit output is not JSON: %v\n%s", err, out)
		}
		return rows
	}
	rows := report()
	var views []string
	for _, r := range rows {
		if r.Action == "view-worklist" {
			views = append(views, r.User)
		}
	}
	if strings.Join(views, ",") != "e2e-nurse,other-nurse" {
		t.Errorf("worklist look-ups by %v, want e2e-nurse then other-nurse (all: %+v)", views, rows)
	}
	mine := report("--user", "other-nurse")
	if len(mine) != 1 || mine[0].User != "other-nurse" {
		t.Errorf("--user other-nurse gave %+v", mine)
	}
	// Each report is recorded after it has read the log: the third sees the
	// first two.
	var reports int
	for _, r := range report() {
		if r.Action == ActionAuditReport {
			reports++
		}
	}
	if reports != 2 {
		t.Errorf("the third report sees %d earlier reports, want 2", reports)
	}

	if _, stderr, err := runBinary(t, bin, env, "audit"); err == nil || !strings.Contains(stderr, "demo") {
		t.Errorf("audit in demo mode: err %v, stderr %q", err, stderr)
	}
	if _, stderr, err := runBinary(t, bin, env, "--cache", path, "audit", "--format", "xml"); err == nil || !strings.Contains(stderr, "xml") {
		t.Errorf("--format xml: err %v, stderr %q", err, stderr)
	}
}
