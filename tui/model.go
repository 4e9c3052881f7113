package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

type screen int

const (
	screenWorklist screen = iota
	screenPatient
)

// Model is the console's bubbletea model. Create it with New.
type Model struct {
	ctx  context.Context
	src  console.Source
	opts Options
	t    *texts
	st   styles
	keys keyMap
	help help.Model

	width, height int
	screen        screen
	showHelp      bool
	loading       bool
	err           string

	wl worklist
	pv patientView

	dlg   dialog // an open action dialog, or nil
	flash string // the outcome of the last action, until the next key

	// wantAll is the worklist mode last asked for (the all/open toggle),
	// which a background refresh keeps even before that load arrives.
	wantAll bool

	sp syncProblemsState // sync problems seen (syncview.go)

	lastStatus console.SyncStatus // the status at the last redraw tick (status.go)
	// wlSynced is the sync status when the worklist on screen was loaded.
	wlSynced console.SyncStatus
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

// worklistMsg carries a loaded worklist.
type worklistMsg struct {
	rows    []domain.WorklistRow
	all     bool
	err     error
	refresh bool // a background refresh (RefreshMsg)
	// synced is the sync status when the load began: the rows show the
	// cache as that sync left it (see syncStatus).
	synced console.SyncStatus
}

// patientMsg carries a loaded patient.
type patientMsg struct {
	id      string
	detail  domain.PatientDetail
	err     error
	refresh bool // a background refresh (RefreshMsg)
}

// New returns the console model reading from src. The worklist (patients
// with open items) is loaded when the program starts.
func New(ctx context.Context, src console.Source, opts Options) *Model {
	opts = opts.withDefaults()
	t := catalog(opts.Lang)
	t.loc = opts.Loc
	m := &Model{
		ctx:    ctx,
		src:    src,
		opts:   opts,
		t:      t,
		st:     newStyles(),
		keys:   newKeyMap(t),
		help:   help.New(),
		width:  80,
		height: 24,
	}
	m.help.Styles = help.Styles{
		ShortKey: m.st.bold, FullKey: m.st.bold,
		ShortDesc: lipgloss.NewStyle(), FullDesc: lipgloss.NewStyle(),
		ShortSeparator: m.st.dim, FullSeparator: m.st.dim, Ellipsis: m.st.dim,
	}
	m.wl.filter = textinput.New()
	m.wl.filter.Prompt = t.FilterPr
	m.wl.filter.Placeholder = t.FilterPh
	m.wl.filter.CharLimit = 40
	m.wl.filter.SetVirtualCursor(false)
	return m
}

// Init loads the worklist.
func (m *Model) Init() tea.Cmd {
	m.loading = true
	return tea.Batch(m.loadWorklist(false), m.loadSyncProblems(false), m.statusTick())
}

// loadWorklist audits the look-up and then reads the worklist. The audit
// entry is written first: a look-up that cannot be logged is not made.
func (m *Model) loadWorklist(all bool) tea.Cmd {
	m.wantAll = all
	ctx, src, e := m.ctx, m.src, domain.AuditEntry{At: m.opts.Now(), User: m.opts.User, Action: ActionViewWorklist}
	course, now, loc, status := m.opts.Course, m.opts.Now, m.opts.Loc, m.opts.Status
	if all {
		e.Detail = "all"
	}
	return func() tea.Msg {
		synced := statusNow(status)
		if err := src.Audit(ctx, e); err != nil {
			return worklistMsg{all: all, err: fmt.Errorf("audit worklist look-up: %w", err)}
		}
		rows, err := worklistWithCourse(ctx, src, course, now(), loc, all)
		if err != nil {
			return worklistMsg{all: all, err: fmt.Errorf("load worklist: %w", err)}
		}
		return worklistMsg{rows: rows, all: all, synced: synced}
	}
}

// loadPatient audits and reads one patient for the view's window of days.
func (m *Model) loadPatient(id string) tea.Cmd {
	now := m.opts.Now()
	ctx, src := m.ctx, m.src
	e := domain.AuditEntry{At: now, User: m.opts.User, Action: ActionViewPatient, PatientID: id}
	since := m.windowStart(now)
	return func() tea.Msg {
		if err := src.Audit(ctx, e); err != nil {
			return patientMsg{id: id, err: fmt.Errorf("audit patient look-up: %w", err)}
		}
		d, err := src.Patient(ctx, id, since)
		if err != nil {
			return patientMsg{id: id, err: fmt.Errorf("load patient: %w", err)}
		}
		return patientMsg{id: id, detail: d}
	}
}

// refresh reloads the worklist in its current mode and, when a patient
// view is open, that patient, without audit entries (see RefreshMsg).
func (m *Model) refresh() tea.Cmd {
	ctx, src, all := m.ctx, m.src, m.wantAll
	course, now, loc, status := m.opts.Course, m.opts.Now, m.opts.Loc, m.opts.Status
	cmds := []tea.Cmd{func() tea.Msg {
		synced := statusNow(status)
		rows, err := worklistWithCourse(ctx, src, course, now(), loc, all)
		if err != nil {
			return worklistMsg{all: all, refresh: true, err: fmt.Errorf("refresh worklist: %w", err)}
		}
		return worklistMsg{rows: rows, all: all, refresh: true, synced: synced}
	}}
	if m.screen == screenPatient && m.pv.id != "" {
		id, since := m.pv.id, m.windowStart(m.opts.Now())
		cmds = append(cmds, func() tea.Msg {
			d, err := src.Patient(ctx, id, since)
			if err != nil {
				return patientMsg{id: id, refresh: true, err: fmt.Errorf("refresh patient: %w", err)}
			}
			return patientMsg{id: id, detail: d, refresh: true}
		})
	}
	return tea.Batch(cmds...)
}

// windowStart is local midnight Days-1 days before now: the window holds
// Days calendar days including today.
func (m *Model) windowStart(now time.Time) time.Time {
	l := now.In(m.opts.Loc)
	return time.Date(l.Year(), l.Month(), l.Day()-(m.opts.Days-1), 0, 0, 0, 0, m.opts.Loc)
}

// Update handles one message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = max(msg.Width, 20), max(msg.Height, 6)
		m.help.SetWidth(m.width)
		m.wl.filter.SetWidth(max(10, m.width-len(m.t.FilterPr)-24))
		m.wl.clamp(m.worklistBodyHeight())
		return m, nil // pane scroll offsets are clamped when drawn and moved
	case RefreshMsg:
		return m, tea.Batch(m.refresh(), m.loadSyncProblems(false))
	case syncProblemsMsg:
		return m, m.syncProblemsLoaded(msg)
	case statusTickMsg:
		return m, m.statusTicked()
	case worklistMsg:
		if msg.refresh && (msg.all != m.wantAll || !m.wl.loaded) {
			// The nurse toggled (or the first load is on its way): that
			// load, not this refresh, decides what is shown.
			return m, nil
		}
		if !msg.refresh {
			m.loading = false
		}
		if msg.err != nil {
			m.err = msg.err.Error()
			return m, nil
		}
		m.err = ""
		m.wlSynced = msg.synced
		m.wl.setRows(msg.rows, msg.all)
		m.wl.clamp(m.worklistBodyHeight())
		return m, nil
	case patientMsg:
		if m.screen != screenPatient || msg.id != m.pv.id || (msg.refresh && !m.pv.loaded) {
			// The nurse went back before it arrived, or the audited load
			// of this patient is still on its way.
			if !msg.refresh {
				m.loading = false
			}
			return m, nil
		}
		m.loading = false
		openRegime := !msg.refresh && m.pv.regimeWhenLoaded
		if !msg.refresh {
			m.pv.stale, m.pv.regimeWhenLoaded = false, false
		}
		if msg.err != nil {
			m.err = msg.err.Error()
			return m, nil
		}
		m.err = ""
		if msg.refresh {
			m.pv.refreshDetail(msg.detail)
		} else {
			m.pv.setDetail(msg.detail)
			m.wl.opened(msg.id)
		}
		if openRegime && m.dlg == nil && m.canAct() {
			m.regimeForm()
		}
		return m, nil
	case actionDoneMsg:
		return m, m.actionDone(msg)
	case tasksMsg:
		return m, m.tasksLoaded(msg)
	case teamsMsg:
		return m, m.teamsLoaded(msg)
	case enrolTeamsMsg:
		return m, m.enrolTeamsLoaded(msg)
	case endedMsg:
		return m, m.endedLoaded(msg)
	case historyMsg:
		m.historyLoaded(msg)
		return m, nil
	case tea.PasteMsg:
		if c, ok := m.dlg.(*composer); ok {
			return m, c.paste(msg)
		}
		if fd, ok := m.dlg.(formDialog); ok {
			if f := fd.current(); f != nil && f.kind == fieldText {
				var cmd tea.Cmd
				f.in, cmd = f.in.Update(msg)
				return m, cmd
			}
		}
	case tea.KeyPressMsg:
		return m.updateKey(msg)
	}
	if m.wl.filtering {
		var cmd tea.Cmd
		m.wl.filter, cmd = m.wl.filter.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m *Model) updateKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if key.Matches(msg, m.keys.ForceQuit) {
		return m, tea.Quit
	}
	if m.showHelp {
		if key.Matches(msg, m.keys.CloseHelp) {
			m.showHelp = false
		}
		return m, nil
	}
	m.flash = ""
	if m.opts.SyncNow != nil && key.Matches(msg, m.keys.SyncNow) {
		m.opts.SyncNow()
		return m, nil
	}
	if m.dlg != nil {
		d := m.dlg
		done, cmd := d.update(m, msg)
		if done && m.dlg == d {
			m.closeDialog()
		}
		return m, cmd
	}
	if cmd, ok := m.openSyncProblems(msg); ok {
		return m, cmd
	}
	if m.screen == screenPatient {
		return m.updatePatientKey(msg)
	}
	return m.updateWorklistKey(msg)
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
	case m.showHelp:
		body = m.helpLines(m.height - len(lines) - 1)
	case m.dlg != nil && !m.dlg.inline():
		body = m.dialogBodyLines(m.height - len(lines) - m.footerHeight())
	case m.screen == screenPatient:
		body = m.patientLines(m.height - len(lines) - m.footerHeight())
	default:
		body, cursor = m.worklistLines(m.height - len(lines) - m.footerHeight())
		if cursor != nil {
			cursor.Y += len(lines)
		}
	}
	lines = append(lines, body...)
	footer := m.footerLines()
	if m.showHelp {
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

// footerHeight is the number of lines under the body.
func (m *Model) footerHeight() int { return len(m.footerLines()) }

// footerLines are the status line (loading or error) and the short help.
func (m *Model) footerLines() []string {
	var f []string
	if m.dlg != nil && m.dlg.inline() {
		f = append(f, m.dlg.lines(m, m.width, 2)...)
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
	f = append(f, m.help.ShortHelpView(m.fitShortHelp(m.activeKeys().short)))
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

// activeKeys are the bindings that work in the current state, for the short
// and the full help.
func (m *Model) activeKeys() helpKeys {
	k := m.keys
	switch {
	case m.showHelp:
		return helpKeys{short: []key.Binding{k.CloseHelp, k.ForceQuit}}
	case m.dlg != nil:
		return m.dlg.keys(m)
	case m.screen == screenPatient:
		nav := []key.Binding{k.NextPane, k.PrevPane, k.Pane}
		scroll := []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown}
		gen := []key.Binding{k.Back, k.Help, k.ForceQuit}
		if m.opts.SyncNow != nil {
			gen = append(gen, k.SyncNow)
		}
		short := []key.Binding{k.NextPane, k.Pane, k.Move}
		full := [][]key.Binding{nav, scroll}
		if act := m.patientActionKeys(); len(act) > 0 {
			short = append(short, act[:min(len(act), 3)]...)
			full = append(full, act)
		} else if m.historyAvailable() {
			full = append(full, []key.Binding{k.History})
		}
		gen = append(gen, m.syncProblemKeys()...)
		short = append(short, m.syncShortKeys()...)
		short = append(short, k.Back, k.Help)
		return helpKeys{short: short, full: append(full, gen)}
	case m.wl.filtering:
		return helpKeys{
			// j and k are letters of the search here: only the arrows move.
			short: []key.Binding{k.Apply, k.Clear, k.ArrowMove, k.ForceQuit},
			full:  [][]key.Binding{{k.Apply, k.Clear}, {k.ArrowMove}, {k.ForceQuit}},
		}
	}
	move := []key.Binding{k.Up, k.Down, k.Home, k.End}
	act := []key.Binding{k.Open, k.Filter, k.All}
	if m.wl.filter.Value() != "" {
		act = append(act, k.Clear)
	}
	if m.canAct() && len(m.wl.visible) > 0 {
		act = append(act, k.Ack, k.AckAll)
	}
	if m.canEnrol() {
		act = append(act, m.enrolKey())
	}
	if m.opts.Course != nil {
		act = append(act, m.endedKey())
	}
	gen := []key.Binding{k.Help, k.Quit, k.ForceQuit}
	if m.opts.SyncNow != nil {
		gen = append(gen, k.SyncNow)
	}
	if len(m.wl.visible) == 0 {
		move = nil
	}
	short := []key.Binding{k.Move}
	if len(m.wl.visible) == 0 {
		short = nil
		act = act[1:] // nothing to open
	}
	short = append(short, act...)
	gen = append(gen, m.syncProblemKeys()...)
	short = append(short, m.syncShortKeys()...)
	short = append(short, k.Help, k.Quit)
	return helpKeys{short: short, full: [][]key.Binding{move, act, gen}}
}
