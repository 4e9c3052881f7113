package display

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
)

var testEnv = []string{"TERM=xterm-256color"}

// emulated is a terminal emulator a Display writes to, with what it was
// told recorded (modes, title) and every write kept.
type emulated struct {
	t      *testing.T
	mu     sync.Mutex
	emu    *vt.Emulator
	raw    bytes.Buffer
	writes int
	modes  map[ansi.Mode]bool
	title  string
	// hold, when set, blocks the next write until it is closed; entered
	// is closed when that write has begun.
	hold, entered chan struct{}
}

func newEmulated(t *testing.T, w, h int) *emulated {
	e := &emulated{t: t, emu: vt.NewEmulator(w, h), modes: map[ansi.Mode]bool{}}
	e.emu.SetCallbacks(vt.Callbacks{
		Title:       func(s string) { e.title = s },
		EnableMode:  func(m ansi.Mode) { e.modes[m] = true },
		DisableMode: func(m ansi.Mode) { e.modes[m] = false },
	})
	// The emulator answers some queries on its input; nobody types here.
	go func() {
		buf := make([]byte, 256)
		for {
			if _, err := e.emu.Read(buf); err != nil {
				return
			}
		}
	}()
	// Closing the input pipe ends the reader (Emulator.Close would race
	// with its Read).
	t.Cleanup(func() {
		if c, ok := e.emu.InputPipe().(io.Closer); ok {
			_ = c.Close()
		}
	})
	return e
}

func (e *emulated) Write(p []byte) (int, error) {
	e.mu.Lock()
	hold, entered := e.hold, e.entered
	e.hold, e.entered = nil, nil
	e.mu.Unlock()
	if hold != nil {
		close(entered)
		<-hold
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.writes++
	e.raw.Write(p)
	return e.emu.Write(p)
}

func (e *emulated) resize(w, h int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.emu.Resize(w, h)
}

// state is what the emulated terminal shows.
type state struct {
	text          string // the screen's lines, trailing blanks trimmed
	alt           bool
	cursorVisible bool
	cursor        uv.Position
	writes        int
	raw           string
}

func (e *emulated) state() state {
	e.mu.Lock()
	defer e.mu.Unlock()
	return state{
		text: e.emu.String(), alt: e.emu.IsAltScreen(), cursorVisible: !e.emu.CursorHidden(),
		cursor: e.emu.CursorPosition(), writes: e.writes, raw: e.raw.String(),
	}
}

// waitFor waits until the emulated terminal's state satisfies ok.
func (e *emulated) waitFor(what string, ok func(state) bool) state {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := e.state()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out waiting for %s; screen:\n%s\nbytes: %q", what, s.text, s.raw)
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}

// screenText is what an emulator of height h shows for content: its lines
// padded to h, trailing blanks trimmed (as vt's String).
func screenText(content string, h int) string {
	lines := strings.Split(ansi.Strip(content), "\n")
	for len(lines) < h {
		lines = append(lines, "")
	}
	return uv.TrimSpace(strings.Join(lines[:h], "\n"))
}

func view(content string, cursor *tea.Cursor) tea.View {
	v := tea.NewView(content)
	v.AltScreen = true
	v.WindowTitle = "TeleHjerte"
	v.Cursor = cursor
	return v
}

func shows(content string, h int) func(state) bool {
	want := screenText(content, h)
	return func(s state) bool { return s.text == want }
}

// A sequence of frames, a cursor coming and going, a resize: after each,
// the emulated screen is the frame; Close gives back the main screen.
func TestFramesOnAnEmulatedTerminal(t *testing.T) {
	term := newEmulated(t, 40, 8)
	d := New(term, testEnv, 40, 8, colorprofile.TrueColor)
	defer d.Close()

	first := "Worklist\n  Bent Olsen   117.3\n  Inge Jakobsen 69.6"
	d.Show(view(first, nil))
	s := term.waitFor("the first frame", shows(first, 8))
	if !s.alt {
		t.Error("the first frame is not on the alternate screen")
	}
	if s.cursorVisible {
		t.Error("a view without a cursor shows one")
	}
	term.mu.Lock()
	title, paste := term.title, term.modes[ansi.ModeBracketedPaste]
	term.mu.Unlock()
	if title != "TeleHjerte" || !paste {
		t.Errorf("title %q, bracketed paste %v; want the view's title and paste on", title, paste)
	}
	// Bubble Tea's default keyboard modes, which key decoding relies on.
	for _, seq := range []string{ansi.SetModifyOtherKeys2, ansi.PushKittyKeyboard(1)} {
		if !strings.Contains(s.raw, seq) {
			t.Errorf("the first frame does not ask for %q: %q", seq, s.raw)
		}
	}

	// A form: the cursor is shown where the view puts it, steady.
	form := "Acknowledge\nNote: checked by ph"
	c := tea.NewCursor(19, 1)
	c.Blink = false
	c.Color = color.RGBA{R: 0xc0, G: 0xc0, B: 0xc0, A: 0xff}
	d.Show(view(form, c))
	s = term.waitFor("the form with its cursor", func(s state) bool {
		return shows(form, 8)(s) && s.cursorVisible && s.cursor == uv.Pos(19, 1)
	})
	if !strings.Contains(s.raw, ansi.SetCursorStyle(2)) {
		t.Error("a steady block cursor was not asked for")
	}
	if !strings.Contains(s.raw, ansi.SetCursorColor("#c0c0c0")) {
		t.Error("the cursor's colour was not asked for")
	}

	// Typing moves it; the frame is the new text.
	typed := "Acknowledge\nNote: checked by phone"
	c2 := *c
	c2.X = 22
	d.Show(view(typed, &c2))
	term.waitFor("the typed letters and the cursor after them", func(s state) bool {
		return shows(typed, 8)(s) && s.cursorVisible && s.cursor == uv.Pos(22, 1)
	})

	// The form closes: no cursor, its colour given back.
	d.Show(view(first, nil))
	s = term.waitFor("the worklist without a cursor", func(s state) bool { return shows(first, 8)(s) && !s.cursorVisible })
	if !strings.Contains(s.raw[strings.Index(s.raw, ansi.SetCursorColor("#c0c0c0")):], ansi.ResetCursorColor) {
		t.Error("the cursor's colour was not reset when the cursor went")
	}

	// The terminal shrinks: the next frame is drawn whole at the new size.
	term.resize(30, 5)
	d.Resize(30, 5)
	small := "Worklist (small)\n  Bent Olsen"
	d.Show(view(small, nil))
	term.waitFor("the frame at the new size", shows(small, 5))
	// and grows: nothing of the old frame is left.
	term.resize(50, 10)
	d.Resize(50, 10)
	d.Show(view(first, nil))
	term.waitFor("the frame after growing", shows(first, 10))

	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	s = term.state()
	if s.alt || !s.cursorVisible {
		t.Errorf("after Close: alternate screen %v, cursor visible %v; want the main screen with its cursor", s.alt, s.cursorVisible)
	}
	if strings.TrimSpace(s.text) != "" {
		t.Errorf("the main screen was written on:\n%s", s.text)
	}
	term.mu.Lock()
	title, paste = term.title, term.modes[ansi.ModeBracketedPaste]
	term.mu.Unlock()
	if title != "" || paste {
		t.Errorf("after Close: title %q, bracketed paste %v; want both reset", title, paste)
	}
	tail := s.raw[strings.LastIndex(s.raw, ansi.ResetModifyOtherKeys):]
	if !strings.Contains(tail, ansi.PopKittyKeyboard(1)) {
		t.Errorf("Close does not pop the kitty keyboard entry: %q", tail)
	}
	if !strings.Contains(s.raw, ansi.SetCursorStyle(0)) {
		t.Error("the cursor's shape was never given back to the terminal's default")
	}
	// Nothing is drawn after Close.
	writes := s.writes
	d.Show(view("late", nil))
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if term.state().writes != writes {
		t.Error("a view shown after Close was drawn")
	}
}

// Colours follow the profile: TrueColor keeps the view's colours; Ascii
// (what NO_COLOR gives) drops them and keeps bold.
func TestColoursFollowTheProfile(t *testing.T) {
	red := lipgloss.NewStyle().Foreground(lipgloss.Color("#ff0000")).Bold(true).Render("!! red")
	for _, c := range []struct {
		profile colorprofile.Profile
		colour  bool
	}{{colorprofile.TrueColor, true}, {colorprofile.ANSI, true}, {colorprofile.Ascii, false}} {
		t.Run(c.profile.String(), func(t *testing.T) {
			term := newEmulated(t, 20, 3)
			d := New(term, testEnv, 20, 3, c.profile)
			defer d.Close()
			d.Show(view(red, nil))
			term.waitFor("the red line", shows(red, 3))
			term.mu.Lock()
			cell := term.emu.CellAt(0, 0)
			term.mu.Unlock()
			if got := cell.Style.Fg != nil; got != c.colour {
				t.Errorf("foreground %v, want colour %v", cell.Style.Fg, c.colour)
			}
			if cell.Style.Attrs&uv.AttrBold == 0 {
				t.Error("bold was dropped")
			}
			cur := tea.NewCursor(1, 1)
			cur.Color = color.RGBA{R: 0xff, A: 0xff}
			d.Show(view(red+"\nx", cur))
			s := term.waitFor("the cursor", func(s state) bool { return s.cursorVisible })
			if got := strings.Contains(s.raw, "\x1b]12;"); got != c.colour {
				t.Errorf("cursor colour asked for %v, want %v: %q", got, c.colour, s.raw)
			}
		})
	}
}

// Views that come while a frame is being written are coalesced: only the
// newest is drawn next.
func TestBurstsAreCoalesced(t *testing.T) {
	term := newEmulated(t, 20, 3)
	hold, entered := make(chan struct{}), make(chan struct{})
	term.hold, term.entered = hold, entered
	d := New(term, testEnv, 20, 3, colorprofile.TrueColor)
	defer d.Close()

	d.Show(view("one", nil))
	<-entered // the first frame is being written
	d.Show(view("two", nil))
	d.Show(view("three", nil))
	close(hold)
	s := term.waitFor("the newest view", shows("three", 3))
	if s.writes != 2 {
		t.Errorf("%d writes for three views in a burst, want 2 (the first and the newest)", s.writes)
	}
	if strings.Contains(s.raw, "two") {
		t.Error("a view replaced during the burst was drawn")
	}
}

// An unchanged view writes nothing, and between views the drawing
// goroutine waits on its channels alone: no timer runs.
func TestNothingWrittenAndNoTimerWhileNothingChanges(t *testing.T) {
	term := newEmulated(t, 20, 3)
	d := New(term, testEnv, 20, 3, colorprofile.TrueColor)
	defer d.Close()
	v := view("same", nil)
	d.Show(v)
	term.waitFor("the view", shows("same", 3))

	d.Show(v)
	// Wait until the loop has taken it and finished with it (it is back
	// in its select).
	waitIdle(t, d)
	d.Show(view("changed", nil))
	s := term.waitFor("the changed view", shows("changed", 3))
	if s.writes != 2 {
		t.Errorf("%d writes, want 2: the unchanged view wrote something", s.writes)
	}

	waitIdle(t, d)
	stack := loopStack(t)
	if !strings.Contains(stack, "[select") && !strings.Contains(stack, "[chan receive") {
		t.Fatalf("the idle drawing goroutine is not waiting on its channels:\n%s", stack)
	}
	for _, timer := range []string{"time.Sleep", "time.NewTimer", "time.After", "time.Tick"} {
		if strings.Contains(stack, timer) {
			t.Errorf("the idle drawing goroutine is in %s:\n%s", timer, stack)
		}
	}
}

// waitIdle waits until no view is pending and the drawing goroutine waits
// in its select.
func waitIdle(t *testing.T, d *Display) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		d.mu.Lock()
		pending := d.pending != nil || len(d.wake) > 0
		d.mu.Unlock()
		if s := loopStack(t); !pending && strings.Contains(s, "[select") && !strings.Contains(s, "Sleep") {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("the drawing goroutine did not become idle:\n%s", loopStack(t))
}

// loopStack is the stack of the (one) running Display loop goroutine.
func loopStack(t *testing.T) string {
	t.Helper()
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var found []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "display.(*Display).loop(") {
			found = append(found, g)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d drawing goroutines running, want 1", len(found))
	}
	return found[0]
}

type panicky struct{ where string }

func (p panicky) Init() tea.Cmd { return nil }
func (p panicky) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch p.where {
	case "update":
		panic("boom in update")
	case "command":
		return p, tea.Batch(nil, func() tea.Msg { panic("boom in a command") })
	}
	return p, nil
}
func (p panicky) View() tea.View { return view("console "+p.where, nil) }

// A panic in the model or in one of its commands gives the terminal back
// before it goes on up (to Bubble Tea, which prints it).
func TestPanicRestoresTheTerminalFirst(t *testing.T) {
	for _, where := range []string{"update", "command"} {
		t.Run(where, func(t *testing.T) {
			term := newEmulated(t, 30, 3)
			d := New(term, testEnv, 30, 3, colorprofile.TrueColor)
			defer d.Close()
			m := Wrap(panicky{where: where}, d, nil)
			m.View()
			term.waitFor("the console", shows("console "+where, 3))

			got := func() (r any) {
				defer func() { r = recover() }()
				_, cmd := m.Update(tea.KeyPressMsg{Code: 'x'})
				for cmd != nil {
					msg := cmd()
					batch, ok := msg.(tea.BatchMsg)
					if !ok {
						break
					}
					cmd = nil
					for _, c := range batch {
						if c != nil {
							cmd = c
						}
					}
				}
				return nil
			}()
			if got == nil || !strings.Contains(fmt.Sprint(got), "boom") {
				t.Fatalf("recovered %v, want the model's panic to go on", got)
			}
			if s := term.state(); s.alt || !s.cursorVisible {
				t.Errorf("after the panic: alternate screen %v, cursor visible %v; want the terminal given back", s.alt, s.cursorVisible)
			}
		})
	}
}

func TestUnsupportedNamesWhatIsNotDrawn(t *testing.T) {
	v := view("x", tea.NewCursor(0, 0))
	if f := Unsupported(v); len(f) != 0 {
		t.Errorf("a view the console draws is reported: %v", f)
	}
	v.MouseMode = tea.MouseModeCellMotion
	v.ReportFocus = true
	v.BackgroundColor = color.Black
	v.AltScreen = false
	want := []string{"AltScreen=false", "MouseMode", "ReportFocus", "BackgroundColor"}
	if got := Unsupported(v); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Unsupported = %v, want %v", got, want)
	}
	var reported [][]string
	d := New(&bytes.Buffer{}, testEnv, 10, 2, colorprofile.Ascii)
	defer d.Close()
	m := Wrap(fixedView{v}, d, func(f []string) { reported = append(reported, f) })
	m.View()
	m.View()
	if len(reported) != 1 || strings.Join(reported[0], ",") != strings.Join(want, ",") {
		t.Errorf("reported %v, want %v once", reported, want)
	}
}

type fixedView struct{ v tea.View }

func (f fixedView) Init() tea.Cmd                       { return nil }
func (f fixedView) Update(tea.Msg) (tea.Model, tea.Cmd) { return f, nil }
func (f fixedView) View() tea.View                      { return f.v }

// BenchmarkFrame is the CPU of one frame of a 120 × 40 worklist-sized
// screen where one line changed (a key moved the selection): what a key's
// echo waits for after Bubble Tea's Update and View.
func BenchmarkFrame(b *testing.B) {
	line := lipgloss.NewStyle().Foreground(lipgloss.Color("#ff0000")).Render(" !! Bent Olsen  760780-xxxx 117.3!!+  66✓+ 128/81✓+ 6n") + strings.Repeat(" ", 60)
	lines := make([]string, 40)
	for i := range lines {
		lines[i] = line
	}
	views := [2]tea.View{}
	for i := range views {
		l := slices.Clone(lines)
		l[5+i] = lipgloss.NewStyle().Reverse(true).Render(l[5+i])
		views[i] = view(strings.Join(l, "\n"), nil)
	}
	d := New(io.Discard, testEnv, 120, 40, colorprofile.TrueColor)
	defer d.Close()
	d.draw(views[0], 120, 40, false)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := d.draw(views[(i+1)%2], 120, 40, false); err != nil {
			b.Fatal(err)
		}
	}
}
