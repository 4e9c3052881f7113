package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// worklist is the state of the worklist screen.
type worklist struct {
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

	// The column layout depends on the visible rows and the width only; it
	// is kept until either changes (gen counts changes of the rows).
	gen      int
	lay      wlLayout
	layKey   [2]int // gen, width
	hasLayer bool
}

// layout returns the column layout for width, computing it only when the
// visible rows or the width changed.
func (w *worklist) layout(t *texts, width int, now time.Time) wlLayout {
	if !w.hasLayer || w.layKey != [2]int{w.gen, width} {
		w.lay = layoutWorklist(t, w.rows, w.visible, width, now)
		w.layKey, w.hasLayer = [2]int{w.gen, width}, true
	}
	return w.lay
}

// setRows installs a freshly loaded worklist, keeping the cursor on the same
// patient when it is still there.
func (w *worklist) setRows(rows []domain.WorklistRow, all bool) {
	selected := w.selectedID()
	domain.OrderWorklist(rows)
	w.rows, w.all, w.loaded = rows, all, true
	w.names = make([]string, len(rows))
	w.cprs = make([]string, len(rows))
	for i, r := range rows {
		w.names[i] = strings.ToLower(safetext.Sanitize(r.Patient.Name))
		w.cprs[i] = digits(r.Patient.CPR)
	}
	w.applyFilter()
	w.cursor = 0
	for i, idx := range w.visible {
		if rows[idx].Patient.ID == selected {
			w.cursor = i
		}
	}
}

func (w *worklist) selectedID() string {
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
func (w *worklist) applyFilter() {
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
func (w *worklist) clamp(h int) {
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

func (m *Model) updateWorklistKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	w := &m.wl
	k := m.keys
	h := m.worklistBodyHeight()
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
			w.clamp(m.worklistBodyHeight())
			return m, cmd
		}
		w.clamp(m.worklistBodyHeight())
		return m, nil
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m, tea.Quit
	case key.Matches(msg, k.Help):
		m.showHelp = true
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
		cmd := w.filter.Focus()
		return m, cmd
	case key.Matches(msg, k.Clear):
		if w.filter.Value() != "" {
			w.filter.SetValue("")
			w.applyFilter()
		}
	case key.Matches(msg, k.All):
		m.loading = true
		return m, m.loadWorklist(!w.all)
	case m.opts.ReadOnly && !m.canAct() && (m.isActionKey(msg) || key.Matches(msg, m.enrolKey())):
		m.explainReadOnly()
	case m.canAct() && key.Matches(msg, k.Ack):
		if id := w.selectedID(); id != "" {
			return m, m.startWorklistAck(domain.AckScope{Kind: domain.AckPatient, PatientID: id}, w.rows[w.visible[w.cursor]].Patient.Name)
		}
	case m.opts.Course != nil && key.Matches(msg, m.endedKey()):
		return m, m.startEnded()
	case m.canEnrol() && key.Matches(msg, m.enrolKey()):
		return m, m.startEnrol()
	case m.canAct() && key.Matches(msg, k.AckAll):
		// Exactly what the nurse sees: the green items of the patients
		// on screen (under a search, only those it shows).
		if len(w.visible) == 0 {
			m.openDialog(&notice{text: m.t.A.NothingToAck})
			return m, nil
		}
		only := make([]string, len(w.visible))
		for i, idx := range w.visible {
			only[i] = w.rows[idx].Patient.ID
		}
		return m, m.startWorklistAck(domain.AckScope{Kind: domain.AckAllGreen, Only: only}, strings.TrimSpace(w.filter.Value()))
	case key.Matches(msg, k.Open):
		if id := w.selectedID(); id != "" {
			m.screen = screenPatient
			m.pv = patientView{id: id}
			m.loading = true
			return m, m.loadPatient(id)
		}
	}
	w.clamp(m.worklistBodyHeight())
	return m, nil
}

func (w *worklist) move(down bool, n int) {
	if down {
		w.cursor = min(w.cursor+n, len(w.visible)-1)
	} else {
		w.cursor = max(w.cursor-n, 0)
	}
}

// worklistHeaderLines is the number of lines above the rows.
func (m *Model) worklistHeaderLines() int {
	n := 3 // title, counts, column heading
	if m.wl.filtering || m.wl.filter.Value() != "" {
		n++
	}
	return n
}

// worklistBodyHeight is how many patient rows fit on screen.
func (m *Model) worklistBodyHeight() int {
	h := m.height - m.worklistHeaderLines() - m.footerHeight()
	if m.opts.Demo {
		h--
	}
	return max(1, h)
}

// worklistLines renders the worklist screen body in h lines, and the real
// cursor when the filter is being edited.
func (m *Model) worklistLines(h int) ([]string, *tea.Cursor) {
	w := &m.wl
	t := m.t
	var out []string
	var cur *tea.Cursor

	scope := t.ScopeOpen
	if w.all {
		scope = t.ScopeAll
	}
	right := m.patientCount(len(w.rows)) + " (" + scope + ")"
	out = append(out, spread(m.titleLeft(displayWidth(right)+1), right, m.width))
	counts := m.groupCountsLine(m.width)
	if hint := m.moreRowsHint(h); hint != "" {
		// Room for the hint: the counts go compact when both do not fit.
		if displayWidth(counts)+displayWidth(hint)+1 > m.width {
			counts = m.groupCountsLine(m.width - displayWidth(hint) - 1)
		}
		counts = spread(counts, m.st.dim.Render(hint), m.width)
	}
	out = append(out, counts)

	if w.filtering || w.filter.Value() != "" {
		line := w.filter.View()
		shown := m.st.dim.Render(fmt.Sprintf(t.Filtered, len(w.visible), len(w.rows)))
		if w.filtering {
			if c := w.filter.Cursor(); c != nil {
				c.Y = len(out)
				cur = c
			}
		}
		out = append(out, spread(line, shown, m.width))
	}

	lay := w.layout(t, m.width, m.opts.Now().In(m.opts.Loc))
	out = append(out, m.st.header.Render(lay.heading()))
	body := h - len(out)
	switch {
	case !w.loaded:
		out = append(out, m.st.dim.Render(t.Loading))
	case len(w.rows) == 0:
		out = append(out, strings.Split(ansi.Wrap(m.emptyWorklistText(), max(20, m.width-1), ""), "\n")...)
	case len(w.visible) == 0:
		out = append(out, t.NoMatch)
	}
	end := min(len(w.visible), w.offset+max(body, 0))
	for i := w.offset; i < end; i++ {
		r := &w.rows[w.visible[i]]
		cells := lay.cells(t, r)
		if i == w.cursor {
			out = append(out, m.st.selected.Render(padRight(lay.plainRow(cells, true), m.width)))
		} else {
			out = append(out, lay.styledRow(m.st, cells))
		}
	}
	return out, cur
}

// groupCountsLine is the header line with the number of patients per
// status group, each with its symbol, shortened to fit width.
func (m *Model) groupCountsLine(width int) string {
	return countsLine(m.t, m.wl.rows, m.wl.all, width, func(g domain.Group, s string) string {
		return m.st.group(g).Render(s)
	})
}

// moreRowsHint says how many rows are above and below the screen in a body
// of h lines ("↑ 3 over · ↓ 12 flere"), "" when all fit.
func (m *Model) moreRowsHint(h int) string {
	w := &m.wl
	rows := h - m.worklistHeaderLines()
	above := w.offset
	below := len(w.visible) - min(len(w.visible), w.offset+max(rows, 0))
	var parts []string
	if above > 0 {
		parts = append(parts, fmt.Sprintf(m.t.RowsAbove, above))
	}
	if below > 0 {
		parts = append(parts, fmt.Sprintf(m.t.RowsBelow, below))
	}
	return strings.Join(parts, " · ")
}

// titleLeft is the worklist's title with the clinic, the team and the
// user (who is signed in, as whom), leaving room cells for the right
// part; what does not fit goes, the clinic first, the user last.
func (m *Model) titleLeft(room int) string {
	title := m.st.title.Render(m.t.Title)
	who := m.opts.User
	if m.opts.UserName != "" {
		who = m.opts.UserName
	}
	clinic, team, user := safetext.Sanitize(m.opts.Clinic), safetext.Sanitize(m.opts.Team), safetext.Sanitize(who)
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
		if displayWidth(s)+room <= m.width {
			return s
		}
	}
	return title
}
