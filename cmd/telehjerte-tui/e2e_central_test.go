package main

// End-to-end tests of the console against a central: the real
// telehjerte-central binary (seed, serve) on loopback, the console's
// `sync --once`, and the console in tmux with the central unreachable.

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/demo"
)

// buildCentral builds telehjerte-central (once per test run, see
// builtOnce).
func buildCentral(t *testing.T) string {
	t.Helper()
	return builtOnce(t, "telehjerte-central", "../telehjerte-central")
}

// freeAddr returns a loopback address that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// seedCentral seeds a demo clinic of patients × days into a new central
// database with the central binary bin; it returns the database, the
// tokens file and the token of demo nurse A.
func seedCentral(t *testing.T, bin string, patients, days int) (db, tokens, token string) {
	t.Helper()
	dir := t.TempDir()
	db, tokens = filepath.Join(dir, "central.db"), filepath.Join(dir, "tokens.json")
	seed := exec.Command(bin, "seed", "--db", db, "--patients", itoa(patients), "--days", itoa(days), "--tokens-out", tokens)
	if out, err := seed.CombinedOutput(); err != nil {
		t.Fatalf("telehjerte-central seed: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(tokens)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for tok, who := range m {
		if who == "Practitioner/"+demo.NurseA {
			token = tok
		}
	}
	if token == "" {
		t.Fatalf("no token for %s in %s", demo.NurseA, raw)
	}
	return db, tokens, token
}

// startCentral seeds a demo clinic of n patients into a new central and
// serves it; it returns the base URL and the token of demo nurse A.
func startCentral(t *testing.T, patients int) (string, string) {
	t.Helper()
	bin := buildCentral(t)
	db, tokens, token := seedCentral(t, bin, patients, 14)
	addr := freeAddr(t)
	serve := exec.Command(bin, "serve", "--addr", addr, "--db", db, "--tokens", tokens, "--scan-every", "0")
	log := &lockedBuffer{}
	serve.Stdout, serve.Stderr = log, log
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = serve.Process.Kill()
		_ = serve.Wait()
	})
	url := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(url + "/metadata")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("central did not come up on %s: %v\n%s", url, err, log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return url, token
}

func itoa(n int) string { return strconv.Itoa(n) }

// syncJSON is the part of `sync --once --json` the tests read.
type syncJSON struct {
	OK     bool           `json:"ok"`
	Error  string         `json:"error"`
	Pulled map[string]int `json:"pulled"`
	Pushed map[string]int `json:"pushed"`
	Outbox struct {
		Pending int `json:"pending"`
	} `json:"outbox"`
}

func TestE2ESyncOnceAgainstCentral(t *testing.T) {
	url, token := startCentral(t, 12)
	bin := buildBinary(t)
	cachePath := filepath.Join(t.TempDir(), "replica.sqlite")
	env := isolatedEnv(t, "TELEHJERTE_CENTRAL_URL="+url, "TELEHJERTE_CENTRAL_TOKEN="+token)

	// First round: everything the nurse may see.
	out, stderr, err := runBinary(t, bin, env, "--cache", cachePath, "sync", "--once")
	if err != nil {
		t.Fatalf("sync --once: %v\nstdout:\n%s\nstderr:\n%s", err, out, stderr)
	}
	for _, want := range []string{"sync with " + url + ": ok", "pushed: nothing", "pulled:", "Patient", "Observation", "Task", "outbox: 0 pending"} {
		if !strings.Contains(out, want) {
			t.Errorf("sync output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out+stderr, token) {
		t.Fatal("sync output shows the token")
	}
	fi, err := os.Stat(cachePath)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("cache file: %v, %v", fi, err)
	}

	// Second round, as JSON: nothing new.
	out, stderr, err = runBinary(t, bin, env, "--cache", cachePath, "sync", "--once", "--json")
	if err != nil {
		t.Fatalf("sync --once --json: %v\n%s", err, stderr)
	}
	var rep syncJSON
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("--json output: %v\n%s", err, out)
	}
	if !rep.OK || rep.Error != "" || rep.Pulled["Patient"] != 0 || rep.Pulled["Observation"] != 0 {
		t.Errorf("second round: %+v", rep)
	}

	// The cache now shows the clinic's worklist, red story patients first.
	out, stderr, err = runBinary(t, bin, env, "--cache", cachePath, "worklist", "--format", "json", "--all")
	if err != nil {
		t.Fatalf("worklist: %v\n%s", err, stderr)
	}
	var rows []jsonRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("worklist JSON: %v\n%s", err, out)
	}
	if len(rows) != 12 {
		t.Fatalf("worklist has %d patients, want 12", len(rows))
	}
	for i, r := range rows[:2] {
		if r.Status != "red" || !redStoryIDs[r.PatientID] {
			t.Errorf("row %d = %+v, want a red story patient", i, r)
		}
	}

	// A wrong token: non-zero exit and a message that says so.
	bad := isolatedEnv(t, "TELEHJERTE_CENTRAL_URL="+url, "TELEHJERTE_CENTRAL_TOKEN=wrong-token-0000")
	_, stderr, err = runBinary(t, bin, bad, "--cache", filepath.Join(t.TempDir(), "c.sqlite"), "sync", "--once")
	if err == nil || !strings.Contains(stderr, "refused the token") {
		t.Errorf("wrong token: err %v, stderr %q", err, stderr)
	}
}

func TestE2ESyncOnceUnreachable(t *testing.T) {
	bin := buildBinary(t)
	env := isolatedEnv(t, "TELEHJERTE_LANG=en")
	cachePath := filepath.Join(t.TempDir(), "replica.sqlite")
	if out, err := exec.Command(bin, "seed", "--patients", "12", "--days", "14", "--out", cachePath).CombinedOutput(); err != nil {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	worklist := func(env []string) string {
		t.Helper()
		out, stderr, err := runBinary(t, bin, env, "--cache", cachePath, "worklist", "--format", "json", "--all")
		if err != nil {
			t.Fatalf("worklist: %v\n%s", err, stderr)
		}
		return out
	}
	before := worklist(env)

	url := "http://" + freeAddr(t) // nothing listens there
	central := append(env, "TELEHJERTE_CENTRAL_URL="+url, "TELEHJERTE_CENTRAL_TOKEN=some-token-0000")
	out, stderr, err := runBinary(t, bin, central, "--cache", cachePath, "sync", "--once")
	if err == nil {
		t.Fatalf("sync --once against nothing succeeded:\n%s", out)
	}
	if !strings.Contains(stderr, "cannot reach the central at "+url) || !strings.Contains(out, "FAILED") {
		t.Errorf("unclear failure: stdout %q, stderr %q", out, stderr)
	}
	if after := worklist(central); after != before {
		t.Errorf("the cache changed after a failed sync:\nbefore %s\nafter  %s", before, after)
	}

	// The console opens on the cache all the same and says it is offline.
	requireTmux(t)
	var rows []jsonRow
	if err := json.Unmarshal([]byte(before), &rows); err != nil {
		t.Fatal(err)
	}
	s := startTmux(t, bin, central, "--cache", cachePath)
	scr := s.waitFor("the worklist, offline", func(scr string) bool {
		_, _, ok := firstPatientLine(scr, rows)
		return ok && strings.Contains(scr, "○ offline")
	})
	if !strings.Contains(scr, "data from") && !strings.Contains(scr, "never synced") {
		t.Errorf("status bar lacks the last sync:\n%s", scr)
	}
	s.send("q")
	scr = s.waitFor("the process to exit", func(scr string) bool { return strings.Contains(scr, "EXITED") })
	if !strings.Contains(scr, "EXITED 0") {
		t.Errorf("console did not exit cleanly:\n%s", scr)
	}
}

func TestE2EDemoSimulatorMovesTheWorklist(t *testing.T) {
	requireTmux(t)
	bin := buildBinary(t)
	env := isolatedEnv(t, "TELEHJERTE_LANG=en", "TELEHJERTE_DEMO_PATIENTS=12", "TELEHJERTE_DEMO_DAYS=14", "TELEHJERTE_SYNC_INTERVAL=1h")
	s := startTmux(t, bin, env, "--demo-every", "300ms")
	s.waitFor("the demo worklist, online", func(scr string) bool {
		return strings.Contains(scr, "DEMO") && strings.Contains(scr, "● online")
	})
	// Simulated events are synced at once (the interval is an hour) and
	// the worklist is reloaded: the log says so, without personal data.
	logFile := filepath.Join(envValue(env, "XDG_STATE_HOME"), "telehjerte", "telehjerte.log")
	deadline := time.Now().Add(60 * time.Second)
	for {
		text, _ := os.ReadFile(logFile)
		if strings.Count(string(text), "demo simulator") >= 3 && strings.Count(string(text), "msg=\"sync round\"") >= 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no simulated events synced; log:\n%s", text)
		}
		time.Sleep(200 * time.Millisecond)
	}
	s.send("q")
	scr := s.waitFor("the process to exit", func(scr string) bool { return strings.Contains(scr, "EXITED") })
	assertRestored(t, scr, nil)
}
