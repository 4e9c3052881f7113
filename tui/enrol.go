package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// Enrolment ("opret borger", n on the worklist): the form with the
// programme's inclusion checklist and informed consent, offered when an
// Enroller is wired in the options.

// enrolTeamsMsg carries the teams for the enrolment form.
type enrolTeamsMsg struct {
	teams []domain.Team
	err   error
}

func (m *Model) enrolKey() key.Binding {
	return key.NewBinding(key.WithKeys("n"), key.WithHelp("n", m.t.C.KeyEnrol))
}

// canEnrol reports whether the console may enrol patients.
func (m *Model) canEnrol() bool { return m.canAct() && m.opts.Enroller != nil }

// startEnrol loads the teams and opens the enrolment form.
func (m *Model) startEnrol() tea.Cmd {
	ctx, act := m.ctx, m.opts.Actions
	m.loading = true
	return func() tea.Msg {
		ts, err := act.Teams(ctx)
		if err != nil {
			err = fmt.Errorf("load teams: %w", err)
		}
		return enrolTeamsMsg{teams: ts, err: err}
	}
}

func (m *Model) enrolTeamsLoaded(msg enrolTeamsMsg) tea.Cmd {
	m.loading = false
	if msg.err != nil {
		m.err = msg.err.Error()
		return nil
	}
	if m.screen != screenWorklist || m.dlg != nil {
		return nil
	}
	m.enrolForm(msg.teams)
	return nil
}

// templateLine summarises the start-up regime the patient will start on.
func (m *Model) templateLine(tm domain.RegimeTemplate) string {
	c := &m.t.C
	var parts []string
	for _, s := range tm.Schedules {
		p := m.t.KindLong[s.Kind]
		if s.Freq.Kind == domain.Daily {
			p += " " + c.Daily
		}
		if s.Deadline < 24*60*60*1e9 {
			p += " " + clockText(s.Deadline)
		}
		parts = append(parts, p)
	}
	var lims []string
	for _, k := range domain.Kinds() {
		kt, ok := tm.Thresholds[k]
		if !ok || kt.Empty() {
			if k == domain.KindBloodPressure {
				for _, s := range tm.Schedules {
					if s.Kind == k {
						lims = append(lims, c.NoLimitsBP)
					}
				}
			}
			continue
		}
		l := kt.Primary
		v := func(x domain.Limit) string {
			if !x.OK {
				return "–"
			}
			if k == domain.KindWeight {
				return m.t.signed(x.V)
			}
			return m.t.number(x.V, decimalsFor(x.V))
		}
		lims = append(lims, fmt.Sprintf("%s %s/%s/%s/%s", m.t.KindShort[k], v(l.RedHigh), v(l.YellowHigh), v(l.YellowLow), v(l.RedLow)))
	}
	what := strings.Join(parts, ", ")
	if len(lims) > 0 {
		what += "; " + strings.Join(lims, ", ")
	}
	return fmt.Sprintf(c.TemplateLine, safetext.Sanitize(tm.Name), what, tm.StartUpDays, tm.ReevaluationDays)
}

// enrolForm opens the enrolment form.
func (m *Model) enrolForm(teams []domain.Team) {
	c := &m.t.C
	if len(teams) == 0 {
		m.openDialog(&notice{text: c.NoTeams})
		return
	}
	var labels, ids []string
	byID := map[string]domain.Team{}
	for _, tm := range teams {
		label := tm.Name
		if tm.OrgName != "" {
			label += " (" + tm.OrgName + ")"
		}
		labels = append(labels, safetext.Sanitize(label))
		ids = append(ids, tm.ID)
		byID[tm.ID] = tm
	}
	tmpl := m.opts.Enroller.Template()
	today := m.opts.Now().In(m.opts.Loc)
	cpr := newTextField("cpr", 11, "")
	cpr.in.Placeholder = c.CPRHint
	contact := newTextField("contact", 20, "")
	contact.in.Placeholder = m.t.A.Optional
	f := &form{
		title: c.Title,
		intro: []string{c.Template + ": " + m.templateLine(tmpl)},
		rows: []*formRow{
			{label: c.CPR, fields: []*field{cpr}, hint: c.CPRHint},
			{label: c.Name, fields: []*field{newTextField("name", 30, "")}},
			{label: c.Contact, fields: []*field{contact}},
			{label: c.Team, fields: []*field{newChoiceField("team", labels, ids, 0)}},
			{label: c.Physician, fields: []*field{newTextField("physician", 30, "")}},
			{label: c.RefW, fields: []*field{newTextField("refweight", 6, "")}, hint: c.RefWHint},
			{label: c.EF, fields: []*field{newToggleField("ef", false)}},
			{label: c.Titration, fields: []*field{newToggleField("titration", false)}},
			{label: c.Able, fields: []*field{newToggleField("able", false)}, hint: c.AbleHint},
			{label: c.Consent, fields: []*field{newToggleField("consent", false)}},
			{label: c.CDay, fields: []*field{newTextField("consent-date", 10, dateYear(today))}, hint: m.t.A.DateHint},
		},
	}
	warned := ""
	f.submit = func(m *Model, f *form) tea.Cmd {
		var p domain.Problems
		w := 0.0
		if v := f.field("refweight").value(); v != "" {
			n, ok := parseNumber(v)
			if !ok {
				p = append(p, &domain.FieldError{Field: "refweight", Code: codeNumber, Msg: "not a number"})
			}
			w = n
		}
		consentDay := m.parseDateField(f, "consent-date", &p, true)
		e := domain.Enrolment{
			ID: m.opts.NewID(), CPR: f.field("cpr").value(), Name: f.field("name").value(),
			Contact: f.field("contact").value(), Team: byID[f.field("team").value()],
			Physician: f.field("physician").value(), ReferenceWeight: w,
			Inclusion: domain.Inclusion{ReducedEF: f.field("ef").on, Titration: f.field("titration").on,
				AbleOrHelped: f.field("able").on, Consent: f.field("consent").on},
			ConsentDate: consentDay, By: m.opts.User, At: m.opts.Now(),
		}
		parsed, err := e.Validate(m.opts.Now().In(m.opts.Loc))
		if err != nil {
			p = append(p, domain.AsProblems(err)...)
		}
		if len(p) > 0 {
			f.setProblems(m.t, p)
			return nil
		}
		// The modulus-11 check is a warning only: shown once per number,
		// the next save enrols.
		if !parsed.Modulus11 && warned != parsed.Number {
			warned = parsed.Number
			f.general = c.Mod11Warn
			return nil
		}
		ctx, en := m.ctx, m.opts.Enroller
		return m.submitForm(f, nil, c.Enrolled, func() error { return en.Enrol(ctx, e) })
	}
	m.openDialog(formDialog{f.start()})
}
