package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"unicode/utf8"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// Transaction POSTs a transaction Bundle to the base URL: the server
// applies every entry or none. Entries carry their own conditions
// (entry.request.ifMatch, ifNoneExist). A stale ifMatch gives ErrConflict
// (412; the *Error has no Current, since only the caller knows which
// resource to read). On success it returns the resource of every response
// entry that has one, in entry order, decoded and checked as Create's.
func (c *Client) Transaction(ctx context.Context, bundle []byte) ([]*Response, error) {
	req := request{method: http.MethodPost, url: c.resolve(), body: bundle, ctype: "application/fhir+json",
		headers: map[string]string{"Prefer": "return=representation"}}
	rep, err := c.do(ctx, req)
	if err != nil {
		return nil, err
	}
	if rep.status != http.StatusOK {
		return nil, c.statusError(req, rep)
	}
	out, err := decodeTransactionResponse(rep)
	if err != nil {
		// Committed (200) but the answer is damaged: only a retry (whose
		// conditions make it safe) can tell what the server holds.
		return nil, &Error{Method: req.method, Path: req.url.Path, Status: rep.status, kind: ErrMalformed, err: err, Retryable: true}
	}
	return out, nil
}

func decodeTransactionResponse(rep *reply) ([]*Response, error) {
	if !utf8.Valid(rep.body) {
		return nil, errors.New("body is not valid UTF-8")
	}
	var b fhir.Bundle
	dec := json.NewDecoder(bytes.NewReader(rep.body))
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("Bundle: %s", describeJSON(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("Bundle: data after the JSON object")
	}
	if b.ResourceType != "Bundle" || b.Type != fhir.BundleTransactionResponse {
		return nil, fmt.Errorf("expected a transaction-response Bundle, got %q %q", Sanitize(b.ResourceType), Sanitize(b.Type))
	}
	if len(b.Entry) > MaxPageEntries {
		return nil, fmt.Errorf("%d entries is more than the %d allowed", len(b.Entry), MaxPageEntries)
	}
	var out []*Response
	for i, e := range b.Entry {
		raw := bytes.TrimSpace(e.Resource)
		if len(raw) == 0 {
			continue // the server may answer with status and location only
		}
		h, err := fhir.DecodeResource(raw)
		if err != nil {
			return nil, fmt.Errorf("entry %d: %w", i, sanitizedErr{err})
		}
		r, err := decodeResponse(&reply{status: rep.status, header: http.Header{}, body: raw}, h.Header().ResourceType)
		if err != nil {
			return nil, fmt.Errorf("entry %d: %w", i, err)
		}
		out = append(out, r)
	}
	return out, nil
}
