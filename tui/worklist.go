package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// worklistScreen is the worklist: the patients ordered by what needs a
// look, a search, and the keys that act on the patients shown.
type worklistScreen struct {
	*shared
	box

	rows    []domain.WorklistRow // ordered by domain.OrderWorklist
	names   []string             // sanitized, lower-case names for the filter
	cprs    []string             // CPR digits for the filter
	visible []int                // indices into rows that pass the filter
	all     bool
	loaded  bool
	cursor  int // index into visible
	offset  int // first visible row on screen

	filter    textinput.Model
	filtering bool

	// wantAll is the mode last asked for (the all/open toggle), which a
	// background refresh keeps even before that load arrives.
	wantAll bool
	// synced is the sync status when the rows on screen were loaded.
	synced console.SyncStatus

	// The column layout depends on the visible rows and the width only; it
	// is kept until either changes (gen counts changes of the rows).
	gen      int
	lay      worklistLayout
	layKey   [2]int // gen, width
	hasLayer bool
}

func newWorklistScreen(s *shared) *worklistScreen {
	w := &worklistScreen{shared: s, filter: textinput.New()}
	w.filter.Prompt = s.t.FilterPr
	w.filter.Placeholder = s.t.FilterPh
	w.filter.CharLimit = 40
	w.filter.SetVirtualCursor(false)
	return w
}

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

// load audits the look-up and then reads the worklist. The audit entry is
// written first: a look-up that cannot be logged is not made.
func (w *worklistScreen) load(all bool) tea.Cmd {
	w.wantAll = all
	ctx, src, e := w.ctx, w.src, domain.AuditEntry{At: w.opts.Now(), User: w.opts.User, Action: ActionViewWorklist}
	course, now, loc, status := w.opts.Course, w.opts.Now, w.opts.Loc, w.opts.Status
	if all {
		e.Detail = "all"
	}
	return func() tea.Msg {
		synced := statusNow(status)
		if err := src.Audit(ctx, e); err != nil {
			return worklistMsg{all: all, err: fmt.Errorf("audit worklist look-up: %w", err)}
		}
		rows, err := WorklistWithCourse(ctx, src, course, now(), loc, all)
		if err != nil {
			return worklistMsg{all: all, err: fmt.Errorf("load worklist: %w", err)}
		}
		return worklistMsg{rows: rows, all: all, synced: synced}
	}
}

// refresh reloads the worklist in its current mode without an audit entry
// (see RefreshMsg).
func (w *worklistScreen) refresh() tea.Cmd {
	ctx, src, all := w.ctx, w.src, w.wantAll
	course, now, loc, status := w.opts.Course, w.opts.Now, w.opts.Loc, w.opts.Status
	return func() tea.Msg {
		synced := statusNow(status)
		rows, err := WorklistWithCourse(ctx, src, course, now(), loc, all)
		if err != nil {
			return worklistMsg{all: all, refresh: true, err: fmt.Errorf("refresh worklist: %w", err)}
		}
		return worklistMsg{rows: rows, all: all, refresh: true, synced: synced}
	}
}

// row is the worklist's row of patient id.
func (w *worklistScreen) row(id string) (domain.WorklistRow, bool) {
	var out domain.WorklistRow
	found := false
	for _, r := range w.rows {
		if r.Patient.ID == id {
			out, found = r, true
		}
	}
	return out, found
}

// Update handles the worklist's keys and the results of its loads.
func (w *worklistScreen) Update(msg tea.Msg) (component, tea.Cmd) {
	switch msg := msg.(type) {
	case worklistMsg:
		w.install(msg)
		return w, nil
	case tasksMsg:
		return w.tasksLoaded(msg)
	case enrolTeamsMsg:
		return w.enrolTeamsLoaded(msg)
	case endedMsg:
		return w.endedLoaded(msg)
	case accessReportMsg:
		return w.accessReportLoaded(msg)
	case tea.KeyPressMsg:
		return w.updateKey(msg)
	}
	if w.filtering {
		var cmd tea.Cmd
		w.filter, cmd = w.filter.Update(msg)
		return w, cmd
	}
	return w, nil
}

// loaded_ installs a loaded worklist.
func (w *worklistScreen) install(msg worklistMsg) {
	if msg.refresh && (msg.all != w.wantAll || !w.loaded) {
		// The nurse toggled (or the first load is on its way): that
		// load, not this refresh, decides what is shown.
		return
	}
	if !msg.refresh {
		w.loading = false
	}
	if msg.err != nil {
		w.err = msg.err.Error()
		return
	}
	w.err = ""
	w.synced = msg.synced
	w.setRows(msg.rows, msg.all)
	w.clamp(w.bodyHeight())
}

func (w *worklistScreen) capturesText() bool { return w.filtering }

// SetSize sizes the worklist and keeps the cursor on screen.
func (w *worklistScreen) SetSize(width, height int) {
	w.box.SetSize(width, height)
	w.filter.SetWidth(max(10, width-len(w.t.FilterPr)-24))
	w.clamp(w.bodyHeight())
}

// layout returns the column layout for width, computing it only when the
// visible rows or the width changed.
func (w *worklistScreen) layout(t *texts, width int, now time.Time) worklistLayout {
	if !w.hasLayer || w.layKey != [2]int{w.gen, width} {
		w.lay = layoutWorklist(t, w.rows, w.visible, width, now)
		w.layKey, w.hasLayer = [2]int{w.gen, width}, true
	}
	return w.lay
}

// setRows installs a freshly loaded worklist, keeping the cursor on the same
// patient when it is still there; when she left it (acknowledged, so no
// longer open), on the row that took her place, the next patient down,
// as a nurse working down the list expects.
func (w *worklistScreen) setRows(rows []domain.WorklistRow, all bool) {
	selected, at := w.selectedID(), w.cursor
	domain.OrderWorklist(rows)
	w.rows, w.all, w.loaded = rows, all, true
	w.names = make([]string, len(rows))
	w.cprs = make([]string, len(rows))
	for i, r := range rows {
		w.names[i] = strings.ToLower(safetext.Sanitize(r.Patient.Name))
		w.cprs[i] = digits(r.Patient.CPR)
	}
	w.applyFilter()
	w.cursor = min(max(0, at), max(0, len(w.visible)-1))
	for i, idx := range w.visible {
		if rows[idx].Patient.ID == selected {
			w.cursor = i
		}
	}
}

func (w *worklistScreen) selectedID() string {
	if w.cursor < 0 || w.cursor >= len(w.visible) {
		return ""
	}
	return w.rows[w.visible[w.cursor]].Patient.ID
}

// digits keeps the ASCII digits of s.
func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// matchFilter reports whether the query q matches a patient by name (case
// insensitive substring) or, when q is a CPR fragment (digits, dashes,
// spaces), by CPR digits.
func matchFilter(q, lowerName, cprDigits string) bool {
	q = strings.TrimSpace(strings.ToLower(q))
	if q == "" {
		return true
	}
	if strings.Contains(lowerName, q) {
		return true
	}
	if strings.Trim(q, "0123456789- ") == "" {
		if d := digits(q); d != "" && strings.Contains(cprDigits, d) {
			return true
		}
	}
	return false
}

// applyFilter recomputes the visible rows from the filter text.
func (w *worklistScreen) applyFilter() {
	q := w.filter.Value()
	w.gen++
	w.visible = w.visible[:0]
	for i := range w.rows {
		if matchFilter(q, w.names[i], w.cprs[i]) {
			w.visible = append(w.visible, i)
		}
	}
	if w.cursor >= len(w.visible) {
		w.cursor = max(0, len(w.visible)-1)
	}
}

// clamp keeps the cursor in range and on screen for a body of h rows.
func (w *worklistScreen) clamp(h int) {
	h = max(1, h)
	w.cursor = min(max(0, w.cursor), max(0, len(w.visible)-1))
	if w.cursor < w.offset {
		w.offset = w.cursor
	}
	if w.cursor >= w.offset+h {
		w.offset = w.cursor - h + 1
	}
	w.offset = min(max(0, w.offset), max(0, len(w.visible)-h))
}

// updateKey handles a key on the worklist: moving, the search, the
// all/open toggle, opening a patient and the actions on the patients shown.
func (w *worklistScreen) updateKey(msg tea.KeyPressMsg) (component, tea.Cmd) {
	k := w.keys
	h := w.bodyHeight()
	if w.filtering {
		switch {
		case key.Matches(msg, k.Clear):
			w.filter.SetValue("")
			w.filter.Blur()
			w.filtering = false
			w.applyFilter()
		case key.Matches(msg, k.Apply):
			w.filter.Blur()
			w.filtering = false
		case key.Matches(msg, k.ArrowMove):
			w.move(msg.String() == "down", 1)
		default:
			var cmd tea.Cmd
			w.filter, cmd = w.filter.Update(msg)
			w.applyFilter()
			w.clamp(w.bodyHeight())
			return w, cmd
		}
		w.clamp(w.bodyHeight())
		return w, nil
	}
	var next component = w
	var cmd tea.Cmd
	switch {
	case key.Matches(msg, k.Quit):
		return w, tea.Quit
	case key.Matches(msg, k.Up):
		w.move(false, 1)
	case key.Matches(msg, k.Down):
		w.move(true, 1)
	case key.Matches(msg, k.PageUp):
		w.move(false, h)
	case key.Matches(msg, k.PageDown):
		w.move(true, h)
	case key.Matches(msg, k.Home):
		w.cursor = 0
	case key.Matches(msg, k.End):
		w.cursor = len(w.visible) - 1
	case key.Matches(msg, k.Filter):
		// A new search starts empty; it does not append to the last one.
		w.filter.SetValue("")
		w.applyFilter()
		w.filtering = true
		return w, w.filter.Focus()
	case key.Matches(msg, k.Clear):
		if w.filter.Value() != "" {
			w.filter.SetValue("")
			w.applyFilter()
		}
	case key.Matches(msg, k.All):
		w.loading = true
		return w, w.load(!w.all)
	case w.opts.ReadOnly && !w.canAct() && (w.isActionKey(msg) || key.Matches(msg, k.Enrol)):
		next = w.readOnlyNotice()
	case w.canAct() && key.Matches(msg, k.Ack):
		if id := w.selectedID(); id != "" {
			cmd = w.startAck(domain.AckScope{Kind: domain.AckPatient, PatientID: id}, w.rows[w.visible[w.cursor]].Patient.Name)
		}
	case w.opts.Course != nil && key.Matches(msg, k.EndedCourses):
		cmd = w.startEnded()
	case w.opts.Reporter != nil && key.Matches(msg, k.AccessReport):
		cmd = w.startAccessReport()
	case w.canEnrol() && key.Matches(msg, k.Enrol):
		cmd = w.startEnrol()
	case w.canAct() && key.Matches(msg, k.AckAll):
		// Exactly what the nurse sees: the green items of the patients
		// on screen (under a search, only those it shows).
		if len(w.visible) == 0 {
			next = w.notice(w.t.Act.NothingToAck)
			break
		}
		only := make([]string, len(w.visible))
		for i, idx := range w.visible {
			only[i] = w.rows[idx].Patient.ID
		}
		cmd = w.startAck(domain.AckScope{Kind: domain.AckAllGreen, Only: only}, strings.TrimSpace(w.filter.Value()))
	case key.Matches(msg, k.Open):
		if id := w.selectedID(); id != "" {
			p := newPatientScreen(w.shared, id)
			w.loading = true
			return p, p.load()
		}
	}
	w.clamp(w.bodyHeight())
	return next, cmd
}

func (w *worklistScreen) move(down bool, n int) {
	if down {
		w.cursor = min(w.cursor+n, len(w.visible)-1)
	} else {
		w.cursor = max(w.cursor-n, 0)
	}
}

// headerLines is the number of lines above the rows.
func (w *worklistScreen) headerLines() int {
	n := 3 // title, counts, column heading
	if w.filtering || w.filter.Value() != "" {
		n++
	}
	return n
}

// bodyHeight is how many patient rows fit on screen.
func (w *worklistScreen) bodyHeight() int { return max(1, w.h-w.headerLines()) }

// View renders the worklist.
func (w *worklistScreen) View() string {
	out, _ := w.render()
	return strings.Join(out, "\n")
}

// render draws the worklist in its height, and the real cursor when the
// filter is being edited.
func (w *worklistScreen) render() ([]string, *tea.Cursor) {
	t := w.t
	h := w.h
	var out []string
	var cur *tea.Cursor

	scope := t.ScopeOpen
	if w.all {
		scope = t.ScopeAll
	}
	right := w.patientCount(len(w.rows)) + " (" + scope + ")"
	out = append(out, spread(w.titleLeft(displayWidth(right)+1), right, w.width))
	counts := w.groupCountsLine(w.width)
	if hint := w.moreRowsHint(h); hint != "" {
		// Room for the hint: the counts go compact when both do not fit.
		if displayWidth(counts)+displayWidth(hint)+1 > w.width {
			counts = w.groupCountsLine(w.width - displayWidth(hint) - 1)
		}
		counts = spread(counts, w.st.dim.Render(hint), w.width)
	}
	out = append(out, counts)

	if w.filtering || w.filter.Value() != "" {
		line := w.filter.View()
		shown := w.st.dim.Render(fmt.Sprintf(t.Filtered, len(w.visible), len(w.rows)))
		if w.filtering {
			if c := w.filter.Cursor(); c != nil {
				c.Y = len(out)
				cur = c
			}
		}
		out = append(out, spread(line, shown, w.width))
	}

	lay := w.layout(t, w.width, w.opts.Now().In(w.opts.Loc))
	out = append(out, w.st.header.Render(lay.heading()))
	body := h - len(out)
	switch {
	case !w.loaded:
		out = append(out, w.st.dim.Render(t.Loading))
	case len(w.rows) == 0:
		out = append(out, strings.Split(ansi.Wrap(w.emptyWorklistText(), max(20, w.width-1), ""), "\n")...)
	case len(w.visible) == 0:
		out = append(out, t.NoMatch)
	}
	end := min(len(w.visible), w.offset+max(body, 0))
	for i := w.offset; i < end; i++ {
		r := &w.rows[w.visible[i]]
		cells := lay.cells(t, r)
		if i == w.cursor {
			out = append(out, w.st.selected.Render(padRight(lay.plainRow(cells, true), w.width)))
		} else {
			out = append(out, lay.styledRow(w.st, cells))
		}
	}
	return out, cur
}

// groupCountsLine is the header line with the number of patients per
// status group, each with its symbol, shortened to fit width.
func (w *worklistScreen) groupCountsLine(width int) string {
	return countsLine(w.t, w.rows, w.all, width, func(g domain.Group, s string) string {
		return w.st.group(g).Render(s)
	})
}

// moreRowsHint says how many rows are above and below the screen in a body
// of h lines ("↑ 3 over · ↓ 12 flere"), "" when all fit.
func (w *worklistScreen) moreRowsHint(h int) string {
	rows := h - w.headerLines()
	above := w.offset
	below := len(w.visible) - min(len(w.visible), w.offset+max(rows, 0))
	var parts []string
	if above > 0 {
		parts = append(parts, fmt.Sprintf(w.t.RowsAbove, above))
	}
	if below > 0 {
		parts = append(parts, fmt.Sprintf(w.t.RowsBelow, below))
	}
	return strings.Join(parts, " · ")
}

// titleLeft is the worklist's title with the clinic, the team and the
// user (who is signed in, as whom), leaving room cells for the right
// part; what does not fit goes, the clinic first, the user last.
func (w *worklistScreen) titleLeft(room int) string {
	title := w.st.title.Render(w.t.Title)
	who := w.opts.User
	if w.opts.UserName != "" {
		who = w.opts.UserName
	}
	clinic, team, user := safetext.Sanitize(w.opts.Clinic), safetext.Sanitize(w.opts.Team), safetext.Sanitize(who)
	join := func(parts ...string) string {
		s := title
		for _, p := range parts {
			if p != "" {
				s += " · " + p
			}
		}
		return s
	}
	for _, s := range []string{join(clinic, team, user), join(team, user), join(user)} {
		if displayWidth(s)+room <= w.width {
			return s
		}
	}
	return title
}

// ShortHelp is the worklist's footer: the keys that work now.
func (w *worklistScreen) ShortHelp() []key.Binding {
	short, _ := w.helpKeys()
	return short
}

// FullHelp is the worklist's help screen.
func (w *worklistScreen) FullHelp() [][]key.Binding {
	_, full := w.helpKeys()
	return full
}

func (w *worklistScreen) helpKeys() ([]key.Binding, [][]key.Binding) {
	k := w.keys
	if w.filtering {
		// j and k are letters of the search here: only the arrows move.
		return []key.Binding{k.Apply, k.Clear, k.ArrowMove, k.ForceQuit},
			[][]key.Binding{{k.Apply, k.Clear}, {k.ArrowMove}, {k.ForceQuit}}
	}
	move := []key.Binding{k.Up, k.Down, k.Home, k.End}
	act := []key.Binding{k.Open, k.Filter, k.All}
	if w.filter.Value() != "" {
		act = append(act, k.Clear)
	}
	if w.canAct() && len(w.visible) > 0 {
		act = append(act, k.Ack, k.AckAll)
	}
	if w.canEnrol() {
		act = append(act, k.Enrol)
	}
	if w.opts.Course != nil {
		act = append(act, k.EndedCourses)
	}
	gen := []key.Binding{k.Help, k.Quit, k.ForceQuit}
	if w.opts.Reporter != nil {
		// A twice-yearly task: in the help (?), not in the footer, where
		// it would push the quit key out of a narrow terminal.
		gen = append(gen, k.AccessReport)
	}
	if w.opts.SyncNow != nil {
		gen = append(gen, k.SyncNow)
	}
	short := []key.Binding{k.Move}
	if len(w.visible) == 0 {
		move = nil
		short = nil
		act = act[1:] // nothing to open
	}
	short = append(short, act...)
	gen = append(gen, w.syncProblemKeys()...)
	short = append(short, w.syncShortKeys()...)
	short = append(short, k.Help, k.Quit)
	return short, [][]key.Binding{move, act, gen}
}
