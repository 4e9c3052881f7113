package tui

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// startProgram runs the console in a real bubbletea program against the
// real cache, with the ASCII colour profile and a fixed terminal size, and
// waits until the worklist is on screen.
func startProgram(t *testing.T, opts Options, w, h int) (*teatest.TestModel, *recordingSource) {
	t.Helper()
	src := newClinic(t)
	m := New(context.Background(), src, opts)
	tm := teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)),
	)
	waitFor(t, tm, "Gustav Holm")
	return tm, src
}

func waitFor(t *testing.T, tm *teatest.TestModel, s string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func press(tm *teatest.TestModel, keys ...tea.KeyPressMsg) {
	for _, k := range keys {
		tm.Send(k)
	}
}

var (
	keyEnter = tea.KeyPressMsg{Code: tea.KeyEnter}
	keyEsc   = tea.KeyPressMsg{Code: tea.KeyEscape}
	keyTab   = tea.KeyPressMsg{Code: tea.KeyTab}
	keyDown  = tea.KeyPressMsg{Code: tea.KeyDown}
)

func char(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }

// finalScreen quits the program and returns its last frame as the ASCII
// profile renders it (colours dropped, attributes kept), so the golden files
// do not depend on the renderer's frame timing.
func finalScreen(t *testing.T, tm *teatest.TestModel) string {
	t.Helper()
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
	var buf bytes.Buffer
	w := &colorprofile.Writer{Forward: &buf, Profile: colorprofile.Ascii}
	if _, err := w.WriteString(fm.View().Content); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestGoldenWorklist(t *testing.T) {
	tm, _ := startProgram(t, testOptions(), 100, 30)
	golden.RequireEqual(t, finalScreen(t, tm))
}

func TestGoldenWorklist80x24(t *testing.T) {
	opts := testOptions()
	opts.Demo = true
	tm, _ := startProgram(t, opts, 80, 24)
	golden.RequireEqual(t, finalScreen(t, tm))
}

func TestGoldenFilter(t *testing.T) {
	tm, _ := startProgram(t, testOptions(), 100, 30)
	press(tm, char('/'))
	tm.Type("berg")
	waitFor(t, tm, "1 af 8 vist")
	golden.RequireEqual(t, finalScreen(t, tm))
}

func TestGoldenFilterCPR(t *testing.T) {
	tm, _ := startProgram(t, testOptions(), 100, 30)
	press(tm, char('/'))
	tm.Type("2309")
	press(tm, keyEnter)
	waitFor(t, tm, "1 af 8 vist")
	golden.RequireEqual(t, finalScreen(t, tm))
}

func TestGoldenAllToggle(t *testing.T) {
	tm, _ := startProgram(t, testOptions(), 100, 30)
	press(tm, char('a'))
	waitFor(t, tm, "Hanne Iversen")
	golden.RequireEqual(t, finalScreen(t, tm))
}

func TestGoldenHelp(t *testing.T) {
	tm, _ := startProgram(t, testOptions(), 100, 30)
	press(tm, char('?'))
	waitFor(t, tm, "Statussymboler")
	golden.RequireEqual(t, finalScreen(t, tm))
}

func TestGoldenEnglish(t *testing.T) {
	opts := testOptions()
	opts.Lang = "en"
	tm, _ := startProgram(t, opts, 100, 30)
	golden.RequireEqual(t, finalScreen(t, tm))
}

// openAnna moves to Anna Andersen (second row) and opens her.
func openAnna(t *testing.T, tm *teatest.TestModel, marker string) {
	t.Helper()
	press(tm, keyDown, keyEnter)
	waitFor(t, tm, marker)
}

func TestGoldenPatientPanes(t *testing.T) {
	for pane := 1; pane <= paneCount; pane++ {
		for _, size := range [][2]int{{100, 30}, {80, 24}} {
			name := "pane" + itoa(pane) + "_" + itoa(size[0]) + "x" + itoa(size[1])
			t.Run(name, func(t *testing.T) {
				tm, _ := startProgram(t, testOptions(), size[0], size[1])
				openAnna(t, tm, "Reevaluering")
				press(tm, char(rune('0'+pane)))
				golden.RequireEqual(t, finalScreen(t, tm))
			})
		}
	}
}

func TestGoldenPatientEnglishTabs(t *testing.T) {
	opts := testOptions()
	opts.Lang = "en"
	tm, _ := startProgram(t, opts, 100, 30)
	openAnna(t, tm, "Re-evaluation")
	press(tm, keyTab, keyTab, keyTab) // to messages
	golden.RequireEqual(t, finalScreen(t, tm))
}

func TestGoldenPatientHelp(t *testing.T) {
	tm, _ := startProgram(t, testOptions(), 80, 24)
	openAnna(t, tm, "Reevaluering")
	press(tm, char('?'))
	golden.RequireEqual(t, finalScreen(t, tm))
}

// The screen never carries an escape sequence from the data: the hostile
// name in the fixture arrives sanitized.
func TestHostileNameNeverRaw(t *testing.T) {
	tm, _ := startProgram(t, testOptions(), 100, 30)
	s := finalScreen(t, tm)
	if strings.Contains(s, "pwn") || strings.Contains(s, "\x1b]") || strings.Contains(s, "\u202e") {
		t.Fatalf("hostile text reached the screen: %q", s)
	}
	if !strings.Contains(s, "Ib Jensen") {
		t.Fatalf("sanitized name missing:\n%s", s)
	}
}
