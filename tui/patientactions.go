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
func (p *patientScreen) actionKeys() []key.Binding {
	if !p.canAct() || !p.loaded {
		return nil
	}
	k := p.keys
	var out []key.Binding
	if p.pane == paneTasks && len(p.detail.OpenTasks) > 0 {
		out = append(out, k.Ack)
	}
	if p.pane == paneMessages {
		out = append(out, k.Reply, k.NewMsg)
		if p.selectedMessage() != nil {
			out = append(out, k.ReadToggle)
		}
	} else {
		out = append(out, k.NewMsg)
	}
	out = append(out, k.AckAll, k.Regime)
	if p.historyAvailable() {
		out = append(out, k.History)
	}
	out = append(out, k.Pause, k.Transfer, k.Note)
	return append(out, p.courseKeys()...)
}

// isActionKey reports whether msg is one of the patient view's action keys.
func (s *shared) isActionKey(msg tea.KeyPressMsg) bool {
	k := s.keys
	for _, b := range []key.Binding{k.Ack, k.AckAll, k.Reply, k.NewMsg, k.ReadToggle, k.Regime, k.Transfer, k.Note, k.Pause} {
		if key.Matches(msg, b) {
			return true
		}
	}
	return false
}

// action starts the action of key msg: the dialog it opens, or a command.
func (p *patientScreen) action(msg tea.KeyPressMsg) (component, tea.Cmd) {
	k := p.keys
	switch {
	case key.Matches(msg, k.Ack):
		if p.pane != paneTasks {
			p.pane = paneTasks // x acts on the item under the cursor there
			return p, nil
		}
		if t := p.selectedTask(); t != nil {
			if t.Category == domain.TaskMissing {
				return p.resolveForm(*t), nil
			}
			return p.ackForm(domain.AckScope{Kind: domain.AckOne, TaskID: t.ID}), nil
		}
	case key.Matches(msg, k.AckAll):
		return p.ackForm(domain.AckScope{Kind: domain.AckPatient, PatientID: p.id}), nil
	case key.Matches(msg, k.Reply):
		return p.composer(p.replyTarget()), nil
	case key.Matches(msg, k.NewMsg):
		return p.composer(nil), nil
	case key.Matches(msg, k.ReadToggle):
		if p.pane == paneMessages {
			return p, p.toggleRead()
		}
	case key.Matches(msg, k.Regime):
		if p.stale {
			p.regimeWhenLoaded = true
			return p, nil
		}
		return p.regimeForm(), nil
	case key.Matches(msg, k.Transfer):
		return p, p.startTransfer()
	case key.Matches(msg, k.Note):
		return p.noteForm(), nil
	case key.Matches(msg, k.Pause):
		return p.pauseForm(), nil
	}
	return p, nil
}

func (p *patientScreen) selectedTask() *domain.Task {
	ts := p.detail.OpenTasks
	if p.taskCursor < 0 || p.taskCursor >= len(ts) {
		return nil
	}
	return &ts[p.taskCursor]
}

// selectedMessage is the message under the cursor when it is from the
// patient (only those have a read state the nurse sets).
func (p *patientScreen) selectedMessage() *domain.Message {
	ms := p.detail.Messages
	if p.msgCursor < 0 || p.msgCursor >= len(ms) || !ms[p.msgCursor].FromPatient {
		return nil
	}
	return &ms[p.msgCursor]
}

// replyTarget is the message a reply answers: the selected one in the
// messages pane, else the newest from the patient.
func (p *patientScreen) replyTarget() *domain.Message {
	if p.pane == paneMessages {
		if s := p.selectedMessage(); s != nil {
			return s
		}
	}
	ms := p.detail.Messages
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].FromPatient {
			return &ms[i]
		}
	}
	return nil
}

// toggleRead marks the selected message read or unread.
func (p *patientScreen) toggleRead() tea.Cmd {
	msg := p.selectedMessage()
	if msg == nil {
		return nil
	}
	id, read := msg.ID, !msg.Read
	flash := p.t.Act.MarkedUnread
	if read {
		flash = p.t.Act.MarkedRead
	}
	ctx, act := p.ctx, p.opts.Actions
	return p.runAction(nil, flash, func() error {
		if err := act.MarkRead(ctx, id, read); err != nil {
			return fmt.Errorf("mark message read: %w", err)
		}
		return nil
	})
}

// cursorKey is how far a movement key moves an item cursor: ±1 for the
// arrows and j/k, ±a page for pgup/pgdn, to the first or last item for g/G
// (±cursorEnd); 0 for any other key.
func (p *patientScreen) cursorKey(msg tea.KeyPressMsg) int {
	k := p.keys
	switch {
	case key.Matches(msg, k.Up):
		return -1
	case key.Matches(msg, k.Down):
		return 1
	case key.Matches(msg, k.PageUp):
		return -p.paneHeight()
	case key.Matches(msg, k.PageDown):
		return p.paneHeight()
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
func (p *patientScreen) moveTaskCursor(d int) {
	n := len(p.detail.OpenTasks)
	p.taskCursor = min(max(p.taskCursor+d, 0), max(0, n-1))
	p.scroll[paneTasks] = taskScroll(p.taskCursor, p.scroll[paneTasks], p.paneHeight())
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
func (p *patientScreen) moveMsgCursor(d int) {
	n := len(p.detail.Messages)
	p.msgCursor = min(max(p.msgCursor+d, 0), max(0, n-1))
	lines, at := p.messageLinesAt(p.width)
	h := p.paneHeight()
	top := min(p.scroll[paneMessages], max(0, len(lines)-h))
	if at >= 0 && at < top+1 {
		top = max(0, at-1)
	}
	if at >= top+h-1 {
		top = at - h + 2
	}
	p.scroll[paneMessages] = max(0, top)
}

// noteHeaderLine is the handover note shown in the patient header: the
// newest flagged (important or due) note, else the newest note, with the
// number of further notes.
func (p *patientScreen) noteHeaderLine() string {
	notes := p.detail.Notes
	if len(notes) == 0 {
		return ""
	}
	now := p.opts.Now()
	pick := len(notes) - 1
	for i := len(notes) - 1; i >= 0; i-- {
		if domain.NoteFlagged(notes[i], now) {
			pick = i
			break
		}
	}
	n := notes[pick]
	a := &p.t.Act
	label := a.NoteLabel
	switch {
	case n.Important:
		label = a.NoteImportant
	case domain.NoteDue(n, now):
		label = a.NoteDue
	}
	lead := SymNote + " " + label + ": "
	text := strings.Join(strings.Fields(safetext.Sanitize(n.Text)), " ") // one line
	tail := " (" + p.person(n.Author) + ", " + p.t.date(n.Created.In(p.opts.Loc)) + ")"
	if n.Sync == domain.SyncPending {
		tail += " " + a.SyncMark[domain.SyncPending]
	}
	if more := len(notes) - 1; more > 0 {
		tail += " " + fmt.Sprintf(a.MoreNotes, more)
	}
	line := lead + text + tail
	if displayWidth(line) > p.width {
		// Cut the text, not who wrote it, and say where the rest is.
		tail += " · " + a.NotesPane
		text = truncate(text, max(10, p.width-displayWidth(lead+tail)))
		line = lead + text + tail
	}
	if domain.NoteFlagged(n, now) {
		return p.st.yellow.Render(line)
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
	return t.Act.Planned + ": " + fmt.Sprintf(t.Act.CoversPeriod, safetext.Sanitize(c.Team.Name), t.periodText(c.Period, loc))
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
func (p *patientScreen) noteLines(width int) []string {
	notes := p.detail.Notes
	if len(notes) == 0 {
		return []string{p.t.NoNotes}
	}
	a := &p.t.Act
	now := p.opts.Now()
	var out []string
	for i := len(notes) - 1; i >= 0; i-- {
		n := notes[i]
		head := "── " + p.dateTime(n.Created) + " · " + p.person(n.Author)
		switch {
		case n.Important:
			head += " · " + SymNote + " " + a.NoteImportant
		case !n.Remind.IsZero():
			head += " · " + a.NoteDue + " " + p.t.date(n.Remind.In(p.opts.Loc))
		}
		if mark, ok := a.SyncMark[n.Sync]; ok && n.Sync != domain.SyncNone {
			head += " · " + mark
		}
		if domain.NoteFlagged(n, now) {
			head = p.st.yellow.Render(head)
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
