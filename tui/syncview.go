package tui

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// The "Synk-problemer" screen: changes the central did not take as they
// were, each shown with the nurse's version beside the central's, and the
// nurse's explicit choice to keep hers or theirs. Opened with S when
// Options.Actions implements console.SyncResolver.

// syncProblemsState is what the model keeps about sync problems: the
// already-done outcomes seen (flashed once), and the last count.
type syncProblemsState struct {
	seeded bool
	seen   map[string]bool
	count  int
}

// syncProblemsMsg carries loaded problems; open shows them in the screen.
type syncProblemsMsg struct {
	problems []console.SyncProblem
	err      error
	open     bool
}

func (m *Model) resolver() console.SyncResolver { return m.opts.Resolver }

func (m *Model) syncKey() key.Binding {
	return key.NewBinding(key.WithKeys("S"), key.WithHelp("S", syncCatalog(m.opts.Lang).Key))
}

// syncProblemKeys is the S binding when the screen is available.
func (m *Model) syncProblemKeys() []key.Binding {
	if m.resolver() == nil {
		return nil
	}
	return []key.Binding{m.syncKey()}
}

// syncShortKeys is the S binding for the footer while problems are known.
func (m *Model) syncShortKeys() []key.Binding {
	if m.resolver() == nil || m.sp.count == 0 {
		return nil
	}
	return []key.Binding{m.syncKey()}
}

// loadSyncProblems reads the problems in the background.
func (m *Model) loadSyncProblems(open bool) tea.Cmd {
	r := m.resolver()
	if r == nil {
		return nil
	}
	ctx := m.ctx
	return func() tea.Msg {
		ps, err := r.SyncProblems(ctx)
		if err != nil {
			return syncProblemsMsg{err: fmt.Errorf("load sync problems: %w", err), open: open}
		}
		return syncProblemsMsg{problems: ps, open: open}
	}
}

// openSyncProblems handles S outside dialogs.
func (m *Model) openSyncProblems(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if m.resolver() == nil || !key.Matches(msg, m.syncKey()) || m.wl.filtering {
		return nil, false
	}
	return m.loadSyncProblems(true), true
}

// syncProblemsLoaded flashes new already-done outcomes (not those found at
// start) and updates an open screen.
func (m *Model) syncProblemsLoaded(msg syncProblemsMsg) tea.Cmd {
	if msg.err != nil {
		if msg.open {
			m.err = msg.err.Error()
		}
		return nil
	}
	if m.sp.seen == nil {
		m.sp.seen = map[string]bool{}
	}
	m.sp.count = 0
	st := syncCatalog(m.opts.Lang)
	for _, p := range msg.problems {
		if p.State != console.SyncAlreadyDone {
			m.sp.count++
			continue
		}
		if !m.sp.seen[p.UUID] && m.sp.seeded {
			m.flash = fmt.Sprintf(st.AlreadyDoneFlash, safetext.Sanitize(p.By), m.clock(p.DoneAt))
		}
		m.sp.seen[p.UUID] = true
	}
	m.sp.seeded = true
	switch v := m.dlg.(type) {
	case *syncListView:
		v.set(msg.problems)
	case *syncDetailView:
		// A background refresh does not move the nurse: she stays on the
		// change she is reading while it is still unsettled; a choice she
		// was asked to confirm is asked again if the central's version
		// changed meanwhile. Settled elsewhere: back to the list.
		v.list.set(msg.problems)
		if p, ok := findProblem(msg.problems, v.p.UUID); ok {
			if p.Theirs.Version != v.p.Theirs.Version {
				v.confirm = 0
			}
			v.p = p
		} else {
			m.dlg = v.list
		}
	default:
		if msg.open && m.dlg == nil {
			l := &syncListView{}
			l.set(msg.problems)
			m.dlg = l
		}
	}
	return nil
}

func (m *Model) clock(t time.Time) string { return t.In(m.opts.Loc).Format("15:04") }

// what phrases what the nurse did.
func (m *Model) syncWhat(p console.SyncProblem) string {
	st := syncCatalog(m.opts.Lang)
	reading := m.t.KindShort[p.Kind]
	if p.HasValue {
		reading += " " + m.t.value(p.Kind, p.Value, p.Value2)
	}
	switch p.Change {
	case console.SyncChangeAck, console.SyncChangeAssessment:
		return fmt.Sprintf(st.WhatAck, reading)
	case console.SyncChangeResolve:
		return fmt.Sprintf(st.WhatResolve, m.t.KindShort[p.Kind])
	case console.SyncChangeRegime:
		return st.WhatRegime
	case console.SyncChangeMessage:
		return fmt.Sprintf(st.WhatMessage, safetext.Sanitize(p.Title))
	case console.SyncChangeReadState:
		return st.WhatRead
	case console.SyncChangeEpisode:
		return st.WhatEpisode
	case console.SyncChangeNote:
		return st.WhatNote
	case console.SyncChangeEnrol:
		return fmt.Sprintf(m.t.C.WhatEnrol, safetext.Sanitize(p.Title))
	}
	return fmt.Sprintf(st.WhatOther, safetext.Sanitize(p.ResourceType))
}

// syncState phrases a problem's state.
func (m *Model) syncState(p console.SyncProblem) string {
	st := syncCatalog(m.opts.Lang)
	switch p.State {
	case console.SyncConflict:
		return m.st.err.Render(st.StateConflict)
	case console.SyncFailed:
		return m.st.err.Render(st.StateFailed)
	}
	return fmt.Sprintf(st.AlreadyDoneFlash, safetext.Sanitize(p.By), m.clock(p.DoneAt))
}

// syncListView lists the problems.
type syncListView struct {
	problems []console.SyncProblem
	cursor   int
}

// set shows a reloaded list, the cursor kept on the same change when it
// is still there.
func (v *syncListView) set(ps []console.SyncProblem) {
	cur := ""
	if v.cursor >= 0 && v.cursor < len(v.problems) {
		cur = v.problems[v.cursor].UUID
	}
	v.problems = ps
	for i, p := range ps {
		if cur != "" && p.UUID == cur {
			v.cursor = i
			return
		}
	}
	v.cursor = min(v.cursor, max(0, len(ps)-1))
}

// findProblem is the problem with uuid in ps.
func findProblem(ps []console.SyncProblem, uuid string) (console.SyncProblem, bool) {
	for _, p := range ps {
		if p.UUID == uuid {
			return p, true
		}
	}
	return console.SyncProblem{}, false
}

func (v *syncListView) inline() bool { return false }

func (v *syncListView) update(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.Back):
		return true, nil
	case key.Matches(msg, m.keys.Up):
		v.cursor = max(0, v.cursor-1)
	case key.Matches(msg, m.keys.Down):
		v.cursor = min(max(0, len(v.problems)-1), v.cursor+1)
	case key.Matches(msg, m.keys.Open) && len(v.problems) > 0:
		m.dlg = &syncDetailView{list: v, p: v.problems[v.cursor]}
	}
	return false, nil
}

func (v *syncListView) keys(m *Model) helpKeys {
	b := []key.Binding{m.keys.Move, m.keys.Open, m.keys.Back}
	return helpKeys{short: b, full: [][]key.Binding{b, {m.keys.ForceQuit}}}
}

func (v *syncListView) lines(m *Model, w, h int) []string {
	st := syncCatalog(m.opts.Lang)
	out := []string{m.st.bold.Render(st.Title), ""}
	if len(v.problems) == 0 {
		return append(out, m.st.dim.Render(st.None))
	}
	// Two lines per problem; scroll so the cursor shows.
	per := max(1, (h-2)/2)
	first := max(0, v.cursor-per+1)
	for i := first; i < len(v.problems) && len(out)+2 <= h; i++ {
		p := v.problems[i]
		mark := "  "
		if i == v.cursor {
			mark = "▶ "
		}
		name := safetext.Sanitize(p.PatientName)
		if name == "" {
			name = safetext.Sanitize(p.PatientID)
		}
		out = append(out, mark+m.st.bold.Render(name)+" · "+m.syncWhat(p)+" · "+m.dateTime(p.At))
		out = append(out, "    "+m.syncState(p))
	}
	return out
}

// syncDetailView shows one problem, the nurse's version beside the
// central's, and asks before keeping either.
type syncDetailView struct {
	list    *syncListView
	p       console.SyncProblem
	scroll  int
	confirm int // 0 none, 1 keep mine, 2 keep theirs
	err     string
}

func (v *syncDetailView) inline() bool { return false }

func (v *syncDetailView) actionable() bool { return v.p.State != console.SyncAlreadyDone }

func (v *syncDetailView) mineKey(m *Model) key.Binding {
	st := syncCatalog(m.opts.Lang)
	desc := st.KeepMine
	if v.p.State == console.SyncFailed {
		desc = st.Retry
	}
	return key.NewBinding(key.WithKeys("m"), key.WithHelp("m", desc))
}

func (v *syncDetailView) theirsKey(m *Model) key.Binding {
	st := syncCatalog(m.opts.Lang)
	desc := st.KeepTheirs
	if v.p.State == console.SyncFailed {
		desc = st.Discard
	}
	return key.NewBinding(key.WithKeys("t"), key.WithHelp("t", desc))
}

func (v *syncDetailView) update(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) {
	if v.confirm != 0 {
		switch {
		case key.Matches(msg, m.keys.Yes):
			keep := v.confirm == 1
			v.confirm = 0
			r, ctx, id := m.resolver(), m.ctx, v.p.UUID
			return false, func() tea.Msg {
				if err := r.ResolveConflict(ctx, id, keep); err != nil {
					return syncProblemsMsg{err: fmt.Errorf("resolve sync problem: %w", err), open: true}
				}
				ps, err := r.SyncProblems(ctx)
				return syncProblemsMsg{problems: ps, err: err, open: true}
			}
		case key.Matches(msg, m.keys.No):
			v.confirm = 0
		}
		return false, nil
	}
	switch {
	case key.Matches(msg, m.keys.Back):
		m.dlg = v.list
	case key.Matches(msg, m.keys.Up):
		v.scroll = max(0, v.scroll-1)
	case key.Matches(msg, m.keys.Down):
		v.scroll++
	case v.actionable() && key.Matches(msg, v.mineKey(m)):
		v.confirm = 1
	case v.actionable() && key.Matches(msg, v.theirsKey(m)):
		v.confirm = 2
	}
	return false, nil
}

func (v *syncDetailView) keys(m *Model) helpKeys {
	if v.confirm != 0 {
		b := []key.Binding{m.keys.Yes, m.keys.No}
		return helpKeys{short: b, full: [][]key.Binding{b}}
	}
	b := []key.Binding{m.keys.Move}
	if v.actionable() {
		b = append(b, v.mineKey(m), v.theirsKey(m))
	}
	b = append(b, m.keys.Back)
	return helpKeys{short: b, full: [][]key.Binding{b, {m.keys.ForceQuit}}}
}

func (v *syncDetailView) lines(m *Model, w, h int) []string {
	st := syncCatalog(m.opts.Lang)
	p := v.p
	name := safetext.Sanitize(p.PatientName)
	if name == "" {
		name = safetext.Sanitize(p.PatientID)
	}
	head := []string{
		m.st.bold.Render(name) + " · " + m.syncWhat(p) + " · " + m.dateTime(p.At),
		m.syncState(p),
	}
	if p.Error != "" {
		head = append(head, m.st.dim.Render(safetext.Sanitize(p.Error)))
	}
	var body []string
	if p.State == console.SyncConflict {
		colW := max(20, (w-3)/2)
		left := append([]string{m.st.bold.Render(fmt.Sprintf(st.Mine, safetext.Sanitize(p.Mine.Version)))}, m.syncSide(p.Mine)...)
		right := append([]string{m.st.bold.Render(fmt.Sprintf(st.Theirs, safetext.Sanitize(p.Theirs.Author), safetext.Sanitize(p.Theirs.Version)))},
			m.syncSide(p.Theirs)...)
		body = append(body, sideBySide(left, right, colW)...)
	}
	var foot []string
	switch v.confirm {
	case 1:
		foot = []string{m.st.err.Render(st.ConfirmMine)}
	case 2:
		foot = []string{m.st.err.Render(st.ConfirmTheirs)}
	}
	room := max(1, h-len(head)-len(foot)-1)
	v.scroll = min(v.scroll, max(0, len(body)-room))
	end := min(len(body), v.scroll+room)
	out := append(head, "")
	out = append(out, body[v.scroll:end]...)
	out = append(out, foot...)
	if len(out) > h {
		out = out[:h]
	}
	return out
}

// syncSide renders one version: a regime as the regime form's summary,
// otherwise its lines.
func (m *Model) syncSide(s console.SyncVersion) []string {
	if s.Regime != nil {
		return m.regimeSummary(*s.Regime)
	}
	out := make([]string, 0, len(s.Lines))
	for _, l := range s.Lines {
		out = append(out, safetext.Sanitize(l))
	}
	if len(out) == 0 {
		out = append(out, m.st.dim.Render("–"))
	}
	return out
}
