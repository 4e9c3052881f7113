package central

import (
	"github.com/google/uuid"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

func newID() string { return uuid.NewString() }

type accessRow struct {
	teamID   string
	from, to any // unix ms or nil for open
}

// grantRow is one scope entry of an active se-adgang grant.
type grantRow struct {
	practitioner, patientID, teamID string
	from, to                        int64
}

// index is what a resource version contributes to the search tables.
type index struct {
	patientID string
	params    [][2]string
	access    []accessRow
	members   []string
	grants    []grantRow
	reading   *readingRow // an Observation that is a TeleHjerte measurement
}

// readingRow is a reading's row in the readings table.
type readingRow struct {
	kind  string
	taken int64 // unix ms
	void  bool  // entered-in-error or cancelled: fills no slot
}

func (ix *index) add(name, value string) {
	if value != "" {
		ix.params = append(ix.params, [2]string{name, value})
	}
}

func (ix *index) identifiers(ids ...fhir.Identifier) {
	for _, id := range ids {
		if id.Value == "" {
			continue
		}
		ix.add("identifier", id.System+"|"+id.Value)
		ix.add("identifier", id.Value)
	}
}

func (ix *index) concepts(name string, ccs ...fhir.CodeableConcept) {
	for _, cc := range ccs {
		for _, c := range cc.Coding {
			ix.add(name, c.Code)
			if c.System != "" {
				ix.add(name, c.System+"|"+c.Code)
			}
		}
	}
}

func (ix *index) refs(name string, refs ...fhir.Reference) {
	for _, r := range refs {
		ix.add(name, r.Reference)
	}
}

func patientOf(r *fhir.Reference) string {
	id, _ := fhir.RefID(r, "Patient")
	return id
}

func msOrNil(s string) any {
	t, err := fhir.ParseDateTime(s)
	if err != nil || t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// extract computes the patient compartment and search parameters of r.
func extract(r fhir.Resource) index {
	var ix index
	switch v := r.(type) {
	case *fhir.Patient:
		ix.patientID = v.ID
		ix.identifiers(v.Identifier...)
	case *fhir.Practitioner:
		ix.identifiers(v.Identifier...)
	case *fhir.Organization:
		ix.identifiers(v.Identifier...)
	case *fhir.Questionnaire:
		ix.identifiers(v.Identifier...)
		ix.add("url", v.URL)
		ix.add("status", v.Status)
	case *fhir.CareTeam:
		ix.identifiers(v.Identifier...)
		ix.add("status", v.Status)
		ix.concepts("category", v.Category...)
		if fhir.IsReadAccessGrant(v) {
			// A grant's participant is no team member: she sees the
			// scope, read-only, inside the period (grants table).
			ix.grants = grantRows(v)
			for _, p := range v.Participant {
				if id, ok := fhir.RefID(p.Member, "Practitioner"); ok {
					ix.add("member", "Practitioner/"+id)
				}
			}
			break
		}
		for _, p := range v.Participant {
			if id, ok := fhir.RefID(p.Member, "Practitioner"); ok {
				ix.members = append(ix.members, id)
				ix.add("member", "Practitioner/"+id)
			}
		}
	case *fhir.EpisodeOfCare:
		ix.patientID = patientOf(&v.Patient)
		ix.identifiers(v.Identifier...)
		ix.add("status", v.Status)
		ix.refs("team", v.Team...)
		if v.Status == "finished" {
			// An ended course stays readable by the team that held it
			// (the console's list of ended courses); covers end with it.
			ix.access = append(ix.access, finishedAccess(v)...)
		}
		if v.Status == "active" || v.Status == "onhold" || v.Status == "waitlist" || v.Status == "planned" {
			for _, t := range v.Team {
				if id, ok := fhir.RefID(&t, "CareTeam"); ok {
					ix.access = append(ix.access, accessRow{teamID: id})
				}
			}
			for _, c := range fhir.FindExtensions(v.Extension, fhir.ExtCover) {
				te := fhir.FindExtension(c.Extension, "team")
				pe := fhir.FindExtension(c.Extension, "period")
				if te == nil || !coverOK(pe) {
					// An open-ended cover grants nothing: every cover
					// has a start and an end.
					continue
				}
				from, to := msOrNil(pe.ValuePeriod.Start), msOrNil(pe.ValuePeriod.End)
				if from == nil || to == nil {
					continue
				}
				if id, ok := fhir.RefID(te.ValueReference, "CareTeam"); ok {
					ix.access = append(ix.access, accessRow{teamID: id, from: from, to: to})
				}
			}
		}
	case *fhir.CarePlan:
		ix.patientID = patientOf(&v.Subject)
		ix.identifiers(v.Identifier...)
		ix.add("status", v.Status)
	case *fhir.ServiceRequest:
		ix.patientID = patientOf(&v.Subject)
		ix.identifiers(v.Identifier...)
		ix.add("status", v.Status)
		ix.refs("based-on", v.BasedOn...)
		if v.Code != nil {
			ix.concepts("code", *v.Code)
		}
	case *fhir.Observation:
		ix.patientID = patientOf(v.Subject)
		ix.identifiers(v.Identifier...)
		ix.add("status", v.Status)
		ix.concepts("category", v.Category...)
		ix.concepts("code", v.Code)
		ix.refs("based-on", v.BasedOn...)
		if m, _, err := fhir.ObservationToMeasurement(v); err == nil && m.PatientID == ix.patientID {
			ix.reading = &readingRow{kind: string(m.Kind), taken: m.Taken.UnixMilli(),
				void: v.Status == "entered-in-error" || v.Status == "cancelled"}
		}
	case *fhir.QuestionnaireResponse:
		ix.patientID = patientOf(v.Subject)
		if v.Identifier != nil {
			ix.identifiers(*v.Identifier)
		}
		ix.add("status", v.Status)
	case *fhir.ClinicalImpression:
		ix.patientID = patientOf(&v.Subject)
		ix.identifiers(v.Identifier...)
		ix.add("status", v.Status)
		if v.Code != nil {
			ix.concepts("code", *v.Code)
		}
	case *fhir.Task:
		ix.patientID = patientOf(v.For)
		ix.identifiers(v.Identifier...)
		ix.add("status", v.Status)
		ix.add("priority", v.Priority)
		ix.add("category", fhir.TaskCategoryOf(v))
		if v.Focus != nil {
			ix.refs("focus", *v.Focus)
		}
		if v.Owner != nil {
			ix.refs("owner", *v.Owner)
		}
	case *fhir.Consent:
		ix.patientID = patientOf(v.Patient)
		ix.identifiers(v.Identifier...)
		ix.add("status", v.Status)
		ix.concepts("category", v.Category...)
	case *fhir.Condition:
		ix.patientID = patientOf(&v.Subject)
		ix.identifiers(v.Identifier...)
	case *fhir.Communication:
		ix.patientID = patientOf(v.Subject)
		ix.identifiers(v.Identifier...)
		ix.add("status", v.Status)
		ix.concepts("category", v.Category...)
	case *fhir.AuditEvent:
		// A console's entry id (entity what.identifier) makes its
		// conditional create idempotent.
		ix.identifiers(fhir.AuditEventIdentifiers(v)...)
		// In the compartment of the first patient it names (an access
		// log entry of a search may name several).
		for _, e := range v.Entity {
			if id := patientOf(e.What); id != "" {
				ix.patientID = id
				break
			}
		}
	}
	return ix
}

// grantRows are the rows an active, well-formed se-adgang grant
// contributes; a revoked grant, or one without both ends of its period,
// grants nothing.
func grantRows(ct *fhir.CareTeam) []grantRow {
	g, err := fhir.ReadGrantFromCareTeam(ct)
	if err != nil || g.Revoked || g.From.IsZero() || g.To.IsZero() || g.Grantee == "" {
		return nil
	}
	var out []grantRow
	for _, p := range g.Patients {
		out = append(out, grantRow{practitioner: g.Grantee, patientID: p, from: g.From.UnixMilli(), to: g.To.UnixMilli()})
	}
	for _, t := range g.Teams {
		out = append(out, grantRow{practitioner: g.Grantee, teamID: t, from: g.From.UnixMilli(), to: g.To.UnixMilli()})
	}
	return out
}
