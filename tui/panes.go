package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/chart"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// severity ranks readings for "the day's most severe reading".
func severity(r domain.Reading) int {
	switch {
	case r.Color == domain.Red:
		return 4
	case r.Implausible != "" || r.Color == domain.Yellow:
		return 3
	case r.Color == domain.Green:
		return 1
	}
	return 0
}

// readingText is a reading's value with its symbol.
func (t *texts) readingText(r domain.Reading) string {
	return t.value(r.Kind, r.Value, r.Value2) + mark(r.Color, r.Implausible != "")
}

// measurementLines is pane 1: the thresholds in force, then one row per day
// (newest first) with the day's most severe reading of each kind.
func (p *patientScreen) measurementLines() []string {
	t := p.t
	d := &p.detail
	out := p.thresholdLines()
	out = append(out, "")

	present := map[domain.Kind]bool{}
	type dayKey struct {
		day  string
		kind domain.Kind
	}
	worst := map[dayKey]domain.Reading{}
	count := map[dayKey]int{}
	for _, r := range d.Readings {
		present[r.Kind] = true
		k := dayKey{r.Taken.In(p.opts.Loc).Format(time.DateOnly), r.Kind}
		count[k]++
		if w, ok := worst[k]; !ok || severity(r) > severity(w) || (severity(r) == severity(w) && !r.Taken.Before(w.Taken)) {
			worst[k] = r
		}
	}
	if len(present) == 0 {
		return append(out, t.NoReadings)
	}
	var kinds []domain.Kind
	for _, k := range domain.Kinds() {
		if present[k] {
			kinds = append(kinds, k)
		}
	}
	widths := map[domain.Kind]int{domain.KindWeight: 8, domain.KindPulse: 7, domain.KindBloodPressure: 11, domain.KindSteps: 8, domain.KindSpO2: 6}
	head := fit(t.Date, 10, false)
	for _, k := range kinds {
		head += " " + fit(t.KindShort[k], widths[k], true)
	}
	out = append(out, p.st.header.Render(head))

	now := p.opts.Now().In(p.opts.Loc)
	start := p.windowStart(now)
	if rs := d.Regime.Start; !rs.IsZero() && rs.After(start) {
		start = rs.In(p.opts.Loc)
	}
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, p.opts.Loc)
	for ; !day.Before(time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, p.opts.Loc)); day = day.AddDate(0, 0, -1) {
		var b strings.Builder
		b.WriteString(fit(t.date(day), 10, false))
		for _, k := range kinds {
			b.WriteString(" ")
			key := dayKey{day.Format(time.DateOnly), k}
			r, ok := worst[key]
			if !ok {
				b.WriteString(fit("", widths[k], true))
				continue
			}
			txt := t.readingText(r)
			if count[key] > 1 {
				txt += SymSeveral
			} else {
				txt += " "
			}
			b.WriteString(p.st.color(readingColor(r.Color, r.Implausible != "")).Render(fit(txt, widths[k], true)))
		}
		out = append(out, b.String())
	}
	return out
}

// thresholdLines shows the thresholds of the regime in force: per kind the
// four limits; weight both relative to the reference weight and absolute.
func (p *patientScreen) thresholdLines() []string {
	t := p.t
	reg := &p.detail.Regime
	phase := t.PhaseName[reg.Phase]
	out := []string{p.st.bold.Render(fmt.Sprintf(t.Thresholds, phase))}
	const labelW = 24
	head := fit("", labelW, false)
	for _, h := range t.LimitHead {
		head += " " + fit(h, 8, true)
	}
	row := func(label string, l domain.Limits, format func(domain.Limit) string) string {
		s := fit(label, labelW, false)
		for _, v := range []domain.Limit{l.RedLow, l.YellowLow, l.YellowHigh, l.RedHigh} {
			s += " " + fit(format(v), 8, true)
		}
		return s
	}
	abs := func(l domain.Limit) string {
		if !l.OK {
			return "–"
		}
		return t.number(l.V, decimalsFor(l.V))
	}
	rel := func(l domain.Limit) string {
		if !l.OK {
			return "–"
		}
		return t.signed(l.V)
	}
	var rows []string
	for _, k := range domain.Kinds() {
		kt, ok := reg.Thresholds.ByKind[k]
		if !ok || kt.Empty() {
			continue
		}
		switch k {
		case domain.KindWeight:
			rows = append(rows, row(t.KindLong[k]+" "+t.Relative, kt.Primary, rel))
			if a, ok := reg.Thresholds.Absolute(k); ok {
				rows = append(rows, row(t.KindLong[k]+" "+t.Absolute, a.Primary, func(l domain.Limit) string {
					if !l.OK {
						return "–"
					}
					return t.number(l.V, 1)
				}))
			}
		case domain.KindBloodPressure:
			rows = append(rows, row(t.KindShort[k]+" sys (mmHg)", kt.Primary, abs))
			if !kt.Secondary.Empty() {
				rows = append(rows, row(t.KindShort[k]+" dia (mmHg)", kt.Secondary, abs))
			}
		default:
			rows = append(rows, row(t.KindLong[k], kt.Primary, abs))
		}
	}
	if len(rows) == 0 {
		return append(out, t.NoneSet)
	}
	out = append(out, p.st.dim.Render(head))
	return append(out, rows...)
}

// chartLines is pane 2: the weight trend over the window with the band of
// the weight limits in force.
func (p *patientScreen) chartLines(width, height int) []string {
	t := p.t
	d := &p.detail
	var pts []chart.Point
	for _, r := range d.Readings {
		if r.Kind == domain.KindWeight && r.Implausible == "" {
			pts = append(pts, chart.Point{T: r.Taken, V: r.Value})
		}
	}
	if len(pts) == 0 {
		return []string{t.NoWeight}
	}
	var limits []chart.Limit
	if a, ok := d.Regime.Thresholds.Absolute(domain.KindWeight); ok {
		for _, l := range []struct {
			lim domain.Limit
			lv  chart.Level
		}{{a.Primary.YellowLow, chart.Yellow}, {a.Primary.YellowHigh, chart.Yellow}, {a.Primary.RedLow, chart.Red}, {a.Primary.RedHigh, chart.Red}} {
			if l.lim.OK {
				limits = append(limits, chart.Limit{V: l.lim.V, Level: l.lv})
			}
		}
	}
	now := p.opts.Now()
	c := chart.Chart{
		Width:   min(width-1, 100),
		Height:  max(4, height-1),
		From:    p.windowStart(now),
		To:      now,
		Points:  pts,
		Limits:  limits,
		Decimal: t.Decimal,
		Loc:     p.opts.Loc,
		Style: func(part chart.Part, s string) string {
			switch part {
			case chart.PartData:
				return p.st.bold.Render(s)
			case chart.PartYellow:
				return p.st.yellow.Render(s)
			case chart.PartRed:
				return p.st.red.Render(s)
			}
			return p.st.dim.Render(s)
		},
	}
	out := c.Render()
	return append(out, t.ChartLegend)
}

// answerLines is pane 3: questionnaire answers, newest first.
func (p *patientScreen) answerLines() []string {
	t := p.t
	qs := p.detail.Questionnaires
	if len(qs) == 0 {
		return []string{t.NoAnswers}
	}
	var out []string
	for i := len(qs) - 1; i >= 0; i-- {
		q := qs[i]
		c := q.Color()
		out = append(out, p.st.color(c).Render(fit(ColorSymbol(c), 2, false)+" "+p.dateTime(q.Taken)))
		for _, a := range q.Answers {
			line := "   " + fit(ColorSymbol(a.Severity), 2, false) + " " + safetext.Sanitize(a.Question) + ": " + safetext.Sanitize(a.Answer)
			out = append(out, p.st.color(a.Severity).Render(line))
		}
		out = append(out, "")
	}
	return out
}

// taskLines is pane 5: the open items, oldest first.
func (p *patientScreen) taskLines() []string {
	t := p.t
	d := &p.detail
	if len(d.OpenTasks) == 0 {
		return []string{t.NoTasks}
	}
	readings := make(map[string]domain.Reading, len(d.Readings))
	for _, r := range d.Readings {
		readings[r.ID] = r
	}
	questionnaires := make(map[string]domain.ProResponse, len(d.Questionnaires))
	for _, q := range d.Questionnaires {
		questionnaires[q.ID] = q
	}
	now := p.opts.Now()
	var out []string
	for i, task := range d.OpenTasks {
		sym, c := mark(task.Color, task.Implausible), readingColor(task.Color, task.Implausible)
		parts := []string{t.TaskCat[task.Category]}
		byConsole := t.ByConsoleNote
		switch task.Category {
		case domain.TaskMissing:
			sym, c = SymMissing, domain.Unclassified
			parts = append(parts, t.KindShort[task.Kind])
			if !task.Due.IsZero() {
				parts = append(parts, t.Due+" "+p.dateTime(task.Due))
			}
		default:
			if r, ok := readings[task.FocusID]; ok {
				parts = append(parts, t.KindShort[r.Kind]+" "+t.readingText(r))
				if r.Implausible != "" {
					parts = append(parts, t.Implausible)
				}
			} else if q, ok := questionnaires[domain.QuestionnaireOfFocus(task.FocusID)]; ok {
				// Named by the questionnaire and its worst answer, not
				// as an anonymous measurement.
				parts = []string{t.questionnaireText(q)}
				byConsole = t.ByConsoleNoteAnswers
			}
		}
		if task.ByConsole {
			parts = append(parts, byConsole)
		}
		parts = append(parts, t.Arisen+" "+p.dateTime(task.Created)+" ("+t.age(task.Created, now)+")")
		line := fit(sym, 2, false) + " " + strings.Join(parts, " · ")
		if p.canAct() {
			// With actions the pane has a cursor: x acts on that item.
			if i == p.taskCursor {
				out = append(out, p.st.selected.Render("> "+line))
				continue
			}
			line = "  " + line
		}
		if task.Category == domain.TaskMissing {
			out = append(out, p.st.missing.Render(line))
		} else {
			out = append(out, p.st.color(c).Render(line))
		}
	}
	return out
}
