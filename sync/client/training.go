package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// ServerInfo is what a server's CapabilityStatement says about training.
type ServerInfo struct {
	// TestData: everything the server holds is test data (meta.tag
	// v3-ActReason HTEST): a training central.
	TestData bool
	// Clock is the server's clinical clock when it answered (extension
	// fhir.ExtServerClock); zero when it gives none. Only a test-data
	// server's clock is taken.
	Clock time.Time
	// Asked is the console's real time when the answer came.
	Asked time.Time
}

// ServerInfo reads the server's CapabilityStatement (GET metadata): whether
// it holds test data and, for such a server, its clinical clock.
func (c *Client) ServerInfo(ctx context.Context) (ServerInfo, error) {
	var info ServerInfo
	req := request{method: http.MethodGet, url: c.resolve("metadata")}
	rep, err := c.do(ctx, req)
	if err != nil {
		return info, err
	}
	info.Asked = time.Now()
	if rep.status != http.StatusOK {
		return info, c.statusError(req, rep)
	}
	var cs struct {
		ResourceType string `json:"resourceType"`
		Meta         struct {
			Tag      []fhir.Coding `json:"tag"`
			Security []fhir.Coding `json:"security"`
		} `json:"meta"`
		Extension []fhir.Extension `json:"extension"`
	}
	if err := json.Unmarshal(rep.body, &cs); err != nil || cs.ResourceType != "CapabilityStatement" {
		if err == nil {
			err = fmt.Errorf("got a %q", cs.ResourceType)
		}
		return info, &Error{Method: req.method, Path: req.url.Path, Status: rep.status, kind: ErrMalformed, err: err}
	}
	for _, cd := range append(cs.Meta.Tag, cs.Meta.Security...) {
		if cd.System == fhir.SystemActReason && cd.Code == fhir.CodeTestData {
			info.TestData = true
		}
	}
	if info.TestData {
		if t, ok, err := fhir.ServerClock(cs.Extension); err == nil && ok {
			info.Clock = t
		}
	}
	return info, nil
}
