package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// consolePID is the process id of the binary startTmux runs: the child of
// the pane's shell (Linux /proc).
func (s *tmuxSession) consolePID() int {
	s.t.Helper()
	shell := strings.TrimSpace(s.tmux("display-message", "-p", "-t", "e2e", "#{pane_pid}"))
	raw, err := os.ReadFile(filepath.Join("/proc", shell, "task", shell, "children"))
	if err != nil {
		s.t.Skipf("cannot find the console's process: %v", err)
	}
	f := strings.Fields(string(raw))
	if len(f) != 1 {
		s.t.Fatalf("the pane's shell has children %q, want the console alone", f)
	}
	pid, err := strconv.Atoi(f[0])
	if err != nil {
		s.t.Fatal(err)
	}
	return pid
}

// A nurse leaves the patient view with Esc and quits with q while the
// console is busy for a moment (here: stopped, as a loaded machine leaves
// it unscheduled). The two keys then reach the program in one read, the
// way the end-to-end tests' quit under load sent them; they were decoded
// as alt+q, which quit nothing, and the console stayed on the patient
// view. The one q must end it.
func TestE2EEscapeAndQuitWhileBusy(t *testing.T) {
	requireTmux(t)
	bin := buildBinary(t)
	s := startTmux(t, bin, isolatedEnv(t), "--demo-every", "0")
	s.waitFor("the synced worklist with a patient highlighted", func(scr string) bool {
		if !onWorklist(scr) || !strings.Contains(scr, "● online") {
			return false
		}
		for _, line := range strings.Split(scr, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), ">") && strings.Contains(line, "-xxxx") {
				return true
			}
		}
		return false
	})
	s.send("Enter")
	s.waitFor("the patient view", func(scr string) bool { return strings.Contains(scr, "Vægtkurve") })

	pid := s.consolePID()
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	s.send("Escape")
	s.send("q")
	if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	scr := s.waitFor("the console to exit after one q", func(scr string) bool { return strings.Contains(scr, "EXITED") })
	assertRestored(t, scr, nil)
}
