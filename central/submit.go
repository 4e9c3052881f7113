package central

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// Submit creates a reading as the patient would (principal Patient/m.PatientID),
// through the same path as an HTTP create: conditional on a fresh client
// identifier, triaged on arrival.
func (s *Server) Submit(ctx context.Context, m domain.Measurement) (*fhir.Observation, error) {
	o := fhir.MeasurementToObservation(m, nil)
	o.ID = ""
	ident := fhir.ClientIdentifier(uuid.NewString())
	o.Identifier = []fhir.Identifier{ident}
	var st Stored
	err := s.store.inTx(ctx, func(t *tx) error {
		var err error
		st, _, err = s.createIn(t, Principal{Patient: m.PatientID}, o, fhir.IdentifierQuery(ident), "")
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("submit %s reading: %w", m.Kind, err)
	}
	return fhir.Decode[*fhir.Observation](st.JSON)
}

// PatientClient submits readings over HTTP with a patient token, as the
// patients' app would: a client-made identifier and If-None-Exist make a
// retried submission idempotent.
type PatientClient struct {
	BaseURL string // e.g. http://127.0.0.1:8090
	Token   string
	HTTP    *http.Client // nil means http.DefaultClient
}

// SubmitMeasurement posts m as an Observation and returns what the server
// stored (classified, with its limits). ident is the client identifier
// (a UUID); "" makes a new one.
func (c *PatientClient) SubmitMeasurement(ctx context.Context, m domain.Measurement, ident string) (*fhir.Observation, error) {
	if ident == "" {
		ident = uuid.NewString()
	}
	o := fhir.MeasurementToObservation(m, nil)
	o.ID = ""
	id := fhir.ClientIdentifier(ident)
	o.Identifier = []fhir.Identifier{id}
	body, err := fhir.Encode(o)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(c.BaseURL, "/")+"/Observation", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("submit: %w", err)
	}
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set("Accept", ContentType)
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("If-None-Exist", fhir.IdentifierQuery(id))
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("submit: %w", err)
	}
	defer res.Body.Close()
	rb, err := io.ReadAll(io.LimitReader(res.Body, fhir.MaxResourceBytes+1))
	if err != nil {
		return nil, fmt.Errorf("submit: read response: %w", err)
	}
	if res.StatusCode != http.StatusCreated && res.StatusCode != http.StatusOK {
		var oo fhir.OperationOutcome
		msg := res.Status
		if json.Unmarshal(rb, &oo) == nil && len(oo.Issue) > 0 {
			msg += ": " + oo.Issue[0].Diagnostics
		}
		return nil, fmt.Errorf("submit: server said %s", msg)
	}
	return fhir.Decode[*fhir.Observation](rb)
}
