package tui

import (
	"context"
	"strings"
	"unicode"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// Model is the console's bubbletea model, the root of its components (see
// shared.go). It routes: the global keys (quit, help, sync now, the sync
// problems), the window size, and results addressed to a component; it
// keeps the worklist, the open patient view and the open dialog, and hands
// the help the active component's key map. Create it with New.
type Model struct {
	*shared

	worklist *worklistScreen
	patient  *patientScreen // the open patient, nil on the worklist
	dialog   dialog         // the open dialog, nil when none
	overlay  *helpOverlay   // the full help, nil when closed

	problems   syncProblems       // sync problems seen (syncview.go)
	lastStatus console.SyncStatus // the status at the last redraw tick (status.go)
}

// RefreshMsg asks the console to reload what it shows from its Source,
// e.g. after a sync round changed the cache: send it with
// program.Send(tui.RefreshMsg{}). The worklist keeps its all/open mode,
// its search filter and the cursor on the same patient; an open patient
// view is reloaded in place (pane, scroll and cursors kept as far as the
// new data allow).
//
// A refresh is not audited: it is not a new look-up by the nurse but the
// screen she already opened (and whose opening was audited) being kept up
// to date. Opening the worklist, toggling all/open and opening a patient
// are audited as before.
type RefreshMsg struct{}

// New returns the console model reading from src. The worklist (patients
// with open items) is loaded when the program starts.
func New(ctx context.Context, src console.Source, opts Options) *Model {
	s := newShared(ctx, src, opts)
	m := &Model{shared: s, worklist: newWorklistScreen(s)}
	s.known = m.worklist.row
	m.resize()
	return m
}

// Init loads the worklist.
func (m *Model) Init() tea.Cmd {
	m.loading = true
	return tea.Batch(m.worklist.load(false), m.loadSyncProblems(false), m.statusTick())
}

// refresh reloads the worklist in its current mode and, when a patient
// view is open, that patient, without audit entries (see RefreshMsg).
func (m *Model) refresh() tea.Cmd {
	cmds := []tea.Cmd{m.worklist.refresh()}
	if m.patient != nil && m.patient.id != "" {
		cmds = append(cmds, m.patient.refresh())
	}
	return tea.Batch(cmds...)
}

// reload reloads what is on screen after an action.
func (m *Model) reload() tea.Cmd {
	if m.patient != nil && m.patient.id != "" {
		return tea.Batch(m.patient.load(), m.worklist.load(m.worklist.all))
	}
	return m.worklist.load(m.worklist.all)
}

// top is the component the keys go to: the dialog, else the screen.
func (m *Model) top() component {
	if m.dialog != nil {
		return m.dialog
	}
	return m.screen()
}

// screen is the screen shown: the patient view, else the worklist.
func (m *Model) screen() component {
	if m.patient != nil {
		return m.patient
	}
	return m.worklist
}

// patientOrClosed is the open patient view, or one for no patient that
// only takes note of loads that arrive after the nurse went back.
func (m *Model) patientOrClosed() *patientScreen {
	if m.patient != nil {
		return m.patient
	}
	return newPatientScreen(m.shared, "")
}

// route gives msg to c and puts what c answers in its place: nil closes
// c, a dialog opens over a screen or replaces a dialog, a patient view
// opens. A component that is not on top (a load that arrived after the
// nurse moved on) opens nothing.
func (m *Model) route(c component, msg tea.Msg) tea.Cmd {
	onTop := c == m.top()
	next, cmd := c.Update(msg)
	if next == c {
		return cmd
	}
	switch n := next.(type) {
	case nil:
		switch {
		case m.dialog != nil && c == component(m.dialog):
			m.dialog = nil
		case m.patient != nil && c == component(m.patient):
			m.patient = nil
		}
	case *patientScreen:
		if onTop {
			m.dialog, m.patient = nil, n
		}
	case dialog:
		switch {
		case m.dialog != nil && c == component(m.dialog):
			m.dialog = n
		case onTop:
			m.dialog = n
			m.flash = ""
		}
	}
	return cmd
}

// Update routes one message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	m.resize()
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = max(msg.Width, 20), max(msg.Height, 6)
		m.help.SetWidth(m.width)
		return nil // pane scroll offsets are clamped when drawn and moved
	case RefreshMsg:
		return tea.Batch(m.refresh(), m.loadSyncProblems(false))
	case syncProblemsMsg:
		return m.syncProblemsLoaded(msg)
	case statusTickMsg:
		return m.statusTicked()
	case worklistMsg, tasksMsg, enrolTeamsMsg, endedMsg:
		return m.route(m.worklist, msg)
	case patientMsg:
		cmd := m.route(m.patientOrClosed(), msg)
		if !msg.refresh && msg.err == nil {
			// The audited look-up ends the "new patient" reminder, also
			// when the nurse went back before its data arrived: the
			// look-up was audited before the data was read.
			m.worklist.opened(msg.id)
		}
		return cmd
	case teamsMsg, historyMsg:
		return m.route(m.patientOrClosed(), msg)
	case actionDoneMsg:
		return m.actionDone(msg)
	case tea.KeyPressMsg:
		return m.updateKey(msg)
	}
	return m.route(m.top(), msg)
}

func (m *Model) updateKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if key.Matches(msg, k.ForceQuit) {
		return tea.Quit
	}
	if after, ok := escapeThen(msg); ok && m.dialog == nil && !m.capturesText() {
		// An escape and the key after it read together (the console was
		// busy for a moment, a slow link sent them in one go) come as
		// alt+key, which nothing here binds: Esc, q must go back and
		// quit, not be ignored. Forms and the search keep alt+key
		// (their fields move by word with it).
		back := m.updateKey(tea.KeyPressMsg{Code: tea.KeyEscape})
		m.resize()
		return tea.Batch(back, m.updateKey(after))
	}
	if m.overlay != nil {
		if next, _ := m.overlay.Update(msg); next == nil {
			m.overlay = nil
		}
		return nil
	}
	m.flash = ""
	if m.opts.SyncNow != nil && key.Matches(msg, k.SyncNow) {
		m.opts.SyncNow()
		return nil
	}
	if m.dialog != nil {
		return m.route(m.dialog, msg)
	}
	screen := m.screen()
	if !m.capturesText() {
		switch {
		case m.opts.Resolver != nil && key.Matches(msg, k.SyncProblems):
			return m.loadSyncProblems(true)
		case key.Matches(msg, k.Help):
			m.overlay = &helpOverlay{shared: m.shared, under: screen}
			return nil
		}
	}
	return m.route(screen, msg)
}

// capturesText reports whether the screen on top takes typed text (the
// worklist's search).
func (m *Model) capturesText() bool {
	tc, ok := m.screen().(textCapture)
	return ok && tc.capturesText()
}

// escapeThen undoes the terminal reader's reading of an escape followed at
// once by a key as that key with alt: it returns the key as typed without
// the escape, and false for a key without alt.
func escapeThen(msg tea.KeyPressMsg) (tea.KeyPressMsg, bool) {
	if msg.Mod&tea.ModAlt == 0 {
		return msg, false
	}
	k := tea.KeyPressMsg{Code: msg.Code, ShiftedCode: msg.ShiftedCode, BaseCode: msg.BaseCode, Mod: msg.Mod &^ tea.ModAlt}
	if k.Mod&^tea.ModShift == 0 && unicode.IsPrint(k.Code) {
		// The reader drops the text of a key it reads with alt.
		switch {
		case k.ShiftedCode != 0 && k.Mod&tea.ModShift != 0:
			k.Text = string(k.ShiftedCode)
		case k.Mod&tea.ModShift != 0:
			k.Text = string(unicode.ToUpper(k.Code))
		default:
			k.Text = string(k.Code)
		}
	}
	return k, true
}

// actionDone handles the end of an action: on success the dialog closes
// and the data are reloaded; a failure goes to the dialog that started it
// (which keeps what the nurse typed), or to the footer.
func (m *Model) actionDone(msg actionDoneMsg) tea.Cmd {
	if msg.from != m.dialog {
		// The dialog was replaced meanwhile (should not happen: dialogs
		// are busy while an action runs); still reload.
		return m.reload()
	}
	if msg.err == nil {
		m.dialog = nil
		m.flash = msg.flash
		if m.patient != nil {
			m.patient.stale = true
			m.patient.regimeWhenLoaded = m.patient.regimeWhenLoaded || msg.openRegime
		}
		return m.reload()
	}
	if m.dialog == nil {
		m.err = msg.err.Error()
		return nil
	}
	return m.route(m.dialog, msg)
}

// resize gives every component its room: the lines between the banner and
// the footer.
func (m *Model) resize() {
	banner := 0
	if m.opts.Demo {
		banner = 1
	}
	body := m.height - banner - m.footerHeight()
	m.worklist.SetSize(m.width, body)
	if m.patient != nil {
		m.patient.SetSize(m.width, body)
	}
	if m.dialog != nil {
		if m.dialog.inline() {
			m.dialog.SetSize(m.width, 2)
		} else {
			m.dialog.SetSize(m.width, body)
		}
	}
	if m.overlay != nil {
		m.overlay.SetSize(m.width, m.height-banner-1)
	}
}

// View renders the current screen.
func (m *Model) View() tea.View {
	var lines []string
	if m.opts.Demo {
		lines = append(lines, m.st.demo.Render(padRight(" "+m.t.DemoBanner, m.width)))
	}
	var body []string
	var cursor *tea.Cursor
	switch {
	case m.overlay != nil:
		body = viewLines(m.overlay)
	case m.dialog != nil && !m.dialog.inline():
		body = viewLines(m.dialog)
	case m.patient != nil:
		body = viewLines(m.patient)
	default:
		body, cursor = m.worklist.render()
		if cursor != nil {
			cursor.Y += len(lines)
		}
	}
	lines = append(lines, body...)
	footer := m.footerLines()
	if m.overlay != nil {
		footer = []string{m.st.dim.Render(m.t.HelpClose)}
	}
	// Pad so the footer sits on the last line.
	for len(lines)+len(footer) < m.height {
		lines = append(lines, "")
	}
	lines = append(lines, footer...)
	if len(lines) > m.height {
		lines = lines[:m.height]
	}
	for i, l := range lines {
		lines[i] = truncate(l, m.width)
	}
	v := tea.NewView(strings.Join(lines, "\n"))
	v.AltScreen = true
	v.WindowTitle = m.t.Title
	v.Cursor = cursor
	return v
}

// footerHeight is the number of lines under the body (footerLines
// without drawing them).
func (m *Model) footerHeight() int {
	n := 1 // the key help
	if m.dialog != nil && m.dialog.inline() {
		n += len(viewLines(m.dialog))
	}
	if m.flash != "" || m.err != "" || m.loading {
		n++
	}
	if m.opts.Status != nil {
		n++ // the sync status bar
	}
	return n
}

// footerLines are an inline dialog, the status line (loading or error),
// the sync status bar and the short help of the component on top.
func (m *Model) footerLines() []string {
	var f []string
	if m.dialog != nil && m.dialog.inline() {
		f = append(f, viewLines(m.dialog)...)
	}
	switch {
	case m.flash != "":
		f = append(f, m.st.bold.Render(m.flash))
	case m.err != "":
		f = append(f, m.st.err.Render(SymRed+" "+m.t.ErrPrefix+safetext.Sanitize(m.err)))
	case m.loading:
		f = append(f, m.st.dim.Render(m.t.Loading))
	}
	if s := m.statusLine(); s != "" {
		f = append(f, s)
	}
	f = append(f, m.help.ShortHelpView(m.fitShortHelp(m.top().ShortHelp())))
	return f
}

// fitShortHelp drops bindings from the short help, the later ones first,
// until it fits the width, but never "? hjælp", the sync problems (S) or
// the last binding (quit or back): at 80 columns the help key stays
// visible instead of being cut off with "…".
func (m *Model) fitShortHelp(short []key.Binding) []key.Binding {
	keep := func(i int) bool {
		k := short[i].Help().Key
		return i == len(short)-1 || k == "?" || k == "S"
	}
	wide := m.help // measured without the width limit, which cuts with "…"
	wide.SetWidth(0)
	for displayWidth(wide.ShortHelpView(short)) > m.width {
		drop := -1
		for i := len(short) - 1; i >= 0; i-- {
			if !keep(i) {
				drop = i
				break
			}
		}
		if drop < 0 {
			break
		}
		short = append(short[:drop:drop], short[drop+1:]...)
	}
	return short
}
