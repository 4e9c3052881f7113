package main

// End-to-end tests: the real binary, built with go build, in a real terminal
// (tmux), with HOME and the XDG directories in a temporary directory.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/telehjerte/telehjerte-tui/demo"
)

// buildBinary builds the console (once per test run, see builtOnce).
func buildBinary(t *testing.T) string {
	t.Helper()
	return builtOnce(t, "telehjerte-tui", ".")
}

// isolatedEnv is the environment for the binary: a private HOME and XDG
// directories, a fixed user, no TELEHJERTE_* variables from the caller.
func isolatedEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	dir := t.TempDir()
	env := []string{
		"HOME=" + dir,
		"USER=e2e-nurse",
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"XDG_DATA_HOME=" + filepath.Join(dir, "data"),
		"XDG_STATE_HOME=" + filepath.Join(dir, "state"),
		"TERM=xterm-256color",
		"LANG=C.UTF-8",
		"PATH=" + os.Getenv("PATH"),
		// A small demo clinic (still with the ten story patients): the demo
		// seeds an embedded central and syncs from it, which a -race
		// binary does about twenty times slower.
		"TELEHJERTE_DEMO_PATIENTS=12",
		"TELEHJERTE_DEMO_DAYS=14",
	}
	return append(env, extra...)
}

// runBinary runs the binary to completion and returns stdout and stderr.
func runBinary(t *testing.T, bin string, env []string, args ...string) (string, string, error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

// jsonRow is the part of a `worklist --format json` row the tests read.
type jsonRow struct {
	Status    string `json:"status"`
	PatientID string `json:"patient_id"`
	Name      string `json:"name"`
	CPR       string `json:"cpr"`
	Open      struct {
		Red int `json:"red"`
	} `json:"open"`
	WorstOpen map[string]struct {
		Color string `json:"color"`
		Open  int    `json:"open"`
	} `json:"worst_open"`
}

// The demo's story patients that must top the worklist: weight gain
// (pat-0002) and pulse 41 (pat-0004), both red this morning.
var redStoryIDs = map[string]bool{"pat-0002": true, "pat-0004": true}

func demoWorklist(t *testing.T, bin string, env []string) []jsonRow {
	t.Helper()
	out, stderr, err := runBinary(t, bin, env, "worklist", "--format", "json")
	if err != nil {
		t.Fatalf("worklist --format json: %v\n%s", err, stderr)
	}
	var rows []jsonRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("worklist output is not a JSON array: %v\n%s", err, out)
	}
	return rows
}

func TestE2EWorklistJSON(t *testing.T) {
	bin := buildBinary(t)
	env := isolatedEnv(t)
	rows := demoWorklist(t, bin, env)
	if len(rows) < 2 {
		t.Fatalf("worklist has %d rows, want at least 2", len(rows))
	}
	for i, r := range rows[:2] {
		if r.Status != "red" || r.Open.Red == 0 || !redStoryIDs[r.PatientID] {
			t.Errorf("row %d = %+v, want a red story patient (pat-0002 or pat-0004)", i, r)
		}
		// The open reading that makes her red is named, whatever the
		// latest reading of its kind says.
		red := false
		for _, w := range r.WorstOpen {
			red = red || (w.Color == "red" && w.Open > 0)
		}
		if !red {
			t.Errorf("row %d (%s): no red open reading among %+v", i, r.PatientID, r.WorstOpen)
		}
	}
	for _, r := range rows {
		if len(r.CPR) != 11 || !strings.HasSuffix(r.CPR, "-xxxx") {
			t.Errorf("%s: CPR %q is not masked", r.PatientID, r.CPR)
		}
	}
	// The look-up went to the audit log, and the log file is private.
	logFile := filepath.Join(envValue(env, "XDG_STATE_HOME"), "telehjerte", "telehjerte.log")
	fi, err := os.Stat(logFile)
	if err != nil {
		t.Fatalf("log file: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("log file mode %v, want 0600", fi.Mode().Perm())
	}
	logText, _ := os.ReadFile(logFile)
	for _, r := range rows {
		if strings.Contains(string(logText), r.Name) || strings.Contains(string(logText), strings.TrimSuffix(r.CPR, "-xxxx")) {
			t.Fatalf("log file contains personal data of %s:\n%s", r.PatientID, logText)
		}
	}

	// CSV: a header and one record per row.
	out, stderr, err := runBinary(t, bin, env, "worklist", "--format", "csv")
	if err != nil {
		t.Fatalf("worklist --format csv: %v\n%s", err, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.HasPrefix(lines[0], "status,patient_id,name,cpr,") || len(lines) != len(rows)+1 {
		t.Errorf("csv: header %q and %d lines for %d rows", lines[0], len(lines), len(rows))
	}

	// With a central configured the worklist subcommand prints the cache as
	// it is (empty here), without contacting the central.
	central := append(isolatedEnv(t), "TELEHJERTE_CENTRAL_URL=http://127.0.0.1:9/fhir")
	out, stderr, err = runBinary(t, bin, central, "worklist", "--format", "json")
	if err != nil || strings.TrimSpace(out) != "[]" || stderr != "" {
		t.Errorf("central mode: err %v, stdout %q, stderr %q", err, out, stderr)
	}
	// An explicit cache that does not exist is an error, and is not created.
	missing := filepath.Join(t.TempDir(), "missing.sqlite")
	if _, stderr, err := runBinary(t, bin, env, "--cache", missing, "worklist"); err == nil || !strings.Contains(stderr, missing) {
		t.Errorf("missing cache: err %v, stderr %q", err, stderr)
	}

	// A bad format is an error, not an empty list.
	if _, stderr, err := runBinary(t, bin, env, "worklist", "--format", "xml"); err == nil || !strings.Contains(stderr, `"xml"`) {
		t.Errorf("--format xml: err %v, stderr %q", err, stderr)
	}
}

func TestE2EConfig(t *testing.T) {
	bin := buildBinary(t)
	secret := "e2e-secret-token-value-WXYZ"
	env := isolatedEnv(t, "TELEHJERTE_CENTRAL_TOKEN="+secret, "TELEHJERTE_LANG=en")
	out, stderr, err := runBinary(t, bin, env, "config", "--demo-days", "30")
	if err != nil {
		t.Fatalf("config: %v\n%s", err, stderr)
	}
	if strings.Contains(out+stderr, secret) {
		t.Fatalf("config prints the token:\n%s", out)
	}
	for _, want := range []string{"****WXYZ", "central.token", "(env)", "demo.days", "30", "(flag)", "e2e-nurse", "# mode"} {
		if !strings.Contains(out, want) {
			t.Errorf("config output lacks %q:\n%s", want, out)
		}
	}

	bad := isolatedEnv(t, "TELEHJERTE_LANG=fr")
	if _, stderr, err := runBinary(t, bin, bad, "config"); err == nil || !strings.Contains(stderr, "TELEHJERTE_LANG") {
		t.Errorf("lang fr: err %v, stderr %q", err, stderr)
	}
}

// tmuxSession is the binary running in a detached tmux session on a private
// server socket.
type tmuxSession struct {
	t      *testing.T
	socket string
	env    []string
}

func requireTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is required on CI for the end-to-end test")
		}
		t.Skip("tmux is not installed")
	}
}

// startTmux runs `sh -c 'BIN ARGS; echo EXITED $?'` in a 100x30 pane. The
// shell then waits, so the pane stays to be read after the binary exits.
func startTmux(t *testing.T, bin string, env []string, args ...string) *tmuxSession {
	t.Helper()
	dir := t.TempDir()
	script := filepath.Join(dir, "run.sh")
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		fmt.Fprintf(&b, "export %s=%s\n", name, shellQuote(value))
	}
	fmt.Fprintf(&b, "%s", shellQuote(bin))
	for _, a := range args {
		fmt.Fprintf(&b, " %s", shellQuote(a))
	}
	b.WriteString("\necho \"EXITED $?\"\nexec sleep 600\n")
	if err := os.WriteFile(script, []byte(b.String()), 0o700); err != nil {
		t.Fatal(err)
	}
	s := &tmuxSession{t: t, socket: fmt.Sprintf("thj-e2e-%d-%d", os.Getpid(), time.Now().UnixNano()), env: env}
	s.tmux("-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30", "sh "+shellQuote(script))
	t.Cleanup(func() { _ = exec.Command("tmux", "-u", "-L", s.socket, "kill-server").Run() })
	return s
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	// -u: UTF-8 whatever the machine's locale, so names and chart dots
	// come back as they were drawn.
	cmd := exec.Command("tmux", append([]string{"-u", "-L", s.socket}, args...)...)
	cmd.Env = s.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (s *tmuxSession) screen() string { return s.tmux("capture-pane", "-p", "-t", "e2e") }

func (s *tmuxSession) send(keys ...string) {
	s.t.Helper()
	s.tmux(append([]string{"send-keys", "-t", "e2e"}, keys...)...)
}

// paste delivers text as one bracketed paste, the way a terminal sends a
// paste to a program that asked for bracketed paste mode.
func (s *tmuxSession) paste(text string) {
	s.t.Helper()
	s.tmux("set-buffer", "-b", "e2e-paste", text)
	s.tmux("paste-buffer", "-p", "-d", "-b", "e2e-paste", "-t", "e2e")
}

// waitFor polls the screen until ok accepts it or the deadline passes.
func (s *tmuxSession) waitFor(what string, ok func(screen string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var scr string
	for time.Now().Before(deadline) {
		if scr = s.screen(); ok(scr) {
			return scr
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("timed out waiting for %s; screen:\n%s", what, scr)
	return ""
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func envValue(env []string, name string) string {
	for _, kv := range env {
		if n, v, ok := strings.Cut(kv, "="); ok && n == name {
			return v
		}
	}
	return ""
}

// nameKey is the start of a name, enough to find it even when the table
// truncates long names.
func nameKey(name string) string {
	r := []rune(name)
	if len(r) > 12 {
		r = r[:12]
	}
	return string(r)
}

// firstPatientLine returns the first screen line that shows one of the rows
// (its masked CPR and the start of its name), and which row.
func firstPatientLine(screen string, rows []jsonRow) (string, jsonRow, bool) {
	for _, line := range strings.Split(screen, "\n") {
		for _, r := range rows {
			if strings.Contains(line, r.CPR) && strings.Contains(line, nameKey(r.Name)) {
				return line, r, true
			}
		}
	}
	return "", jsonRow{}, false
}

func hasBraille(s string) bool {
	for _, r := range s {
		if r >= 0x2801 && r <= 0x28ff {
			return true
		}
	}
	return false
}

func TestE2EConsole(t *testing.T) {
	requireTmux(t)
	bin := buildBinary(t)
	env := isolatedEnv(t)
	// The same demo (same seed and size) the console will build: its names
	// tell which screen line is which patient.
	rows := demoWorklist(t, bin, env)
	var red []jsonRow
	for _, r := range rows {
		if redStoryIDs[r.PatientID] {
			red = append(red, r)
		}
	}
	if len(red) != 2 {
		t.Fatalf("story patients pat-0002 and pat-0004 not both on the worklist: %+v", rows)
	}

	// Without the simulator, so the order cannot change under the test.
	s := startTmux(t, bin, env, "--demo-every", "0")
	scr := s.waitFor("the worklist", func(scr string) bool {
		_, _, ok := firstPatientLine(scr, rows)
		return ok
	})
	if !strings.Contains(scr, "DEMO") {
		t.Errorf("no DEMO banner:\n%s", scr)
	}
	// The header names whom the console acts as (the demo nurse, the
	// author of what it writes), not the OS user.
	if !strings.Contains(scr, demo.NurseName) || strings.Contains(scr, "e2e-nurse") {
		t.Errorf("the header does not name the demo nurse %q:\n%s", demo.NurseName, scr)
	}
	line, first, _ := firstPatientLine(scr, rows)
	if !redStoryIDs[first.PatientID] {
		t.Errorf("first patient row %q is %s (%s), want a red story patient (%s or %s):\n%s",
			line, first.PatientID, first.Status, nameKey(red[0].Name), nameKey(red[1].Name), scr)
	}

	// Enter opens the first patient.
	s.send("Enter")
	scr = s.waitFor("the patient view", func(scr string) bool {
		return strings.Contains(scr, "Vægtkurve") && strings.Contains(scr, nameKey(first.Name))
	})
	// Tab moves from the measurements pane to the weight chart.
	s.send("Tab")
	scr = s.waitFor("the weight chart", hasBraille)
	if !strings.Contains(scr, "DEMO") {
		t.Errorf("no DEMO banner in the patient view:\n%s", scr)
	}

	// Escape goes back to the worklist.
	s.send("Escape")
	s.waitFor("the worklist again", func(scr string) bool {
		_, r, ok := firstPatientLine(scr, rows)
		return ok && !hasBraille(scr) && r.PatientID == first.PatientID
	})

	// q quits: the shell reports exit status 0 and the worklist is gone
	// (the alternate screen was left).
	s.send("q")
	scr = s.waitFor("the process to exit", func(scr string) bool { return strings.Contains(scr, "EXITED") })
	assertRestored(t, scr, rows)
}

func TestE2ECtrlCQuits(t *testing.T) {
	requireTmux(t)
	bin := buildBinary(t)
	env := isolatedEnv(t, "TELEHJERTE_LANG=en", "TELEHJERTE_DEMO_PATIENTS=12")
	s := startTmux(t, bin, env)
	s.waitFor("the worklist", func(scr string) bool { return strings.Contains(scr, "DEMO") && strings.Contains(scr, "Name") })
	s.send("C-c")
	scr := s.waitFor("the process to exit", func(scr string) bool { return strings.Contains(scr, "EXITED") })
	assertRestored(t, scr, nil)
}

// assertRestored checks the pane after the binary exited: status 0, and
// nothing of the console left on the screen.
func assertRestored(t *testing.T, scr string, rows []jsonRow) {
	t.Helper()
	if !strings.Contains(scr, "EXITED 0") {
		t.Errorf("binary did not exit with status 0:\n%s", scr)
	}
	if strings.Contains(scr, "DEMO") || hasBraille(scr) {
		t.Errorf("console still on screen after exit (alternate screen not left):\n%s", scr)
	}
	if _, r, ok := firstPatientLine(scr, rows); ok {
		t.Errorf("patient %s still on screen after exit:\n%s", r.PatientID, scr)
	}
	if strings.TrimFunc(strings.Replace(scr, "EXITED 0", "", 1), unicode.IsSpace) != "" {
		t.Errorf("unexpected output left on the terminal:\n%s", scr)
	}
}

// BenchmarkWorklistProcess runs the whole `worklist --format json` process
// against a prebuilt 2,000-patient cache (the target is 300 ms a run).
func BenchmarkWorklistProcess(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "telehjerte-tui")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	dir := b.TempDir()
	env := []string{"HOME=" + dir, "USER=bench", "XDG_DATA_HOME=" + dir, "XDG_STATE_HOME=" + dir, "XDG_CONFIG_HOME=" + dir}
	cachePath := filepath.Join(dir, "bench.sqlite")
	seed := exec.Command(bin, "seed", "--patients", "2000", "--days", "60", "--out", cachePath)
	seed.Env = env
	if out, err := seed.CombinedOutput(); err != nil {
		b.Fatalf("seed: %v\n%s", err, out)
	}
	b.ResetTimer()
	for range b.N {
		cmd := exec.Command(bin, "--cache", cachePath, "worklist", "--format", "json")
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("worklist: %v\n%s", err, out)
		}
	}
}
