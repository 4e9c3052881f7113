package main

import (
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The classroom on the real binaries: a classroom with 3 trainees; two
// trainees' consoles in tmux show ØVELSE and the session clock; trainee 1
// acknowledges her red patient, trainee 2 does not; the instructor's view
// shows 1 done and 1 not started; advancing the session clock a day makes
// the morning's missing measurement appear on both consoles; resetting
// trainee 1 brings her red patient back.
func TestE2EClassroom(t *testing.T) {
	requireTmux(t)
	tui, central := buildBinary(t), buildCentral(t)
	cph, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(cph)
	dir := t.TempDir()
	db, logins := filepath.Join(dir, "kursus.db"), filepath.Join(dir, "logins")
	srv := exec.Command(central, "classroom", "start", "--scenario", "forste-dag", "--trainees", "3",
		"--db", db, "--out", logins, "--addr", "127.0.0.1:0", "--tick", "200ms")
	out := &lockedBuffer{}
	srv.Stdout, srv.Stderr = out, out
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = srv.Process.Signal(syscall.SIGTERM)
		_ = srv.Wait()
	})
	eventually(t, "the classroom's logins", func() (bool, string) {
		return strings.Contains(out.String(), "Kursist 3:"), out.String()
	})
	instructor := func(args ...string) string {
		t.Helper()
		b, err := exec.Command(central, append([]string{"classroom", args[0], "--db", db}, args[1:]...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("classroom %v: %v\n%s", args, err, b)
		}
		return string(b)
	}
	states := func() map[string]string {
		rows, err := csv.NewReader(strings.NewReader(instructor("status", "--format", "csv"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, r := range rows[1:] {
			m[r[0]+"/"+r[1]] = r[3]
		}
		return m
	}

	console := func(n string) *tmuxSession {
		cfg := filepath.Join(logins, "kursist-0"+n+".yaml")
		if _, err := os.Stat(cfg); err != nil {
			t.Fatal(err)
		}
		con := startTmux(t, tui, isolatedEnv(t), "--config", cfg)
		con.waitFor("trainee "+n+"'s worklist with Bent Olsen, marked ØVELSE", func(s string) bool {
			return onWorklist(s) && strings.Contains(s, "Bent Olsen") && strings.Contains(s, "ØVELSE") &&
				strings.Contains(s, "øvelsesur "+today.Format("02.01")+" 09:00")
		})
		return con
	}
	c1, c2 := console("1"), console("2")

	// Trainee 1 acknowledges her red patient; trainee 2 does not.
	c1.send("/")
	c1.send("-l", "Bent Olsen")
	c1.send("Enter")
	c1.send("x")
	c1.waitFor("the acknowledgement of Bent Olsen", func(s string) bool { return strings.Contains(s, " for Bent Olsen?") })
	c1.send("y")
	c1.waitFor("Bent Olsen to leave trainee 1's worklist", func(s string) bool {
		return strings.Contains(s, "kvitteret") && rowOf(s, "Bent Olsen") == ""
	})
	c1.send("Escape")
	eventually(t, "the instructor's view: trainee 1 done, trainee 2 not started", func() (bool, string) {
		st := states()
		return st["Kursist 1/kvitter-bent"] == "løst" && st["Kursist 2/kvitter-bent"] == "ikke startet", st["Kursist 1/kvitter-bent"] + " / " + st["Kursist 2/kvitter-bent"]
	})
	if scr := c2.screen(); !strings.Contains(rowOf(scr, "Bent Olsen"), "Bent Olsen") {
		t.Errorf("trainee 1's acknowledgement reached trainee 2's copy:\n%s", scr)
	}

	// A day on: Karen Lund's morning weight has not come, on both consoles.
	if r := rowOf(c2.screen(), "Karen Lund"); r == "" || strings.Contains(r, "mangler") || strings.Contains(r, " 1m") {
		t.Fatalf("Karen Lund's row before the clock moved: %q", r)
	}
	if o := instructor("clock", "+1d"); !strings.Contains(o, "start +1d00h00m") {
		t.Fatalf("clock +1d: %s", o)
	}
	tomorrow := today.AddDate(0, 0, 1).Format("02.01")
	for n, con := range map[string]*tmuxSession{"1": c1, "2": c2} {
		con.waitFor("the missing measurement on trainee "+n+"'s console", func(s string) bool {
			r := rowOf(s, "Karen Lund")
			return strings.Contains(s, "øvelsesur "+tomorrow) && (strings.Contains(r, "mangler") || strings.Contains(r, " 1m"))
		})
	}

	// The day's events came too: Bent Olsen's pulse of 105 at 09:10.
	// Trainee 1 acknowledges it, so nothing of his is open before the reset.
	c1.waitFor("Bent Olsen's red pulse on trainee 1's worklist", func(s string) bool { return rowOf(s, "Bent Olsen") != "" })
	c1.send("/")
	c1.send("-l", "Bent Olsen")
	c1.send("Enter")
	c1.send("x")
	c1.waitFor("the acknowledgement of Bent Olsen's pulse", func(s string) bool { return strings.Contains(s, " for Bent Olsen?") })
	c1.send("y")
	c1.waitFor("Bent Olsen to leave trainee 1's worklist again", func(s string) bool {
		return strings.Contains(s, "kvitteret") && rowOf(s, "Bent Olsen") == ""
	})
	c1.send("Escape")

	// Trainee 1 is reset: her red patient is back, her case not started.
	instructor("reset", "--trainee", "1")
	c1.waitFor("Bent Olsen back on trainee 1's worklist", func(s string) bool { return rowOf(s, "Bent Olsen") != "" })
	eventually(t, "trainee 1 not started again", func() (bool, string) {
		st := states()
		return st["Kursist 1/kvitter-bent"] == "ikke startet", st["Kursist 1/kvitter-bent"]
	})
}
