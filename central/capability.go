package central

import (
	"net/http"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// servedTypes are the resource types the server stores.
var servedTypes = []string{"Patient", "Practitioner", "Organization", "CareTeam", "EpisodeOfCare", "CarePlan",
	"ServiceRequest", "Observation", "QuestionnaireResponse", "ClinicalImpression", "Task", "Communication", "AuditEvent", "Questionnaire"}

// Capability returns the server's CapabilityStatement.
func Capability() *fhir.CapabilityStatement {
	cs := &fhir.CapabilityStatement{
		Base:        fhir.Base{ResourceType: "CapabilityStatement"},
		Status:      "active",
		Date:        "2026-01-01",
		Kind:        "instance",
		Software:    &fhir.CapabilitySoftware{Name: "telehjerte-central"},
		FhirVersion: "4.0.1",
		Format:      []string{"json"},
	}
	rest := fhir.CapabilityRest{Mode: "server", Interaction: []fhir.CapabilityInteraction{{Code: "transaction"}},
		// GET [base]/$whoami: who the token belongs to (roles.go).
		// GET [base]/$access-report: the authorisation report (report.go).
		Operation: []fhir.CapabilityOperation{{Name: "whoami", Definition: "http://telehjerte.example/fhir/OperationDefinition/whoami"},
			{Name: "access-report", Definition: "http://telehjerte.example/fhir/OperationDefinition/access-report"}}}
	for _, t := range servedTypes {
		ia := []fhir.CapabilityInteraction{{Code: "read"}, {Code: "vread"}, {Code: "search-type"}, {Code: "create"}, {Code: "update"}}
		if publicTypes[t] {
			// Definitions: read over the API, written on the central itself.
			ia = ia[:3]
		}
		if patchable[t] {
			ia = append(ia, fhir.CapabilityInteraction{Code: "patch"})
		}
		sp := []fhir.CapabilitySearchParam{{Name: "_id", Type: "token"}, {Name: "_lastUpdated", Type: "date"}, {Name: "identifier", Type: "token"}, {Name: "patient", Type: "reference"}}
		for _, n := range []string{"status", "category", "code", "based-on", "focus", "owner", "priority", "team", "member"} {
			sp = append(sp, fhir.CapabilitySearchParam{Name: n, Type: "token"})
		}
		rest.Resource = append(rest.Resource, fhir.CapabilityResource{Type: t, Interaction: ia, Versioning: "versioned-update",
			ReadHistory: true, ConditionalCreate: true, SearchParam: sp})
	}
	cs.Rest = []fhir.CapabilityRest{rest}
	return cs
}

func (s *Server) metadata(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.capabilityFor(r))
}
