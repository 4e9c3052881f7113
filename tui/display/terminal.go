package display

import (
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
)

// Terminal is a Display on the process's terminal: in raw mode while it is
// open, its size followed, its colour profile detected from the terminal
// and env (NO_COLOR, TERM, COLORTERM ...).
type Terminal struct {
	*Display
	out *os.File
}

// Open puts the terminal of in and out in raw mode (input unbuffered and
// not echoed, output not post-processed, as Bubble Tea's renderer does)
// and returns a Display on it. Close restores the terminal.
func Open(in, out *os.File, env []string) (*Terminal, error) {
	w, h, err := term.GetSize(out.Fd())
	if err != nil {
		return nil, fmt.Errorf("display: terminal size: %w", err)
	}
	state, err := term.MakeRaw(in.Fd())
	if err != nil {
		return nil, fmt.Errorf("display: raw mode: %w", err)
	}
	profile := colorprofile.Detect(out, env)
	t := &Terminal{Display: New(out, env, w, h, profile), out: out}
	t.restore = func() error { return term.Restore(in.Fd(), state) }
	return t, nil
}

// Profile is the terminal's colour profile, for tea.WithColorProfile.
func (t *Terminal) Profile() colorprofile.Profile { return t.Display.profile }

// Size is the terminal's size when it was opened, for tea.WithWindowSize
// (without a renderer Bubble Tea does not read it).
func (t *Terminal) Size() (width, height int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.width, t.height
}

// FollowSize watches the terminal's size until Close: on a change the
// Display is resized and send gets the new size (for the program:
// without a renderer Bubble Tea does not watch it).
func (t *Terminal) FollowSize(send func(tea.WindowSizeMsg)) {
	changed, stop := notifyResize()
	go func() {
		defer stop()
		for {
			select {
			case <-t.quit:
				return
			case <-changed:
			}
			w, h, err := term.GetSize(t.out.Fd())
			if err != nil || w <= 0 || h <= 0 {
				continue
			}
			t.Resize(w, h)
			send(tea.WindowSizeMsg{Width: w, Height: h})
		}
	}()
}
