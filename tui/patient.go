package tui

import (
	"fmt"
	"strings"
	"time"

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

// patientView is the state of the patient screen.
type patientView struct {
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

func (p *patientView) setDetail(d domain.PatientDetail) {
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
func (p *patientView) refreshDetail(d domain.PatientDetail) {
	atEnd := p.msgCursor >= len(p.detail.Messages)-1
	p.detail, p.loaded = d, true
	p.taskCursor = min(max(0, p.taskCursor), max(0, len(d.OpenTasks)-1))
	if atEnd {
		p.msgCursor = max(0, len(d.Messages)-1)
	} else {
		p.msgCursor = min(p.msgCursor, max(0, len(d.Messages)-1))
	}
}

func (m *Model) updatePatientKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	p := &m.pv
	switch {
	case key.Matches(msg, k.Back):
		m.screen = screenWorklist
		m.err = ""
		m.loading = false
		m.pv = patientView{}
		m.wl.clamp(m.worklistBodyHeight())
		return m, nil
	case key.Matches(msg, k.Help):
		m.showHelp = true
	case p.loaded && m.historyAvailable() && key.Matches(msg, k.History):
		return m, m.startHistory()
	case p.loaded && m.canKeep() && m.isCourseKey(msg):
		return m, m.courseAction(msg)
	case p.loaded && m.opts.ReadOnly && !m.canAct() && m.isActionKey(msg):
		m.explainReadOnly()
	case p.loaded && m.canAct() && m.isActionKey(msg):
		return m, m.patientAction(msg)
	case m.canAct() && p.pane == paneTasks && m.cursorKey(msg) != 0:
		// The item cursor is what x acts on: every movement key moves
		// it, and the pane scrolls to keep it in view, so what is
		// highlighted is always what would be acknowledged.
		m.moveTaskCursor(m.cursorKey(msg))
	case m.canAct() && p.pane == paneMessages && m.cursorKey(msg) != 0:
		m.moveMsgCursor(m.cursorKey(msg))
	case key.Matches(msg, k.NextPane):
		p.pane = (p.pane + 1) % paneCount
	case key.Matches(msg, k.PrevPane):
		p.pane = (p.pane + paneCount - 1) % paneCount
	case key.Matches(msg, k.Pane):
		p.pane = int(msg.String()[0] - '1')
	case key.Matches(msg, k.Up):
		m.scrollPane(-1)
	case key.Matches(msg, k.Down):
		m.scrollPane(1)
	case key.Matches(msg, k.PageUp):
		m.scrollPane(-m.paneHeight())
	case key.Matches(msg, k.PageDown):
		m.scrollPane(m.paneHeight())
	case key.Matches(msg, k.Home):
		p.scroll[p.pane] = 0
	case key.Matches(msg, k.End):
		p.scroll[p.pane] = scrollBottom
	}
	return m, nil
}

// scrollPane moves the current pane by d lines within its content.
func (m *Model) scrollPane(d int) {
	p := &m.pv
	h := m.paneHeight()
	n := len(m.paneContent(p.pane, m.width, h))
	top := max(0, n-h)
	p.scroll[p.pane] = min(max(0, min(p.scroll[p.pane], top)+d), top)
}

// paneHeight is the height of the pane area.
func (m *Model) paneHeight() int {
	h := m.height - len(m.patientHeader()) - m.footerHeight()
	if m.opts.Demo {
		h--
	}
	return max(1, h)
}

// patientLines renders the patient view body in h lines.
func (m *Model) patientLines(h int) []string {
	p := &m.pv
	t := m.t
	if !p.loaded {
		return []string{m.st.dim.Render(t.Loading)}
	}
	out := m.patientHeader()

	ph := max(1, h-len(out))
	content := m.paneContent(p.pane, m.width, ph)
	off := min(p.scroll[p.pane], max(0, len(content)-ph))
	if p.pane == paneTasks && m.canAct() {
		// The highlighted item is always on screen (also after a resize
		// or a refresh changed the list).
		off = min(taskScroll(p.taskCursor, off, ph), max(0, len(content)-ph))
	}
	end := min(len(content), off+ph)
	tabs := m.tabsLine()
	if len(content) > ph {
		// More lines than fit: say which are shown.
		tabs = spread(tabs, m.st.dim.Render(fmt.Sprintf(m.t.PaneScroll, off+1, end, len(content))), m.width)
	}
	out[len(out)-1] = tabs
	out = append(out, content[off:end]...)
	return out
}

// patientHeader is the header of the patient view without the tabs line:
// name, responsibility (with any planned cover), regime, and the flagged
// handover note when there is one.
func (m *Model) patientHeader() []string {
	if !m.pv.loaded {
		return []string{"", "", "", ""}
	}
	d := &m.pv.detail
	t := m.t
	now := m.opts.Now()
	var out []string

	rest := " · " + domain.MaskCPR(d.Patient.CPR)
	if !d.Patient.BirthDate.IsZero() {
		rest += " · " + fmt.Sprintf(t.Years, domain.Age(d.Patient.BirthDate, now.In(m.opts.Loc)))
	}
	// The name is cut to leave room for the CPR and age: a long name
	// never pushes who this is off the screen.
	name := truncate(safetext.Sanitize(d.Patient.Name), max(8, m.width-displayWidth(rest)))
	out = append(out, m.st.title.Render(name)+rest)

	var l2 []string
	if org := safetext.Sanitize(d.Responsibility.Home.OrgName); org != "" {
		l2 = append(l2, t.Clinic+": "+org)
	}
	l2 = append(l2, t.Responsible+": "+t.teamLabel(d.Responsibility, now))
	out = append(out, strings.Join(l2, " · "))
	if pl := t.plannedCover(d.Responsibility, now, m.opts.Loc); pl != "" {
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
		l3 = append(l3, t.Reevaluation+": "+dateYear(d.Regime.Reevaluation.In(m.opts.Loc)))
	}
	out = append(out, strings.Join(l3, " · "))
	if nl := m.noteHeaderLine(); nl != "" {
		out = append(out, nl)
	}
	if cl := m.courseHeaderLine(); cl != "" {
		out = append(out, cl)
	}
	return append(out, "")
}

// tabsLine shows the panes; the current one in brackets and reverse video.
func (m *Model) tabsLine() string {
	line := m.renderTabs(m.t.Tabs)
	if displayWidth(line) > m.width {
		line = m.renderTabs(m.t.TabsShort)
	}
	return line
}

func (m *Model) renderTabs(names [paneCount]string) string {
	var parts []string
	for i, name := range names {
		label := itoa(i+1) + " " + name
		if i == m.pv.pane {
			parts = append(parts, m.st.tabOn.Render("["+label+"]"))
		} else {
			parts = append(parts, m.st.tabOff.Render(" "+label+" "))
		}
	}
	return strings.Join(parts, " ")
}

// paneContent renders all lines of a pane (the caller scrolls).
func (m *Model) paneContent(pane, width, height int) []string {
	switch pane {
	case paneMeasurements:
		return m.measurementLines()
	case paneChart:
		return m.chartLines(width, height)
	case paneAnswers:
		return m.answerLines()
	case paneMessages:
		return m.messageLines(width)
	case paneTasks:
		return m.taskLines()
	case paneNotes:
		return m.noteLines(width)
	}
	return nil
}

// messageLines shows the thread oldest first, so the newest is at the
// bottom.
func (m *Model) messageLines(width int) []string {
	out, _ := m.messageLinesAt(width)
	return out
}

// messageLinesAt renders the thread and returns the line of the selected
// message's heading (-1 without Actions, when there is no cursor). Clinic
// messages written here carry their sync state (pending, sent, failed).
func (m *Model) messageLinesAt(width int) ([]string, int) {
	t := m.t
	d := &m.pv.detail
	sel := -1
	out := []string{m.st.dim.Render(t.NotAcute)}
	if len(d.Messages) == 0 {
		return append(out, t.NoMessages), sel
	}
	for i, msg := range d.Messages {
		who := t.FromClinic
		if msg.FromPatient {
			who = t.FromPatient
		}
		head := "── " + m.dateTime(msg.Sent) + " · " + who
		if s := safetext.Sanitize(msg.Sender); s != "" {
			head += " · " + s
		}
		if mark, ok := t.A.SyncMark[msg.Sync]; ok && msg.Sync != domain.SyncNone {
			head += " · " + mark
		}
		if msg.FromPatient && !msg.Read {
			head = m.st.messages.Render(head + " · " + SymMessages + " " + t.Unread)
		} else if msg.Sync == domain.SyncFailed || msg.Sync == domain.SyncConflict {
			head = m.st.err.Render(head)
		}
		out = append(out, "")
		if m.canAct() && i == m.pv.msgCursor {
			sel = len(out)
			head = m.st.selected.Render("> " + head)
		} else if m.canAct() {
			head = "  " + head
		}
		out = append(out, head)
		if title := safetext.Sanitize(msg.Title); title != "" {
			out = append(out, m.st.bold.Render(title))
		}
		body := ansi.Wrap(safetext.SanitizeMultiline(msg.Body), max(20, width-2), "")
		for _, l := range strings.Split(body, "\n") {
			out = append(out, "  "+l)
		}
	}
	return out, sel
}

// dateTime formats a moment in local time: "man 02.03 14:05".
func (m *Model) dateTime(at time.Time) string {
	l := at.In(m.opts.Loc)
	return m.t.date(l) + " " + l.Format("15:04")
}
