package tui

import (
	"errors"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// dialog is an action screen on top of the worklist or patient view: a
// confirm line, a form, the composer, the regime history or a conflict. It
// gets every key while open.
type dialog interface {
	// update handles a key; done closes the dialog.
	update(m *Model, msg tea.KeyPressMsg) (done bool, cmd tea.Cmd)
	// lines renders the dialog in at most h lines of width w.
	lines(m *Model, w, h int) []string
	// keys are the bindings that work now, for the help line.
	keys(m *Model) helpKeys
	// inline dialogs (confirm lines) sit above the footer under the screen;
	// the others replace the screen's body.
	inline() bool
}

// formDialog adapts a form to a dialog.
type formDialog struct{ *form }

func (d formDialog) update(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) {
	return d.form.update(m, msg)
}
func (d formDialog) lines(m *Model, w, h int) []string { return d.form.lines(m, w, h) }
func (d formDialog) inline() bool                      { return false }
func (d formDialog) keys(m *Model) helpKeys {
	k := m.keys
	if d.confirmQuit {
		return helpKeys{short: []key.Binding{k.Yes, k.No}, full: [][]key.Binding{{k.Yes, k.No}}}
	}
	submit := k.Save
	if d.enterSubmits {
		submit = key.NewBinding(key.WithKeys("enter", "ctrl+s"), key.WithHelp("enter", m.t.A.KeyConfirm))
	}
	short := []key.Binding{submit, k.NextField, k.Cancel}
	if c := d.current(); c != nil && c.kind != fieldText {
		short = append(short, k.Cycle)
	}
	return helpKeys{short: short, full: [][]key.Binding{{submit, k.Cancel}, {k.NextField, k.PrevField, k.Cycle}, {k.ForceQuit}}}
}

// confirmLine asks y/n before an action whose exact scope it states.
type confirmLine struct {
	question string
	yes      func(m *Model) tea.Cmd
	busy     bool
}

func (c *confirmLine) inline() bool { return true }
func (c *confirmLine) update(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) {
	if c.busy {
		return false, nil
	}
	switch {
	case key.Matches(msg, m.keys.Yes):
		c.busy = true
		return false, c.yes(m)
	case key.Matches(msg, m.keys.No):
		return true, nil
	}
	return false, nil
}
func (c *confirmLine) lines(m *Model, w, h int) []string {
	q := c.question
	if c.busy {
		return []string{m.st.dim.Render(q + " " + m.t.A.Saving)}
	}
	return []string{m.st.bold.Render(q) + " " + m.st.dim.Render(m.t.A.YesNo)}
}
func (c *confirmLine) keys(m *Model) helpKeys {
	return helpKeys{short: []key.Binding{m.keys.Yes, m.keys.No}, full: [][]key.Binding{{m.keys.Yes, m.keys.No}}}
}

// notice is an inline one-line message (e.g. "nothing to acknowledge")
// closed by any key.
type notice struct{ text string }

func (n *notice) inline() bool                                   { return true }
func (n *notice) update(*Model, tea.KeyPressMsg) (bool, tea.Cmd) { return true, nil }
func (n *notice) lines(m *Model, w, h int) []string              { return []string{m.st.bold.Render(n.text)} }
func (n *notice) keys(m *Model) helpKeys {
	return helpKeys{short: []key.Binding{m.keys.No}, full: [][]key.Binding{{m.keys.No}}}
}

// actionDoneMsg reports the end of an action started from a dialog.
type actionDoneMsg struct {
	dlg   dialog // the dialog that started it
	err   error
	flash string // what to say on success
}

// openDialog shows d.
func (m *Model) openDialog(d dialog) { m.dlg = d; m.flash = "" }

// closeDialog closes the dialog.
func (m *Model) closeDialog() { m.dlg = nil }

// canAct reports whether actions are available (not read-only).
func (m *Model) canAct() bool { return m.opts.Actions != nil }

// submitForm is the end of every action form: when invalid is not nil its
// problems go next to the fields and nothing runs; otherwise the form turns
// busy and fn runs as the action, flashing flash when it succeeds.
func (m *Model) submitForm(f *form, invalid error, flash string, fn func() error) tea.Cmd {
	if invalid != nil {
		f.setProblems(m.t, m.nameOverlaps(domain.AsProblems(invalid)))
		return nil
	}
	f.busy = true
	return m.runAction(formDialog{f}, flash, fn)
}

// runAction runs fn in a command and reports its end for dlg.
func (m *Model) runAction(dlg dialog, flash string, fn func() error) tea.Cmd {
	return func() tea.Msg {
		return actionDoneMsg{dlg: dlg, err: fn(), flash: flash}
	}
}

// actionDone handles the end of an action: on success the dialog closes
// and the data are reloaded; on failure the dialog stays with what the
// nurse typed and the error next to the fields it concerns.
func (m *Model) actionDone(msg actionDoneMsg) tea.Cmd {
	if msg.dlg != m.dlg {
		// The dialog was replaced meanwhile (should not happen: dialogs
		// are busy while an action runs); still reload.
		return m.reload()
	}
	if msg.err == nil {
		m.closeDialog()
		m.flash = msg.flash
		if m.screen == screenPatient {
			m.pv.stale = true
		}
		return m.reload()
	}
	var conflict *console.RegimeConflictError
	if errors.As(msg.err, &conflict) {
		if fd, ok := m.dlg.(formDialog); ok {
			fd.busy = false
			m.dlg = &conflictView{form: fd.form, c: conflict}
			return nil
		}
	}
	switch d := m.dlg.(type) {
	case formDialog:
		d.busy = false
		if p := domain.AsProblems(msg.err); p != nil {
			d.setProblems(m.t, m.nameOverlaps(p))
		} else {
			d.general = safetext.Sanitize(msg.err.Error())
		}
	case *composer:
		d.busy = false
		if p := domain.AsProblems(msg.err); p != nil {
			d.setProblems(m.t, p)
		} else {
			d.general = safetext.Sanitize(msg.err.Error())
		}
	default:
		m.closeDialog()
		m.err = msg.err.Error()
	}
	return nil
}

// reload reloads what is on screen after an action.
func (m *Model) reload() tea.Cmd {
	if m.screen == screenPatient && m.pv.id != "" {
		return tea.Batch(m.loadPatient(m.pv.id), m.loadWorklist(m.wl.all))
	}
	return m.loadWorklist(m.wl.all)
}

// dialogBodyLines renders a full-screen dialog.
func (m *Model) dialogBodyLines(h int) []string {
	return m.dlg.lines(m, m.width, h)
}

// nameOverlaps replaces the patient id of overlap problems by the
// patient's name as the console shows it; a problem found against the open
// patient's own covers (checked here, without a patient) names that
// patient.
func (m *Model) nameOverlaps(p domain.Problems) domain.Problems {
	for _, e := range p {
		if e.Overlap == nil {
			continue
		}
		id := e.OverlapPatient
		if id == "" {
			id = m.pv.id
		}
		e.OverlapPatient = ""
		if id == m.pv.id && m.pv.loaded {
			e.OverlapPatient = safetext.Sanitize(m.pv.detail.Patient.Name)
			continue
		}
		for _, r := range m.wl.rows {
			if r.Patient.ID == id {
				e.OverlapPatient = safetext.Sanitize(r.Patient.Name)
			}
		}
	}
	return p
}
