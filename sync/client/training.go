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

// capabilityHeader is what TestData and ServerInfo both read of a
// CapabilityStatement.
type capabilityHeader struct {
	ResourceType string `json:"resourceType"`
	Meta         struct {
		Tag      []fhir.Coding `json:"tag"`
		Security []fhir.Coding `json:"security"`
	} `json:"meta"`
}

// testData reports whether the statement is tagged (or labelled)
// v3-ActReason HTEST.
func (h *capabilityHeader) testData() bool {
	for _, cd := range append(h.Meta.Tag, h.Meta.Security...) {
		if cd.System == fhir.SystemActReason && cd.Code == fhir.CodeTestData {
			return true
		}
	}
	return false
}

// metadata reads the server's CapabilityStatement (GET metadata) into cs,
// which is h or a struct embedding it; asked is the console's real time
// when the answer came (zero when none came).
func (c *Client) metadata(ctx context.Context, cs any, h *capabilityHeader) (asked time.Time, err error) {
	req := request{method: http.MethodGet, url: c.resolve("metadata")}
	rep, err := c.do(ctx, req)
	if err != nil {
		return asked, err
	}
	asked = time.Now()
	if rep.status != http.StatusOK {
		return asked, c.statusError(req, rep)
	}
	if err := json.Unmarshal(rep.body, cs); err != nil || h.ResourceType != "CapabilityStatement" {
		if err == nil {
			err = fmt.Errorf("got a %q", h.ResourceType)
		}
		return asked, &Error{Method: req.method, Path: req.url.Path, Status: rep.status, kind: ErrMalformed, err: err}
	}
	return asked, nil
}

// TestData reports whether the server declares that everything it holds is
// test data (training and tests): its CapabilityStatement (GET metadata)
// carries the meta tag v3-ActReason HTEST. A console on a moved clock
// writes only to such a server.
func (c *Client) TestData(ctx context.Context) (bool, error) {
	var cs capabilityHeader
	if _, err := c.metadata(ctx, &cs, &cs); err != nil {
		return false, err
	}
	return cs.testData(), nil
}

// ServerInfo reads the server's CapabilityStatement (GET metadata): whether
// it holds test data and, for such a server, its clinical clock.
func (c *Client) ServerInfo(ctx context.Context) (ServerInfo, error) {
	var info ServerInfo
	var cs struct {
		capabilityHeader
		Extension []fhir.Extension `json:"extension"`
	}
	asked, err := c.metadata(ctx, &cs, &cs.capabilityHeader)
	info.Asked = asked
	if err != nil {
		return info, err
	}
	info.TestData = cs.testData()
	if info.TestData {
		if t, ok, err := fhir.ServerClock(cs.Extension); err == nil && ok {
			info.Clock = t
		}
	}
	return info, nil
}
