package tui

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// formDialog is a form as a dialog.
type formDialog struct{ *form }

func (d formDialog) inline() bool { return false }

// Update handles a key in the form, and the end of its action: on success
// it closes; a regime saved meanwhile by someone else opens the conflict
// view; any other failure stays with what the nurse typed and the error
// next to the fields it concerns.
func (d formDialog) Update(msg tea.Msg) (component, tea.Cmd) {
	switch msg := msg.(type) {
	case actionDoneMsg:
		if msg.err == nil {
			return nil, nil
		}
		d.busy = false
		var conflict *console.RegimeConflictError
		if errors.As(msg.err, &conflict) {
			return &conflictView{shared: d.shared, form: d.form, c: conflict}, nil
		}
		if p := domain.AsProblems(msg.err); p != nil {
			d.setProblems(d.t, d.nameOverlaps(p, d.form))
		} else {
			d.general = safetext.Sanitize(msg.err.Error())
		}
		return d, nil
	case tea.PasteMsg:
		if f := d.current(); f != nil && f.kind == fieldText {
			var cmd tea.Cmd
			before := f.value()
			f.in, cmd = f.in.Update(msg)
			return d, tea.Batch(cmd, f.changed(before))
		}
		return d, nil
	case tea.KeyPressMsg:
		return d.form.update(d, msg)
	}
	return d, nil
}

func (d formDialog) View() string { return strings.Join(d.lines(d.w, d.h), "\n") }

// submitKey is the key that sends the form.
func (d formDialog) submitKey() key.Binding {
	if d.enterSubmits {
		return d.keys.ConfirmForm
	}
	return d.keys.Save
}

func (d formDialog) ShortHelp() []key.Binding {
	if d.confirmQuit {
		return d.confirmKeys()
	}
	short := []key.Binding{d.submitKey(), d.keys.NextField, d.keys.Cancel}
	if c := d.current(); c != nil && c.kind != fieldText {
		short = append(short, d.keys.Cycle)
	}
	return short
}

func (d formDialog) FullHelp() [][]key.Binding {
	if d.confirmQuit {
		return [][]key.Binding{d.confirmKeys()}
	}
	k := d.keys
	return [][]key.Binding{{d.submitKey(), k.Cancel}, {k.NextField, k.PrevField, k.Cycle}, {k.ForceQuit}}
}

// confirmLine asks yes or no before an action whose exact scope it states.
type confirmLine struct {
	*shared
	box
	question string
	yes      func(c *confirmLine) tea.Cmd
	busy     bool
}

func (s *shared) confirm(question string, yes func(c *confirmLine) tea.Cmd) *confirmLine {
	return &confirmLine{shared: s, question: question, yes: yes}
}

func (c *confirmLine) inline() bool { return true }

func (c *confirmLine) Update(msg tea.Msg) (component, tea.Cmd) {
	switch msg := msg.(type) {
	case actionDoneMsg:
		if msg.err == nil {
			return nil, nil
		}
		c.err = msg.err.Error()
		return nil, nil
	case tea.KeyPressMsg:
		if c.busy {
			return c, nil
		}
		switch {
		case key.Matches(msg, c.keys.Yes):
			c.busy = true
			return c, c.yes(c)
		case key.Matches(msg, c.keys.No):
			return nil, nil
		}
	}
	return c, nil
}

func (c *confirmLine) View() string {
	if c.busy {
		return c.st.dim.Render(c.question + " " + c.t.Act.Saving)
	}
	return c.st.bold.Render(c.question) + " " + c.st.dim.Render(c.confirmHint())
}

func (c *confirmLine) ShortHelp() []key.Binding  { return c.confirmKeys() }
func (c *confirmLine) FullHelp() [][]key.Binding { return [][]key.Binding{c.confirmKeys()} }

// notice is an inline one-line message (e.g. "nothing to acknowledge")
// closed by any key.
type notice struct {
	*shared
	box
	text string
}

func (s *shared) notice(text string) *notice { return &notice{shared: s, text: text} }

func (n *notice) inline() bool { return true }
func (n *notice) Update(msg tea.Msg) (component, tea.Cmd) {
	if _, ok := msg.(tea.KeyPressMsg); ok {
		return nil, nil
	}
	return n, nil
}
func (n *notice) View() string              { return n.st.bold.Render(n.text) }
func (n *notice) ShortHelp() []key.Binding  { return []key.Binding{n.keys.No} }
func (n *notice) FullHelp() [][]key.Binding { return [][]key.Binding{{n.keys.No}} }

// actionDoneMsg reports the end of an action started from a dialog.
type actionDoneMsg struct {
	from  dialog // the dialog that started it (nil: none)
	err   error
	flash string // what to say on success
	// openRegime asks for the regime form of the patient shown once the
	// reload after a successful action arrives (a re-evaluation whose
	// outcome is to change the regime).
	openRegime bool
}
