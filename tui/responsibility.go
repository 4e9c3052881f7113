package tui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// teamsMsg carries the teams for the responsibility form.
type teamsMsg struct {
	id     string
	teams  []domain.Team
	grants []domain.ReadGrant // se-adgang to the patient (with Options.Granter)
	err    error
}

// startTransfer loads the teams and opens the responsibility form.
func (p *patientScreen) startTransfer() tea.Cmd {
	ctx, act, gr, id := p.ctx, p.opts.Actions, p.opts.Granter, p.id
	book, namer := p.names, p.opts.Names
	p.loading = true
	return func() tea.Msg {
		ts, err := act.Teams(ctx)
		if err != nil {
			return teamsMsg{id: id, err: fmt.Errorf("load teams: %w", err)}
		}
		var gs []domain.ReadGrant
		if gr != nil {
			if gs, err = gr.ReadGrants(ctx, id); err != nil {
				err = fmt.Errorf("load se-adgang: %w", err)
			}
			for _, g := range gs {
				book.learn(ctx, namer, g.Grantee)
			}
		}
		return teamsMsg{id: id, teams: ts, grants: gs, err: err}
	}
}

func (p *patientScreen) teamsLoaded(msg teamsMsg) component {
	p.loading = false
	if msg.err != nil {
		p.err = msg.err.Error()
		return p
	}
	if msg.id != p.id {
		return p
	}
	return p.responsibilityForm(msg.teams, msg.grants)
}

// responsibilityForm transfers responsibility permanently (team and
// handover note) or plans holiday cover (team, period, this patient or all
// patients of the home team).
func (p *patientScreen) responsibilityForm(teams []domain.Team, grants []domain.ReadGrant) dialog {
	t, a := p.t, &p.t.Act
	d := &p.detail
	home := d.Responsibility.Home
	var labels, ids []string
	byID := map[string]domain.Team{}
	for _, tm := range teams {
		if tm.ID == home.ID {
			continue
		}
		labels = append(labels, safetext.Sanitize(tm.Name))
		ids = append(ids, tm.ID)
		byID[tm.ID] = tm
	}
	if len(ids) == 0 && p.opts.Granter == nil {
		return p.notice(a.NoTeams)
	}
	gt := grantTexts(p.opts.Lang)
	var modeLabels, modeValues []string
	if len(ids) > 0 {
		modeLabels, modeValues = []string{a.ModeCover, a.ModeTransfer}, []string{"cover", "transfer"}
	}
	if p.opts.Granter != nil {
		modeLabels, modeValues = append(modeLabels, gt.ModeGrant), append(modeValues, "grant")
		if len(grants) > 0 {
			modeLabels, modeValues = append(modeLabels, gt.ModeRevoke), append(modeValues, "revoke")
		}
	}
	mode := newChoiceField("mode", modeLabels, modeValues, 0)
	isCover := func() bool { return mode.value() == "cover" }
	isTransfer := func() bool { return mode.value() == "transfer" }
	isGrant := func() bool { return mode.value() == "grant" }
	isRevoke := func() bool { return mode.value() == "revoke" }
	onTeam := func() bool { return isCover() || isTransfer() }
	note := newTextField("note", 50, "")
	grantee := p.personField(newTextField("grantee", 40, ""))
	var grantLabels, grantIDs []string
	for _, g := range grants {
		// Her name as the cache knows it, else as the grant names her,
		// else her id.
		who := p.person(g.Grantee)
		if _, known := p.names.name(g.Grantee); !known && strings.TrimSpace(g.GranteeName) != "" {
			who = safetext.Sanitize(g.GranteeName)
		}
		label := who + " " + gt.Until + " " + dateYear(g.To.Add(-time.Nanosecond).In(p.opts.Loc))
		if len(g.Teams) > 0 {
			label += " (" + gt.WholeTeam + ")"
		}
		grantLabels = append(grantLabels, label)
		grantIDs = append(grantIDs, g.ID)
	}
	f := &form{shared: p.shared, patientID: p.id, patientName: p.detail.Patient.Name,
		title: fmt.Sprintf(a.RespTitle, safetext.Sanitize(d.Patient.Name)),
		intro: []string{t.Responsible + ": " + t.teamLabel(d.Responsibility, p.opts.Now())},
		rows: []*formRow{
			{label: a.Mode, fields: []*field{mode}},
			{label: gt.Grantee, fields: []*field{grantee}, hint: gt.GranteeHint, hintFn: p.personHint(grantee), show: isGrant},
			{label: gt.Until, fields: []*field{newTextField("until", 10, dateYear(p.opts.Now().In(p.opts.Loc).AddDate(0, 3, 0)))}, hint: a.DateHint, show: isGrant},
			{label: gt.Scope, fields: []*field{newChoiceField("grant-scope",
				[]string{gt.ScopePatient, fmt.Sprintf(gt.ScopeTeam, safetext.Sanitize(home.Name))}, []string{"patient", "team"}, 0)}, show: isGrant},
			{label: gt.Reason, fields: []*field{newTextField("reason", 50, "")}, show: isGrant},
			{label: gt.Grant, fields: []*field{newChoiceField("grant", grantLabels, grantIDs, 0)}, show: isRevoke},
			{label: a.ToTeam, fields: []*field{newChoiceField("team", labels, ids, 0)}, show: onTeam},
			{label: a.From, fields: []*field{newTextField("from", 10, "")}, hint: a.DateHint, show: isCover},
			{label: a.To, fields: []*field{newTextField("to", 10, "")}, hint: a.ToHint, show: isCover},
			{label: a.CoverScope, fields: []*field{newChoiceField("scope",
				[]string{a.ScopePatient, fmt.Sprintf(a.ScopeTeam, safetext.Sanitize(home.Name))},
				[]string{string(domain.CoverPatient), string(domain.CoverTeam)}, 0)}, show: isCover},
			{label: a.Handover, fields: []*field{note}, show: isTransfer},
		},
	}
	if pl := t.plannedCover(d.Responsibility, p.opts.Now(), p.opts.Loc); pl != "" {
		f.intro = append(f.intro, pl)
	}
	pid := d.Patient.ID
	existing := d.Responsibility.Covers()
	f.submit = func(f *form) tea.Cmd {
		if isGrant() || isRevoke() {
			return p.submitGrant(f, pid, home.ID, isRevoke())
		}
		team := byID[f.field("team").value()]
		ctx, act := p.ctx, p.opts.Actions
		if isTransfer() {
			tr := domain.Transfer{PatientID: pid, From: home, To: team, Note: f.field("note").value(), By: p.opts.User, At: p.opts.Now()}
			return p.submitForm(f, tr.Validate(), fmt.Sprintf(p.t.Act.Transferred, safetext.Sanitize(team.Name)), func() error { return act.Transfer(ctx, tr) })
		}
		var probs domain.Problems
		from := p.parseDateField(f, "from", &probs, false)
		to := p.parseDateField(f, "to", &probs, false)
		if len(probs) > 0 {
			f.setProblems(p.t, probs)
			return nil
		}
		plan := domain.CoverPlan{
			ID: p.opts.NewID(), Scope: domain.CoverScope(f.field("scope").value()), Home: home, Covering: team,
			// The last day typed is covered in full.
			Period: domain.Period{From: from, To: to.AddDate(0, 0, 1), Reason: "holiday"},
			By:     p.opts.User, At: p.opts.Now(),
		}
		if plan.Scope == domain.CoverPatient {
			plan.PatientID = pid
		}
		// A team-wide plan is checked against this patient's covers here;
		// the storage side checks the rest of the team's patients.
		flash := fmt.Sprintf(p.t.Act.CoverPlanned, safetext.Sanitize(team.Name), p.t.periodText(plan.Period, p.opts.Loc))
		return p.submitForm(f, plan.Validate(existing), flash, func() error { return act.PlanCover(ctx, plan) })
	}
	return formDialog{f.start()}
}

// noteForm adds a handover note: text, important or normal, an optional
// reminder date.
func (p *patientScreen) noteForm() dialog {
	a := &p.t.Act
	remind := newTextField("remind", 10, "")
	remind.in.Placeholder = a.Optional
	f := &form{shared: p.shared, patientID: p.id, patientName: p.detail.Patient.Name,
		title: fmt.Sprintf(a.NoteTitle, safetext.Sanitize(p.detail.Patient.Name)),
		rows: []*formRow{
			{label: a.NoteText, fields: []*field{newTextField("text", 50, "")}},
			{label: a.Important, fields: []*field{newToggleField("important", false)}},
			{label: a.Remind, fields: []*field{remind}, hint: a.DateHint},
		},
	}
	pid := p.id
	f.submit = func(f *form) tea.Cmd {
		var probs domain.Problems
		rem := p.parseDateField(f, "remind", &probs, true)
		if len(probs) > 0 {
			f.setProblems(p.t, probs)
			return nil
		}
		if !rem.IsZero() {
			rem = rem.Add(8 * time.Hour) // due from the morning of that day
		}
		n := domain.Note{
			ID: p.opts.NewID(), PatientID: pid, Author: p.opts.User, Text: f.field("text").value(),
			Important: f.field("important").on, Remind: rem, Created: p.opts.Now(), Sync: domain.SyncPending,
		}
		ctx, act := p.ctx, p.opts.Actions
		return p.submitForm(f, n.Validate(), p.t.Act.NoteAdded, func() error { return act.AddNote(ctx, n) })
	}
	return formDialog{f.start()}
}
