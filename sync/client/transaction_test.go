package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
)

// Transaction posts the Bundle to the base URL and returns each entry's
// resource; a 412 is ErrConflict and a damaged 200 is retryable.
func TestTransaction(t *testing.T) {
	var got []byte
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.URL.Path != "/fhir" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/fhir+json")
		_, _ = io.WriteString(w, `{"resourceType":"Bundle","type":"transaction-response","entry":[
			{"resource":{"resourceType":"Patient","id":"p1","meta":{"versionId":"2","lastUpdated":"2026-03-02T09:00:00Z"}},"response":{"status":"200 OK"}},
			{"response":{"status":"200 OK"}}]}`)
	})
	in := []byte(`{"resourceType":"Bundle","type":"transaction","entry":[]}`)
	rs, err := c.Transaction(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(in) {
		t.Errorf("server got %s", got)
	}
	if len(rs) != 1 || rs[0].Type != "Patient" || rs[0].ID != "p1" || rs[0].VersionID != "2" {
		t.Errorf("responses = %+v", rs)
	}

	stale := serve(t, respond(http.StatusPreconditionFailed, `{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"conflict","diagnostics":"entry 0: stale"}]}`))
	if _, err := stale.Transaction(context.Background(), in); !errors.Is(err, ErrConflict) || IsRetryable(err) {
		t.Errorf("412: %v", err)
	}
	cut := serve(t, respond(http.StatusOK, `{"resourceType":"Bundle","type":"transaction-resp`))
	if _, err := cut.Transaction(context.Background(), in); !errors.Is(err, ErrMalformed) || !IsRetryable(err) {
		t.Errorf("cut 200: %v", err)
	}
	wrong := serve(t, respond(http.StatusOK, `{"resourceType":"Bundle","type":"searchset"}`))
	if _, err := wrong.Transaction(context.Background(), in); !errors.Is(err, ErrMalformed) {
		t.Errorf("searchset answer: %v", err)
	}
}
