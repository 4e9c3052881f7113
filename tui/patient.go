package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// Panes of the patient view, switched with tab or 1–6.
const (
	paneMeasurements = iota
	paneChart
	paneAnswers
	paneMessages
	paneTasks
	paneNotes
	paneCount
)

// scrollBottom asks a pane to start scrolled to its end.
const scrollBottom = 1 << 30

// patientScreen is the patient view: the header (who, responsibility,
// regime, note, reminders), six panes, and the actions on the patient.
type patientScreen struct {
	*shared
	box

	id     string
	detail domain.PatientDetail
	loaded bool
	pane   int
	scroll [paneCount]int
	// Cursors of the open-items and messages panes (used with Actions).
	taskCursor, msgCursor int
	// stale: an action was saved and the reload of this patient is on its
	// way, so detail still shows the data from before it. A regime form
	// asked for meanwhile (regimeWhenLoaded) opens when the reload arrives,
	// on the version the action made, never on the one it replaced.
	stale, regimeWhenLoaded bool
}

func newPatientScreen(s *shared, id string) *patientScreen {
	return &patientScreen{shared: s, id: id}
}

// patientMsg carries a loaded patient.
type patientMsg struct {
	id      string
	detail  domain.PatientDetail
	err     error
	refresh bool // a background refresh (RefreshMsg)
}

// load audits and reads the patient for the view's window of days.
func (p *patientScreen) load() tea.Cmd {
	now := p.opts.Now()
	ctx, src, id, book, namer := p.ctx, p.src, p.id, p.names, p.opts.Names
	e := domain.AuditEntry{At: now, User: p.opts.User, Action: ActionViewPatient, PatientID: id}
	since := p.windowStart(now)
	return func() tea.Msg {
		if err := src.Audit(ctx, e); err != nil {
			return patientMsg{id: id, err: fmt.Errorf("audit patient look-up: %w", err)}
		}
		d, err := src.Patient(ctx, id, since)
		if err != nil {
			return patientMsg{id: id, err: fmt.Errorf("load patient: %w", err)}
		}
		book.learn(ctx, namer, detailPeople(d)...)
		return patientMsg{id: id, detail: d}
	}
}

// refresh reloads the patient without an audit entry (see RefreshMsg).
func (p *patientScreen) refresh() tea.Cmd {
	ctx, src, id, since := p.ctx, p.src, p.id, p.windowStart(p.opts.Now())
	book, namer := p.names, p.opts.Names
	return func() tea.Msg {
		d, err := src.Patient(ctx, id, since)
		if err != nil {
			return patientMsg{id: id, refresh: true, err: fmt.Errorf("refresh patient: %w", err)}
		}
		book.learn(ctx, namer, detailPeople(d)...)
		return patientMsg{id: id, detail: d, refresh: true}
	}
}

// Update handles the patient view's keys and the results of its loads.
func (p *patientScreen) Update(msg tea.Msg) (component, tea.Cmd) {
	switch msg := msg.(type) {
	case patientMsg:
		return p.install(msg), nil
	case teamsMsg:
		return p.teamsLoaded(msg), nil
	case historyMsg:
		return p.historyLoaded(msg), nil
	case tea.KeyPressMsg:
		return p.updateKey(msg)
	}
	return p, nil
}

// install shows a loaded patient; the regime form asked for while an
// action's reload was on its way opens now.
func (p *patientScreen) install(msg patientMsg) component {
	if msg.id != p.id || (msg.refresh && !p.loaded) {
		// The nurse went back before it arrived, or the audited load
		// of this patient is still on its way.
		if !msg.refresh {
			p.loading = false
		}
		return p
	}
	p.loading = false
	openRegime := !msg.refresh && p.regimeWhenLoaded
	if !msg.refresh {
		p.stale, p.regimeWhenLoaded = false, false
	}
	if msg.err != nil {
		p.err = msg.err.Error()
		return p
	}
	p.err = ""
	if msg.refresh {
		p.refreshDetail(msg.detail)
	} else {
		p.setDetail(msg.detail)
	}
	if openRegime && p.canAct() {
		return p.regimeForm()
	}
	return p
}

func (p *patientScreen) setDetail(d domain.PatientDetail) {
	p.detail, p.loaded = d, true
	p.scroll = [paneCount]int{}
	p.scroll[paneMessages] = scrollBottom // newest at the bottom, in view
	p.taskCursor = min(max(0, p.taskCursor), max(0, len(d.OpenTasks)-1))
	p.msgCursor = max(0, len(d.Messages)-1)
}

// refreshDetail shows newer data of the same patient without moving the
// nurse: pane and scroll stay (they are clamped when drawn), cursors are
// kept within the new lists, and a message thread that was scrolled to the
// bottom stays there so new messages come into view.
func (p *patientScreen) refreshDetail(d domain.PatientDetail) {
	atEnd := p.msgCursor >= len(p.detail.Messages)-1
	p.detail, p.loaded = d, true
	p.taskCursor = min(max(0, p.taskCursor), max(0, len(d.OpenTasks)-1))
	if atEnd {
		p.msgCursor = max(0, len(d.Messages)-1)
	} else {
		p.msgCursor = min(p.msgCursor, max(0, len(d.Messages)-1))
	}
}

// updateKey handles a key in the patient view: back, panes, scrolling,
// the item cursors and the actions, which open their dialogs.
func (p *patientScreen) updateKey(msg tea.KeyPressMsg) (component, tea.Cmd) {
	k := p.keys
	switch {
	case key.Matches(msg, k.Back):
		p.err = ""
		p.loading = false
		return nil, nil
	case p.loaded && p.historyAvailable() && key.Matches(msg, k.History):
		return p, p.startHistory()
	case p.loaded && p.canKeep() && p.isCourseKey(msg):
		return p.courseAction(msg), nil
	case p.loaded && p.opts.ReadOnly && !p.canAct() && p.isActionKey(msg):
		return p.readOnlyNotice(), nil
	case p.loaded && p.canAct() && p.isActionKey(msg):
		return p.action(msg)
	case p.canAct() && p.pane == paneTasks && p.cursorKey(msg) != 0:
		// The item cursor is what x acts on: every movement key moves
		// it, and the pane scrolls to keep it in view, so what is
		// highlighted is always what would be acknowledged.
		p.moveTaskCursor(p.cursorKey(msg))
	case p.canAct() && p.pane == paneMessages && p.cursorKey(msg) != 0:
		p.moveMsgCursor(p.cursorKey(msg))
	case key.Matches(msg, k.NextPane):
		p.pane = (p.pane + 1) % paneCount
	case key.Matches(msg, k.PrevPane):
		p.pane = (p.pane + paneCount - 1) % paneCount
	case key.Matches(msg, k.Pane):
		p.pane = int(msg.String()[0] - '1')
	case key.Matches(msg, k.Up):
		p.scrollPane(-1)
	case key.Matches(msg, k.Down):
		p.scrollPane(1)
	case key.Matches(msg, k.PageUp):
		p.scrollPane(-p.paneHeight())
	case key.Matches(msg, k.PageDown):
		p.scrollPane(p.paneHeight())
	case key.Matches(msg, k.Home):
		p.scroll[p.pane] = 0
	case key.Matches(msg, k.End):
		p.scroll[p.pane] = scrollBottom
	}
	return p, nil
}

// scrollPane moves the current pane by d lines within its content.
func (p *patientScreen) scrollPane(d int) {
	h := p.paneHeight()
	n := len(p.paneContent(p.pane, p.width, h))
	top := max(0, n-h)
	p.scroll[p.pane] = min(max(0, min(p.scroll[p.pane], top)+d), top)
}

// paneHeight is the height of the pane area.
func (p *patientScreen) paneHeight() int {
	return max(1, p.h-len(p.patientHeader()))
}

// View renders the patient view in its height.
func (p *patientScreen) View() string { return strings.Join(p.lines(p.h), "\n") }

// lines renders the patient view body in h lines.
func (p *patientScreen) lines(h int) []string {
	t := p.t
	if !p.loaded {
		return []string{p.st.dim.Render(t.Loading)}
	}
	out := p.patientHeader()

	ph := max(1, h-len(out))
	content := p.paneContent(p.pane, p.width, ph)
	off := min(p.scroll[p.pane], max(0, len(content)-ph))
	if p.pane == paneTasks && p.canAct() {
		// The highlighted item is always on screen (also after a resize
		// or a refresh changed the list).
		off = min(taskScroll(p.taskCursor, off, ph), max(0, len(content)-ph))
	}
	end := min(len(content), off+ph)
	tabs := p.tabsLine()
	if len(content) > ph {
		// More lines than fit: say which are shown.
		tabs = spread(tabs, p.st.dim.Render(fmt.Sprintf(p.t.PaneScroll, off+1, end, len(content))), p.width)
	}
	out[len(out)-1] = tabs
	out = append(out, content[off:end]...)
	return out
}

// patientHeader is the header of the patient view without the tabs line:
// name, responsibility (with any planned cover), regime, and the flagged
// handover note when there is one.
func (p *patientScreen) patientHeader() []string {
	if !p.loaded {
		return []string{"", "", "", ""}
	}
	d := &p.detail
	t := p.t
	now := p.opts.Now()
	var out []string

	rest := " · " + domain.MaskCPR(d.Patient.CPR)
	if !d.Patient.BirthDate.IsZero() {
		rest += " · " + fmt.Sprintf(t.Years, domain.Age(d.Patient.BirthDate, now.In(p.opts.Loc)))
	}
	// The name is cut to leave room for the CPR and age: a long name
	// never pushes who this is off the screen.
	name := truncate(safetext.Sanitize(d.Patient.Name), max(8, p.width-displayWidth(rest)))
	out = append(out, p.st.title.Render(name)+rest)

	var l2 []string
	if org := safetext.Sanitize(d.Responsibility.Home.OrgName); org != "" {
		l2 = append(l2, t.Clinic+": "+org)
	}
	l2 = append(l2, t.Responsible+": "+t.teamLabel(d.Responsibility, now))
	out = append(out, strings.Join(l2, " · "))
	if pl := t.plannedCover(d.Responsibility, now, p.opts.Loc); pl != "" {
		out = append(out, "→ "+pl)
	}

	var l3 []string
	if ph, ok := t.PhaseName[d.Regime.Phase]; ok {
		l3 = append(l3, t.Phase+": "+ph)
	}
	if rw := d.Regime.Thresholds.ReferenceWeight; rw > 0 {
		l3 = append(l3, t.RefWeight+": "+t.number(rw, 1)+" kg")
	}
	if !d.Regime.Reevaluation.IsZero() {
		l3 = append(l3, t.Reevaluation+": "+dateYear(d.Regime.Reevaluation.In(p.opts.Loc)))
	}
	out = append(out, strings.Join(l3, " · "))
	if nl := p.noteHeaderLine(); nl != "" {
		out = append(out, nl)
	}
	if cl := p.courseHeaderLine(); cl != "" {
		out = append(out, cl)
	}
	return append(out, "")
}

// tabsLine shows the panes; the current one in brackets and reverse video.
func (p *patientScreen) tabsLine() string {
	line := p.renderTabs(p.t.Tabs)
	if displayWidth(line) > p.width {
		line = p.renderTabs(p.t.TabsShort)
	}
	return line
}

func (p *patientScreen) renderTabs(names [paneCount]string) string {
	var parts []string
	for i, name := range names {
		label := itoa(i+1) + " " + name
		if i == p.pane {
			parts = append(parts, p.st.tabOn.Render("["+label+"]"))
		} else {
			parts = append(parts, p.st.tabOff.Render(" "+label+" "))
		}
	}
	return strings.Join(parts, " ")
}

// paneContent renders all lines of a pane (the caller scrolls).
func (p *patientScreen) paneContent(pane, width, height int) []string {
	switch pane {
	case paneMeasurements:
		return p.measurementLines()
	case paneChart:
		return p.chartLines(width, height)
	case paneAnswers:
		return p.answerLines()
	case paneMessages:
		return p.messageLines(width)
	case paneTasks:
		return p.taskLines()
	case paneNotes:
		return p.noteLines(width)
	}
	return nil
}

// messageLines shows the thread oldest first, so the newest is at the
// bottom.
func (p *patientScreen) messageLines(width int) []string {
	out, _ := p.messageLinesAt(width)
	return out
}

// messageLinesAt renders the thread and returns the line of the selected
// message's heading (-1 without Actions, when there is no cursor). Clinic
// messages written here carry their sync state (pending, sent, failed).
func (p *patientScreen) messageLinesAt(width int) ([]string, int) {
	t := p.t
	d := &p.detail
	sel := -1
	out := []string{p.st.dim.Render(t.NotAcute)}
	if len(d.Messages) == 0 {
		return append(out, t.NoMessages), sel
	}
	for i, msg := range d.Messages {
		who := t.FromClinic
		if msg.FromPatient {
			who = t.FromPatient
		}
		head := "── " + p.dateTime(msg.Sent) + " · " + who
		if s := safetext.Sanitize(msg.Sender); s != "" {
			head += " · " + s
		}
		if mark, ok := t.Act.SyncMark[msg.Sync]; ok && msg.Sync != domain.SyncNone {
			head += " · " + mark
		}
		if msg.FromPatient && !msg.Read {
			head = p.st.messages.Render(head + " · " + SymMessages + " " + t.Unread)
		} else if msg.Sync == domain.SyncFailed || msg.Sync == domain.SyncConflict {
			head = p.st.err.Render(head)
		}
		out = append(out, "")
		if p.canAct() && i == p.msgCursor {
			sel = len(out)
			head = p.st.selected.Render("> " + head)
		} else if p.canAct() {
			head = "  " + head
		}
		out = append(out, head)
		if title := safetext.Sanitize(msg.Title); title != "" {
			out = append(out, p.st.bold.Render(title))
		}
		body := ansi.Wrap(safetext.SanitizeMultiline(msg.Body), max(20, width-2), "")
		for _, l := range strings.Split(body, "\n") {
			out = append(out, "  "+l)
		}
	}
	return out, sel
}

// ShortHelp is the patient view's footer: the keys that work now.
func (p *patientScreen) ShortHelp() []key.Binding {
	short, _ := p.helpKeys()
	return short
}

// FullHelp is the patient view's help screen.
func (p *patientScreen) FullHelp() [][]key.Binding {
	_, full := p.helpKeys()
	return full
}

func (p *patientScreen) helpKeys() ([]key.Binding, [][]key.Binding) {
	k := p.keys
	nav := []key.Binding{k.NextPane, k.PrevPane, k.Pane}
	scroll := []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown}
	gen := []key.Binding{k.Back, k.Help, k.ForceQuit}
	if p.opts.SyncNow != nil {
		gen = append(gen, k.SyncNow)
	}
	short := []key.Binding{k.NextPane, k.Pane, k.Move}
	full := [][]key.Binding{nav, scroll}
	if act := p.actionKeys(); len(act) > 0 {
		short = append(short, act[:min(len(act), 3)]...)
		full = append(full, act)
	} else if p.historyAvailable() {
		full = append(full, []key.Binding{k.History})
	}
	gen = append(gen, p.syncProblemKeys()...)
	short = append(short, p.syncShortKeys()...)
	short = append(short, k.Back, k.Help)
	return short, append(full, gen)
}
