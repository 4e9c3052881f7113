package tui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// statusTickMsg redraws the status bar (the data's age, first-sync
// progress) and notices when the first sync brought new patients.
type statusTickMsg struct{}

// statusTick schedules the next status redraw; nil without Options.Status
// or with a negative StatusEvery.
func (m *Model) statusTick() tea.Cmd {
	if m.opts.Status == nil || m.opts.StatusEvery < 0 {
		return nil
	}
	return tea.Tick(m.nextStatusChange(m.opts.Status()), func(time.Time) tea.Msg { return statusTickMsg{} })
}

// idleRedraw is the longest an idle console leaves the screen undrawn:
// the worklist's ages of open items ("45 min") and the data's age are in
// whole minutes, so they are at most this much behind.
const idleRedraw = 10 * time.Second

// nextStatusChange is when the status bar (given status s) and the clock
// texts on screen are next to be redrawn: while no sync has completed, or
// one runs, every StatusEvery (its progress changes by the second);
// otherwise when the words for the data's age change (at each whole
// minute since the last sync), when the clock's minute turns, and at
// least every idleRedraw: an idle console redraws 6 to 8 times a minute,
// not every second. A round's end redraws by itself (the console's synced
// message). Never more often than StatusEvery.
func (m *Model) nextStatusChange(s console.SyncStatus) time.Duration {
	every := m.opts.StatusEvery
	if s.LastSync.IsZero() || s.FirstSync || s.Syncing {
		return every
	}
	now := m.opts.Now()
	d := min(idleRedraw, time.Minute-time.Duration(now.UnixNano()%int64(time.Minute)))
	if since := now.Sub(s.LastSync); since >= 0 {
		d = min(d, time.Minute-since%time.Minute)
	}
	return max(d, every)
}

// statusTicked reloads the worklist while the first sync stores patients
// and when it ends, so patients appear as they arrive; a refresh is not
// audited (see RefreshMsg).
func (m *Model) statusTicked() tea.Cmd {
	s := m.opts.Status()
	prev := m.lastStatus
	m.lastStatus = s
	cmds := []tea.Cmd{tea.Tick(m.nextStatusChange(s), func(time.Time) tea.Msg { return statusTickMsg{} })}
	if (prev.FirstSync && !s.FirstSync) || (s.FirstSync && s.Patients != prev.Patients) {
		cmds = append(cmds, m.refresh())
	}
	return tea.Batch(cmds...)
}

// syncStatus is the status now; ok is false without Options.Status. While
// the worklist on screen is still one loaded before the first sync ended
// (the reload that follows it is on its way), the first sync is reported
// as still running: the status bar never says "online, data from now"
// above a list that does not hold those data yet.
func (w *worklistScreen) syncStatus() (console.SyncStatus, bool) {
	if w.opts.Status == nil {
		return console.SyncStatus{}, false
	}
	s := w.opts.Status()
	if w.loaded && !s.FirstSync && !s.LastSync.IsZero() && (w.synced.FirstSync || w.synced.LastSync.IsZero()) {
		s.FirstSync = true
	}
	return s, true
}

// statusNow reads the sync status (zero without one); loads call it before
// they read the cache, so they know which sync the rows come from.
func statusNow(status func() console.SyncStatus) console.SyncStatus {
	if status == nil {
		return console.SyncStatus{}
	}
	return status()
}

// neverSynced reports that the cache holds no complete sync yet, so an
// empty worklist does not mean "no patients".
func (w *worklistScreen) neverSynced() (console.SyncStatus, bool) {
	s, ok := w.syncStatus()
	return s, ok && (s.FirstSync || s.LastSync.IsZero())
}

// stateText is the connection state in words, with its symbol, and
// whether it is a problem.
func (s *shared) stateText(st console.SyncStatus) (string, bool) {
	a := &s.t.Act
	state := st.State
	if state == console.ConnUnknown {
		switch {
		case st.Online:
			state = console.ConnOnline
		case st.LastAttempt.IsZero() && (st.Syncing || st.FirstSync):
			return "… " + a.Connecting, false
		case st.LastAttempt.IsZero() && st.LastSync.IsZero():
			return "… " + a.Connecting, false
		default:
			state = console.ConnOffline
		}
	}
	txt, ok := a.ConnState[state]
	if !ok {
		txt = string(state)
	}
	switch state {
	case console.ConnOnline:
		return "● " + txt, false
	case console.ConnOffline:
		return "○ " + txt, true
	case console.ConnBusy:
		// Not a fault: the other program is bringing the data up to date.
		return "◐ " + txt, false
	}
	return "✗ " + txt, true
}

// dataAge is "data fra 09:31, 3 t gamle" (a day before today: with the
// date), or "aldrig synkroniseret".
func (s *shared) dataAge(last time.Time) string {
	a := &s.t.Act
	if last.IsZero() {
		return a.NeverSynced
	}
	now := s.opts.Now()
	l, n := last.In(s.opts.Loc), now.In(s.opts.Loc)
	at := l.Format("15:04")
	if l.YearDay() != n.YearDay() || l.Year() != n.Year() {
		at = s.dateTime(last)
	}
	age := a.JustNow
	if now.Sub(last) >= time.Minute {
		age = fmt.Sprintf(a.AgeOld, s.t.age(last, now))
	}
	return fmt.Sprintf(a.DataFrom, at, age)
}

// statusLine is the sync status bar, or "" without Options.Status: the
// connection state in words (online, offline, access refused, server
// error, certificate problem), the outbox counts and the age of the data
// (or first-sync progress). When it does not fit the width, the state's
// explanation goes first, then the reason.
func (m *Model) statusLine() string {
	s, ok := m.worklist.syncStatus()
	if !ok {
		return ""
	}
	a := &m.t.Act
	var counts []string
	if s.Pending > 0 {
		counts = append(counts, fmt.Sprintf(a.PendingN, s.Pending))
	}
	if s.Failed > 0 {
		counts = append(counts, m.st.err.Render(fmt.Sprintf(a.FailedN, s.Failed)))
	}
	if s.Conflicts > 0 {
		counts = append(counts, m.st.err.Render(a.ConflictsN(s.Conflicts)))
	}
	age := m.dataAge(s.LastSync)
	if s.FirstSync {
		age = fmt.Sprintf(a.FirstSyncProgress, s.Resources, s.Patients)
	}
	full, bad := m.stateText(s)
	short := full
	if i := strings.Index(full, ":"); i > 0 {
		short = full[:i]
	}
	detail := ""
	if d := strings.TrimSpace(safetext.Sanitize(s.Detail)); bad && d != "" {
		detail = " (" + truncate(d, 40) + ")"
	}
	var line string
	for _, state := range []string{full + detail, full, short + detail, short} {
		st := state
		if bad {
			st = m.st.err.Render(state)
		}
		parts := append([]string{st}, counts...)
		parts = append(parts, age)
		line = m.st.dim.Render("─ ") + strings.Join(parts, m.st.dim.Render(" · "))
		if displayWidth(line) <= m.width {
			break
		}
	}
	return line
}

// emptyWorklistText is what an empty worklist says: never "no patients"
// while the cache has not been synced once.
func (w *worklistScreen) emptyWorklistText() string {
	s, never := w.neverSynced()
	if !never {
		return w.t.NoRows
	}
	a := &w.t.Act
	if s.FirstSync || s.Syncing {
		return fmt.Sprintf(a.FirstSyncRunning, s.Resources, s.Patients)
	}
	state, _ := w.stateText(s)
	return fmt.Sprintf(a.NoDataYet, state)
}

// patientCount is the header's patient count; while the cache has never
// been synced it says so instead of "0 borgere".
func (w *worklistScreen) patientCount(n int) string {
	s, never := w.neverSynced()
	switch {
	case !never:
		return w.t.Patients(n)
	case (s.FirstSync || s.Syncing) && n == 0:
		return w.t.Act.FirstSyncShort
	case s.FirstSync || s.Syncing:
		return w.t.Patients(n) + " …" // more are coming
	case n == 0:
		return w.t.Act.NoDataShort
	}
	return w.t.Patients(n)
}
