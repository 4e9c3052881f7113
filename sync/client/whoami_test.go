package client

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

func TestWhoAmI(t *testing.T) {
	ok := `{"resourceType":"Parameters","parameter":[{"name":"fhirUser","valueReference":{"reference":"Practitioner/n1","display":"Anna"}},
{"name":"role","valueCode":"read-only"},{"name":"team","valueReference":{"reference":"CareTeam/t1","display":"Klinik"}}]}`
	var path string
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		path = r.URL.Path
		respond(http.StatusOK, ok)(w, r)
	})
	id, err := c.WhoAmI(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if path != "/fhir/$whoami" || id.ID != "n1" || id.Name != "Anna" || !id.ReadOnly() || len(id.Teams) != 1 || id.Teams[0].Name != "Klinik" {
		t.Errorf("path %q, identity %+v", path, id)
	}
	// A server without the operation says so in one of several ways.
	for _, h := range []http.HandlerFunc{
		respond(http.StatusNotFound, `{"resourceType":"OperationOutcome"}`),
		respond(http.StatusBadRequest, `{"resourceType":"OperationOutcome"}`),
		respond(http.StatusMethodNotAllowed, ``),
		respond(http.StatusOK, `{"resourceType":"Bundle","type":"searchset"}`),
	} {
		if _, err := serve(t, h).WhoAmI(context.Background()); !errors.Is(err, ErrNoWhoAmI) {
			t.Errorf("got %v, want ErrNoWhoAmI", err)
		}
	}
	if _, err := serve(t, respond(http.StatusUnauthorized, ``)).WhoAmI(context.Background()); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("401: got %v", err)
	}
	// A patient's token is no practitioner.
	if _, err := serve(t, respond(http.StatusOK, `{"resourceType":"Parameters","parameter":[{"name":"fhirUser","valueReference":{"reference":"Patient/p1"}}]}`)).WhoAmI(context.Background()); !errors.Is(err, ErrMalformed) {
		t.Errorf("patient token: got %v", err)
	}
}
