package central

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// A new course continues the record of a patient whose courses have all
// ended, also for a team that cannot see her: only inside a transaction
// whose new, active EpisodeOfCare makes her visible to the caller and
// that records her consent. A Patient
// matched by CPR number without it is refused and tells nothing more; a
// patient whose course goes on is never continued.
func TestNewCourseContinuesAnEndedRecord(t *testing.T) {
	e := rolesEnv(t)
	cprQuery := "identifier=" + fhir.SystemCPR + "|0101011111"
	patient := func() json.RawMessage {
		p := fhir.PatientToFHIR(domain.Patient{CPR: "0101011111", Name: "Ny Navn"})
		p.ID = ""
		js, err := fhir.Encode(p)
		if err != nil {
			t.Fatal(err)
		}
		return js
	}
	consent := func() json.RawMessage {
		c := &fhir.Consent{Base: fhir.Base{ResourceType: "Consent"}, Status: "active",
			Scope:    fhir.Concept(fhir.SystemConsentScope, "treatment", "Treatment"),
			Category: []fhir.CodeableConcept{fhir.Concept(fhir.SystemConsentCategory, fhir.ConsentPITEOC, "")},
			Patient:  &fhir.Reference{Reference: "urn:uuid:8a1e0000-0000-4000-8000-000000000001"}, DateTime: "2026-03-01"}
		js, err := fhir.Encode(c)
		if err != nil {
			t.Fatal(err)
		}
		return js
	}
	withConsent := func(b *fhir.Bundle) *fhir.Bundle {
		b.Entry = append(b.Entry, fhir.BundleEntry{FullURL: "urn:uuid:8a1e0000-0000-4000-8000-000000000003", Resource: consent(),
			Request: &fhir.BundleEntryRequest{Method: "POST", URL: "Consent"}})
		return b
	}
	bundle := func(withEpisode bool) *fhir.Bundle {
		b := &fhir.Bundle{Base: fhir.Base{ResourceType: "Bundle"}, Type: fhir.BundleTransaction,
			Entry: []fhir.BundleEntry{{FullURL: "urn:uuid:8a1e0000-0000-4000-8000-000000000001", Resource: patient(),
				Request: &fhir.BundleEntryRequest{Method: "POST", URL: "Patient", IfNoneExist: cprQuery}}}}
		if withEpisode {
			ep := fhir.ResponsibilityToEpisodeOfCare("", "x", domain.Responsibility{Home: teamB})
			ep.Patient = fhir.Reference{Reference: "urn:uuid:8a1e0000-0000-4000-8000-000000000001"}
			js, err := fhir.Encode(ep)
			if err != nil {
				t.Fatal(err)
			}
			b.Entry = append(b.Entry, fhir.BundleEntry{FullURL: "urn:uuid:8a1e0000-0000-4000-8000-000000000002", Resource: js,
				Request: &fhir.BundleEntryRequest{Method: "POST", URL: "EpisodeOfCare"}})
		}
		return b
	}
	// p1's course goes on (team-a): team-b's enrolment is refused naming
	// the holder only.
	oo := e.wantOutcome(e.do(http.MethodPost, "/", tokNurseB, bundle(true)), http.StatusUnprocessableEntity)
	if !strings.Contains(diag(oo), "held by Klinik A") {
		t.Errorf("refusal while the course goes on: %s", diag(oo))
	}
	// Team-a ends it.
	ended := fhir.ResponsibilityToEpisodeOfCare("eoc-p1", "p1", domain.Responsibility{Home: teamA})
	ended.Status = "finished"
	e.want(e.do(http.MethodPut, "/EpisodeOfCare/eoc-p1", tokNurseA, ended), http.StatusOK)
	// Matched without a new course of her own: refused, nothing told.
	oo = e.wantOutcome(e.do(http.MethodPost, "/", tokNurseB, bundle(false)), http.StatusUnprocessableEntity)
	if !strings.Contains(diag(oo), "already-registered") || strings.Contains(diag(oo), "Syntetisk") {
		t.Errorf("match without a course: %s", diag(oo))
	}
	e.wantOutcome(e.do(http.MethodGet, "/Patient/p1", tokNurseB, nil), http.StatusNotFound)
	// A read-only user continues nothing.
	e.wantOutcome(e.do(http.MethodPost, "/", tokMunicipN, withConsent(bundle(true))), http.StatusForbidden)
	// A new course without the patient's consent continues nothing.
	oo = e.wantOutcome(e.do(http.MethodPost, "/", tokNurseB, bundle(true)), http.StatusUnprocessableEntity)
	if !strings.Contains(diag(oo), "already-registered") {
		t.Errorf("without consent: %s", diag(oo))
	}
	// Nor does an ended "course" made by another team (a way into the
	// old record).
	finished := bundle(true)
	var fep fhir.EpisodeOfCare
	if err := json.Unmarshal(finished.Entry[1].Resource, &fep); err != nil {
		t.Fatal(err)
	}
	fep.Status = "finished"
	finished.Entry[1].Resource, _ = fhir.Encode(&fep)
	e.wantOutcome(e.do(http.MethodPost, "/", tokNurseB, withConsent(finished)), http.StatusForbidden)
	e.wantOutcome(e.do(http.MethodGet, "/Patient/p1", tokNurseB, nil), http.StatusNotFound)
	// With the new course and consent: the same record, now team-b's too.
	r := e.want(e.do(http.MethodPost, "/", tokNurseB, withConsent(bundle(true))), http.StatusOK)
	var out fhir.Bundle
	r.decode(t, &out)
	if len(out.Entry) != 3 || !strings.HasSuffix(out.Entry[0].FullURL, "/Patient/p1") || out.Entry[0].Response.Status != "200 OK" {
		t.Fatalf("continued record: %s", r.body)
	}
	e.want(e.do(http.MethodGet, "/Patient/p1", tokNurseB, nil), http.StatusOK)
	// And now a course goes on again: team-a cannot start one.
	ep := fhir.ResponsibilityToEpisodeOfCare("", "p1", domain.Responsibility{Home: teamA})
	oo = e.wantOutcome(e.do(http.MethodPost, "/EpisodeOfCare", tokNurseA, ep), http.StatusUnprocessableEntity)
	if !strings.Contains(diag(oo), "held by Klinik B") {
		t.Errorf("a second course: %s", r.body)
	}
}

func diag(oo *fhir.OperationOutcome) string {
	var b strings.Builder
	for _, is := range oo.Issue {
		b.WriteString(is.Diagnostics)
	}
	return b.String()
}
