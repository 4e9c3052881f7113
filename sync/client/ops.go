package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// MaxPageEntries is the most entries a search page may hold.
const MaxPageEntries = 10000

// Response is a resource the server returned.
type Response struct {
	// Status is the HTTP status (200, 201).
	Status int
	// Raw is the resource's JSON as received (checked by fhir).
	Raw []byte
	// Resource is Raw decoded.
	Resource fhir.Resource
	// Type, ID, VersionID and LastUpdated come from the resource (meta),
	// falling back to the ETag for the version.
	Type, ID, VersionID string
	LastUpdated         time.Time
	// Location is the Location header of a create, if any.
	Location string
}

// Page is one searchset page: the raw JSON of each matched resource, each
// decoded in the same pass over the body (Decoded[i] is Resources[i]
// decoded, or nil with DecodeErrs[i] saying why not: a resource that does
// not decode is for the caller to keep or park, not a failed page), the
// next link when the server gave one, and total when it gave one. Neither
// Next nor Total is to be relied on. A page asked for raw (SearchSinceRaw,
// NextRaw) has neither Decoded nor DecodeErrs.
type Page struct {
	Resources  []json.RawMessage
	Decoded    []fhir.Resource
	DecodeErrs []error
	Next       string
	Total      *int
}

// Search runs a type-level search with params.
func (c *Client) Search(ctx context.Context, typ string, params url.Values) (*Page, error) {
	return c.search(ctx, typ, params, true)
}

// search runs a type-level search, its resources decoded with decode.
func (c *Client) search(ctx context.Context, typ string, params url.Values, decode bool) (*Page, error) {
	if err := checkType(typ); err != nil {
		return nil, err
	}
	u := c.resolve(typ)
	u.RawQuery = params.Encode()
	return c.page(ctx, u, decode)
}

// SearchSince is the incremental search
// _lastUpdated=ge<since>&_sort=_lastUpdated&_count=<count> plus extra
// params. A zero since omits _lastUpdated (a full pull); count <= 0 omits
// _count.
func (c *Client) SearchSince(ctx context.Context, typ string, since time.Time, count int, extra url.Values) (*Page, error) {
	return c.Search(ctx, typ, sinceQuery("ge", since, count, extra))
}

// SearchAfter is SearchSince with _lastUpdated=gt<after>: only what was
// updated after after (at the millisecond FormatInstant writes; a server
// that reads the instant as its millisecond's range leaves out that whole
// millisecond). For a caller that has already read everything updated up
// to after.
func (c *Client) SearchAfter(ctx context.Context, typ string, after time.Time, count int, extra url.Values) (*Page, error) {
	return c.Search(ctx, typ, sinceQuery("gt", after, count, extra))
}

// sinceQuery is the query of SearchSince (prefix ge) and SearchAfter (gt).
func sinceQuery(prefix string, since time.Time, count int, extra url.Values) url.Values {
	q := url.Values{}
	for k, vs := range extra {
		q[k] = append([]string(nil), vs...)
	}
	if !since.IsZero() {
		q.Set("_lastUpdated", prefix+fhir.FormatInstant(since))
	}
	q.Set("_sort", "_lastUpdated")
	if count > 0 {
		q.Set("_count", strconv.Itoa(count))
	}
	return q
}

// SearchSinceRaw is SearchSince leaving the resources undecoded (Decoded
// and DecodeErrs nil; each resource is still checked to be a JSON
// object): for a caller that reads only what names each resource
// (fhir.DecodeHeader), such as a list of the patients it may see.
func (c *Client) SearchSinceRaw(ctx context.Context, typ string, since time.Time, count int, extra url.Values) (*Page, error) {
	return c.search(ctx, typ, sinceQuery("ge", since, count, extra), false)
}

// Next fetches the page a Page.Next link points at. The link must be on
// the same scheme, host and base path as the client's base URL, so that a
// hostile link cannot carry the bearer token elsewhere.
func (c *Client) Next(ctx context.Context, next string) (*Page, error) {
	return c.next(ctx, next, true)
}

// NextRaw is Next leaving the resources undecoded, as SearchSinceRaw does.
func (c *Client) NextRaw(ctx context.Context, next string) (*Page, error) {
	return c.next(ctx, next, false)
}

func (c *Client) next(ctx context.Context, next string, decode bool) (*Page, error) {
	u, err := c.base.Parse(next)
	if err != nil {
		return nil, &Error{Method: http.MethodGet, Path: "(next link)", kind: ErrMalformed, err: fmt.Errorf("next link: %w", err)}
	}
	if u.Scheme != c.base.Scheme || u.Host != c.base.Host || !strings.HasPrefix(u.Path, c.base.Path+"/") {
		return nil, &Error{Method: http.MethodGet, Path: "(next link)", kind: ErrMalformed,
			err: errors.New("next link leaves the server's base URL")}
	}
	u.Fragment = ""
	return c.page(ctx, u, decode)
}

func (c *Client) page(ctx context.Context, u *url.URL, decode bool) (*Page, error) {
	req := request{method: http.MethodGet, url: u}
	rep, err := c.do(ctx, req)
	if err != nil {
		return nil, err
	}
	if rep.status != http.StatusOK {
		return nil, c.statusError(req, rep)
	}
	p, err := decodePage(rep.body, decode)
	if err != nil {
		return nil, &Error{Method: req.method, Path: u.Path, Status: rep.status, kind: ErrMalformed, err: err}
	}
	return p, nil
}

// decodePage reads a searchset Bundle in one pass (fhir.DecodeSearchset):
// each entry's resource is decoded once, with decode, and kept raw beside;
// each must be a JSON object. Entries with search.mode include or outcome
// are dropped.
func decodePage(body []byte, decode bool) (*Page, error) {
	if len(body) == 0 {
		return nil, errors.New("empty body")
	}
	if !utf8.Valid(body) {
		return nil, errors.New("body is not valid UTF-8")
	}
	// The limit is applied while reading: a page of a great many tiny
	// entries is refused before they are all decoded.
	read := fhir.DecodeSearchsetLimit
	if !decode {
		read = fhir.SplitSearchset
	}
	b, entries, err := read(body, MaxPageEntries)
	if err != nil {
		return nil, fmt.Errorf("Bundle: %w", err)
	}
	if b.ResourceType != "Bundle" {
		return nil, fmt.Errorf("expected a Bundle, got resourceType %q", Sanitize(b.ResourceType))
	}
	if b.Type != fhir.BundleSearchset {
		return nil, fmt.Errorf("expected a searchset Bundle, got type %q", Sanitize(b.Type))
	}
	p := &Page{Total: b.Total}
	for _, l := range b.Link {
		if l.Relation == "next" && l.URL != "" {
			p.Next = l.URL
		}
	}
	for i, e := range entries {
		if e.Mode != "" && e.Mode != "match" {
			continue
		}
		if len(e.Raw) == 0 || e.Raw[0] != '{' {
			return nil, fmt.Errorf("entry[%d] has no resource object", i)
		}
		p.Resources = append(p.Resources, e.Raw)
		if decode {
			p.Decoded = append(p.Decoded, e.Resource)
			p.DecodeErrs = append(p.DecodeErrs, e.Err)
		}
	}
	return p, nil
}

func describeJSON(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("element %s: expected %s, got JSON %s", Sanitize(te.Field), te.Type, te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "truncated JSON"
	}
	return Sanitize(err.Error())
}

// Read fetches the current version of typ/id.
func (c *Client) Read(ctx context.Context, typ, id string) (*Response, error) {
	if err := checkType(typ); err != nil {
		return nil, err
	}
	if !fhir.ValidID(id) {
		return nil, fmt.Errorf("fhir client: %q is not a FHIR id", id)
	}
	req := request{method: http.MethodGet, url: c.resolve(typ, id)}
	return c.resourceCall(ctx, req, typ)
}

// Create POSTs body as a new typ. With ifNoneExist (see
// fhir.ClientIdentifierCondition) it is a conditional create: when a resource matches,
// the server returns it (200) instead of creating another, so a retried
// create never duplicates. When the server sends no body, the resource is
// read from Location.
func (c *Client) Create(ctx context.Context, typ string, body []byte, ifNoneExist string) (*Response, error) {
	if err := checkType(typ); err != nil {
		return nil, err
	}
	if strings.ContainsAny(ifNoneExist, "\r\n") {
		return nil, errors.New("fhir client: If-None-Exist contains a line break")
	}
	req := request{method: http.MethodPost, url: c.resolve(typ), body: body, ctype: "application/fhir+json",
		headers: map[string]string{"Prefer": "return=representation"}}
	if ifNoneExist != "" {
		req.headers["If-None-Exist"] = ifNoneExist
	}
	return c.resourceCall(ctx, req, typ)
}

// Update PUTs body as the new version of typ/id. With version it sends
// If-Match: W/"<version>", so a concurrent change gives ErrConflict (412)
// instead of being overwritten; the *Error then carries the server's
// current version in Current (fetched with a read).
func (c *Client) Update(ctx context.Context, typ, id string, body []byte, version string) (*Response, error) {
	return c.write(ctx, http.MethodPut, typ, id, body, "application/fhir+json", version)
}

// Patch applies a JSON Patch (RFC 6902) to typ/id, with If-Match like
// Update.
func (c *Client) Patch(ctx context.Context, typ, id string, patch []byte, version string) (*Response, error) {
	return c.write(ctx, http.MethodPatch, typ, id, patch, "application/json-patch+json", version)
}

func (c *Client) write(ctx context.Context, method, typ, id string, body []byte, ctype, version string) (*Response, error) {
	if err := checkType(typ); err != nil {
		return nil, err
	}
	if !fhir.ValidID(id) {
		return nil, fmt.Errorf("fhir client: %q is not a FHIR id", id)
	}
	req := request{method: method, url: c.resolve(typ, id), body: body, ctype: ctype,
		headers: map[string]string{"Prefer": "return=representation"}}
	if version != "" {
		v := VersionOf(version)
		if v == "" || strings.ContainsAny(v, "\"\r\n") {
			return nil, fmt.Errorf("fhir client: %q is not a version id", version)
		}
		req.headers["If-Match"] = IfMatch(v)
	}
	resp, err := c.resourceCall(ctx, req, typ)
	var e *Error
	if err != nil && errors.As(err, &e) && e.Status == http.StatusPreconditionFailed {
		cur, rerr := c.Read(ctx, typ, id)
		e.Current, e.CurrentErr = cur, rerr
	}
	return resp, err
}

// IfMatch is the weak ETag of a version: W/"<version>".
func IfMatch(version string) string { return `W/"` + version + `"` }

// VersionOf returns the version id in an ETag (W/"3" or "3") or a bare
// version id.
func VersionOf(etag string) string {
	s := strings.TrimSpace(etag)
	s = strings.TrimPrefix(s, "W/")
	return strings.Trim(s, `"`)
}

// resourceCall sends req and decodes a single resource of type typ.
func (c *Client) resourceCall(ctx context.Context, req request, typ string) (*Response, error) {
	rep, err := c.do(ctx, req)
	if err != nil {
		return nil, err
	}
	if rep.status != http.StatusOK && rep.status != http.StatusCreated {
		return nil, c.statusError(req, rep)
	}
	loc := rep.header.Get("Location")
	if len(bytes.TrimSpace(rep.body)) == 0 && req.method == http.MethodPost && loc != "" {
		return c.readLocation(ctx, req, typ, loc, rep.status)
	}
	resp, err := decodeResponse(rep, typ)
	if err != nil {
		// The server accepted the request but its answer was damaged (most
		// likely cut in transit): retrying is the way to learn the result,
		// and it is safe for conditional creates and If-Match writes.
		return nil, &Error{Method: req.method, Path: req.url.Path, Status: rep.status, kind: ErrMalformed, err: err,
			Retryable: req.method != http.MethodGet}
	}
	resp.Location = loc
	return resp, nil
}

func (c *Client) readLocation(ctx context.Context, req request, typ, loc string, status int) (*Response, error) {
	u, err := c.base.Parse(loc)
	if err != nil {
		return nil, &Error{Method: req.method, Path: req.url.Path, Status: status, kind: ErrMalformed, err: fmt.Errorf("Location: %w", err)}
	}
	// Location is [base]/Type/id[/_history/vid]; read the current version.
	parts := strings.Split(strings.TrimPrefix(u.Path, c.base.Path+"/"), "/")
	if len(parts) < 2 || parts[0] != typ || !fhir.ValidID(parts[1]) {
		return nil, &Error{Method: req.method, Path: req.url.Path, Status: status, kind: ErrMalformed,
			err: errors.New("Location is not a resource of the type sent")}
	}
	resp, err := c.Read(ctx, typ, parts[1])
	if err != nil {
		return nil, err
	}
	resp.Status, resp.Location = status, loc
	return resp, nil
}

func decodeResponse(rep *reply, typ string) (*Response, error) {
	r, err := fhir.DecodeResource(rep.body)
	if err != nil {
		return nil, sanitizedErr{err}
	}
	h := r.Header()
	if h.ResourceType != typ {
		return nil, fmt.Errorf("expected %s, got resourceType %q", typ, h.ResourceType)
	}
	resp := &Response{Status: rep.status, Raw: rep.body, Resource: r, Type: h.ResourceType, ID: h.ID}
	if h.Meta != nil {
		resp.VersionID = h.Meta.VersionID
		if h.Meta.LastUpdated != "" {
			t, err := fhir.ParseDateTime(h.Meta.LastUpdated)
			if err != nil {
				return nil, sanitizedErr{err}
			}
			resp.LastUpdated = t
		}
	}
	if resp.VersionID == "" {
		resp.VersionID = VersionOf(rep.header.Get("ETag"))
	}
	if resp.ID == "" {
		return nil, errors.New("returned resource has no id")
	}
	return resp, nil
}

// sanitizedErr shows a decoding error (which may quote server text) with
// control characters removed, while keeping errors.Is working.
type sanitizedErr struct{ err error }

func (s sanitizedErr) Error() string { return Sanitize(s.err.Error()) }
func (s sanitizedErr) Unwrap() error { return s.err }

// outcomeText extracts the diagnostics (or details text, or code) of an
// OperationOutcome body, sanitised; "" when the body is not one.
func outcomeText(body []byte) string {
	if len(body) == 0 || len(body) > 1<<20 {
		return ""
	}
	var oo struct {
		ResourceType string `json:"resourceType"`
		Issue        []struct {
			Severity    string `json:"severity"`
			Code        string `json:"code"`
			Diagnostics string `json:"diagnostics"`
			Details     *struct {
				Text string `json:"text"`
			} `json:"details"`
		} `json:"issue"`
	}
	if json.Unmarshal(body, &oo) != nil || oo.ResourceType != "OperationOutcome" {
		return ""
	}
	var parts []string
	for _, is := range oo.Issue {
		t := is.Diagnostics
		if t == "" && is.Details != nil {
			t = is.Details.Text
		}
		if t == "" {
			t = is.Code
		}
		if t != "" {
			parts = append(parts, t)
		}
		if len(parts) == 3 {
			break
		}
	}
	return Sanitize(strings.Join(parts, "; "))
}
