package tui

import (
	"fmt"
	"strings"

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

// startEnrol loads the teams and opens the enrolment form.
func (w *worklistScreen) startEnrol() tea.Cmd {
	ctx, act := w.ctx, w.opts.Actions
	w.loading = true
	return func() tea.Msg {
		ts, err := act.Teams(ctx)
		if err != nil {
			err = fmt.Errorf("load teams: %w", err)
		}
		return enrolTeamsMsg{teams: ts, err: err}
	}
}

func (w *worklistScreen) enrolTeamsLoaded(msg enrolTeamsMsg) (component, tea.Cmd) {
	w.loading = false
	if msg.err != nil {
		w.err = msg.err.Error()
		return w, nil
	}
	return w.enrolForm(msg.teams), nil
}

// templateLine summarises the start-up regime the patient will start on.
func (sh *shared) templateLine(tm domain.RegimeTemplate) string {
	c := &sh.t.Course
	var parts []string
	for _, s := range tm.Schedules {
		p := sh.t.KindLong[s.Kind]
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
				return sh.t.signed(x.V)
			}
			return sh.t.number(x.V, decimalsFor(x.V))
		}
		lims = append(lims, fmt.Sprintf("%s %s/%s/%s/%s", sh.t.KindShort[k], v(l.RedHigh), v(l.YellowHigh), v(l.YellowLow), v(l.RedLow)))
	}
	what := strings.Join(parts, ", ")
	if len(lims) > 0 {
		what += "; " + strings.Join(lims, ", ")
	}
	return fmt.Sprintf(c.TemplateLine, safetext.Sanitize(tm.Name), what, tm.StartUpDays, tm.ReevaluationDays)
}

// enrolForm opens the enrolment form.
func (w *worklistScreen) enrolForm(teams []domain.Team) dialog {
	c := &w.t.Course
	if len(teams) == 0 {
		return w.notice(c.NoTeams)
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
	tmpl := w.opts.Enroller.Template()
	today := w.opts.Now().In(w.opts.Loc)
	cpr := newTextField("cpr", 11, "")
	cpr.in.Placeholder = c.CPRHint
	contact := newTextField("contact", 20, "")
	contact.in.Placeholder = w.t.Act.Optional
	// What she types as the physician is a reference when it is one
	// ("Practitioner/<id>") or the id of a practitioner the cache knows,
	// else a name as text; the form says which after the field.
	physician := w.personField(newTextField("physician", 40, ""))
	f := &form{shared: w.shared,
		title: c.Title,
		intro: []string{c.Template + ": " + w.templateLine(tmpl)},
		rows: []*formRow{
			{label: c.CPR, fields: []*field{cpr}, hint: c.CPRHint},
			{label: c.Name, fields: []*field{newTextField("name", 30, "")}},
			{label: c.Contact, fields: []*field{contact}},
			{label: c.Team, fields: []*field{newChoiceField("team", labels, ids, 0)}},
			{label: c.Physician, fields: []*field{physician}, hintFn: w.physicianHint(physician, "")},
			{label: c.RefW, fields: []*field{newTextField("refweight", 6, "")}, hint: c.RefWHint},
			{label: c.EF, fields: []*field{newToggleField("ef", false)}},
			{label: c.Titration, fields: []*field{newToggleField("titration", false)}},
			{label: c.Able, fields: []*field{newToggleField("able", false)}, hint: c.AbleHint},
			{label: c.Consent, fields: []*field{newToggleField("consent", false)}},
			{label: c.CDay, fields: []*field{newTextField("consent-date", 10, dateYear(today))}, hint: w.t.Act.DateHint},
		},
	}
	warned := ""
	f.submit = func(f *form) tea.Cmd {
		var p domain.Problems
		weight := 0.0
		if v := f.field("refweight").value(); v != "" {
			n, ok := parseNumber(v)
			if !ok {
				p = append(p, &domain.FieldError{Field: "refweight", Code: codeNumber, Msg: "not a number"})
			}
			weight = n
		}
		consentDay := w.parseDateField(f, "consent-date", &p, true)
		e := domain.Enrolment{
			ID: w.opts.NewID(), CPR: f.field("cpr").value(), Name: f.field("name").value(),
			Contact: f.field("contact").value(), Team: byID[f.field("team").value()],
			Physician: w.physicianValue(f.field("physician").value()), ReferenceWeight: weight,
			Inclusion: domain.Inclusion{ReducedEF: f.field("ef").on, Titration: f.field("titration").on,
				AbleOrHelped: f.field("able").on, Consent: f.field("consent").on},
			ConsentDate: consentDay, By: w.opts.User, At: w.opts.Now(),
		}
		parsed, err := e.Validate(w.opts.Now().In(w.opts.Loc))
		if err != nil {
			p = append(p, domain.AsProblems(err)...)
		}
		if len(p) > 0 {
			f.setProblems(w.t, p)
			return nil
		}
		// The modulus-11 check is a warning only: shown once per number,
		// the next save enrols.
		if !parsed.Modulus11 && warned != parsed.Number {
			warned = parsed.Number
			f.general = c.Mod11Warn
			return nil
		}
		ctx, en := w.ctx, w.opts.Enroller
		return w.submitForm(f, nil, c.Enrolled, func() error { return en.Enrol(ctx, e) })
	}
	return formDialog{f.start()}
}
