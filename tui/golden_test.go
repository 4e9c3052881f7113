package tui

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// probe wraps the console so a test can wait for a state of the model
// (e.g. "the patient has loaded") instead of for text in the renderer's
// output stream, whose diffs split words unpredictably. Conditions are
// evaluated on the program's goroutine after every Update.
type probe struct {
	*Model
	mu    sync.Mutex
	conds []probeCond
}

type probeCond struct {
	ok   func(*Model) bool
	done chan struct{}
}

// probeMsg makes the program run an Update so pending conditions are
// checked against the current state.
type probeMsg struct{}

func (p *probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := p.Model.Update(msg)
	p.mu.Lock()
	kept := p.conds[:0]
	for _, c := range p.conds {
		if c.ok(p.Model) {
			close(c.done)
		} else {
			kept = append(kept, c)
		}
	}
	p.conds = kept
	p.mu.Unlock()
	return p, cmd
}

// startProgram runs the console in a real bubbletea program against the
// real cache, with the ASCII colour profile and a fixed terminal size, and
// waits until the worklist has loaded.
func startProgram(t *testing.T, opts Options, w, h int) (*teatest.TestModel, *probe) {
	t.Helper()
	src := newClinic(t)
	opts.History = src // as the binary wires it: the cache keeps every regime version
	p := &probe{Model: New(context.Background(), src, opts)}
	tm := teatest.NewTestModel(t, p,
		teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)),
	)
	waitModel(t, tm, p, func(m *Model) bool { return m.worklist.loaded && !m.loading })
	return tm, p
}

// waitModel waits until ok holds for the model (5 s at most: a hang, not a
// timing assertion).
func waitModel(t *testing.T, tm *teatest.TestModel, p *probe, ok func(*Model) bool) {
	t.Helper()
	c := probeCond{ok: ok, done: make(chan struct{})}
	p.mu.Lock()
	p.conds = append(p.conds, c)
	p.mu.Unlock()
	tm.Send(probeMsg{})
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the model did not reach the expected state")
	}
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
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*probe).Model
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
	golden.RequireEqual(t, finalScreen(t, tm))
}

func TestGoldenFilterCPR(t *testing.T) {
	tm, _ := startProgram(t, testOptions(), 100, 30)
	press(tm, char('/'))
	tm.Type("2309")
	press(tm, keyEnter)
	golden.RequireEqual(t, finalScreen(t, tm))
}

func TestGoldenAllToggle(t *testing.T) {
	tm, p := startProgram(t, testOptions(), 100, 30)
	press(tm, char('a'))
	waitModel(t, tm, p, func(m *Model) bool { return m.worklist.all && !m.loading })
	golden.RequireEqual(t, finalScreen(t, tm))
}

func TestGoldenHelp(t *testing.T) {
	tm, _ := startProgram(t, testOptions(), 100, 30)
	press(tm, char('?'))
	golden.RequireEqual(t, finalScreen(t, tm))
}

func TestGoldenEnglish(t *testing.T) {
	opts := testOptions()
	opts.Lang = "en"
	tm, _ := startProgram(t, opts, 100, 30)
	golden.RequireEqual(t, finalScreen(t, tm))
}

// openAnna moves to Anna Andersen (second row), opens her and waits until
// her record has loaded.
func openAnna(t *testing.T, tm *teatest.TestModel, p *probe) {
	t.Helper()
	press(tm, keyDown, keyEnter)
	waitModel(t, tm, p, func(m *Model) bool { return m.patient.loaded && m.patient.id == "p-anna" })
}

func TestGoldenPatientPanes(t *testing.T) {
	for pane := 1; pane <= paneCount; pane++ {
		for _, size := range [][2]int{{100, 30}, {80, 24}} {
			name := "pane" + itoa(pane) + "_" + itoa(size[0]) + "x" + itoa(size[1])
			t.Run(name, func(t *testing.T) {
				tm, p := startProgram(t, testOptions(), size[0], size[1])
				openAnna(t, tm, p)
				press(tm, char(rune('0'+pane)))
				golden.RequireEqual(t, finalScreen(t, tm))
			})
		}
	}
}

func TestGoldenPatientEnglishTabs(t *testing.T) {
	opts := testOptions()
	opts.Lang = "en"
	tm, p := startProgram(t, opts, 100, 30)
	openAnna(t, tm, p)
	press(tm, keyTab, keyTab, keyTab) // to messages
	golden.RequireEqual(t, finalScreen(t, tm))
}

func TestGoldenPatientHelp(t *testing.T) {
	tm, p := startProgram(t, testOptions(), 80, 24)
	openAnna(t, tm, p)
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
