package tui

import (
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// colID names a worklist column.
type colID int

const (
	colStatus colID = iota
	colName
	colCPR
	colWeight
	colPulse
	colBP
	colSpO2
	colOpen
	colWaiting
	colTeam
)

// column is one worklist column as laid out for a width.
type column struct {
	id       colID
	title    string
	min, max int
	drop     int // drop order at narrow widths: higher goes first; 0 never
	right    bool
	width    int
}

// cell is one rendered worklist cell: its text and what colours it.
type cell struct {
	text  string
	style cellStyle
	color domain.Color
	group domain.Group
}

type cellStyle int

const (
	stylePlain cellStyle = iota
	styleReading
	styleGroup
)

// worklistLayout is the column layout of the worklist for one width.
type worklistLayout struct {
	cols    []column
	width   int
	now     time.Time
	longSum bool // room for the long open-item summary
}

const colGap = 1

// layoutWorklist chooses columns and widths for the given terminal width:
// optional columns are dropped (SpO2, then team, waiting time, CPR) until the
// minimum widths fit; the spare width goes to name, open items and team.
func layoutWorklist(t *texts, rows []domain.WorklistRow, visible []int, width int, now time.Time) worklistLayout {
	hasSpO2 := false
	longest, shortest, longName, longTeam := 0, 0, 0, 0
	for _, i := range visible {
		r := &rows[i]
		if _, ok := r.Latest[domain.KindSpO2]; ok {
			hasSpO2 = true
		}
		open, short := t.openCell(r, false, now), t.openCell(r, true, now)
		if needsRedHint(r) {
			open, short = joinOpen(t.redHint(r), open, false), joinOpen(t.redHint(r), short, true)
		}
		longest = max(longest, displayWidth(open))
		shortest = max(shortest, displayWidth(short))
		longName = max(longName, displayWidth(safetext.Sanitize(r.Patient.Name)))
		longTeam = max(longTeam, displayWidth(t.teamCell(r, now)))
	}
	cols := []column{
		{id: colStatus, title: t.ColStatus, min: 2, max: 2},
		{id: colName, title: t.ColName, min: 12, max: max(12, min(30, longName))},
		{id: colCPR, title: t.ColCPR, min: 11, max: 11, drop: 2},
		{id: colWeight, title: t.KindShort[domain.KindWeight], min: 8, max: 8, right: true},
		{id: colPulse, title: t.KindShort[domain.KindPulse], min: 6, max: 6, right: true},
		{id: colBP, title: t.KindShort[domain.KindBloodPressure], min: 10, max: 10, right: true},
	}
	if hasSpO2 {
		cols = append(cols, column{id: colSpO2, title: t.KindShort[domain.KindSpO2], min: 6, max: 6, right: true, drop: 5})
	}
	cols = append(cols,
		column{id: colOpen, title: t.ColOpen, min: max(9, min(24, shortest)), max: max(9, longest)},
		column{id: colWaiting, title: t.ColWaiting, min: max(6, displayWidth(t.ColWaiting)), max: max(6, displayWidth(t.ColWaiting)), right: true, drop: 3},
		column{id: colTeam, title: t.ColTeam, min: 12, max: max(12, min(48, longTeam)), drop: 4},
	)
	for i := range cols {
		if w := displayWidth(cols[i].title); w > cols[i].min && cols[i].id != colStatus {
			cols[i].min, cols[i].max = w, max(w, cols[i].max)
		}
	}
	avail := width - 2 // cursor gutter and a margin
	total := func() int {
		n := 0
		for _, c := range cols {
			n += c.min + colGap
		}
		return n - colGap
	}
	for total() > avail {
		worst, at := 0, -1
		for i, c := range cols {
			if c.drop > worst {
				worst, at = c.drop, i
			}
		}
		if at < 0 {
			break
		}
		cols = append(cols[:at], cols[at+1:]...)
	}
	spare := avail - total()
	for i := range cols {
		cols[i].width = cols[i].min
	}
	// Spare width: the name first, then the team (the responsible team is
	// never cut when it can fit), then open items (long summary).
	for _, id := range []colID{colName, colTeam, colOpen} {
		for i := range cols {
			if cols[i].id == id && spare > 0 {
				add := min(spare, cols[i].max-cols[i].width)
				cols[i].width += add
				spare -= add
			}
		}
	}
	l := worklistLayout{cols: cols, width: width, now: now}
	for _, c := range cols {
		if c.id == colOpen {
			l.longSum = c.width >= longest
		}
	}
	return l
}

// heading is the column-title line.
func (l worklistLayout) heading() string {
	cells := make([]cell, len(l.cols))
	for i, c := range l.cols {
		cells[i] = cell{text: c.title}
	}
	return l.plainRow(cells, false)
}

// cells computes the text of every column for one patient.
func (l worklistLayout) cells(t *texts, r *domain.WorklistRow) []cell {
	out := make([]cell, len(l.cols))
	g := r.Group()
	openAt := -1
	defer func() {
		// A red row always shows a red value: when the red item is not in
		// a reading column on screen (a questionnaire, steps, a dropped
		// column), the open-items cell names it, led by the red symbol.
		if g != domain.GroupRed || openAt < 0 {
			return
		}
		for _, c := range out {
			if c.style == styleReading && c.color == domain.Red {
				return
			}
		}
		txt := joinOpen(t.redHint(r), out[openAt].text, !l.longSum)
		out[openAt] = cell{text: txt, style: styleReading, color: domain.Red}
	}()
	for i, c := range l.cols {
		switch c.id {
		case colStatus:
			sym := GroupSymbol(g)
			if g == domain.GroupNone && len(r.Course) > 0 {
				sym = SymReminder // only course reminders: never a blank status
			}
			out[i] = cell{text: sym, style: styleGroup, group: g}
		case colName:
			out[i] = cell{text: safetext.Sanitize(r.Patient.Name)}
		case colCPR:
			out[i] = cell{text: domain.MaskCPR(r.Patient.CPR)}
		case colWeight:
			out[i] = readingCell(t, r, domain.KindWeight, c.width)
		case colPulse:
			out[i] = readingCell(t, r, domain.KindPulse, c.width)
		case colBP:
			out[i] = readingCell(t, r, domain.KindBloodPressure, c.width)
		case colSpO2:
			out[i] = readingCell(t, r, domain.KindSpO2, c.width)
		case colOpen:
			out[i] = cell{text: t.openCell(r, !l.longSum, l.now)}
			openAt = i
		case colWaiting:
			if r.Open.Any() {
				out[i] = cell{text: t.age(r.Open.Oldest, l.now)}
			}
		case colTeam:
			out[i] = cell{text: t.teamCell(r, l.now)}
		}
	}
	return out
}

// readingCell is the reading of kind k the worklist shows (the most severe
// open one, marked + when more are open, else the latest) with its symbol.
// When it does not fit width, the value is cut, never its symbol.
func readingCell(t *texts, r *domain.WorklistRow, k domain.Kind, width int) cell {
	lt, several, ok := r.Shown(k)
	if !ok {
		return cell{}
	}
	suffix := mark(lt.Color, lt.Implausible)
	if several {
		suffix += SymSeveral
	}
	value := t.value(k, lt.Value, lt.Value2)
	if room := width - displayWidth(suffix); displayWidth(value) > room {
		value = truncate(value, max(1, room))
	}
	return cell{
		text:  value + suffix,
		style: styleReading,
		color: readingColor(lt.Color, lt.Implausible),
	}
}

// readingColor is the display colour of a reading: implausible ones are
// shown yellow (they need a look), whatever their stored colour.
func readingColor(c domain.Color, implausible bool) domain.Color {
	if implausible {
		return domain.Yellow
	}
	return c
}

// fit pads or truncates s to exactly w cells.
func fit(s string, w int, right bool) string {
	if displayWidth(s) > w {
		s = truncate(s, w)
	}
	pad := w - displayWidth(s)
	if pad <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", pad) + s
	}
	return s + strings.Repeat(" ", pad)
}

// plainRow joins cells without colours; cursor marks the selected row with
// a ">" in the gutter so it shows without reverse video too.
func (l worklistLayout) plainRow(cells []cell, cursor bool) string {
	var b strings.Builder
	if cursor {
		b.WriteString(">")
	} else {
		b.WriteString(" ")
	}
	for i, c := range l.cols {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(fit(cells[i].text, c.width, c.right))
	}
	return strings.TrimRight(b.String(), " ")
}

// styledRow joins cells with their colours.
func (l worklistLayout) styledRow(st styles, cells []cell) string {
	var b strings.Builder
	b.WriteString(" ")
	for i, c := range l.cols {
		if i > 0 {
			b.WriteString(" ")
		}
		txt := fit(cells[i].text, c.width, c.right)
		switch cells[i].style {
		case styleReading:
			txt = st.color(cells[i].color).Render(txt)
		case styleGroup:
			txt = st.group(cells[i].group).Render(txt)
		}
		b.WriteString(txt)
	}
	return b.String()
}

// displayWidth is the width of s in terminal cells, ignoring escapes.
func displayWidth(s string) int { return ansi.StringWidth(s) }

// truncate cuts s to w cells, marking the cut with an ellipsis.
func truncate(s string, w int) string {
	if displayWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// padRight pads s with spaces to w cells.
func padRight(s string, w int) string {
	if n := w - displayWidth(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

// spread puts left and right on one line of width w, right-aligned; the
// right part is dropped when both do not fit.
func spread(left, right string, w int) string {
	gap := w - displayWidth(left) - displayWidth(right)
	if gap < 1 {
		return left
	}
	return left + strings.Repeat(" ", gap) + right
}

// splitLines splits s into lines.
func splitLines(s string) []string { return strings.Split(s, "\n") }

// countsLine renders the number of patients per status group with symbols
// ("!! rød 2   ! gul 3 ..."), closer together when that does not fit;
// without room for the group names it shows symbols and numbers only. style colours one group's part. The rows with
// nothing open but a course reminder (↻) are counted on their own, when
// there are any, so the counts add up to the rows listed; in the whole
// list "nothing open" counts the rest.
func countsLine(t *texts, rows []domain.WorklistRow, all bool, width int, style func(domain.Group, string) string) string {
	counts := domain.GroupCounts(rows)
	reminders := 0
	for _, r := range rows {
		if r.Group() == domain.GroupNone && len(r.Course) > 0 {
			reminders++
		}
	}
	counts[domain.GroupNone] -= reminders
	type part struct {
		g         domain.Group
		sym, name string
		n         int
	}
	var parts []part
	for _, g := range []domain.Group{domain.GroupRed, domain.GroupYellow, domain.GroupMissing, domain.GroupMessages, domain.GroupGreen, domain.GroupUnclassified} {
		parts = append(parts, part{g, GroupSymbol(g), t.Group[g], counts[g]})
	}
	if reminders > 0 {
		parts = append(parts, part{domain.GroupNone, SymReminder, t.ReminderOnly, reminders})
	}
	if all {
		parts = append(parts, part{domain.GroupNone, "–", t.Group[domain.GroupNone], counts[domain.GroupNone]})
	}
	render := func(named bool, sep string) (string, int) {
		out := make([]string, 0, len(parts))
		n := 0
		for _, pt := range parts {
			p := pt.sym + " " + itoa(pt.n)
			if named {
				p = pt.sym + " " + pt.name + " " + itoa(pt.n)
			}
			n += displayWidth(p) + len(sep)
			out = append(out, style(pt.g, p))
		}
		return strings.Join(out, sep), n - len(sep)
	}
	// Named, then named closer together, then symbols only.
	for _, sep := range []string{"   ", "  "} {
		if s, n := render(true, sep); n <= width {
			return s
		}
	}
	s, _ := render(false, "   ")
	return s
}

// openCell is the open-items summary, led by the note mark when the patient
// has an important handover note or a due reminder.
func (t *texts) openCell(r *domain.WorklistRow, abbr bool, now time.Time) string {
	s := t.openSummary(r.Open, abbr)
	if c := t.courseSummary(r.Course); c != "" {
		if s == "" {
			s = c
		} else {
			s = joinOpen(s, c, abbr)
		}
	}
	for _, n := range r.Notes {
		if domain.NoteFlagged(n, now) {
			if s == "" {
				return SymNote
			}
			return SymNote + " " + s
		}
	}
	return s
}

// teamCell is the responsible team now, with the next planned cover
// ("→ Klinik Vest 07.07"); now is in the clinic's time zone, and the date
// is shown in it.
func (t *texts) teamCell(r *domain.WorklistRow, now time.Time) string {
	// The short form: "Hjertesvigt Viborg (afløsning)"; the patient view
	// names the covered team.
	team, cover := r.Responsibility.HolderAt(now)
	s := safetext.Sanitize(team.Name)
	if cover {
		s += " (" + t.CoverShort + ")"
	}
	if c, ok := r.Responsibility.NextCover(now); ok {
		s += " → " + safetext.Sanitize(c.Team.Name) + " " + c.Period.From.In(now.Location()).Format("02.01")
	}
	return s
}

// redHint names a red row's red item for the open-items cell: "!! Skridt
// 150" or, for a questionnaire, "!! Spørgeskema".
func (t *texts) redHint(r *domain.WorklistRow) string {
	for _, k := range domain.Kinds() {
		if w, ok := r.WorstOpen[k]; ok && w.Color == domain.Red && !w.Implausible {
			return SymRed + " " + t.KindShort[k] + " " + t.value(k, w.Value, w.Value2)
		}
	}
	return SymRed + " " + t.Act.QuestionnaireShort
}

// needsRedHint reports whether a red row's red item has no reading column
// of its own (a questionnaire, steps).
func needsRedHint(r *domain.WorklistRow) bool {
	if r.Open.Group() != domain.GroupRed {
		return false
	}
	for _, k := range []domain.Kind{domain.KindWeight, domain.KindPulse, domain.KindBloodPressure, domain.KindSpO2} {
		if l, _, ok := r.Shown(k); ok && l.Color == domain.Red && !l.Implausible {
			return false
		}
	}
	return true
}

// joinOpen puts the red hint before the open-items summary.
func joinOpen(hint, summary string, abbr bool) string {
	switch {
	case summary == "":
		return hint
	case abbr:
		return hint + " " + summary
	}
	return hint + " · " + summary
}
