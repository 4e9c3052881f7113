package fhir

import (
	"fmt"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// Roles, read-only access ("se-adgang") and who is signed in
// (docs/fhir-mapping.md, "Roles and se-adgang").
const (
	// SystemCareTeamKind tells a se-adgang grant from a team of nurses.
	SystemCareTeamKind = "http://telehjerte.example/fhir/CodeSystem/care-team-kind"
	CodeReadAccess     = "se-adgang"
	// SystemAccessRole codes a user's role (domain.Role) and the grantee's
	// participant role in a grant.
	SystemAccessRole = "http://telehjerte.example/fhir/CodeSystem/access-role"

	ExtAccessScope = OurExtBase + "access-scope" // valueReference Patient or CareTeam, repeated, on a se-adgang CareTeam
	ExtGrantedBy   = OurExtBase + "granted-by"   // valueReference Practitioner, on a se-adgang CareTeam

	// OpWhoAmI is the central's system operation that says who a token
	// belongs to: GET [base]/$whoami.
	OpWhoAmI = "$whoami"
)

// IsReadAccessGrant reports whether a CareTeam is a se-adgang grant, not a
// team of nurses.
func IsReadAccessGrant(ct *CareTeam) bool {
	for _, c := range ct.Category {
		for _, cd := range c.Coding {
			if cd.System == SystemCareTeamKind && cd.Code == CodeReadAccess {
				return true
			}
		}
	}
	return false
}

// ReadGrantToCareTeam maps a grant to its CareTeam: category se-adgang,
// status active (inactive when revoked), period, the grantee as the one
// participant (role read-only), the reason as reasonCode text, the scope
// as access-scope references and the grantor as granted-by.
func ReadGrantToCareTeam(g domain.ReadGrant) *CareTeam {
	status := "active"
	if g.Revoked {
		status = "inactive"
	}
	grantee := Ref("Practitioner", g.Grantee)
	grantee.Display = g.GranteeName
	ct := &CareTeam{
		Base:     Base{ResourceType: "CareTeam", ID: g.ID},
		Status:   status,
		Category: []CodeableConcept{Concept(SystemCareTeamKind, CodeReadAccess, "se-adgang")},
		Name:     "se-adgang",
		Period:   &Period{Start: FormatInstant(g.From), End: FormatInstant(g.To)},
		Participant: []CareTeamParticipant{{
			Role:   []CodeableConcept{Concept(SystemAccessRole, string(domain.RoleReadOnly), "")},
			Member: grantee,
		}},
		ReasonCode: []CodeableConcept{{Text: g.Reason}},
	}
	for _, p := range g.Patients {
		ct.Extension = append(ct.Extension, Extension{URL: ExtAccessScope, ValueReference: Ref("Patient", p)})
	}
	for _, t := range g.Teams {
		ct.Extension = append(ct.Extension, Extension{URL: ExtAccessScope, ValueReference: Ref("CareTeam", t)})
	}
	if g.GrantedBy != "" {
		ct.Extension = append(ct.Extension, Extension{URL: ExtGrantedBy, ValueReference: Ref("Practitioner", g.GrantedBy)})
	}
	return ct
}

// ReadGrantFromCareTeam reads a se-adgang CareTeam. A scope reference to
// anything but a Patient or CareTeam, or more than one grantee, is an
// error: it would grant something nobody meant.
func ReadGrantFromCareTeam(ct *CareTeam) (domain.ReadGrant, error) {
	g := domain.ReadGrant{ID: ct.ID, Revoked: ct.Status != "active"}
	if !IsReadAccessGrant(ct) {
		return g, fmt.Errorf("CareTeam/%s is not a se-adgang grant", ct.ID)
	}
	for _, p := range ct.Participant {
		id, ok := RefID(p.Member, "Practitioner")
		if !ok {
			return g, fmt.Errorf("CareTeam/%s: a se-adgang grant is given to a Practitioner", ct.ID)
		}
		if g.Grantee != "" {
			return g, fmt.Errorf("CareTeam/%s: a se-adgang grant has one grantee", ct.ID)
		}
		g.Grantee = id
		if p.Member != nil {
			g.GranteeName = p.Member.Display
		}
	}
	for _, e := range FindExtensions(ct.Extension, ExtAccessScope) {
		if id, ok := RefID(e.ValueReference, "Patient"); ok {
			g.Patients = append(g.Patients, id)
		} else if id, ok := RefID(e.ValueReference, "CareTeam"); ok {
			g.Teams = append(g.Teams, id)
		} else {
			return g, fmt.Errorf("CareTeam/%s: a se-adgang scope is a Patient or a CareTeam", ct.ID)
		}
	}
	if e := FindExtension(ct.Extension, ExtGrantedBy); e != nil {
		g.GrantedBy, _ = RefID(e.ValueReference, "Practitioner")
	}
	if len(ct.ReasonCode) > 0 {
		g.Reason = ct.ReasonCode[0].Text
	}
	if ct.Period != nil {
		g.From, _ = ParseDateTime(ct.Period.Start)
		g.To, _ = ParseDateTime(ct.Period.End)
	}
	return g, nil
}

// Parameters is the FHIR Parameters resource of an operation's answer.
type Parameters struct {
	ResourceType string                `json:"resourceType"`
	Parameter    []ParametersParameter `json:"parameter,omitempty"`
}

// ParametersParameter is one named value.
type ParametersParameter struct {
	Name           string     `json:"name"`
	ValueReference *Reference `json:"valueReference,omitempty"`
	ValueCode      string     `json:"valueCode,omitempty"`
	ValueString    string     `json:"valueString,omitempty"`
	ValueInteger   *int       `json:"valueInteger,omitempty"`
	ValueBoolean   *bool      `json:"valueBoolean,omitempty"`
	ValueDateTime  string     `json:"valueDateTime,omitempty"`
	// Part are the parameter's own parameters (a structured value).
	Part []ParametersParameter `json:"part,omitempty"`
}

// WhoAmIToParameters is the answer of $whoami: fhirUser (the Practitioner,
// display her name), role, and one team per CareTeam she is a member of.
func WhoAmIToParameters(id domain.Identity) *Parameters {
	me := Ref("Practitioner", id.ID)
	me.Display = id.Name
	p := &Parameters{ResourceType: "Parameters", Parameter: []ParametersParameter{
		{Name: "fhirUser", ValueReference: me},
		{Name: "role", ValueCode: string(id.Role)},
	}}
	for _, t := range id.Teams {
		r := Ref("CareTeam", t.ID)
		r.Display = t.Name
		p.Parameter = append(p.Parameter, ParametersParameter{Name: "team", ValueReference: r})
	}
	return p
}

// WhoAmIFromParameters reads $whoami's answer. Without a Practitioner
// fhirUser it is an error (a patient's token, or a server that says
// nothing).
func WhoAmIFromParameters(p *Parameters) (domain.Identity, error) {
	var id domain.Identity
	if p == nil || p.ResourceType != "Parameters" {
		return id, malformed("$whoami: expected Parameters")
	}
	for _, pp := range p.Parameter {
		switch pp.Name {
		case "fhirUser":
			pid, ok := RefID(pp.ValueReference, "Practitioner")
			if !ok {
				return id, malformed("$whoami: fhirUser is not a Practitioner")
			}
			id.ID = pid
			id.Name = pp.ValueReference.Display
		case "role":
			r, err := domain.ParseRole(pp.ValueCode)
			if err != nil {
				return id, malformed("$whoami: %v", err)
			}
			id.Role = r
		case "team":
			if tid, ok := RefID(pp.ValueReference, "CareTeam"); ok {
				id.Teams = append(id.Teams, domain.Team{ID: tid, Name: pp.ValueReference.Display})
			}
		}
	}
	if id.ID == "" {
		return id, malformed("$whoami: no fhirUser")
	}
	if id.Role == "" {
		id.Role = domain.RoleNurse
	}
	return id, nil
}
