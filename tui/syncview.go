package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// The "Synk-problemer" screen: changes the central did not take as they
// were, each shown with the nurse's version beside the central's, and the
// nurse's explicit choice to keep hers or theirs. Opened with S when
// Options.Actions implements console.SyncResolver.

// syncProblems is what the console keeps about sync problems: the
// already-done outcomes seen (flashed once); the number of unsettled ones
// is shared (status.syncProblems) for the components' key help.
type syncProblems struct {
	seeded bool
	seen   map[string]bool
}

// syncProblemsMsg carries loaded problems; open shows them in the screen.
type syncProblemsMsg struct {
	problems []console.SyncProblem
	err      error
	open     bool
}

// syncProblemKeys is the S binding when the screen is available.
func (s *shared) syncProblemKeys() []key.Binding {
	if s.opts.Resolver == nil {
		return nil
	}
	return []key.Binding{s.keys.SyncProblems}
}

// syncShortKeys is the S binding for the footer while problems are known.
func (s *shared) syncShortKeys() []key.Binding {
	if s.opts.Resolver == nil || s.syncProblems == 0 {
		return nil
	}
	return []key.Binding{s.keys.SyncProblems}
}

// loadSyncProblems reads the problems in the background.
func (s *shared) loadSyncProblems(open bool) tea.Cmd {
	r := s.opts.Resolver
	if r == nil {
		return nil
	}
	ctx, book, namer := s.ctx, s.names, s.opts.Names
	return func() tea.Msg {
		ps, err := r.SyncProblems(ctx)
		if err != nil {
			return syncProblemsMsg{err: fmt.Errorf("load sync problems: %w", err), open: open}
		}
		book.learn(ctx, namer, syncPeople(ps)...)
		return syncProblemsMsg{problems: ps, open: open}
	}
}

// syncProblemsLoaded counts the problems, flashes new already-done
// outcomes (not those found at start) and updates an open screen, or
// opens it when asked (S).
func (m *Model) syncProblemsLoaded(msg syncProblemsMsg) tea.Cmd {
	if msg.err != nil {
		if msg.open {
			m.err = msg.err.Error()
		}
		return nil
	}
	if m.problems.seen == nil {
		m.problems.seen = map[string]bool{}
	}
	m.syncProblems = 0
	st := syncCatalog(m.opts.Lang)
	for _, p := range msg.problems {
		if p.State != console.SyncAlreadyDone {
			m.syncProblems++
			continue
		}
		if !m.problems.seen[p.UUID] && m.problems.seeded {
			m.flash = fmt.Sprintf(st.AlreadyDoneFlash, m.person(p.By), m.clock(p.DoneAt))
		}
		m.problems.seen[p.UUID] = true
	}
	m.problems.seeded = true
	switch m.dialog.(type) {
	case *syncListView, *syncDetailView:
		return m.route(m.dialog, msg)
	}
	if msg.open && m.dialog == nil {
		l := &syncListView{shared: m.shared}
		l.set(msg.problems)
		m.dialog = l
	}
	return nil
}

// what phrases what the nurse did.
func (s *shared) syncWhat(p console.SyncProblem) string {
	st := syncCatalog(s.opts.Lang)
	reading := s.t.KindShort[p.Kind]
	if p.HasValue {
		reading += " " + s.t.value(p.Kind, p.Value, p.Value2)
	}
	switch p.Change {
	case console.SyncChangeAck, console.SyncChangeAssessment:
		return fmt.Sprintf(st.WhatAck, reading)
	case console.SyncChangeResolve:
		return fmt.Sprintf(st.WhatResolve, s.t.KindShort[p.Kind])
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
		return fmt.Sprintf(s.t.Course.WhatEnrol, safetext.Sanitize(p.Title))
	}
	return fmt.Sprintf(st.WhatOther, safetext.Sanitize(p.ResourceType))
}

// syncState phrases a problem's state.
func (s *shared) syncState(p console.SyncProblem) string {
	st := syncCatalog(s.opts.Lang)
	switch p.State {
	case console.SyncConflict:
		return s.st.err.Render(st.StateConflict)
	case console.SyncFailed:
		return s.st.err.Render(st.StateFailed)
	}
	return fmt.Sprintf(st.AlreadyDoneFlash, s.person(p.By), s.clock(p.DoneAt))
}

// syncListView lists the problems.
type syncListView struct {
	*shared
	box
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

// Update moves in the list, opens a problem, and shows a reloaded list.
func (v *syncListView) Update(msg tea.Msg) (component, tea.Cmd) {
	switch msg := msg.(type) {
	case syncProblemsMsg:
		v.set(msg.problems)
	case tea.KeyPressMsg:
		k := v.keys
		switch {
		case key.Matches(msg, k.Back):
			return nil, nil
		case key.Matches(msg, k.Up):
			v.cursor = max(0, v.cursor-1)
		case key.Matches(msg, k.Down):
			v.cursor = min(max(0, len(v.problems)-1), v.cursor+1)
		case key.Matches(msg, k.Open) && len(v.problems) > 0:
			return &syncDetailView{shared: v.shared, list: v, p: v.problems[v.cursor]}, nil
		}
	}
	return v, nil
}

func (v *syncListView) ShortHelp() []key.Binding {
	return []key.Binding{v.keys.Move, v.keys.Open, v.keys.Back}
}

func (v *syncListView) FullHelp() [][]key.Binding {
	return [][]key.Binding{v.ShortHelp(), {v.keys.ForceQuit}}
}

func (v *syncListView) View() string {
	h := v.h
	st := syncCatalog(v.opts.Lang)
	out := []string{v.st.bold.Render(st.Title), ""}
	if len(v.problems) == 0 {
		return strings.Join(append(out, v.st.dim.Render(st.None)), "\n")
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
		out = append(out, mark+v.st.bold.Render(name)+" · "+v.syncWhat(p)+" · "+v.dateTime(p.At))
		out = append(out, "    "+v.syncState(p))
	}
	return strings.Join(out, "\n")
}

// syncDetailView shows one problem, the nurse's version beside the
// central's, and asks before keeping either.
type syncDetailView struct {
	*shared
	box
	list    *syncListView
	p       console.SyncProblem
	scroll  int
	confirm int // 0 none, 1 keep mine, 2 keep theirs
}

func (v *syncDetailView) inline() bool { return false }

func (v *syncDetailView) actionable() bool { return v.p.State != console.SyncAlreadyDone }

// mineKey keeps the nurse's change ("retry" for a failed one).
func (v *syncDetailView) mineKey() key.Binding {
	b := v.keys.SyncKeepMine
	if v.p.State == console.SyncFailed {
		b.SetHelp(b.Help().Key, syncCatalog(v.opts.Lang).Retry)
	}
	return b
}

// theirsKey keeps the central's version ("discard" for a failed change).
func (v *syncDetailView) theirsKey() key.Binding {
	b := v.keys.SyncKeepTheirs
	if v.p.State == console.SyncFailed {
		b.SetHelp(b.Help().Key, syncCatalog(v.opts.Lang).Discard)
	}
	return b
}

// Update scrolls, asks before keeping either version, settles the
// problem, and follows a reloaded list: a background refresh does not move
// the nurse: she stays on the change she is reading while it is still
// unsettled; a choice she was asked to confirm is asked again if the
// central's version changed meanwhile. Settled elsewhere: back to the list.
func (v *syncDetailView) Update(msg tea.Msg) (component, tea.Cmd) {
	switch msg := msg.(type) {
	case syncProblemsMsg:
		v.list.set(msg.problems)
		p, ok := findProblem(msg.problems, v.p.UUID)
		if !ok {
			return v.list, nil
		}
		if p.Theirs.Version != v.p.Theirs.Version {
			v.confirm = 0
		}
		v.p = p
		return v, nil
	case tea.KeyPressMsg:
		return v.updateKey(msg)
	}
	return v, nil
}

func (v *syncDetailView) updateKey(msg tea.KeyPressMsg) (component, tea.Cmd) {
	k := v.keys
	if v.confirm != 0 {
		switch {
		case key.Matches(msg, k.Yes):
			keep := v.confirm == 1
			v.confirm = 0
			r, ctx, id := v.opts.Resolver, v.ctx, v.p.UUID
			book, namer := v.names, v.opts.Names
			return v, func() tea.Msg {
				if err := r.ResolveConflict(ctx, id, keep); err != nil {
					return syncProblemsMsg{err: fmt.Errorf("resolve sync problem: %w", err), open: true}
				}
				ps, err := r.SyncProblems(ctx)
				book.learn(ctx, namer, syncPeople(ps)...)
				return syncProblemsMsg{problems: ps, err: err, open: true}
			}
		case key.Matches(msg, k.No):
			v.confirm = 0
		}
		return v, nil
	}
	switch {
	case key.Matches(msg, k.Back):
		return v.list, nil
	case key.Matches(msg, k.Up):
		v.scroll = max(0, v.scroll-1)
	case key.Matches(msg, k.Down):
		v.scroll++
	case v.actionable() && key.Matches(msg, v.mineKey()):
		v.confirm = 1
	case v.actionable() && key.Matches(msg, v.theirsKey()):
		v.confirm = 2
	}
	return v, nil
}

func (v *syncDetailView) ShortHelp() []key.Binding {
	if v.confirm != 0 {
		return v.confirmKeys()
	}
	b := []key.Binding{v.keys.Move}
	if v.actionable() {
		b = append(b, v.mineKey(), v.theirsKey())
	}
	return append(b, v.keys.Back)
}

func (v *syncDetailView) FullHelp() [][]key.Binding {
	if v.confirm != 0 {
		return [][]key.Binding{v.confirmKeys()}
	}
	return [][]key.Binding{v.ShortHelp(), {v.keys.ForceQuit}}
}

func (v *syncDetailView) View() string {
	w, h := v.w, v.h
	st := syncCatalog(v.opts.Lang)
	p := v.p
	name := safetext.Sanitize(p.PatientName)
	if name == "" {
		name = safetext.Sanitize(p.PatientID)
	}
	head := []string{
		v.st.bold.Render(name) + " · " + v.syncWhat(p) + " · " + v.dateTime(p.At),
		v.syncState(p),
	}
	if p.Error != "" {
		head = append(head, v.st.dim.Render(safetext.Sanitize(p.Error)))
	}
	var body []string
	if p.State == console.SyncConflict {
		colW := max(20, (w-3)/2)
		left := append([]string{v.st.bold.Render(fmt.Sprintf(st.Mine, safetext.Sanitize(p.Mine.Version)))}, v.syncSide(p.Mine)...)
		right := append([]string{v.st.bold.Render(fmt.Sprintf(st.Theirs, v.person(p.Theirs.Author), safetext.Sanitize(p.Theirs.Version)))},
			v.syncSide(p.Theirs)...)
		body = append(body, sideBySide(left, right, colW)...)
	}
	var foot []string
	switch v.confirm {
	case 1:
		foot = []string{v.st.err.Render(st.ConfirmMine + " " + v.confirmHint())}
	case 2:
		foot = []string{v.st.err.Render(st.ConfirmTheirs + " " + v.confirmHint())}
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
	return strings.Join(out, "\n")
}

// syncSide renders one version: a regime as the regime form's summary,
// otherwise its lines.
func (s *shared) syncSide(ver console.SyncVersion) []string {
	if ver.Regime != nil {
		return s.regimeSummary(*ver.Regime)
	}
	out := make([]string, 0, len(ver.Lines))
	for _, l := range ver.Lines {
		out = append(out, safetext.Sanitize(l))
	}
	if len(out) == 0 {
		out = append(out, s.st.dim.Render("–"))
	}
	return out
}
