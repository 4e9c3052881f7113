package central

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// _elements=id cuts each Patient down to resourceType, id and meta (with
// the SUBSETTED tag), so a console can list who it may see cheaply.
func TestSearchElementsSubsets(t *testing.T) {
	e := newEnv(t)
	r := e.want(e.do(http.MethodGet, "/Patient?_elements=id&_sort=_lastUpdated", tokNurseA, nil), http.StatusOK)
	b, err := fhir.Decode[*fhir.Bundle](r.body)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Entry) != 1 {
		t.Fatalf("nurse A sees %d patients, want 1", len(b.Entry))
	}
	raw := string(b.Entry[0].Resource)
	if strings.Contains(raw, "Syntetisk") || !strings.Contains(raw, `"id":"p1"`) || !strings.Contains(raw, "SUBSETTED") ||
		!strings.Contains(raw, "lastUpdated") {
		t.Errorf("subsetted patient = %s", raw)
	}
	e.wantOutcome(e.do(http.MethodGet, "/Patient?_elements="+url.QueryEscape("name.family"), tokNurseA, nil), http.StatusBadRequest)
}

// A PUT inside a transaction honours entry.request.ifMatch: a stale version
// gives 412 and rolls back every entry.
func TestTransactionIfMatch(t *testing.T) {
	e := newEnv(t)
	r := e.want(e.do(http.MethodGet, "/Patient/p1", tokNurseA, nil), http.StatusOK)
	pat, err := fhir.Decode[*fhir.Patient](r.body)
	if err != nil {
		t.Fatal(err)
	}
	eoc := e.want(e.do(http.MethodGet, "/EpisodeOfCare/eoc-p1", tokNurseA, nil), http.StatusOK)
	ep, err := fhir.Decode[*fhir.EpisodeOfCare](eoc.body)
	if err != nil {
		t.Fatal(err)
	}
	pj, _ := fhir.Encode(pat)
	ej, _ := fhir.Encode(ep)
	v := pat.Meta.VersionID
	entries := func(pv, ev string) fhir.Bundle {
		return fhir.Bundle{Base: fhir.Base{ResourceType: "Bundle"}, Type: "transaction", Entry: []fhir.BundleEntry{
			{Resource: ej, Request: &fhir.BundleEntryRequest{Method: "PUT", URL: "EpisodeOfCare/eoc-p1", IfMatch: ev}},
			{Resource: pj, Request: &fhir.BundleEntryRequest{Method: "PUT", URL: "Patient/p1", IfMatch: pv}},
		}}
	}
	oo := e.wantOutcome(e.do(http.MethodPost, "/", tokNurseA, entries(`W/"999"`, `W/"`+ep.Meta.VersionID+`"`)), http.StatusPreconditionFailed)
	if !strings.Contains(oo.Issue[0].Diagnostics, "entry 1") {
		t.Errorf("diagnostics %q", oo.Issue[0].Diagnostics)
	}
	after := e.want(e.do(http.MethodGet, "/EpisodeOfCare/eoc-p1", tokNurseA, nil), http.StatusOK)
	if got := after.header.Get("ETag"); got != `W/"`+ep.Meta.VersionID+`"` {
		t.Errorf("episode changed by a rolled-back transaction: ETag %s", got)
	}
	e.want(e.do(http.MethodPost, "/", tokNurseA, entries(`W/"`+v+`"`, `W/"`+ep.Meta.VersionID+`"`)), http.StatusOK)
}
