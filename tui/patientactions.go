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

// patientActionKeys are the action keys of the patient view that work now
// (none without Actions).
func (m *Model) patientActionKeys() []key.Binding {
	if !m.canAct() || !m.pv.loaded {
		return nil
	}
	k := m.keys
	var out []key.Binding
	if m.pv.pane == paneTasks && len(m.pv.detail.OpenTasks) > 0 {
		out = append(out, k.Ack)
	}
	if m.pv.pane == paneMessages {
		out = append(out, k.Reply, k.NewMsg)
		if m.selectedMessage() != nil {
			out = append(out, k.ReadToggle)
		}
	} else {
		out = append(out, k.NewMsg)
	}
	out = append(out, k.AckAll, k.Regime)
	if m.historyAvailable() {
		out = append(out, k.History)
	}
	out = append(out, k.Pause, k.Transfer, k.Note)
	return append(out, m.courseKeys()...)
}

// isActionKey reports whether msg is one of the patient view's action keys.
func (m *Model) isActionKey(msg tea.KeyPressMsg) bool {
	k := m.keys
	for _, b := range []key.Binding{k.Ack, k.AckAll, k.Reply, k.NewMsg, k.ReadToggle, k.Regime, k.Transfer, k.Note, k.Pause} {
		if key.Matches(msg, b) {
			return true
		}
	}
	return false
}

// patientAction starts the action of key msg in the patient view.
func (m *Model) patientAction(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	p := &m.pv
	switch {
	case key.Matches(msg, k.Ack):
		if p.pane != paneTasks {
			p.pane = paneTasks // x acts on the item under the cursor there
			return nil
		}
		if t := m.selectedTask(); t != nil {
			if t.Category == domain.TaskMissing {
				m.resolveForm(*t)
			} else {
				m.patientAckForm(domain.AckScope{Kind: domain.AckOne, TaskID: t.ID})
			}
		}
	case key.Matches(msg, k.AckAll):
		m.patientAckForm(domain.AckScope{Kind: domain.AckPatient, PatientID: p.id})
	case key.Matches(msg, k.Reply):
		m.openComposer(m.replyTarget())
	case key.Matches(msg, k.NewMsg):
		m.openComposer(nil)
	case key.Matches(msg, k.ReadToggle):
		if p.pane == paneMessages {
			return m.toggleRead()
		}
	case key.Matches(msg, k.Regime):
		if p.stale {
			p.regimeWhenLoaded = true
			return nil
		}
		m.regimeForm()
	case key.Matches(msg, k.Transfer):
		return m.startTransfer()
	case key.Matches(msg, k.Note):
		m.noteForm()
	case key.Matches(msg, k.Pause):
		m.pauseForm()
	}
	return nil
}

func (m *Model) selectedTask() *domain.Task {
	ts := m.pv.detail.OpenTasks
	if m.pv.taskCursor < 0 || m.pv.taskCursor >= len(ts) {
		return nil
	}
	return &ts[m.pv.taskCursor]
}

// selectedMessage is the message under the cursor when it is from the
// patient (only those have a read state the nurse sets).
func (m *Model) selectedMessage() *domain.Message {
	ms := m.pv.detail.Messages
	if m.pv.msgCursor < 0 || m.pv.msgCursor >= len(ms) || !ms[m.pv.msgCursor].FromPatient {
		return nil
	}
	return &ms[m.pv.msgCursor]
}

// replyTarget is the message a reply answers: the selected one in the
// messages pane, else the newest from the patient.
func (m *Model) replyTarget() *domain.Message {
	if m.pv.pane == paneMessages {
		if s := m.selectedMessage(); s != nil {
			return s
		}
	}
	ms := m.pv.detail.Messages
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].FromPatient {
			return &ms[i]
		}
	}
	return nil
}

// toggleRead marks the selected message read or unread.
func (m *Model) toggleRead() tea.Cmd {
	msg := m.selectedMessage()
	if msg == nil {
		return nil
	}
	id, read := msg.ID, !msg.Read
	flash := m.t.A.MarkedUnread
	if read {
		flash = m.t.A.MarkedRead
	}
	ctx, act := m.ctx, m.opts.Actions
	return m.runAction(m.dlg, flash, func() error {
		if err := act.MarkRead(ctx, id, read); err != nil {
			return fmt.Errorf("mark message read: %w", err)
		}
		return nil
	})
}

// cursorKey is how far a movement key moves an item cursor: ±1 for the
// arrows and j/k, ±a page for pgup/pgdn, to the first or last item for g/G
// (±cursorEnd); 0 for any other key.
func (m *Model) cursorKey(msg tea.KeyPressMsg) int {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		return -1
	case key.Matches(msg, k.Down):
		return 1
	case key.Matches(msg, k.PageUp):
		return -m.paneHeight()
	case key.Matches(msg, k.PageDown):
		return m.paneHeight()
	case key.Matches(msg, k.Home):
		return -cursorEnd
	case key.Matches(msg, k.End):
		return cursorEnd
	}
	return 0
}

// cursorEnd moves a cursor to the end of its list.
const cursorEnd = 1 << 30

// moveTaskCursor moves the open-items cursor by d within the list and
// scrolls the pane so it stays on screen.
func (m *Model) moveTaskCursor(d int) {
	p := &m.pv
	n := len(p.detail.OpenTasks)
	p.taskCursor = min(max(p.taskCursor+d, 0), max(0, n-1))
	p.scroll[paneTasks] = taskScroll(p.taskCursor, p.scroll[paneTasks], m.paneHeight())
}

// taskScroll is the scroll offset of the open-items pane (one line per
// item) that keeps cursor on screen, moving from off as little as needed.
func taskScroll(cursor, off, h int) int {
	if cursor < off {
		off = cursor
	}
	if cursor >= off+h {
		off = cursor - h + 1
	}
	return max(0, off)
}

// moveMsgCursor moves the message cursor by d and scrolls the thread so the
// selected message's heading is on screen.
func (m *Model) moveMsgCursor(d int) {
	p := &m.pv
	n := len(p.detail.Messages)
	p.msgCursor = min(max(p.msgCursor+d, 0), max(0, n-1))
	lines, at := m.messageLinesAt(m.width)
	h := m.paneHeight()
	top := min(p.scroll[paneMessages], max(0, len(lines)-h))
	if at >= 0 && at < top+1 {
		top = max(0, at-1)
	}
	if at >= top+h-1 {
		top = at - h + 2
	}
	p.scroll[paneMessages] = max(0, top)
}

// historyAvailable reports whether the version history can be shown.
func (m *Model) historyAvailable() bool {
	return m.opts.History != nil
}

// noteHeaderLine is the handover note shown in the patient header: the
// newest flagged (important or due) note, else the newest note, with the
// number of further notes.
func (m *Model) noteHeaderLine() string {
	notes := m.pv.detail.Notes
	if len(notes) == 0 {
		return ""
	}
	now := m.opts.Now()
	pick := len(notes) - 1
	for i := len(notes) - 1; i >= 0; i-- {
		if domain.NoteFlagged(notes[i], now) {
			pick = i
			break
		}
	}
	n := notes[pick]
	a := &m.t.A
	label := a.NoteLabel
	switch {
	case n.Important:
		label = a.NoteImportant
	case domain.NoteDue(n, now):
		label = a.NoteDue
	}
	lead := SymNote + " " + label + ": "
	text := strings.Join(strings.Fields(safetext.Sanitize(n.Text)), " ") // one line
	tail := " (" + safetext.Sanitize(n.Author) + ", " + m.t.date(n.Created.In(m.opts.Loc)) + ")"
	if n.Sync == domain.SyncPending {
		tail += " " + a.SyncMark[domain.SyncPending]
	}
	if more := len(notes) - 1; more > 0 {
		tail += " " + fmt.Sprintf(a.MoreNotes, more)
	}
	line := lead + text + tail
	if displayWidth(line) > m.width {
		// Cut the text, not who wrote it, and say where the rest is.
		tail += " · " + a.NotesPane
		text = truncate(text, max(10, m.width-displayWidth(lead+tail)))
		line = lead + text + tail
	}
	if domain.NoteFlagged(n, now) {
		return m.st.yellow.Render(line)
	}
	return line
}

// plannedCover describes the next planned cover: "planlagt: Klinik Vest
// dækker 07.07–25.07" (the last day shown is the day before the exclusive
// end).
func (t *texts) plannedCover(r domain.Responsibility, now time.Time, loc *time.Location) string {
	c, ok := r.NextCover(now)
	if !ok {
		return ""
	}
	return t.A.Planned + ": " + fmt.Sprintf(t.A.CoversPeriod, safetext.Sanitize(c.Team.Name), t.periodText(c.Period, loc))
}

// periodText is "07.07–25.07" for [7 July, 26 July).
func (t *texts) periodText(p domain.Period, loc *time.Location) string {
	from := p.From.In(loc).Format("02.01")
	if p.To.IsZero() {
		return from + "–"
	}
	return from + "–" + p.To.In(loc).Add(-time.Nanosecond).Format("02.01")
}

// noteLines is pane 6: every handover note, newest first, in full (the
// header shows only one, cut to the width), with author, date, whether it
// is important or a reminder, and its sync state.
func (m *Model) noteLines(width int) []string {
	notes := m.pv.detail.Notes
	if len(notes) == 0 {
		return []string{m.t.NoNotes}
	}
	a := &m.t.A
	now := m.opts.Now()
	var out []string
	for i := len(notes) - 1; i >= 0; i-- {
		n := notes[i]
		head := "── " + m.dateTime(n.Created) + " · " + safetext.Sanitize(n.Author)
		switch {
		case n.Important:
			head += " · " + SymNote + " " + a.NoteImportant
		case !n.Remind.IsZero():
			head += " · " + a.NoteDue + " " + m.t.date(n.Remind.In(m.opts.Loc))
		}
		if mark, ok := a.SyncMark[n.Sync]; ok && n.Sync != domain.SyncNone {
			head += " · " + mark
		}
		if domain.NoteFlagged(n, now) {
			head = m.st.yellow.Render(head)
		}
		out = append(out, head)
		body := ansi.Wrap(safetext.SanitizeMultiline(n.Text), max(20, width-2), "")
		for _, l := range strings.Split(body, "\n") {
			out = append(out, "  "+l)
		}
		out = append(out, "")
	}
	return out
}
