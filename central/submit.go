package central

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
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
	o := fhir.MeasurementToObservation(m, nil)
	o.ID = ""
	rb, err := c.create(ctx, "Observation", ident, func(id fhir.Identifier) fhir.Resource {
		o.Identifier = []fhir.Identifier{id}
		return o
	})
	if err != nil {
		return nil, err
	}
	return fhir.Decode[*fhir.Observation](rb)
}

// SubmitQuestionnaire posts the patient's answers qr and returns what the
// server stored (the answers with the severities triaged). ident as for
// SubmitMeasurement.
func (c *PatientClient) SubmitQuestionnaire(ctx context.Context, qr *fhir.QuestionnaireResponse, ident string) (*fhir.QuestionnaireResponse, error) {
	qr.ID = ""
	rb, err := c.create(ctx, "QuestionnaireResponse", ident, func(id fhir.Identifier) fhir.Resource {
		qr.Identifier = &id
		return qr
	})
	if err != nil {
		return nil, err
	}
	return fhir.Decode[*fhir.QuestionnaireResponse](rb)
}

// Questionnaires are the questionnaire definitions the server gives the
// patient: those with the canonical URL of ref (url, or url|version)
// when ref is not empty, else all of them (one page).
func (c *PatientClient) Questionnaires(ctx context.Context, ref string) ([]*fhir.Questionnaire, error) {
	q := url.Values{"_count": {"100"}}
	u, version := domain.SplitCanonical(ref)
	if u != "" {
		q.Set("url", u)
	}
	rb, err := c.do(ctx, http.MethodGet, "/Questionnaire?"+q.Encode(), nil, nil, http.StatusOK)
	if err != nil {
		return nil, fmt.Errorf("questionnaires: %w", err)
	}
	b, err := fhir.Decode[*fhir.Bundle](rb)
	if err != nil {
		return nil, fmt.Errorf("questionnaires: %w", err)
	}
	var out []*fhir.Questionnaire
	for _, e := range b.Entry {
		r, err := fhir.DecodeResource(e.Resource)
		if err != nil {
			return nil, fmt.Errorf("questionnaires: %w", err)
		}
		if fq, ok := r.(*fhir.Questionnaire); ok && (u == "" || fq.URL == u) && (version == "" || fq.Version == version) {
			out = append(out, fq)
		}
	}
	return out, nil
}

// create posts a new resource of typ, conditional on its client
// identifier (ident, a UUID; "" makes a new one), which with sets.
func (c *PatientClient) create(ctx context.Context, typ, ident string, with func(fhir.Identifier) fhir.Resource) ([]byte, error) {
	if ident == "" {
		ident = uuid.NewString()
	}
	id := fhir.ClientIdentifier(ident)
	body, err := fhir.Encode(with(id))
	if err != nil {
		return nil, err
	}
	rb, err := c.do(ctx, http.MethodPost, "/"+typ, body, map[string]string{"If-None-Exist": fhir.IdentifierQuery(id)}, http.StatusCreated, http.StatusOK)
	if err != nil {
		return nil, fmt.Errorf("submit: %w", err)
	}
	return rb, nil
}

// do sends one request with the patient's token and returns the body of
// an answer with one of the statuses ok; another status is an error with
// the server's diagnostics.
func (c *PatientClient) do(ctx context.Context, method, path string, body []byte, headers map[string]string, ok ...int) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.BaseURL, "/")+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", ContentType)
	}
	req.Header.Set("Accept", ContentType)
	req.Header.Set("Authorization", "Bearer "+c.Token)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	rb, err := io.ReadAll(io.LimitReader(res.Body, fhir.MaxResourceBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	for _, s := range ok {
		if res.StatusCode == s {
			return rb, nil
		}
	}
	var oo fhir.OperationOutcome
	msg := res.Status
	if json.Unmarshal(rb, &oo) == nil && len(oo.Issue) > 0 {
		msg += ": " + oo.Issue[0].Diagnostics
	}
	return nil, fmt.Errorf("server said %s", msg)
}
