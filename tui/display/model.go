package display

import tea "charm.land/bubbletea/v2"

// Wrap returns m with every view it produces handed to d (Bubble Tea calls
// View after each Update). unsupported, when set, is called once, with
// the fields of the first view that sets any a Display does not draw (see
// Unsupported).
//
// A panic in m's Init, Update, View or in a command they return restores
// the terminal first and then goes on, so Bubble Tea's report of it is
// printed on the nurse's own screen, as it is with Bubble Tea's renderer.
func Wrap(m tea.Model, d *Display, unsupported func(fields []string)) tea.Model {
	return &wrapped{Model: m, d: d, unsupported: unsupported}
}

type wrapped struct {
	tea.Model
	d           *Display
	unsupported func([]string)
}

func (w *wrapped) Init() tea.Cmd {
	defer w.d.restoreOnPanic()
	return w.d.guard(w.Model.Init())
}

func (w *wrapped) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	defer w.d.restoreOnPanic()
	m, cmd := w.Model.Update(msg)
	w.Model = m
	return w, w.d.guard(cmd)
}

func (w *wrapped) View() tea.View {
	defer w.d.restoreOnPanic()
	v := w.Model.View()
	if w.unsupported != nil {
		if f := Unsupported(v); len(f) > 0 {
			w.unsupported(f)
			w.unsupported = nil
		}
	}
	w.d.Show(v)
	return v
}

// restoreOnPanic, deferred, gives the terminal back before a panic goes
// on up.
func (d *Display) restoreOnPanic() {
	if r := recover(); r != nil {
		_ = d.Close()
		panic(r)
	}
}

// guard returns cmd with restoreOnPanic around it and around the commands
// of a batch it returns.
func (d *Display) guard(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		defer d.restoreOnPanic()
		msg := cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			out := make(tea.BatchMsg, len(batch))
			for i, c := range batch {
				out[i] = d.guard(c)
			}
			return out
		}
		return msg
	}
}
