package tui

import (
	"errors"
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
func (p *patientScreen) regimeForm() dialog {
	return formDialog{p.regimeFormFor(p.detail.Regime).start()}
}

// regimeFormFor is the regime form for a new version after cur, not yet
// started.
func (p *patientScreen) regimeFormFor(cur domain.Regime) *form {
	t, a := p.t, &p.t.Act
	loc := p.opts.Loc
	today := p.opts.Now().In(loc)
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
	// The physician field holds what the regime holds: "Practitioner/<id>"
	// when it is a reference, else her name as text; saved unchanged it
	// stays exactly that. After the field the form says what saving makes
	// of it (physicianHint): a known physician by name, a reference, or
	// free text.
	physicianText := safetext.Sanitize(cur.Physician)
	// 50 columns: "Practitioner/" and a UUID, a central's usual id.
	physician := p.personField(newTextField("physician", 50, physicianText))
	rows := []*formRow{
		{label: a.Reason, fields: []*field{newTextField("reason", 40, "")}},
		{label: a.Physician, fields: []*field{physician}, hintFn: p.physicianHint(physician, physicianText)},
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
	// The questionnaire's answers: one row per answer option of the
	// questionnaires the patient answers (their definitions, from the
	// central), per answer the regime has a severity for and per answer
	// the patient has given, under its question. Without a definition
	// only the answers already given can be set, and the form says so.
	pairs := domain.ProOptions(p.detail.ProDefinitions, cur.ProRules, p.detail.Questionnaires)
	if len(pairs) > 0 || len(p.detail.ProDefinitions) == 0 {
		rows = append(rows, &formRow{label: a.ProHead, hint: a.ProHint})
		switch {
		case len(p.detail.ProDefinitions) > 0:
		case len(p.detail.ProUnknown) > 0:
			rows = append(rows, &formRow{label: "", hint: a.ProNoDefinition})
		default:
			rows = append(rows, &formRow{label: "", hint: a.ProNoQuestionnaire})
		}
		question := ""
		for i, pr := range pairs {
			if !strings.EqualFold(strings.TrimSpace(pr.Question), question) {
				question = strings.TrimSpace(pr.Question)
				rows = append(rows, &formRow{label: "", hint: safetext.Sanitize(question)})
			}
			sel := colorIndex(pr.Severity)
			labels := append([]string(nil), a.ProSeverity...)
			if pr.Default != domain.Unclassified {
				// "as the questionnaire (yellow)": what no rule means here.
				labels[0] = fmt.Sprintf("%s (%s)", labels[0], a.ProSeverity[colorIndex(pr.Default)])
			}
			rows = append(rows, &formRow{label: "  " + safetext.Sanitize(pr.Answer), wrap: true, fields: []*field{
				newChoiceField(fmt.Sprintf("pro.%d", i), labels, []string{"", "green", "yellow", "red"}, sel)}})
		}
	}
	// The header rows (limits, questions) have no fields; drop them from
	// focus by giving them none (they still render).
	f := &form{shared: p.shared, patientID: p.id, patientName: p.detail.Patient.Name, title: fmt.Sprintf(a.RegimeTitle, safetext.Sanitize(p.detail.Patient.Name), p.versionLabel(cur.Version)), rows: rows,
		proPairs: pairs}
	base := cur
	f.submit = func(f *form) tea.Cmd {
		c, probs := p.readRegimeForm(f, base)
		if len(probs) == 0 {
			probs = domain.AsProblems(c.Validate())
		}
		if len(probs) > 0 {
			f.setProblems(p.t, probs)
			return nil
		}
		f.busy = true
		ctx, act, book, namer := p.ctx, p.opts.Actions, p.names, p.opts.Names
		return p.runAction(formDialog{f}, p.t.Act.RegimeSaved, func() error {
			err := act.SaveRegime(ctx, c)
			if conflict := (*console.RegimeConflictError)(nil); errors.As(err, &conflict) {
				// The conflict view names who saved the other version.
				book.learn(ctx, namer, regimePeople(conflict.Theirs, conflict.Mine.Regime)...)
			}
			return err
		})
	}
	f.rebase, f.regimeBase = p.regimeFormFor, cur
	return f
}

// rebasedOn is the regime form built anew on theirs, the version someone
// else (by) saved since this form was opened, with every field the nurse
// changed carried over: a field she did not change now shows their value,
// so saving again writes her changes on top of their version and nothing
// of hers is lost. A field both changed keeps hers and says what theirs
// is; a change with no field in the new form (an answer their version no
// longer offers) is named.
func (f *form) rebasedOn(theirs domain.Regime, by string) *form {
	a := &f.t.Act
	g := f.rebase(theirs).start()
	g.errs = map[string]string{}
	var lost []string
	for _, r := range f.rows {
		for _, fl := range r.fields {
			was, now := f.startValues[fl.id], fl.value()
			if now == was {
				continue
			}
			gf := g.field(f.counterpart(fl.id, g))
			if gf == nil {
				lost = append(lost, r.label+" "+fl.shown())
				continue
			}
			their, theirShown := gf.value(), gf.shown()
			if !gf.set(now) {
				lost = append(lost, r.label+" "+fl.shown())
				continue
			}
			if their != was && their != now {
				if theirShown == "" {
					theirShown = "—"
				}
				g.errs[gf.id] = fmt.Sprintf(a.AlsoChanged, by, safetext.Sanitize(theirShown))
			}
		}
	}
	g.general = fmt.Sprintf(a.Rebased, by)
	if len(lost) > 0 {
		g.general += " " + fmt.Sprintf(a.NotCarried, safetext.Sanitize(strings.Join(lost, "; ")))
	}
	return g
}

// counterpart is the id in g of f's field id: the same id, but for an
// answer of the questionnaire (pro.<i>, numbered by the form's answers)
// the field of the same question and answer in g.
func (f *form) counterpart(id string, g *form) string {
	i, err := strconv.Atoi(strings.TrimPrefix(id, "pro."))
	if !strings.HasPrefix(id, "pro.") || err != nil {
		return id
	}
	if i < 0 || i >= len(f.proPairs) {
		return ""
	}
	same := func(a, b string) bool { return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b)) }
	want := f.proPairs[i]
	for j, pr := range g.proPairs {
		if same(pr.Question, want.Question) && same(pr.Answer, want.Answer) {
			return fmt.Sprintf("pro.%d", j)
		}
	}
	return ""
}

// readRegimeForm parses the form into a change; input it cannot read is
// reported next to its field. The change names no author: the version is
// written by whom the console acts as (console.Actions.SaveRegime).
func (sh *shared) readRegimeForm(f *form, base domain.Regime) (domain.RegimeChange, domain.Problems) {
	var p domain.Problems
	bad := func(id, code string) { p = append(p, &domain.FieldError{Field: id, Code: code, Msg: code}) }
	r := domain.Regime{
		ID: base.ID, PatientID: base.PatientID, Pauses: append([]domain.Period(nil), base.Pauses...),
		Questionnaires: append([]string(nil), base.Questionnaires...),
		Reason:         f.field("reason").value(),
		Phase:          domain.Phase(f.field("phase").value()),
	}
	// The physician as the regime has her when the field is as it was
	// (a reference stays exactly that reference); else what the entry is
	// (domain.PersonEntry): never a guessed reference.
	if v := f.field("physician").value(); v == strings.TrimSpace(safetext.Sanitize(base.Physician)) {
		r.Physician = base.Physician
	} else {
		r.Physician = sh.physicianValue(v)
	}
	r.EffectiveFrom = sh.parseDateField(f, "effective-from", &p, false)
	// The form shows days; a day the nurse left as it was keeps the
	// regime's exact instant, so saving writes nothing she did not change.
	r.Start = sh.sameDayAs(sh.parseDateField(f, "start", &p, false), base.Start)
	r.End = sh.sameDayAs(sh.parseDateField(f, "end", &p, true), base.End)
	r.Reevaluation = sh.sameDayAs(sh.parseDateField(f, "reevaluation", &p, true), base.Reevaluation)
	// A change made today applies from now, not from midnight: readings
	// already classified today keep their colour.
	if now := sh.opts.Now(); !r.EffectiveFrom.IsZero() && r.EffectiveFrom.Before(now) && now.Sub(r.EffectiveFrom) < 24*time.Hour {
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
			wds, ok := sh.t.parseWeekdays(detail)
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
	for i, pr := range f.proPairs {
		fl := f.field(fmt.Sprintf("pro.%d", i))
		if fl == nil || fl.value() == "" {
			continue // as the questionnaire says
		}
		c, err := domain.ParseColor(fl.value())
		if err != nil {
			bad(fl.id, domain.CodeInvalid)
			continue
		}
		r.ProRules = append(r.ProRules, domain.ProRule{Question: pr.Question, Answer: pr.Answer, Severity: c})
	}
	return domain.RegimeChange{PatientID: base.PatientID, BaseVersion: base.Version, Regime: r, At: sh.opts.Now()}, p
}

// proChange is one answer whose severity differs between two versions
// (Unclassified: no rule, as the questionnaire says).
type proChange struct {
	question, answer string
	old, new         domain.Color
}

// proChanges are the answers whose rule differs between old and new, in
// the order of old's rules, then new's.
func proChanges(old, new []domain.ProRule) []proChange {
	find := func(rs []domain.ProRule, r domain.ProRule) domain.Color {
		sev, _ := domain.ProRuleFor(rs, r.Question, r.Answer)
		return sev
	}
	var out []proChange
	for _, r := range old {
		if n := find(new, r); n != r.Severity {
			out = append(out, proChange{question: r.Question, answer: r.Answer, old: r.Severity, new: n})
		}
	}
	for _, r := range new {
		if find(old, r) == domain.Unclassified {
			out = append(out, proChange{question: r.Question, answer: r.Answer, old: domain.Unclassified, new: r.Severity})
		}
	}
	return out
}

// colorIndex is the place of a severity in ProSeverity (green 1, yellow
// 2, red 3; 0 for none).
func colorIndex(c domain.Color) int {
	switch c {
	case domain.Green:
		return 1
	case domain.Yellow:
		return 2
	case domain.Red:
		return 3
	}
	return 0
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
// meanwhile; nothing is overwritten. esc goes back to the form, built anew
// on the other version with her changes carried over (rebasedOn), so
// saving again is a deliberate choice that writes only what she changed.
type conflictView struct {
	*shared
	box
	form *form
	c    *console.RegimeConflictError
}

func (v *conflictView) inline() bool { return false }
func (v *conflictView) Update(msg tea.Msg) (component, tea.Cmd) {
	if msg, ok := msg.(tea.KeyPressMsg); ok && (key.Matches(msg, v.keys.Cancel) || key.Matches(msg, v.keys.Back)) {
		if v.form.rebase == nil {
			return formDialog{v.form}, nil
		}
		return formDialog{v.form.rebasedOn(v.c.Theirs, v.person(v.c.Theirs.Author))}, nil
	}
	return v, nil
}
func (v *conflictView) ShortHelp() []key.Binding {
	return []key.Binding{v.keys.BackToForm, v.keys.ForceQuit}
}
func (v *conflictView) FullHelp() [][]key.Binding {
	return [][]key.Binding{{v.keys.BackToForm, v.keys.ForceQuit}}
}
func (v *conflictView) View() string {
	a := &v.t.Act
	w, h := v.w, v.h
	by := v.person(v.c.Theirs.Author)
	head := v.st.err.Render(SymRed + " " + fmt.Sprintf(a.ConflictTitle, by, v.versionLabel(v.c.Theirs.Version)))
	var body []string
	if v.form.rebase != nil {
		// What each changed since the version the form was opened on:
		// every field, the ones the side-by-side summary leaves out too.
		base := v.form.regimeBase
		body = append(body, v.st.bold.Render(fmt.Sprintf(a.TheirChanges, by)))
		body = append(body, orNone(v.regimeChangeLines(base, v.c.Theirs, "  "), a.NoChanges)...)
		body = append(body, v.st.bold.Render(a.YourChanges))
		body = append(body, orNone(v.regimeChangeLines(base, v.c.Mine.Regime, "  "), a.NoChanges)...)
		body = append(body, "")
	}
	colW := max(20, (w-3)/2)
	left := append([]string{v.st.bold.Render(a.Mine)}, v.regimeSummary(v.c.Mine.Regime)...)
	right := append([]string{v.st.bold.Render(fmt.Sprintf(a.Theirs, by))}, v.regimeSummary(v.c.Theirs)...)
	body = append(body, sideBySide(left, right, colW)...)
	// The title and the hint always show; the body is cut to what fits.
	room := max(0, h-3)
	if len(body) > room {
		body = body[:room]
	}
	out := append([]string{head}, body...)
	out = append(out, "", v.st.dim.Render(a.ConflictHint))
	return strings.Join(out, "\n")
}

// orNone is lines, or one line saying none when there are none.
func orNone(lines []string, none string) []string {
	if len(lines) == 0 {
		return []string{"  " + none}
	}
	return lines
}

// regimeSummary lists a regime's main values, one per line, for the
// side-by-side comparison.
func (s *shared) regimeSummary(r domain.Regime) []string {
	t := s.t
	out := []string{
		t.Act.FieldName["reason"] + ": " + safetext.Sanitize(r.Reason),
		t.Phase + ": " + t.PhaseName[r.Phase],
		t.Act.FieldName["effective-from"] + ": " + dateYear(r.EffectiveFrom.In(s.opts.Loc)),
	}
	if r.Physician != "" {
		out = append(out, t.Act.FieldName["physician"]+": "+s.person(r.Physician))
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
func (p *patientScreen) startHistory() tea.Cmd {
	h, book, namer := p.opts.History, p.names, p.opts.Names
	ctx, src, id := p.ctx, p.src, p.id
	e := domain.AuditEntry{At: p.opts.Now(), User: p.opts.User, Action: ActionViewRegimeHistory, PatientID: id}
	p.loading = true
	return func() tea.Msg {
		if err := src.Audit(ctx, e); err != nil {
			return historyMsg{id: id, err: fmt.Errorf("audit regime history look-up: %w", err)}
		}
		vs, err := h.RegimeHistory(ctx, id)
		if err != nil {
			err = fmt.Errorf("load regime history: %w", err)
		}
		book.learn(ctx, namer, regimePeople(vs...)...)
		return historyMsg{id: id, versions: vs, err: err}
	}
}

func (p *patientScreen) historyLoaded(msg historyMsg) component {
	p.loading = false
	if msg.err != nil {
		p.err = msg.err.Error()
		return p
	}
	if msg.id != p.id {
		return p
	}
	return &historyView{shared: p.shared, name: p.detail.Patient.Name, versions: msg.versions}
}

// historyView lists the regime's versions, newest first, each with author,
// time, reason, physician and what changed from the version before.
type historyView struct {
	*shared
	box
	name     string // the patient's
	versions []domain.Regime
	scroll   int
}

func (v *historyView) inline() bool { return false }
func (v *historyView) Update(msg tea.Msg) (component, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return v, nil
	}
	switch {
	case key.Matches(k, v.keys.Back):
		return nil, nil
	case key.Matches(k, v.keys.Up):
		v.scroll = max(0, v.scroll-1)
	case key.Matches(k, v.keys.Down):
		v.scroll++
	case key.Matches(k, v.keys.PageDown):
		v.scroll += 10
	case key.Matches(k, v.keys.PageUp):
		v.scroll = max(0, v.scroll-10)
	}
	return v, nil
}
func (v *historyView) ShortHelp() []key.Binding { return []key.Binding{v.keys.Move, v.keys.Back} }
func (v *historyView) FullHelp() [][]key.Binding {
	k := v.keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown}, {k.Back, k.ForceQuit}}
}
func (v *historyView) View() string {
	a := &v.t.Act
	h := v.h
	head := []string{v.st.title.Render(fmt.Sprintf(a.HistoryTitle, safetext.Sanitize(v.name)))}
	var body []string
	if len(v.versions) == 0 {
		body = append(body, a.NoHistory)
	}
	for i := len(v.versions) - 1; i >= 0; i-- {
		r := v.versions[i]
		line := fmt.Sprintf(a.VersionLine, v.versionLabel(r.Version), dateYear(r.EffectiveFrom.In(v.opts.Loc)), v.person(r.Author))
		body = append(body, v.st.bold.Render(line))
		var l2 []string
		if s := safetext.Sanitize(r.Reason); s != "" {
			l2 = append(l2, a.FieldName["reason"]+": "+s)
		}
		if s := v.person(r.Physician); s != "" {
			l2 = append(l2, a.FieldName["physician"]+": "+s)
		}
		if len(l2) > 0 {
			body = append(body, "  "+strings.Join(l2, " · "))
		}
		if i > 0 {
			body = append(body, v.regimeChangeLines(v.versions[i-1], r, "  ")...)
		} else {
			body = append(body, "  "+a.FirstVersion)
		}
		body = append(body, "")
	}
	room := max(1, h-len(head))
	v.scroll = min(v.scroll, max(0, len(body)-room))
	return strings.Join(append(head, body[v.scroll:min(len(body), v.scroll+room)]...), "\n")
}

// regimeChangeLines are the changes from regime old to new, one line each
// after indent ("field: old → new"; for the questionnaire, one line per
// answer whose severity changed).
func (s *shared) regimeChangeLines(old, new domain.Regime, indent string) []string {
	t, a := s.t, &s.t.Act
	var out []string
	for _, d := range domain.DiffRegimesIn(old, new, s.opts.Loc) {
		if d.Field == "pro" {
			// One line per answer whose severity changed, the
			// severities first: a long answer may be cut at the
			// screen's edge, never what it became.
			out = append(out, indent+t.fieldLabel(d.Field)+":")
			for _, c := range proChanges(old.ProRules, new.ProRules) {
				out = append(out, indent+"  "+a.ProSeverity[colorIndex(c.old)]+" → "+a.ProSeverity[colorIndex(c.new)]+": "+
					safetext.Sanitize(strings.TrimSpace(c.answer))+" ("+safetext.Sanitize(strings.TrimSpace(c.question))+")")
			}
			continue
		}
		was, now := safetext.Sanitize(localDates(d.Field, d.Old)), safetext.Sanitize(localDates(d.Field, d.New))
		if d.Field == "physician" {
			was, now = s.person(d.Old), s.person(d.New)
		}
		if was == "" {
			was = "–"
		}
		if now == "" {
			now = "–"
		}
		out = append(out, indent+t.fieldLabel(d.Field)+": "+was+" → "+now)
	}
	return out
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
