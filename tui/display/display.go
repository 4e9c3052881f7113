// Package display puts the console's views on the terminal when they
// change, and never on a clock.
//
// Bubble Tea's own renderer wakes at its frame rate whether or not the
// view changed and re-reads the whole frame each time to find out; an
// idle console spent nearly all of its CPU there (docs/benchmarks.md).
// The console therefore runs its program with tea.WithoutRenderer, and a
// Display takes every view the program produces (Wrap) and draws the
// newest one on its own goroutine, which sleeps on a channel between
// views. Bursts are coalesced: views that arrive while a frame is being
// written are replaced by the newest, and frames are at least
// minFrameGap apart.
//
// A Display draws what the console's views use: the alternate screen
// (always), the window title, a real cursor (its shape, blink and colour)
// or none, bracketed paste, and the keyboard modes Bubble Tea asks for by
// default (modifyOtherKeys 2 and a kitty keyboard entry with key
// disambiguation), which the key decoding of Escape and alt keys relies
// on. Colours are downsampled to the terminal's colour profile, so
// NO_COLOR gives none (nor a cursor colour). Mouse, focus reports,
// terminal colours, progress bars, program status and keyboard
// enhancements beyond the default are not drawn: Unsupported names them,
// and Wrap reports a view that sets one. Synchronized output (mode 2026)
// is not used: a frame is one write.
package display

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// minFrameGap keeps frames at most 60 a second; a view that comes sooner
// after a frame waits for the rest of the gap (and is replaced by any
// newer view meanwhile).
const minFrameGap = time.Second / 60

// Display draws views on a terminal of a known size. Show and Resize may be
// called from any goroutine; frames are written by the Display's own
// goroutine only, and the terminal is restored by Close.
type Display struct {
	out     io.Writer // the terminal
	profile colorprofile.Profile

	mu      sync.Mutex
	pending *tea.View // the newest view not drawn yet
	width   int
	height  int
	erase   bool // the terminal changed size: erase and draw whole
	closed  bool

	wake     chan struct{} // 1-buffered: a view is pending
	quit     chan struct{}
	loopDone chan struct{}
	closing  sync.Once
	closeErr error
	restore  func() error // the terminal's own state (raw mode), or nil

	// Owned by the drawing goroutine (and by Close after it stopped).
	scr     *uv.TerminalRenderer
	scrOut  bytes.Buffer // what scr flushes: one frame's updates
	cells   uv.ScreenBuffer
	last    *tea.View // the view on the terminal; nil before the first frame
	lastAt  time.Time
	drawErr error // the first failed write; later frames are not tried
}

// New returns a Display writing frames to out, a terminal of width ×
// height cells whose TERM and environment are env and whose colours are
// profile. It starts its drawing goroutine; Close stops it.
func New(out io.Writer, env []string, width, height int, profile colorprofile.Profile) *Display {
	d := &Display{
		out:      out,
		profile:  profile,
		width:    width,
		height:   height,
		wake:     make(chan struct{}, 1),
		quit:     make(chan struct{}),
		loopDone: make(chan struct{}),
	}
	d.scr = uv.NewTerminalRenderer(&d.scrOut, env)
	d.scr.SetColorProfile(profile)
	// Absolute cursor moves on a screen of our own, as on the alternate
	// screen; no hard tabs or backspace moves (the tty's tab and backspace
	// settings are not read), and raw output: a newline is not mapped.
	d.scr.SetFullscreen(true)
	d.scr.SetRelativeCursor(false)
	d.scr.SetTabStops(-1)
	d.scr.SetBackspace(false)
	d.scr.SetMapNewline(false)
	d.scr.SetScrollOptim(true)
	d.scr.Resize(width, height)
	d.cells = uv.NewScreenBuffer(width, height)
	go d.loop()
	return d
}

// Show hands over the newest view. It never blocks on the terminal: the
// view is drawn by the Display's goroutine, or replaced by a newer one
// before it is.
func (d *Display) Show(v tea.View) {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return
	}
	d.pending = &v
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default: // a wake-up is already pending; it will take the newest view
	}
}

// Resize tells the Display the terminal's new size. The next view is drawn
// whole on an erased screen (a terminal may have moved or rewrapped what
// it showed).
func (d *Display) Resize(width, height int) {
	d.mu.Lock()
	d.width, d.height = width, height
	d.erase = true
	d.mu.Unlock()
}

// loop draws pending views until Close. Between views it waits on the wake
// and quit channels alone: no timer runs while nothing changes (the
// test looks at this goroutine's state).
func (d *Display) loop() {
	defer close(d.loopDone)
	for {
		select {
		case <-d.quit:
			return
		case <-d.wake:
		}
		if wait := minFrameGap - time.Since(d.lastAt); !d.lastAt.IsZero() && wait > 0 {
			// A view right after a frame waits out the gap (at most
			// 1/60 s, so Close waits no longer); newer views replace it
			// meanwhile. The only timer, and only after a frame.
			time.Sleep(wait)
		}
		d.mu.Lock()
		v := d.pending
		d.pending = nil
		w, h, erase := d.width, d.height, d.erase
		d.erase = false
		d.mu.Unlock()
		if v == nil {
			continue
		}
		if d.drawErr == nil {
			d.drawErr = d.draw(*v, w, h, erase)
		}
	}
}

// draw writes the changes that turn the terminal from the last view into v,
// at w × h (erase: draw it whole on an erased screen); nothing when
// nothing changed.
func (d *Display) draw(v tea.View, w, h int, erase bool) error {
	first := d.last == nil
	resized := w != d.cells.Width() || h != d.cells.Height()
	if !first && !erase && !resized && sameView(*d.last, v) {
		return nil
	}
	d.lastAt = time.Now()
	if first {
		// The alternate screen starts blank; the renderer clears it anyway.
		d.scr.SaveCursor()
		d.scr.Erase()
	}
	if erase || resized {
		d.scr.Resize(w, h)
		d.scr.Erase()
		d.cells.Touched = nil
		d.cells.Resize(w, h)
	}
	d.cells.Clear()
	uv.NewStyledString(v.Content).Draw(d.cells, d.cells.Bounds())

	// Terminal modes that changed, queued before the cells.
	if first || v.DisableBracketedPasteMode != d.last.DisableBracketedPasteMode {
		switch {
		case !v.DisableBracketedPasteMode:
			d.queue(ansi.SetModeBracketedPaste)
		case !first:
			d.queue(ansi.ResetModeBracketedPaste)
		}
	}
	if (first && v.WindowTitle != "") || (!first && v.WindowTitle != d.last.WindowTitle) {
		d.queue(ansi.SetWindowTitle(v.WindowTitle))
	}
	if first {
		// Bubble Tea's default keyboard modes, asked for on the alternate
		// screen (kitty keeps one stack per screen): modifyOtherKeys 2,
		// and a kitty entry with key disambiguation.
		d.queue(ansi.SetModifyOtherKeys2)
		d.queue(ansi.PushKittyKeyboard(ansi.KittyDisambiguateEscapeCodes))
		d.queue(ansi.RequestKittyKeyboard)
	}
	var lastCursor *tea.Cursor
	if !first {
		lastCursor = d.last.Cursor
	}
	if style := cursorStyle(v.Cursor); style != cursorStyle(lastCursor) {
		d.queue(ansi.SetCursorStyle(style))
	}
	if col, last := d.cursorColour(v.Cursor), d.cursorColour(lastCursor); col != last {
		if col == "" {
			d.queue(ansi.ResetCursorColor)
		} else {
			d.queue(ansi.SetCursorColor(col))
		}
	}

	d.scr.Render(d.cells.RenderBuffer)
	if c := v.Cursor; c != nil {
		// After Render: drawing moves the cursor.
		d.scr.MoveTo(c.X, c.Y)
	}
	if err := d.scr.Flush(); err != nil {
		return fmt.Errorf("display: queue a frame: %w", err)
	}

	// The frame: into the alternate screen the first time, the cursor
	// hidden while cells are written, shown after where the view has one.
	var frame bytes.Buffer
	if first {
		frame.WriteString(ansi.ResetModifyOtherKeys) // the main screen's
		frame.WriteString(ansi.SetModeAltScreenSaveCursor)
	}
	show, shown := v.Cursor != nil, lastCursor != nil
	updates := d.scrOut.Len() > 0
	if (!show && (first || shown)) || (updates && show && shown) {
		frame.WriteString(ansi.ResetModeTextCursorEnable)
	}
	frame.Write(d.scrOut.Bytes())
	d.scrOut.Reset()
	if show && (first || !shown || updates) {
		frame.WriteString(ansi.SetModeTextCursorEnable)
	}
	d.last = &v
	if frame.Len() == 0 {
		return nil
	}
	if _, err := d.out.Write(frame.Bytes()); err != nil {
		return fmt.Errorf("display: write a frame: %w", err)
	}
	return nil
}

// queue adds a control sequence to the next frame.
func (d *Display) queue(seq string) { _, _ = d.scr.WriteString(seq) }

// Close stops drawing and gives the terminal back as it was: the keyboard
// modes popped, the main screen with its cursor, bracketed paste off, the
// title and cursor shape reset, and the tty's own state. Safe to call more
// than once and from any goroutine.
func (d *Display) Close() error {
	d.closing.Do(func() {
		d.mu.Lock()
		d.closed = true
		d.mu.Unlock()
		close(d.quit)
		<-d.loopDone
		d.closeErr = d.leave()
		if d.restore != nil {
			if err := d.restore(); err != nil && d.closeErr == nil {
				d.closeErr = fmt.Errorf("display: restore the terminal: %w", err)
			}
		}
	})
	return d.closeErr
}

// leave writes what undoes the first frame and the modes of the last.
func (d *Display) leave() error {
	lv := d.last
	if lv == nil {
		return nil // nothing was ever drawn
	}
	var b bytes.Buffer
	b.WriteString(ansi.ResetModifyOtherKeys)
	b.WriteString(ansi.PopKittyKeyboard(1))
	b.WriteString(ansi.ResetModeAltScreenSaveCursor)
	if lv.Cursor == nil {
		b.WriteString(ansi.SetModeTextCursorEnable)
	}
	if !lv.DisableBracketedPasteMode {
		b.WriteString(ansi.ResetModeBracketedPaste)
	}
	if lv.WindowTitle != "" {
		b.WriteString(ansi.SetWindowTitle(""))
	}
	if cursorStyle(lv.Cursor) != 0 {
		b.WriteString(ansi.SetCursorStyle(0))
	}
	if d.cursorColour(lv.Cursor) != "" {
		b.WriteString(ansi.ResetCursorColor)
	}
	if _, err := d.out.Write(b.Bytes()); err != nil {
		return fmt.Errorf("display: leave the alternate screen: %w", err)
	}
	return nil
}

// cursorStyle is the DECSCUSR number of a cursor: 0 (the terminal's
// default) for none or a blinking block.
func cursorStyle(c *tea.Cursor) int {
	if c == nil {
		return 0
	}
	n := 2*int(c.Shape) + 1 // blinking: 1 block, 3 underline, 5 bar
	if !c.Blink {
		n++
	}
	if n == 1 {
		return 0
	}
	return n
}

// cursorColour is the colour (#rrggbb) a cursor asks the terminal for, ""
// for the terminal's own: also when the profile has no colours (NO_COLOR).
func (d *Display) cursorColour(c *tea.Cursor) string {
	if c == nil || c.Color == nil || d.profile < colorprofile.ANSI {
		return ""
	}
	r, g, b, _ := c.Color.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}

// sameView tells whether drawing b over a would change nothing on the
// terminal (the fields a Display draws).
func sameView(a, b tea.View) bool {
	if a.Content != b.Content || a.WindowTitle != b.WindowTitle ||
		a.DisableBracketedPasteMode != b.DisableBracketedPasteMode {
		return false
	}
	if (a.Cursor == nil) != (b.Cursor == nil) {
		return false
	}
	return a.Cursor == nil || (a.Cursor.Position == b.Cursor.Position &&
		a.Cursor.Shape == b.Cursor.Shape && a.Cursor.Blink == b.Cursor.Blink &&
		a.Cursor.Color == b.Cursor.Color)
}

// Unsupported names the fields of v that a Display does not draw and that
// v sets (AltScreen false among them: a Display always draws on the
// alternate screen).
func Unsupported(v tea.View) []string {
	var out []string
	add := func(set bool, name string) {
		if set {
			out = append(out, name)
		}
	}
	add(!v.AltScreen, "AltScreen=false")
	add(v.MouseMode != tea.MouseModeNone, "MouseMode")
	add(v.OnMouse != nil, "OnMouse")
	add(v.ReportFocus, "ReportFocus")
	add(v.ForegroundColor != nil, "ForegroundColor")
	add(v.BackgroundColor != nil, "BackgroundColor")
	add(v.ProgressBar != nil, "ProgressBar")
	add(v.ProgramStatus != nil, "ProgramStatus")
	add(v.KeyboardEnhancements != (tea.KeyboardEnhancements{}), "KeyboardEnhancements")
	return out
}
