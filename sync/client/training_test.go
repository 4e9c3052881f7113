package client

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

// TestServerInfoAndTestData: both read the CapabilityStatement's test-data
// tag; only ServerInfo reads the clock, and only a test-data server's.
func TestServerInfoAndTestData(t *testing.T) {
	ctx := context.Background()
	clock := `"extension":[{"url":"http://telehjerte.example/fhir/StructureDefinition/training-clock","valueDateTime":"2026-03-02T10:00:00Z"}]`
	tagged := `{"resourceType":"CapabilityStatement","meta":{"tag":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"HTEST"}]},` + clock + `}`
	labelled := `{"resourceType":"CapabilityStatement","meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"HTEST"}]}}`
	plain := `{"resourceType":"CapabilityStatement",` + clock + `}`
	for _, tc := range []struct {
		name, body string
		test       bool
		clock      bool
	}{{"tagged", tagged, true, true}, {"security label", labelled, true, false}, {"real", plain, false, false}} {
		var path string
		c := serve(t, func(w http.ResponseWriter, r *http.Request) {
			path = r.URL.Path
			respond(http.StatusOK, tc.body)(w, r)
		})
		td, err := c.TestData(ctx)
		if err != nil || td != tc.test || path != "/fhir/metadata" {
			t.Errorf("%s: TestData %v, %v (path %q)", tc.name, td, err, path)
		}
		before := time.Now()
		info, err := c.ServerInfo(ctx)
		if err != nil || info.TestData != tc.test || !info.Clock.IsZero() != tc.clock || info.Asked.Before(before) {
			t.Errorf("%s: ServerInfo %+v, %v", tc.name, info, err)
		}
		if tc.clock && !info.Clock.Equal(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)) {
			t.Errorf("%s: clock %v", tc.name, info.Clock)
		}
	}
	for _, h := range []http.HandlerFunc{
		respond(http.StatusOK, `{"resourceType":"Bundle"}`),
		respond(http.StatusOK, `not json`),
	} {
		if _, err := serve(t, h).TestData(ctx); !errors.Is(err, ErrMalformed) {
			t.Errorf("TestData: got %v, want ErrMalformed", err)
		}
		if _, err := serve(t, h).ServerInfo(ctx); !errors.Is(err, ErrMalformed) {
			t.Errorf("ServerInfo: got %v, want ErrMalformed", err)
		}
	}
	if _, err := serve(t, respond(http.StatusUnauthorized, ``)).TestData(ctx); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("TestData 401: got %v", err)
	}
	if _, err := serve(t, respond(http.StatusUnauthorized, ``)).ServerInfo(ctx); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("ServerInfo 401: got %v", err)
	}
}
