package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// AccessReport asks the central for the authorisation report of the
// period from since: GET [base]/$access-report?since=<instant>, answered
// with Parameters (docs/fhir-mapping.md). The central decides what the
// signed-in user may see (her teams' part, or everything for an
// administrator); a refusal is an *Error with its status (403).
func (c *Client) AccessReport(ctx context.Context, since time.Time) ([]domain.AccessLine, error) {
	u := c.resolve(fhir.OpAccessReport)
	u.RawQuery = url.Values{"since": {fhir.FormatInstant(since)}}.Encode()
	req := request{method: http.MethodGet, url: u}
	rep, err := c.do(ctx, req)
	if err != nil {
		return nil, err
	}
	if rep.status != http.StatusOK {
		return nil, c.statusError(req, rep)
	}
	var p fhir.Parameters
	if err := json.Unmarshal(rep.body, &p); err != nil {
		return nil, &Error{Method: req.method, Path: req.url.Path, Status: rep.status, kind: ErrMalformed, err: err}
	}
	lines, err := fhir.AccessReportFromParameters(&p)
	if err != nil {
		return nil, &Error{Method: req.method, Path: req.url.Path, Status: rep.status, kind: ErrMalformed, err: err}
	}
	return lines, nil
}
