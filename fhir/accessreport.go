package fhir

import (
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// OpAccessReport is the system operation that answers the authorisation
// report for the caller's teams: GET [base]/$access-report?since=<instant>
// (docs/fhir-mapping.md, "The access report from the console").
const OpAccessReport = "$access-report"

// AccessReportToParameters is the answer of $access-report: one "user"
// parameter per line, its parts user (valueReference Practitioner, display
// her name), role, team (repeated, valueString name), last-login and
// last-lookup (valueDateTime, absent when never), lookups and patients
// (valueInteger: the central's answers carrying patient data, and the
// patients in them), last-opened, opened and opened-patients (the same
// for her look-ups on a console's screen), unused (valueBoolean), grant (repeated: valueReference
// the grant's CareTeam with parts to, revoked), outside (repeated: parts
// patient (valueReference), via (valueString), lookups (valueInteger)).
func AccessReportToParameters(lines []domain.AccessLine) *Parameters {
	p := &Parameters{ResourceType: "Parameters"}
	for _, l := range lines {
		who := Ref("Practitioner", l.User)
		who.Display = l.Name
		lookUps, patients, unused := l.LookUps, l.Patients, l.Unused
		opened, openedPatients := l.Opened, l.OpenedPatients
		parts := []ParametersParameter{{Name: "user", ValueReference: who}, {Name: "role", ValueCode: string(l.Role)}}
		for _, t := range l.Teams {
			parts = append(parts, ParametersParameter{Name: "team", ValueString: t})
		}
		if !l.LastLogin.IsZero() {
			parts = append(parts, ParametersParameter{Name: "last-login", ValueDateTime: FormatInstant(l.LastLogin)})
		}
		if !l.LastLookUp.IsZero() {
			parts = append(parts, ParametersParameter{Name: "last-lookup", ValueDateTime: FormatInstant(l.LastLookUp)})
		}
		if !l.LastOpened.IsZero() {
			parts = append(parts, ParametersParameter{Name: "last-opened", ValueDateTime: FormatInstant(l.LastOpened)})
		}
		parts = append(parts, ParametersParameter{Name: "lookups", ValueInteger: &lookUps},
			ParametersParameter{Name: "opened", ValueInteger: &opened}, ParametersParameter{Name: "opened-patients", ValueInteger: &openedPatients},
			ParametersParameter{Name: "patients", ValueInteger: &patients}, ParametersParameter{Name: "unused", ValueBoolean: &unused})
		for _, g := range l.Grants {
			revoked := g.Revoked
			gp := ParametersParameter{Name: "grant", ValueReference: Ref("CareTeam", g.ID), Part: []ParametersParameter{
				{Name: "from", ValueDateTime: FormatInstant(g.From)}, {Name: "to", ValueDateTime: FormatInstant(g.To)},
				{Name: "revoked", ValueBoolean: &revoked}}}
			for _, pid := range g.Patients {
				gp.Part = append(gp.Part, ParametersParameter{Name: "patient", ValueReference: Ref("Patient", pid)})
			}
			for _, tid := range g.Teams {
				gp.Part = append(gp.Part, ParametersParameter{Name: "team", ValueReference: Ref("CareTeam", tid)})
			}
			parts = append(parts, gp)
		}
		for _, o := range l.Outside {
			n := o.Count
			parts = append(parts, ParametersParameter{Name: "outside", Part: []ParametersParameter{
				{Name: "patient", ValueReference: Ref("Patient", o.Patient)}, {Name: "via", ValueString: o.Via},
				{Name: "lookups", ValueInteger: &n}}})
		}
		p.Parameter = append(p.Parameter, ParametersParameter{Name: "user", Part: parts})
	}
	return p
}

// AccessReportFromParameters reads $access-report's answer.
func AccessReportFromParameters(p *Parameters) ([]domain.AccessLine, error) {
	if p == nil || p.ResourceType != "Parameters" {
		return nil, malformed("$access-report: expected Parameters")
	}
	out := []domain.AccessLine{}
	when := func(s string) (time.Time, error) {
		if s == "" {
			return time.Time{}, nil
		}
		return ParseDateTime(s)
	}
	integer := func(v *int) int {
		if v == nil {
			return 0
		}
		return *v
	}
	for _, u := range p.Parameter {
		if u.Name != "user" {
			continue
		}
		var l domain.AccessLine
		for _, pp := range u.Part {
			var err error
			switch pp.Name {
			case "user":
				id, ok := RefID(pp.ValueReference, "Practitioner")
				if !ok {
					return nil, malformed("$access-report: a user is not a Practitioner")
				}
				l.User, l.Name = id, pp.ValueReference.Display
			case "role":
				if l.Role, err = domain.ParseRole(pp.ValueCode); err != nil {
					return nil, malformed("$access-report: %v", err)
				}
			case "team":
				l.Teams = append(l.Teams, pp.ValueString)
			case "last-login":
				l.LastLogin, err = when(pp.ValueDateTime)
			case "last-lookup":
				l.LastLookUp, err = when(pp.ValueDateTime)
			case "last-opened":
				l.LastOpened, err = when(pp.ValueDateTime)
			case "lookups":
				l.LookUps = integer(pp.ValueInteger)
			case "opened":
				l.Opened = integer(pp.ValueInteger)
			case "opened-patients":
				l.OpenedPatients = integer(pp.ValueInteger)
			case "patients":
				l.Patients = integer(pp.ValueInteger)
			case "unused":
				l.Unused = pp.ValueBoolean != nil && *pp.ValueBoolean
			case "grant":
				g := domain.ReadGrant{Grantee: l.User}
				g.ID, _ = RefID(pp.ValueReference, "CareTeam")
				for _, gp := range pp.Part {
					switch gp.Name {
					case "from":
						g.From, err = when(gp.ValueDateTime)
					case "to":
						g.To, err = when(gp.ValueDateTime)
					case "revoked":
						g.Revoked = gp.ValueBoolean != nil && *gp.ValueBoolean
					case "patient":
						if id, ok := RefID(gp.ValueReference, "Patient"); ok {
							g.Patients = append(g.Patients, id)
						}
					case "team":
						if id, ok := RefID(gp.ValueReference, "CareTeam"); ok {
							g.Teams = append(g.Teams, id)
						}
					}
					if err != nil {
						break
					}
				}
				l.Grants = append(l.Grants, g)
			case "outside":
				var o domain.OutsideLookUp
				for _, op := range pp.Part {
					switch op.Name {
					case "patient":
						o.Patient, _ = RefID(op.ValueReference, "Patient")
					case "via":
						o.Via = op.ValueString
					case "lookups":
						o.Count = integer(op.ValueInteger)
					}
				}
				l.Outside = append(l.Outside, o)
			}
			if err != nil {
				return nil, malformed("$access-report: %s: %v", pp.Name, err)
			}
		}
		if l.User == "" {
			return nil, malformed("$access-report: a line without its user")
		}
		out = append(out, l)
	}
	return out, nil
}
