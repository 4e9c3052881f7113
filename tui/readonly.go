package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// Read-only access ("se-adgang"): a user whose role on the
// central is read-only sees the patients granted to her and acts on
// nothing. The console has no actions for her (Options.Actions nil); with
// Options.ReadOnly set it also says why when she presses an action key,
// instead of ignoring the key.

// ReadOnlyLabel is the label a read-only console shows on every screen.
func ReadOnlyLabel(lang string) string {
	if lang == "en" {
		return "SE-ADGANG · read-only access: you can look, not acknowledge or change"
	}
	return "SE-ADGANG · kun læseadgang: du kan se, men ikke kvittere eller ændre"
}

// readOnlyExplanation is shown when a read-only user presses an action key.
func readOnlyExplanation(lang string) string {
	if lang == "en" {
		return "SE-ADGANG: you have read-only access to this patient. Acknowledging, messages, notes and changes are made by the monitoring nurses of the patient's team."
	}
	return "SE-ADGANG: du har kun læseadgang til borgeren. Kvittering, beskeder, notater og ændringer foretages af borgerens monitoreringsansvarlige sygeplejersker."
}

// grantTexts are the texts of granting se-adgang in the responsibility
// form.
type grantText struct {
	ModeGrant, ModeRevoke, Grantee, GranteeHint, Until, Reason, Grant string
	Granted, Revoked                                                  string // flashes, %s the user
	// Scope: this patient, or every patient of the home team (%s).
	Scope, ScopePatient, ScopeTeam, WholeTeam string
}

func grantTexts(lang string) grantText {
	if lang == "en" {
		return grantText{ModeGrant: "Give se-adgang (read-only)", ModeRevoke: "Revoke se-adgang", Grantee: "User",
			GranteeHint: "practitioner id", Until: "until", Reason: "Reason", Grant: "Se-adgang",
			Granted: "Se-adgang for %s queued", Revoked: "Se-adgang of %s revoked (queued)",
			Scope: "For", ScopePatient: "this patient", ScopeTeam: "every patient of %s", WholeTeam: "whole team"}
	}
	return grantText{ModeGrant: "Giv se-adgang (kun læse)", ModeRevoke: "Fjern se-adgang", Grantee: "Bruger",
		GranteeHint: "behandler-id", Until: "til", Reason: "Begrundelse", Grant: "Se-adgang",
		Granted: "Se-adgang for %s lagt i kø", Revoked: "Se-adgang for %s fjernet (lagt i kø)",
		Scope: "Omfang", ScopePatient: "denne borger", ScopeTeam: "alle borgere i %s", WholeTeam: "hele teamet"}
}

// submitGrant grants se-adgang to the patient, or to every patient of her
// home team (homeTeamID) when the nurse chose so, until the day typed (in
// full), or revokes the grant chosen.
func (s *shared) submitGrant(f *form, patientID, homeTeamID string, revoke bool) tea.Cmd {
	gt := grantTexts(s.opts.Lang)
	ctx, gr := s.ctx, s.opts.Granter
	if revoke {
		id := f.field("grant").value()
		label := f.field("grant").labels[f.field("grant").sel]
		return s.submitForm(f, nil, fmt.Sprintf(gt.Revoked, label), func() error { return gr.RevokeReadAccess(ctx, id, patientID) })
	}
	// The form reads the date; everything else is the domain's to judge
	// (domain.ReadGrant.Validate, which the central applies too), so the
	// form and the rule cannot drift apart.
	var p domain.Problems
	until := s.parseDateField(f, "until", &p, false)
	now := s.opts.Now()
	grantee := f.field("grantee").value()
	g := domain.ReadGrant{Grantee: grantee, Patients: []string{patientID}, From: now, Reason: f.field("reason").value()}
	if !until.IsZero() {
		g.To = until.AddDate(0, 0, 1) // the last day typed is granted in full
	}
	if sc := f.field("grant-scope"); sc != nil && sc.value() == "team" && homeTeamID != "" {
		g.Patients, g.Teams = nil, []string{homeTeamID}
	}
	// A date the form could not read is named first (the first problem of
	// a field is the one shown).
	if p = append(p, domain.AsProblems(g.Validate())...); len(p) > 0 {
		for _, e := range p {
			if e.Field == "until" && e.Code == domain.CodeAfter && e.Other == "from" {
				e.Other = "now" // the grant starts now: the form has no from-date
			}
		}
		return s.submitForm(f, p, "", nil)
	}
	return s.submitForm(f, nil, fmt.Sprintf(gt.Granted, safetext.Sanitize(grantee)), func() error { return gr.GrantReadAccess(ctx, g) })
}
