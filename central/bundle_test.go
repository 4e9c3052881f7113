package central

import (
	"bytes"
	"encoding/json"
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
