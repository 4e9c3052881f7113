package central

import (
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// The central's own access log, for the half-yearly authorisation check: every read, vread and search
// that returns patient data is recorded as an AuditEvent, whether or not
// the client sends one. The look-up itself runs on the read pool; its
// AuditEvent is then written through the writer (grouped with other
// writes), and the response with the data is sent only once that
// AuditEvent is committed: when it cannot be written the client gets an
// error and no data, so no look-up is answered unrecorded. (The record and
// the look-up are two transactions: the AuditEvent's time is when it was
// written, a moment after the read.) It names who (the
// token's principal), what (the resource read, or the type searched and
// the names of the search parameters: never their values, which may be a
// CPR number), when and which patients; nothing else of the data. Reads of
// AuditEvents themselves are not logged again (reading the log must not
// grow it), nor searches cut down to ids by _elements=id (the console's
// per-round check of which patients it may still see). AuditEvents are
// never changed or deleted over the API.

// Codes of the access log.
const (
	SystemObjectRole = "http://terminology.hl7.org/CodeSystem/object-role"
	// AccessLogSite is the source.site of the central's access log.
	AccessLogSite = "telehjerte-central access log"
	// CentralSite is the source.site of the central's other records
	// (memberships, se-adgang, administration); no client may write one.
	CentralSite = "telehjerte-central"
)

// audit records a look-up of the request's principal (auditAccess) in a
// write transaction of its own, returning once it is committed.
func (s *Server) audit(r *http.Request, sub, typ, what string, q url.Values, patients []string) error {
	if len(patients) == 0 || typ == "AuditEvent" {
		return nil
	}
	return s.store.inTx(r.Context(), func(t *tx) error {
		return t.auditAccess(principalOf(r), sub, typ, what, q, patients)
	})
}

// auditAccess records one look-up by p of the given patients (nothing
// when none). what is the resource read ("Observation/1") or "" for a
// search of typ with the parameters in q.
func (t *tx) auditAccess(p Principal, sub, typ, what string, q url.Values, patients []string) error {
	if len(patients) == 0 || typ == "AuditEvent" {
		return nil
	}
	action := "R"
	entity := fhir.AuditEventEntity{What: &fhir.Reference{Reference: what}, Description: sub + " " + what}
	if what == "" {
		action = "E"
		entity = fhir.AuditEventEntity{What: &fhir.Reference{Display: typ}, Description: "search " + typ + " by " + paramNames(q)}
	}
	who := fhir.Ref("Practitioner", p.Practitioner)
	if p.Patient != "" {
		who = fhir.Ref("Patient", p.Patient)
	}
	ae := &fhir.AuditEvent{
		Base:     fhir.Base{ResourceType: "AuditEvent"}, // named by write
		Type:     fhir.Coding{System: SystemAuditEventType, Code: "rest"},
		Subtype:  []fhir.Coding{{System: SystemRestfulAction, Code: sub}},
		Action:   action,
		Recorded: fhir.FormatInstant(t.s.now()),
		Outcome:  "0",
		Agent:    []fhir.AuditEventAgent{{Who: who, Requestor: true}},
		Source:   fhir.AuditEventSource{Site: AccessLogSite, Observer: fhir.Reference{Display: "telehjerte-central"}},
		Entity:   []fhir.AuditEventEntity{entity},
	}
	for _, pid := range patients {
		ae.Entity = append(ae.Entity, fhir.AuditEventEntity{What: fhir.Ref("Patient", pid), Description: "patient"})
	}
	_, err := t.write(ae, 0)
	return err
}

// paramNames lists a query's parameter names, sorted ("_cursor" and
// "_count" left out), never its values.
func paramNames(q url.Values) string {
	var names []string
	for k := range q {
		if k != "_cursor" && k != "_count" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "(no parameters)"
	}
	return strings.Join(names, ",")
}

// patientsOf are the distinct patient compartments of a result page.
func patientsOf(sts []Stored) []string {
	seen := map[string]bool{}
	var out []string
	for _, st := range sts {
		if st.PatientID != "" && !seen[st.PatientID] {
			seen[st.PatientID] = true
			out = append(out, st.PatientID)
		}
	}
	sort.Strings(out)
	return out
}

// idsOnly reports whether _elements cut a search's answer down to ids
// (and meta).
func idsOnly(elements map[string]bool) bool {
	if elements == nil {
		return false
	}
	for k := range elements {
		if k != "resourceType" && k != "id" && k != "meta" {
			return false
		}
	}
	return true
}
