package central

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
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

// subsetElements keeps exactly the elements asked for (and resourceType,
// id and meta), their values as they were, and adds the SUBSETTED tag to
// meta's own tags; a resource without meta gets one with the tag alone.
// _elements=id (the console's patient list) takes a path of its own.
func TestSubsetElementsKeepsWhatWasAsked(t *testing.T) {
	keep, err := parseElements([]string{"gender,birthDate"})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := parseElements([]string{"id"})
	if err != nil {
		t.Fatal(err)
	}
	subsetted := map[string]any{"system": subsettedSystem, "code": "SUBSETTED"}
	stored := `{"resourceType":"Patient","id":"p1","meta":{"versionId":"3","lastUpdated":"2026-01-02T03:04:05.678Z","profile":["http://x/p"],"tag":[{"system":"http://x","version":"2","code":"y","display":"Ý \"z\""}]},"name":[{"family":"Ørsted"}],"gender":"female"}`
	cases := []struct {
		name, doc string
		keep      map[string]bool
		want      map[string]any
	}{
		{"ids of a stored document", stored, ids,
			map[string]any{"resourceType": "Patient", "id": "p1",
				"meta": map[string]any{"versionId": "3", "lastUpdated": "2026-01-02T03:04:05.678Z", "profile": []any{"http://x/p"},
					"tag": []any{map[string]any{"system": "http://x", "version": "2", "code": "y", "display": "Ý \"z\""}, subsetted}}}},
		{"ids, no meta", `{"resourceType":"Patient","id":"p2","gender":"male"}`, ids,
			map[string]any{"resourceType": "Patient", "id": "p2", "meta": map[string]any{"tag": []any{subsetted}}}},
		{"meta with tags", `{"resourceType":"Patient","id":"p1","meta":{"versionId":"3","lastUpdated":"2026-01-02T03:04:05.678Z","profile":["http://x/p"],"tag":[{"system":"http://x","code":"y"}]},"name":[{"family":"Ørsted \"Ø\"","given":["Æ\u0001"]}],"gender":"female","birthDate":"1950-01-02","address":[{"city":"Aarhus"}]}`, keep,
			map[string]any{"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1950-01-02",
				"meta": map[string]any{"versionId": "3", "lastUpdated": "2026-01-02T03:04:05.678Z", "profile": []any{"http://x/p"},
					"tag": []any{map[string]any{"system": "http://x", "code": "y"}, subsetted}}}},
		{"no meta, an element asked for missing", `{"resourceType":"Patient","id":"p2","gender":"male","name":[{"family":"Hansen"}]}`, keep,
			map[string]any{"resourceType": "Patient", "id": "p2", "gender": "male", "meta": map[string]any{"tag": []any{subsetted}}}},
		{"kept elements after others", `{"resourceType":"Patient","id":"p3","meta":{"versionId":"1"},"name":[{"family":"Ibsen"}],"telecom":[{"value":"1"}],"birthDate":"1940-12-31"}`, keep,
			map[string]any{"resourceType": "Patient", "id": "p3", "birthDate": "1940-12-31",
				"meta": map[string]any{"versionId": "1", "tag": []any{subsetted}}}},
	}
	for _, c := range cases {
		out, err := subsetElements([]byte(c.doc), c.keep)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var got map[string]any
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%s: not JSON: %v: %s", c.name, err, out)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %s\nwant %v", c.name, out, c.want)
		}
	}
	for _, k := range []map[string]bool{keep, ids} {
		if _, err := subsetElements([]byte(`["not an object"]`), k); err == nil {
			t.Error("an array was subsetted")
		}
		if _, err := subsetElements([]byte(`{"resourceType":"Patient","id":`), k); err == nil {
			t.Error("a truncated document was subsetted")
		}
	}
}

// BenchmarkSubsetElementsIDs is the console's patient list: a stored
// Patient cut down to its id.
func BenchmarkSubsetElementsIDs(b *testing.B) {
	e := newEnv(b)
	var doc []byte
	if err := e.store.readTx(context.Background(), func(t *tx) error {
		st, err := t.current("Patient", "p1")
		doc = st.JSON
		return err
	}); err != nil {
		b.Fatal(err)
	}
	keep, err := parseElements([]string{"id"})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := subsetElements(doc, keep); err != nil {
			b.Fatal(err)
		}
	}
}
