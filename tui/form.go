package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// fieldKind is the kind of input of a form field.
type fieldKind int

const (
	fieldText   fieldKind = iota // a one-line text input
	fieldChoice                  // one of a few values, cycled with ←/→/space
	fieldToggle                  // on or off, space
)

// field is one input of a form. id is the name domain validation uses for
// it (see domain.FieldError.Field), so problems land next to it.
type field struct {
	id     string
	kind   fieldKind
	in     textinput.Model
	labels []string // choice labels
	values []string // choice values
	sel    int
	on     bool
	width  int
	// onChange, when set, is run with a text field's new text after the
	// nurse changed it (typed or pasted); its command runs beside Update.
	onChange func(value string) tea.Cmd
}

// changed is the command for a text field whose text may have changed
// from before.
func (f *field) changed(before string) tea.Cmd {
	if f.onChange == nil || f.value() == before {
		return nil
	}
	return f.onChange(f.value())
}

func (f *field) value() string {
	switch f.kind {
	case fieldChoice:
		if f.sel >= 0 && f.sel < len(f.values) {
			return f.values[f.sel]
		}
		return ""
	case fieldToggle:
		if f.on {
			return "1"
		}
		return ""
	}
	return strings.TrimSpace(f.in.Value())
}

// set gives the field the value v (a choice: the choice of that value; a
// toggle: on for "1"); false when a choice has no such value.
func (f *field) set(v string) bool {
	switch f.kind {
	case fieldChoice:
		for i, x := range f.values {
			if x == v {
				f.sel = i
				return true
			}
		}
		return false
	case fieldToggle:
		f.on = v == "1"
		return true
	}
	f.in.SetValue(v)
	return true
}

// shown is the field's value as the nurse reads it (a choice's label).
func (f *field) shown() string {
	if f.kind == fieldChoice && f.sel >= 0 && f.sel < len(f.labels) {
		return f.labels[f.sel]
	}
	return f.value()
}

// formRow is one labelled line of a form with one or more fields.
type formRow struct {
	label  string
	fields []*field
	show   func() bool // nil: always shown
	hint   string      // dim text after the fields
	// hintFn, when set, is the hint as the fields now read (it is drawn
	// with every frame, after hint).
	hintFn func() string
	// wrap: a label wider than the label column is written whole on a
	// line of its own above the fields (an answer of a questionnaire must
	// be read in full), not cut.
	wrap bool
}

func (r *formRow) visible() bool { return r.show == nil || r.show() }

// form is a small keyboard form: rows of labelled fields, problems shown
// under the row of the field they name, nothing submitted while invalid.
// submit parses and validates; it returns a command to run the action, or
// nil after setting problems.
type form struct {
	*shared
	box
	// patientID, patientName: the patient the form acts on, if any (a
	// cover overlap found without a patient names this one).
	patientID, patientName string
	title                  string
	intro                  []string
	rows                   []*formRow
	focus                  int
	errs                   map[string]string // field id -> message
	general                string
	enterSubmits           bool
	busy                   bool
	confirmQuit            bool
	offset                 int
	initial                string
	// proPairs are the questionnaire answers of the regime form, in the
	// order of its fields pro.<i> (see regimeForm).
	proPairs []domain.ProOption
	// next, when a submit sets it, replaces the form (see submitted).
	next   dialog
	submit func(f *form) tea.Cmd
	// startValues are the fields' values when the form started (start).
	startValues map[string]string
	// rebase, when set (the regime form), builds the form anew on another
	// version of the regime it edits (rebasedOn).
	rebase func(domain.Regime) *form
	// regimeBase is the version the regime form was opened on.
	regimeBase domain.Regime
}

// newForm is an empty form over the shared context.
func (s *shared) newForm(title string) *form { return &form{shared: s, title: title} }

// newTextField is a text input of w cells with an optional initial value.
func newTextField(id string, w int, value string) *field {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = 4000
	in.SetWidth(w)
	st := in.Styles()
	st.Cursor.Blink = false
	in.SetStyles(st)
	in.SetValue(value)
	return &field{id: id, kind: fieldText, in: in, width: w}
}

func newChoiceField(id string, labels, values []string, sel int) *field {
	return &field{id: id, kind: fieldChoice, labels: labels, values: values, sel: sel}
}

// newNamedChoiceField is a choice of the values of an enumeration, in
// their order, each labelled with its name; the first is chosen.
func newNamedChoiceField[E ~string](id string, all []E, name map[E]string) *field {
	labels, values := make([]string, len(all)), make([]string, len(all))
	for i, v := range all {
		labels[i], values[i] = name[v], string(v)
	}
	return newChoiceField(id, labels, values, 0)
}

func newToggleField(id string, on bool) *field { return &field{id: id, kind: fieldToggle, on: on} }

// fields lists the focusable fields of the visible rows in order.
func (f *form) fields() []*field {
	var out []*field
	for _, r := range f.rows {
		if r.visible() {
			out = append(out, r.fields...)
		}
	}
	return out
}

// field returns the field with id (visible or not).
func (f *form) field(id string) *field {
	for _, r := range f.rows {
		for _, fl := range r.fields {
			if fl.id == id {
				return fl
			}
		}
	}
	return nil
}

// snapshot is the form's values, to tell whether anything was typed.
func (f *form) snapshot() string {
	var b strings.Builder
	for _, r := range f.rows {
		for _, fl := range r.fields {
			b.WriteString(fl.id + "=" + fl.value() + "\x00")
		}
	}
	return b.String()
}

func (f *form) dirty() bool { return f.snapshot() != f.initial }

// start focuses the first field and remembers the initial values.
func (f *form) start() *form {
	f.initial = f.snapshot()
	f.startValues = map[string]string{}
	for _, r := range f.rows {
		for _, fl := range r.fields {
			f.startValues[fl.id] = fl.value()
		}
	}
	f.setFocus(0)
	return f
}

func (f *form) setFocus(i int) {
	fs := f.fields()
	if len(fs) == 0 {
		return
	}
	f.focus = (i + len(fs)) % len(fs)
	for j, fl := range fs {
		if fl.kind != fieldText {
			continue
		}
		if j == f.focus {
			fl.in.Focus()
		} else {
			fl.in.Blur()
		}
	}
}

func (f *form) current() *field {
	fs := f.fields()
	if f.focus < 0 || f.focus >= len(fs) {
		return nil
	}
	return fs[f.focus]
}

// setProblems shows validation problems next to their fields; problems of
// fields the form does not show go to the general line.
func (f *form) setProblems(t *texts, p domain.Problems) {
	f.errs = map[string]string{}
	f.general = ""
	var rest []string
	for _, e := range p {
		fl := f.field(e.Field)
		if _, done := f.errs[e.Field]; done {
			continue
		}
		if fl == nil || !f.rowOf(fl).visible() {
			rest = append(rest, t.problem(e))
			continue
		}
		f.errs[e.Field] = t.problem(e)
	}
	f.general = strings.Join(rest, "; ")
	// Move to the first field in error so the nurse sees it.
	for i, fl := range f.fields() {
		if _, ok := f.errs[fl.id]; ok {
			f.setFocus(i)
			break
		}
	}
}

func (f *form) rowOf(fl *field) *formRow {
	for _, r := range f.rows {
		for _, x := range r.fields {
			if x == fl {
				return r
			}
		}
	}
	return &formRow{}
}

// update handles a key in the form d shows: d stays open, nil when the
// form is cancelled; the command runs the action.
func (f *form) update(d formDialog, msg tea.KeyPressMsg) (component, tea.Cmd) {
	k := f.keys
	if f.busy {
		return d, nil
	}
	if f.confirmQuit {
		switch {
		case key.Matches(msg, k.Yes):
			return nil, nil
		case key.Matches(msg, k.No):
			f.confirmQuit = false
		}
		return d, nil
	}
	cur := f.current()
	switch {
	case key.Matches(msg, k.Cancel):
		if f.dirty() {
			f.confirmQuit = true
			return d, nil
		}
		return nil, nil
	case key.Matches(msg, k.Save), f.enterSubmits && key.Matches(msg, k.Open):
		f.errs, f.general = nil, ""
		return f.submitted(d)
	case key.Matches(msg, k.NextField), key.Matches(msg, k.Open), msg.String() == "down":
		f.setFocus(f.focus + 1)
		return d, nil
	case key.Matches(msg, k.PrevField), msg.String() == "up":
		f.setFocus(f.focus - 1)
		return d, nil
	}
	if cur == nil {
		return d, nil
	}
	// An error shown next to a field goes as soon as the nurse changes
	// that field: it described the old value (the next save checks again).
	before := cur.value()
	defer func() {
		if cur.value() != before {
			delete(f.errs, cur.id)
		}
	}()
	switch cur.kind {
	case fieldChoice:
		switch msg.String() {
		case "right", "space", "l":
			cur.sel = (cur.sel + 1) % len(cur.values)
		case "left", "h":
			cur.sel = (cur.sel + len(cur.values) - 1) % len(cur.values)
		}
		// The set of visible rows may change with a choice; keep the focus
		// on this field.
		for i, fl := range f.fields() {
			if fl == cur {
				f.focus = i
			}
		}
	case fieldToggle:
		switch msg.String() {
		case "space", "left", "right", "x":
			cur.on = !cur.on
		}
	default:
		var c tea.Cmd
		cur.in, c = cur.in.Update(msg)
		return d, tea.Batch(c, cur.changed(before))
	}
	return d, nil
}

// submitted runs the form's submit; a form may hand over to another
// dialog (next), e.g. the re-evaluation deciding to end the course.
func (f *form) submitted(d formDialog) (component, tea.Cmd) {
	f.next = nil
	cmd := f.submit(f)
	if f.next != nil {
		return f.next, cmd
	}
	return d, cmd
}

// lines renders the form in at most h lines of width w, scrolled so the
// focused field is visible.
func (f *form) lines(w, h int) []string {
	t := f.t
	head := []string{f.st.title.Render(f.title)}
	head = append(head, f.intro...)
	cur := f.current()
	var body []string
	focusLine := 0
	const labelW = 24
	for _, r := range f.rows {
		if !r.visible() {
			continue
		}
		gutter := "  "
		var cells []string
		var errs []string
		for _, fl := range r.fields {
			if fl == cur {
				gutter = "> "
				focusLine = len(body)
			}
			cells = append(cells, f.fieldView(fl, fl == cur))
			if e, ok := f.errs[fl.id]; ok {
				errs = append(errs, e)
			}
		}
		label := fit(r.label, labelW, false)
		if r.wrap && displayWidth(r.label) > labelW {
			whole := r.label
			if gutter == "> " {
				whole = f.st.bold.Render(whole)
			}
			body = append(body, gutter+whole)
			if gutter == "> " {
				focusLine = len(body)
			}
			gutter, label = "  ", fit("", labelW, false)
		}
		if gutter == "> " {
			label = f.st.bold.Render(label)
		}
		line := gutter + label + " " + strings.Join(cells, " ")
		if r.hint != "" {
			line += " " + f.st.dim.Render(r.hint)
		}
		if r.hintFn != nil {
			switch hint := r.hintFn(); {
			case hint == "":
			case displayWidth(line)+1+displayWidth(hint) > w:
				// A hint that does not fit after the fields (a long id
				// named) goes under them, whole.
				body = append(body, line)
				line = strings.Repeat(" ", labelW+3) + f.st.dim.Render(hint)
			default:
				line += " " + f.st.dim.Render(hint)
			}
		}
		body = append(body, line)
		for _, e := range errs {
			body = append(body, f.st.err.Render(strings.Repeat(" ", labelW+3)+SymImplausible+" "+e))
		}
	}
	var foot []string
	if f.general != "" {
		foot = append(foot, f.st.err.Render(SymImplausible+" "+f.general))
	}
	switch {
	case f.busy:
		foot = append(foot, f.st.dim.Render(t.Act.Saving))
	case f.confirmQuit:
		foot = append(foot, f.st.bold.Render(t.Act.DiscardQ+" "+f.confirmHint()))
	}
	room := max(1, h-len(head)-len(foot))
	if focusLine < f.offset {
		f.offset = focusLine
	}
	if focusLine >= f.offset+room {
		f.offset = focusLine - room + 1
	}
	f.offset = min(max(0, f.offset), max(0, len(body)-room))
	end := min(len(body), f.offset+room)
	out := append(head, body[f.offset:end]...)
	return append(out, foot...)
}

// fieldView renders one field.
func (s *shared) fieldView(fl *field, focused bool) string {
	switch fl.kind {
	case fieldChoice:
		label := ""
		if fl.sel >= 0 && fl.sel < len(fl.labels) {
			label = fl.labels[fl.sel]
		}
		if focused {
			return s.st.selected.Render("‹ " + label + " ›")
		}
		return "  " + label + "  "
	case fieldToggle:
		box := "[ ]"
		if fl.on {
			box = "[x]"
		}
		if focused {
			return s.st.selected.Render(box)
		}
		return box
	}
	v := fl.in.View()
	if !focused {
		v = fit(fl.in.Value(), fl.width, false)
		if fl.in.Value() == "" {
			v = s.st.dim.Render(fit(fl.in.Placeholder, fl.width, false))
		}
	}
	return "[" + v + "]"
}
