package tui

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// regimeKinds are the kinds the regime form schedules and limits.
var regimeKinds = []domain.Kind{domain.KindWeight, domain.KindPulse, domain.KindBloodPressure, domain.KindSteps, domain.KindSpO2}

// freqValues are the frequency choices; "" is "not measured".
var freqValues = []string{"", string(domain.Daily), string(domain.TimesPerWeek), string(domain.OnWeekdays), string(domain.Weekly)}

// regimeForm opens the form for a new version of the regime in force,
// pre-filled with it. Nothing is saved while any field is invalid.
func (m *Model) regimeForm() {
	t, a := m.t, &m.t.A
	cur := m.pv.detail.Regime
	loc := m.opts.Loc
	today := m.opts.Now().In(loc)
	date := func(d time.Time) string {
		if d.IsZero() {
			return ""
		}
		return dateYear(d.In(loc))
	}
	num := func(v float64, ok bool) string {
		if !ok {
			return ""
		}
		return t.number(v, decimalsFor(v))
	}
	reeval := cur.Reevaluation
	if reeval.IsZero() || !reeval.After(today) {
		reeval = domain.DefaultReevaluation(today)
	}
	phaseIdx := 0
	if cur.Phase == domain.PhaseOngoing {
		phaseIdx = 1
	}
	rows := []*formRow{
		{label: a.Reason, fields: []*field{newTextField("reason", 40, "")}},
		{label: a.Physician, fields: []*field{newTextField("physician", 30, safetext.Sanitize(cur.Physician))}},
		{label: a.EffectiveFrom, fields: []*field{newTextField("effective-from", 10, dateYear(today))}, hint: a.DateHint},
		{label: t.Phase, fields: []*field{newChoiceField("phase", []string{t.PhaseName[domain.PhaseStartUp], t.PhaseName[domain.PhaseOngoing]}, []string{string(domain.PhaseStartUp), string(domain.PhaseOngoing)}, phaseIdx)}},
		{label: a.StartEnd, fields: []*field{newTextField("start", 10, date(cur.Start)), newTextField("end", 10, date(cur.End))}, hint: a.EndHint},
		{label: t.Reevaluation, fields: []*field{newTextField("reevaluation", 10, date(reeval))}},
	}
	for _, k := range regimeKinds {
		var s *domain.Schedule
		for i := range cur.Schedules {
			if cur.Schedules[i].Kind == k {
				s = &cur.Schedules[i]
			}
		}
		sel, detail, deadline := 0, "", "12:00"
		if s != nil {
			for i, v := range freqValues {
				if v == string(s.Freq.Kind) {
					sel = i
				}
			}
			switch s.Freq.Kind {
			case domain.TimesPerWeek:
				detail = strconv.Itoa(s.Freq.N)
			case domain.OnWeekdays, domain.Weekly:
				var ds []string
				for _, wd := range s.Freq.Weekdays {
					if wd >= time.Sunday && wd <= time.Saturday {
						ds = append(ds, t.Weekdays[wd])
					}
				}
				detail = strings.Join(ds, ",")
			}
			deadline = clockText(s.Deadline)
		}
		rows = append(rows, &formRow{
			label: t.KindShort[k] + " " + a.Measured,
			fields: []*field{
				newChoiceField("schedule."+string(k), a.FreqName, freqValues, sel),
				newTextField("schedule."+string(k)+".detail", 9, detail),
				newTextField("schedule."+string(k)+".deadline", 5, deadline),
			},
		})
	}
	rows = append(rows, &formRow{label: t.RefWeight + " (kg)", fields: []*field{newTextField("reference-weight", 6, num(cur.Thresholds.ReferenceWeight, cur.Thresholds.ReferenceWeight > 0))}})
	rows = append(rows, &formRow{label: "", hint: strings.Join(t.LimitHead[:], " · ")})
	limitRow := func(label string, k domain.Kind, secondary bool) *formRow {
		kt := cur.Thresholds.ByKind[k]
		l := kt.Primary
		if secondary {
			l = kt.Secondary
		}
		r := &formRow{label: label}
		for i, v := range [4]domain.Limit{l.RedLow, l.YellowLow, l.YellowHigh, l.RedHigh} {
			r.fields = append(r.fields, newTextField(domain.LimitField(k, secondary, i), 6, num(v.V, v.OK)))
		}
		return r
	}
	rows = append(rows,
		limitRow(t.KindShort[domain.KindWeight]+" "+t.Relative, domain.KindWeight, false),
		limitRow(t.KindShort[domain.KindPulse], domain.KindPulse, false),
		limitRow(t.KindShort[domain.KindBloodPressure]+" sys", domain.KindBloodPressure, false),
		limitRow(t.KindShort[domain.KindBloodPressure]+" dia", domain.KindBloodPressure, true),
		limitRow(t.KindShort[domain.KindSpO2], domain.KindSpO2, false),
	)
	gain, days, color := "", "", 0
	if tr := cur.TrendRule; tr != nil {
		gain, days = num(tr.GainKg, true), strconv.Itoa(tr.Days)
		if tr.Color == domain.Red {
			color = 1
		}
	}
	rows = append(rows, &formRow{label: a.Trend, fields: []*field{
		newTextField("trend", 4, gain), newTextField("trend.days", 3, days),
		newChoiceField("trend.color", []string{t.Group[domain.GroupYellow], t.Group[domain.GroupRed]}, []string{"yellow", "red"}, color),
	}, hint: a.TrendHint})
	// The header row of the limits has no fields; drop it from focus by
	// giving it none (it still renders).
	f := &form{title: fmt.Sprintf(a.RegimeTitle, safetext.Sanitize(m.pv.detail.Patient.Name), m.versionLabel(cur.Version)), rows: rows}
	base := cur
	f.submit = func(m *Model, f *form) tea.Cmd {
		c, p := m.readRegimeForm(f, base)
		if len(p) == 0 {
			p = domain.AsProblems(c.Validate())
		}
		if len(p) > 0 {
			f.setProblems(m.t, p)
			return nil
		}
		f.busy = true
		ctx, act := m.ctx, m.opts.Actions
		return m.runAction(formDialog{f}, m.t.A.RegimeSaved, func() error { return act.SaveRegime(ctx, c) })
	}
	m.openDialog(formDialog{f.start()})
}

// readRegimeForm parses the form into a change; input it cannot read is
// reported next to its field.
func (m *Model) readRegimeForm(f *form, base domain.Regime) (domain.RegimeChange, domain.Problems) {
	var p domain.Problems
	bad := func(id, code string) { p = append(p, &domain.FieldError{Field: id, Code: code, Msg: code}) }
	r := domain.Regime{
		ID: base.ID, PatientID: base.PatientID, Pauses: append([]domain.Period(nil), base.Pauses...),
		Author: m.opts.User, Reason: f.field("reason").value(), Physician: f.field("physician").value(),
		Phase: domain.Phase(f.field("phase").value()),
	}
	r.EffectiveFrom = m.parseDateField(f, "effective-from", &p, false)
	// The form shows days; a day the nurse left as it was keeps the
	// regime's exact instant, so saving writes nothing she did not change.
	r.Start = m.sameDayAs(m.parseDateField(f, "start", &p, false), base.Start)
	r.End = m.sameDayAs(m.parseDateField(f, "end", &p, true), base.End)
	r.Reevaluation = m.sameDayAs(m.parseDateField(f, "reevaluation", &p, true), base.Reevaluation)
	// A change made today applies from now, not from midnight: readings
	// already classified today keep their colour.
	if now := m.opts.Now(); !r.EffectiveFrom.IsZero() && r.EffectiveFrom.Before(now) && now.Sub(r.EffectiveFrom) < 24*time.Hour {
		r.EffectiveFrom = now
	}
	for _, k := range regimeKinds {
		id := "schedule." + string(k)
		fk := domain.FreqKind(f.field(id).value())
		if fk == "" {
			continue
		}
		s := domain.Schedule{Kind: k, Freq: domain.Frequency{Kind: fk}}
		dl, ok := parseClock(f.field(id + ".deadline").value())
		if !ok {
			bad(id+".deadline", codeTime)
		}
		s.Deadline = dl
		detail := f.field(id + ".detail").value()
		switch fk {
		case domain.TimesPerWeek:
			n, err := strconv.Atoi(detail)
			if err != nil {
				bad(id+".detail", codeNumber)
			}
			s.Freq.N = n
		case domain.OnWeekdays, domain.Weekly:
			wds, ok := m.t.parseWeekdays(detail)
			if !ok {
				bad(id+".detail", domain.CodeInvalid)
			}
			s.Freq.Weekdays = wds
		}
		r.Schedules = append(r.Schedules, s)
	}
	r.Thresholds = domain.Thresholds{ByKind: map[domain.Kind]domain.KindThresholds{}}
	if v := f.field("reference-weight").value(); v != "" {
		rw, ok := parseNumber(v)
		if !ok {
			bad("reference-weight", codeNumber)
		}
		r.Thresholds.ReferenceWeight = rw
	}
	readLimits := func(k domain.Kind, secondary bool) domain.Limits {
		var arr [4]domain.Limit
		for i := range arr {
			id := domain.LimitField(k, secondary, i)
			v := f.field(id).value()
			if v == "" {
				continue
			}
			x, ok := parseNumber(v)
			if !ok {
				bad(id, codeNumber)
				continue
			}
			arr[i] = domain.L(x)
		}
		return domain.Limits{RedLow: arr[0], YellowLow: arr[1], YellowHigh: arr[2], RedHigh: arr[3]}
	}
	for _, k := range []domain.Kind{domain.KindWeight, domain.KindPulse, domain.KindBloodPressure, domain.KindSpO2} {
		kt := domain.KindThresholds{Primary: readLimits(k, false)}
		if k == domain.KindBloodPressure {
			kt.Secondary = readLimits(k, true)
		}
		if !kt.Empty() {
			r.Thresholds.ByKind[k] = kt
		}
	}
	// Steps have no limits in the form; keep any the regime had.
	if kt, ok := base.Thresholds.ByKind[domain.KindSteps]; ok {
		r.Thresholds.ByKind[domain.KindSteps] = kt
	}
	if g := f.field("trend").value(); g != "" {
		gain, ok := parseNumber(g)
		if !ok {
			bad("trend", codeNumber)
		}
		days, err := strconv.Atoi(f.field("trend.days").value())
		if err != nil {
			bad("trend.days", codeNumber)
		}
		c := domain.Yellow
		if f.field("trend.color").value() == "red" {
			c = domain.Red
		}
		r.TrendRule = &domain.TrendRule{GainKg: gain, Days: days, Color: c}
	}
	return domain.RegimeChange{PatientID: base.PatientID, BaseVersion: base.Version, Regime: r, At: m.opts.Now()}, p
}

// parseWeekdays reads "man,tor" (or English "mon,thu") into weekdays.
func (t *texts) parseWeekdays(s string) ([]time.Weekday, bool) {
	var out []time.Weekday
	for _, part := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ',' || r == ' ' || r == '/' }) {
		found := false
		for d := time.Sunday; d <= time.Saturday; d++ {
			if strings.HasPrefix(strings.ToLower(t.Weekdays[d]), part) || strings.HasPrefix(strings.ToLower(d.String()), part) {
				if len(part) >= 2 {
					out = append(out, d)
					found = true
					break
				}
			}
		}
		if !found {
			return nil, false
		}
	}
	return out, true
}

// conflictView shows the nurse's version beside the one someone else saved
// meanwhile; nothing is overwritten. esc goes back to the form (now based
// on the other version, so saving again is a deliberate choice).
type conflictView struct {
	form *form
	c    *console.RegimeConflictError
}

func (v *conflictView) inline() bool { return false }
func (v *conflictView) update(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) {
	if key.Matches(msg, m.keys.Cancel) || key.Matches(msg, m.keys.Back) {
		m.dlg = formDialog{v.form}
		return false, nil
	}
	return false, nil
}
func (v *conflictView) keys(m *Model) helpKeys {
	b := key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", m.t.A.KeyBackToForm))
	return helpKeys{short: []key.Binding{b, m.keys.ForceQuit}, full: [][]key.Binding{{b, m.keys.ForceQuit}}}
}
func (v *conflictView) lines(m *Model, w, h int) []string {
	a := &m.t.A
	out := []string{m.st.err.Render(SymRed + " " + fmt.Sprintf(a.ConflictTitle, safetext.Sanitize(v.c.Theirs.Author), m.versionLabel(v.c.Theirs.Version)))}
	colW := max(20, (w-3)/2)
	left := append([]string{m.st.bold.Render(a.Mine)}, m.regimeSummary(v.c.Mine.Regime)...)
	right := append([]string{m.st.bold.Render(fmt.Sprintf(a.Theirs, safetext.Sanitize(v.c.Theirs.Author)))}, m.regimeSummary(v.c.Theirs)...)
	out = append(out, sideBySide(left, right, colW)...)
	out = append(out, "", m.st.dim.Render(a.ConflictHint))
	if len(out) > h {
		out = out[:h]
	}
	return out
}

// regimeSummary lists a regime's main values, one per line, for the
// side-by-side comparison.
func (m *Model) regimeSummary(r domain.Regime) []string {
	t := m.t
	out := []string{
		t.A.FieldName["reason"] + ": " + safetext.Sanitize(r.Reason),
		t.Phase + ": " + t.PhaseName[r.Phase],
		t.A.FieldName["effective-from"] + ": " + dateYear(r.EffectiveFrom.In(m.opts.Loc)),
	}
	if r.Thresholds.ReferenceWeight > 0 {
		out = append(out, t.RefWeight+": "+t.number(r.Thresholds.ReferenceWeight, 1))
	}
	for _, k := range regimeKinds {
		kt, ok := r.Thresholds.ByKind[k]
		if !ok {
			continue
		}
		out = append(out, t.KindShort[k]+": "+domain.LimitsText(kt.Primary))
		if !kt.Secondary.Empty() {
			out = append(out, t.KindShort[k]+" dia: "+domain.LimitsText(kt.Secondary))
		}
	}
	for i := range r.Schedules {
		out = append(out, t.KindShort[r.Schedules[i].Kind]+": "+domain.ScheduleText(&r.Schedules[i]))
	}
	return out
}

// historyMsg carries the loaded version history.
type historyMsg struct {
	id       string
	versions []domain.Regime
	err      error
}

// startHistory audits the look-up and loads the regime's versions.
func (m *Model) startHistory() tea.Cmd {
	h := m.opts.History
	ctx, src, id := m.ctx, m.src, m.pv.id
	e := domain.AuditEntry{At: m.opts.Now(), User: m.opts.User, Action: ActionViewRegimeHistory, PatientID: id}
	m.loading = true
	return func() tea.Msg {
		if err := src.Audit(ctx, e); err != nil {
			return historyMsg{id: id, err: fmt.Errorf("audit regime history look-up: %w", err)}
		}
		vs, err := h.RegimeHistory(ctx, id)
		if err != nil {
			err = fmt.Errorf("load regime history: %w", err)
		}
		return historyMsg{id: id, versions: vs, err: err}
	}
}

func (m *Model) historyLoaded(msg historyMsg) {
	m.loading = false
	if msg.err != nil {
		m.err = msg.err.Error()
		return
	}
	if m.screen != screenPatient || msg.id != m.pv.id {
		return
	}
	m.openDialog(&historyView{versions: msg.versions})
}

// historyView lists the regime's versions, newest first, each with author,
// time, reason, physician and what changed from the version before.
type historyView struct {
	versions []domain.Regime
	scroll   int
}

func (v *historyView) inline() bool { return false }
func (v *historyView) update(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.Back):
		return true, nil
	case key.Matches(msg, m.keys.Up):
		v.scroll = max(0, v.scroll-1)
	case key.Matches(msg, m.keys.Down):
		v.scroll++
	case key.Matches(msg, m.keys.PageDown):
		v.scroll += 10
	case key.Matches(msg, m.keys.PageUp):
		v.scroll = max(0, v.scroll-10)
	}
	return false, nil
}
func (v *historyView) keys(m *Model) helpKeys {
	k := m.keys
	return helpKeys{short: []key.Binding{k.Move, k.Back}, full: [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown}, {k.Back, k.ForceQuit}}}
}
func (v *historyView) lines(m *Model, w, h int) []string {
	t, a := m.t, &m.t.A
	head := []string{m.st.title.Render(fmt.Sprintf(a.HistoryTitle, safetext.Sanitize(m.pv.detail.Patient.Name)))}
	var body []string
	if len(v.versions) == 0 {
		body = append(body, a.NoHistory)
	}
	for i := len(v.versions) - 1; i >= 0; i-- {
		r := v.versions[i]
		line := fmt.Sprintf(a.VersionLine, m.versionLabel(r.Version), dateYear(r.EffectiveFrom.In(m.opts.Loc)), safetext.Sanitize(r.Author))
		body = append(body, m.st.bold.Render(line))
		var l2 []string
		if s := safetext.Sanitize(r.Reason); s != "" {
			l2 = append(l2, a.FieldName["reason"]+": "+s)
		}
		if s := safetext.Sanitize(r.Physician); s != "" {
			l2 = append(l2, a.FieldName["physician"]+": "+s)
		}
		if len(l2) > 0 {
			body = append(body, "  "+strings.Join(l2, " · "))
		}
		if i > 0 {
			for _, d := range domain.DiffRegimesIn(v.versions[i-1], r, m.opts.Loc) {
				old, nw := localDates(d.Field, d.Old), localDates(d.Field, d.New)
				if old == "" {
					old = "–"
				}
				if nw == "" {
					nw = "–"
				}
				body = append(body, "  "+t.fieldLabel(d.Field)+": "+safetext.Sanitize(old)+" → "+safetext.Sanitize(nw))
			}
		} else {
			body = append(body, "  "+a.FirstVersion)
		}
		body = append(body, "")
	}
	room := max(1, h-len(head))
	v.scroll = min(v.scroll, max(0, len(body)-room))
	return append(head, body[v.scroll:min(len(body), v.scroll+room)]...)
}

// sideBySide sets two versions next to each other, colW columns each, with
// a rule between them: the nurse's change left, the other's right.
func sideBySide(left, right []string, colW int) []string {
	out := make([]string, 0, max(len(left), len(right)))
	for i := 0; i < max(len(left), len(right)); i++ {
		var l, r string
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		out = append(out, fit(l, colW, false)+" │ "+truncate(r, colW))
	}
	return out
}

// isoDate matches a YYYY-MM-DD date in a diff value.
var isoDate = regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`)

// localDates writes the diff's dates (local calendar days, YYYY-MM-DD) in
// the console's date format, dd.mm.åååå, and a pause's ".." as "–".
func localDates(field, v string) string {
	v = isoDate.ReplaceAllString(v, "$3.$2.$1")
	if field == "pauses" {
		v = strings.ReplaceAll(v, "..", "–")
	}
	return v
}

// versionLabel is how a regime version is named on screen: "v" and the
// central's version id (opaque: a number on some servers, a UUID on others,
// shortened), or "new, not sent yet" for a version saved here that the
// central has not answered.
func (m *Model) versionLabel(v string) string {
	if domain.IsPendingVersion(v) {
		return m.t.A.PendingVersion
	}
	v = safetext.Sanitize(v)
	if r := []rune(v); len(r) > 12 {
		v = string(r[:8]) + "…"
	}
	return "v" + v
}

// sameDayAs is was when day (a date read from a form, local midnight) is
// its calendar day, else day.
func (m *Model) sameDayAs(day, was time.Time) time.Time {
	if day.IsZero() || was.IsZero() {
		return day
	}
	y1, m1, d1 := day.In(m.opts.Loc).Date()
	y2, m2, d2 := was.In(m.opts.Loc).Date()
	if y1 == y2 && m1 == m2 && d1 == d2 {
		return was
	}
	return day
}
