package main

import (
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// The console draws its frames itself (tui/display), on demand: on the
// real binary in tmux, a typed letter is echoed with the cursor after it,
// a resize redraws the whole screen at the new size, and SIGTERM gives
// the shell its screen and its tty back.
func TestE2EDisplayEchoResizeAndSignal(t *testing.T) {
	requireTmux(t)
	bin := buildBinary(t)
	s := startTmux(t, bin, isolatedEnv(t, "TELEHJERTE_LANG=en"))
	s.waitFor("the worklist", func(scr string) bool { return strings.Contains(scr, "DEMO") && strings.Contains(scr, "q quit") })
	if colours(s.tmux("capture-pane", "-e", "-p", "-t", "e2e")) == 0 {
		t.Error("the worklist shows no colour on a 256-colour terminal")
	}
	if alt := s.tmux("display", "-p", "-t", "e2e", "#{alternate_on}"); strings.TrimSpace(alt) != "1" {
		t.Errorf("the console is not on the alternate screen (alternate_on %q)", alt)
	}

	// Typing in the search field: the letters are echoed and the real
	// cursor stands after them.
	s.send("/")
	s.waitFor("the search field", func(scr string) bool { return strings.Contains(scr, "Search:") })
	s.send("-l", "Ol")
	scr := s.waitFor("the typed letters", func(scr string) bool { return strings.Contains(scr, "Search: Ol") })
	row := -1
	for i, l := range strings.Split(scr, "\n") {
		if strings.Contains(l, "Search: Ol") {
			row = i
		}
	}
	want := strconv.Itoa(len("Search: Ol")) + "," + strconv.Itoa(row) + ",1"
	s.waitFor("the cursor after the typed letters at "+want, func(string) bool {
		return strings.TrimSpace(s.tmux("display", "-p", "-t", "e2e", "#{cursor_x},#{cursor_y},#{cursor_flag}")) == want
	})
	s.send("Escape")
	s.waitFor("the search closed and the cursor hidden", func(scr string) bool {
		return !strings.Contains(scr, "Search:") &&
			strings.TrimSpace(s.tmux("display", "-p", "-t", "e2e", "#{cursor_flag}")) == "0"
	})

	// A smaller terminal: the footer is redrawn on its new last line (tmux
	// keeps the top of the old screen, so without a redraw it is gone).
	lastLine := func(scr string) string {
		lines := strings.Split(strings.TrimRight(scr, "\n"), "\n")
		return lines[len(lines)-1]
	}
	s.tmux("resize-window", "-t", "e2e", "-x", "80", "-y", "18")
	s.waitFor("the footer on line 18 of 80x18", func(scr string) bool {
		return strings.Count(strings.TrimRight(scr, "\n"), "\n") == 17 && strings.Contains(lastLine(scr), "quit")
	})
	s.tmux("resize-window", "-t", "e2e", "-x", "110", "-y", "34")
	s.waitFor("the footer on line 34 of 110x34", func(scr string) bool {
		return strings.Count(strings.TrimRight(scr, "\n"), "\n") == 33 && strings.Contains(lastLine(scr), "quit")
	})

	// SIGTERM from outside: the process ends, the shell's screen is back
	// with its cursor, and the tty is out of raw mode.
	if err := syscall.Kill(s.consolePID(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	scr = s.waitFor("the process to exit", func(scr string) bool { return strings.Contains(scr, "EXITED") })
	if strings.Contains(scr, "DEMO") || strings.Contains(scr, "quit") {
		t.Errorf("the console is still on the screen after SIGTERM:\n%s", scr)
	}
	if got := strings.TrimSpace(s.tmux("display", "-p", "-t", "e2e", "#{alternate_on},#{cursor_flag}")); got != "0,1" {
		t.Errorf("after SIGTERM alternate_on,cursor_flag = %s, want 0,1", got)
	}
	tty := strings.TrimSpace(s.tmux("display", "-p", "-t", "e2e", "#{pane_tty}"))
	stty, err := exec.Command("sh", "-c", "stty -a < "+shellQuote(tty)).Output()
	if err != nil {
		t.Fatalf("stty of %s: %v", tty, err)
	}
	for _, mode := range []string{"icanon", "echo", "opost"} {
		if !regexp.MustCompile(`(^|\s)` + mode + `(\s|$)`).Match(stty) {
			t.Errorf("the tty is left without %s after SIGTERM:\n%s", mode, stty)
		}
	}
}

// NO_COLOR: no colour anywhere on the screen; the symbols carry the
// meaning.
func TestE2ENoColour(t *testing.T) {
	requireTmux(t)
	bin := buildBinary(t)
	s := startTmux(t, bin, isolatedEnv(t, "TELEHJERTE_LANG=en", "NO_COLOR=1"))
	s.waitFor("the worklist with its patients", func(scr string) bool {
		return strings.Contains(scr, "● online") && strings.Contains(scr, "-xxxx")
	})
	s.send("Enter")
	s.waitFor("the patient view", func(scr string) bool { return strings.Contains(scr, "Thresholds in force") })
	scr := s.tmux("capture-pane", "-e", "-p", "-t", "e2e")
	if n := colours(scr); n != 0 {
		t.Errorf("%d colour sequences on the screen with NO_COLOR:\n%q", n, scr)
	}
	if !strings.Contains(scr, "!") && !strings.Contains(scr, "✓") {
		t.Errorf("no status symbols on the screen:\n%s", scr)
	}
	s.send("q")
	s.send("q")
	s.waitFor("the process to exit", func(scr string) bool { return strings.Contains(scr, "EXITED") })
}

var sgr = regexp.MustCompile(`\x1b\[([0-9;:]*)m`)

// colours counts the SGR sequences in a `capture-pane -e` that set a
// foreground or background colour (not the resets 39 and 49).
func colours(scr string) int {
	n := 0
	for _, m := range sgr.FindAllStringSubmatch(scr, -1) {
		for _, p := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' }) {
			v, err := strconv.Atoi(p)
			if err != nil {
				continue
			}
			if (v >= 30 && v <= 38) || (v >= 40 && v <= 48) || (v >= 90 && v <= 97) || (v >= 100 && v <= 107) {
				n++
				break
			}
		}
	}
	return n
}
