package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// The console is a root Model over components: the worklist and the
// patient view (screens), and the dialogs opened over them (confirm lines,
// forms, the composer, lists). Every component has its own Update, View,
// SetSize and key map (help.KeyMap) and reads what they all need from one
// shared context. The root only routes: global keys, the window size and
// results addressed to a component; it keeps the screens and the open
// dialog and gives the help the active component's key map.

// shared is what every component of the console reads: the options and
// ports, the texts, styles and keys, the terminal size, and the status the
// footer shows (loading, the last error, the outcome of the last action).
// One value is shared by pointer.
type shared struct {
	ctx  context.Context
	src  console.Source
	opts Options
	t    *texts
	st   styles
	keys keyMap
	help help.Model

	// width, height are the terminal's size.
	width, height int

	status

	// names are the practitioners' names the console has looked up.
	names *nameBook

	// known is the worklist's row of a patient (the worklist's rows are
	// the console's directory of names and course reminders).
	known func(id string) (domain.WorklistRow, bool)
}

// status is what the footer says above the key help.
type status struct {
	loading bool
	err     string
	flash   string // the outcome of the last action, until the next key
	// syncProblems is the number of unsettled sync problems (the footer
	// shows S while there are any).
	syncProblems int
}

func newShared(ctx context.Context, src console.Source, opts Options) *shared {
	opts = opts.withDefaults()
	t := catalog(opts.Lang)
	t.loc = opts.Loc
	s := &shared{
		ctx: ctx, src: src, opts: opts, t: t,
		st:    newStyles(),
		keys:  newKeyMap(t, opts.Lang),
		help:  help.New(),
		width: 80, height: 24,
		names: &nameBook{},
		known: func(string) (domain.WorklistRow, bool) { return domain.WorklistRow{}, false },
	}
	s.help.Styles = help.Styles{
		ShortKey: s.st.bold, FullKey: s.st.bold,
		ShortDesc: lipgloss.NewStyle(), FullDesc: lipgloss.NewStyle(),
		ShortSeparator: s.st.dim, FullSeparator: s.st.dim, Ellipsis: s.st.dim,
	}
	return s
}

// component is one part of the console on screen: a screen or a dialog.
// Its Update returns what is to be shown in its place: itself, another
// component (a dialog to open over it, the one that replaces it, the
// patient view to open), or nil to close it.
type component interface {
	help.KeyMap
	Update(msg tea.Msg) (component, tea.Cmd)
	View() string
	// SetSize is the room the component has: the terminal's width and the
	// lines between the banner and the footer.
	SetSize(width, height int)
}

// dialog is a component opened over a screen. It gets every key while
// open.
type dialog interface {
	component
	// inline dialogs (confirm lines, notices) sit above the footer under
	// the screen; the others replace the screen's body.
	inline() bool
}

// textCapture is a component that takes letters as text right now (the
// worklist's search), so the console's global letter keys (S) are text
// there.
type textCapture interface{ capturesText() bool }

// box is a component's size, set by SetSize.
type box struct{ w, h int }

func (b *box) SetSize(w, h int) { b.w, b.h = w, h }

// viewLines splits a component's View into its lines (none for "").
func viewLines(c component) []string {
	v := c.View()
	if v == "" {
		return nil
	}
	return strings.Split(v, "\n")
}

// canAct reports whether actions are available (not read-only).
func (s *shared) canAct() bool { return s.opts.Actions != nil }

// canKeep reports whether the re-evaluation and the end are offered.
func (s *shared) canKeep() bool { return s.canAct() && s.opts.Keeper != nil }

// canEnrol reports whether the console may enrol patients.
func (s *shared) canEnrol() bool { return s.canAct() && s.opts.Enroller != nil }

// historyAvailable reports whether the version history can be shown.
func (s *shared) historyAvailable() bool { return s.opts.History != nil }

// readOnlyNotice answers an action key of a read-only user.
func (s *shared) readOnlyNotice() dialog {
	return s.notice(readOnlyExplanation(s.opts.Lang))
}

// dateTime formats a moment in local time: "man 02.03 14:05".
func (s *shared) dateTime(at time.Time) string {
	l := at.In(s.opts.Loc)
	return s.t.date(l) + " " + l.Format("15:04")
}

func (s *shared) clock(t time.Time) string { return t.In(s.opts.Loc).Format("15:04") }

// windowStart is local midnight Days-1 days before now: the window holds
// Days calendar days including today.
func (s *shared) windowStart(now time.Time) time.Time {
	l := now.In(s.opts.Loc)
	return time.Date(l.Year(), l.Month(), l.Day()-(s.opts.Days-1), 0, 0, 0, 0, s.opts.Loc)
}

// parseDateField reads a date field (local midnight); an empty optional
// field gives the zero time. Problems are added to p.
func (s *shared) parseDateField(f *form, id string, p *domain.Problems, optional bool) time.Time {
	v := f.field(id).value()
	if v == "" {
		if !optional {
			*p = append(*p, &domain.FieldError{Field: id, Code: domain.CodeRequired, Msg: "required"})
		}
		return time.Time{}
	}
	d, ok := parseDate(v, s.opts.Loc)
	if !ok {
		*p = append(*p, &domain.FieldError{Field: id, Code: codeDate, Msg: "not a date"})
	}
	return d
}

// versionLabel is how a regime version is named on screen: "v" and the
// central's version id (opaque: a number on some servers, a UUID on others,
// shortened), or "new, not sent yet" for a version saved here that the
// central has not answered.
func (s *shared) versionLabel(v string) string {
	if domain.IsPendingVersion(v) {
		return s.t.Act.PendingVersion
	}
	v = safetext.Sanitize(v)
	if r := []rune(v); len(r) > 12 {
		v = string(r[:8]) + "…"
	}
	return "v" + v
}

// sameDayAs is was when day (a date read from a form, local midnight) is
// its calendar day, else day.
func (s *shared) sameDayAs(day, was time.Time) time.Time {
	if day.IsZero() || was.IsZero() {
		return day
	}
	y1, m1, d1 := day.In(s.opts.Loc).Date()
	y2, m2, d2 := was.In(s.opts.Loc).Date()
	if y1 == y2 && m1 == m2 && d1 == d2 {
		return was
	}
	return day
}

// confirmHint is the key hint of a yes/no question, from the confirm key
// map's bindings: "(y/enter = ja, n/esc = nej)".
func (s *shared) confirmHint() string {
	y, n := s.keys.Yes.Help(), s.keys.No.Help()
	return fmt.Sprintf("(%s = %s, %s = %s)", y.Key, y.Desc, n.Key, n.Desc)
}

// confirmKeys are the bindings of a yes/no question.
func (s *shared) confirmKeys() []key.Binding { return []key.Binding{s.keys.Yes, s.keys.No} }

// runAction runs fn in a command and reports its end for the dialog it came from.
func (s *shared) runAction(from dialog, flash string, fn func() error) tea.Cmd {
	return func() tea.Msg {
		return actionDoneMsg{from: from, err: fn(), flash: flash}
	}
}

// submitForm is the end of every action form: when invalid is not nil its
// problems go next to the fields and nothing runs; otherwise the form turns
// busy and fn runs as the action, flashing flash when it succeeds.
func (s *shared) submitForm(f *form, invalid error, flash string, fn func() error) tea.Cmd {
	if invalid != nil {
		f.setProblems(s.t, s.nameOverlaps(domain.AsProblems(invalid), f))
		return nil
	}
	f.busy = true
	return s.runAction(formDialog{f}, flash, fn)
}

// nameOverlaps replaces the patient id of overlap problems by the
// patient's name as the console shows it; a problem found against the
// form's patient's own covers (checked here, without a patient) names that
// patient.
func (s *shared) nameOverlaps(p domain.Problems, f *form) domain.Problems {
	for _, e := range p {
		if e.Overlap == nil {
			continue
		}
		id := e.OverlapPatient
		if id == "" {
			id = f.patientID
		}
		e.OverlapPatient = ""
		if id == f.patientID && f.patientName != "" {
			e.OverlapPatient = safetext.Sanitize(f.patientName)
			continue
		}
		if r, ok := s.known(id); ok {
			e.OverlapPatient = safetext.Sanitize(r.Patient.Name)
		}
	}
	return p
}
