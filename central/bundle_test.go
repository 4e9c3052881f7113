package central

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// TestWriteBundleIsWhatJSONMarshalWrites: the search Bundle written with
// the stored JSON put in as it is equals, byte for byte, what json.Marshal
// of the same Bundle writes (empty pages, an entry without a resource, a
// URL with a quote and HTML characters, a resource with text to escape).
func TestWriteBundleIsWhatJSONMarshalWrites(t *testing.T) {
	msg := fhir.MessageToCommunication(domain.Message{ID: "m1", PatientID: "p1", Body: `"resource":0 <b>&</b> ` + "\u2028", Sent: t0})
	raw, err := fhir.Encode(msg)
	if err != nil {
		t.Fatal(err)
	}
	bundles := []*fhir.Bundle{
		{Base: fhir.Base{ResourceType: "Bundle", ID: "b0"}, Type: fhir.BundleSearchset},
		{Base: fhir.Base{ResourceType: "Bundle", ID: "b1"}, Type: fhir.BundleSearchset,
			Link: []fhir.BundleLink{{Relation: "next", URL: `http://x/Communication?a="resource":0&b=<c>`}},
			Entry: []fhir.BundleEntry{
				{FullURL: `http://x/Communication/"resource":0`, Resource: raw, Search: &fhir.BundleEntrySearch{Mode: "match"}},
				{FullURL: "http://x/Communication/none"},
				{Resource: raw},
				{FullURL: "http://x/Communication/m1", Resource: raw, Search: &fhir.BundleEntrySearch{Mode: `in<c>lude"&`}},
				{FullURL: "http://x/Communication/m1", Resource: raw, Search: &fhir.BundleEntrySearch{}},
				{FullURL: "http://x/Communication/m1", Resource: raw, Search: &fhir.BundleEntrySearch{Mode: "match"},
					Response: &fhir.BundleEntryResponse{Status: "200 OK"}},
			}},
	}
	for _, b := range bundles {
		want, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		writeBundle(rec, http.StatusOK, b)
		if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), want) {
			t.Errorf("writeBundle wrote (%d)\n%s\nwant\n%s", rec.Code, rec.Body.Bytes(), want)
		}
	}
}

// BenchmarkWriteBundle writes a page of 200 stored Observations.
func BenchmarkWriteBundle(b *testing.B) {
	raw := []byte(`{"resourceType":"Observation","id":"obs-1","meta":{"versionId":"1","lastUpdated":"2026-03-02T08:00:00.000Z"},"status":"final","code":{"coding":[{"system":"urn:oid:1.2.208.176.2.1","code":"NPU03804"}]},"subject":{"reference":"Patient/p1"},"valueQuantity":{"value":72,"unit":"/min"}}`)
	bundle := &fhir.Bundle{Base: fhir.Base{ResourceType: "Bundle", ID: "b1"}, Type: fhir.BundleSearchset,
		Link: []fhir.BundleLink{{Relation: "self", URL: "http://x/Observation?_count=200"}}}
	for i := range 200 {
		bundle.Entry = append(bundle.Entry, fhir.BundleEntry{FullURL: fmt.Sprintf("http://x/Observation/obs-%d", i), Resource: raw,
			Search: &fhir.BundleEntrySearch{Mode: "match"}})
	}
	b.ReportAllocs()
	for b.Loop() {
		writeBundle(httptest.NewRecorder(), http.StatusOK, bundle)
	}
}
