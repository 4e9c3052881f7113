package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// ErrNoWhoAmI: the server does not say who a token belongs to (no
// $whoami: 400, 404, 405 or 501). The console then falls back to its
// configured user and says so.
var ErrNoWhoAmI = errors.New("the server does not say who is signed in ($whoami)")

// WhoAmI asks the server who the token belongs to: GET [base]/$whoami,
// answered with Parameters fhirUser (a Practitioner), role and teams (see
// docs/fhir-mapping.md, "Who is signed in"). A server without the
// operation gives ErrNoWhoAmI; a refused token ErrUnauthorized.
func (c *Client) WhoAmI(ctx context.Context) (domain.Identity, error) {
	req := request{method: http.MethodGet, url: c.resolve(fhir.OpWhoAmI)}
	rep, err := c.do(ctx, req)
	if err != nil {
		return domain.Identity{}, err
	}
	switch rep.status {
	case http.StatusOK:
	case http.StatusBadRequest, http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented:
		return domain.Identity{}, fmt.Errorf("%w: %w", ErrNoWhoAmI, c.statusError(req, rep))
	default:
		return domain.Identity{}, c.statusError(req, rep)
	}
	var p fhir.Parameters
	if err := json.Unmarshal(rep.body, &p); err != nil {
		return domain.Identity{}, &Error{Method: req.method, Path: req.url.Path, Status: rep.status, kind: ErrMalformed, err: err}
	}
	if p.ResourceType != "Parameters" {
		// Some servers answer an unknown operation with a search or a
		// CapabilityStatement: that is no identity either.
		return domain.Identity{}, fmt.Errorf("%w: the answer is a %q", ErrNoWhoAmI, p.ResourceType)
	}
	id, err := fhir.WhoAmIFromParameters(&p)
	if err != nil {
		return domain.Identity{}, &Error{Method: req.method, Path: req.url.Path, Status: rep.status, kind: ErrMalformed, err: err}
	}
	return id, nil
}
