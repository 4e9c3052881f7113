// Package client is the console's FHIR R4 REST client: bearer token,
// optional private CA, a deadline and a size limit on every request, strict
// decoding through fhir, and typed errors that say whether a retry can
// help. It makes one attempt per call; retrying (with backoff) is the sync
// engine's business, because only it knows what is safe to repeat.
package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"
)

// Defaults for Options.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultMaxBodyBytes = 16 << 20
	// DefaultConns is how many idle connections to the server the client
	// keeps for the requests a sync round runs at once.
	DefaultConns = 4
)

// Options configures a Client.
type Options struct {
	// BaseURL is the FHIR base, e.g. https://central.example/fhir.
	BaseURL string
	// Token is sent as "Authorization: Bearer <Token>" when not empty.
	Token string
	// TokenSource, when set, gives the bearer token for each request
	// instead of Token (an OAuth login that refreshes itself).
	TokenSource TokenSource
	// CAFile is a PEM file of CA certificates to trust instead of the
	// system pool (a private deployment CA). Ignored when HTTPClient is set.
	CAFile string
	// Timeout bounds each request including reading the body
	// (DefaultTimeout when 0).
	Timeout time.Duration
	// MaxBodyBytes is the largest response body accepted
	// (DefaultMaxBodyBytes when 0).
	MaxBodyBytes int64
	// HTTPClient replaces the client built from CAFile (tests, proxies).
	// Its redirect policy is kept; the default client follows none.
	HTTPClient *http.Client
	// Clock is used to turn a Retry-After HTTP date into a wait
	// (time.Now when nil).
	Clock func() time.Time
	// UserAgent is sent as User-Agent when not empty.
	UserAgent string
}

// TokenSource gives access tokens. Token's error that is ErrLoginExpired
// fails the request with ErrLoginExpired; any other error (the issuer
// cannot be reached) is retryable. When the server refuses a token (401),
// the client calls Refused with it and tries once more with a new one: the
// token may have been revoked before its expiry.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
	Refused(token string)
}

// Client talks to one FHIR server. It is safe for concurrent use.
type Client struct {
	base    *url.URL
	token   string
	source  TokenSource
	hc      *http.Client
	timeout time.Duration
	maxBody int64
	now     func() time.Time
	agent   string
}

// New checks opts and returns a Client.
func New(opts Options) (*Client, error) {
	if opts.BaseURL == "" {
		return nil, errors.New("fhir client: empty base URL")
	}
	u, err := url.Parse(strings.TrimRight(opts.BaseURL, "/"))
	if err != nil {
		return nil, fmt.Errorf("fhir client: base URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("fhir client: base URL %q must be http(s)://host[/path]", opts.BaseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("fhir client: base URL %q must not have a query, fragment or user", opts.BaseURL)
	}
	if strings.ContainsAny(opts.Token, "\r\n") {
		return nil, errors.New("fhir client: token contains a line break")
	}
	c := &Client{base: u, token: opts.Token, timeout: opts.Timeout, maxBody: opts.MaxBodyBytes, now: opts.Clock, agent: opts.UserAgent,
		source: opts.TokenSource}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBodyBytes
	}
	if c.now == nil {
		c.now = time.Now
	}
	c.hc = opts.HTTPClient
	if c.hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		// A sync round asks several searches at once; connections kept
		// for each of them are not opened (and, over TLS, handshaken)
		// again every round.
		tr.MaxIdleConnsPerHost = DefaultConns
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		if opts.CAFile != "" {
			pem, err := os.ReadFile(opts.CAFile)
			if err != nil {
				return nil, fmt.Errorf("fhir client: read CA file: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("fhir client: CA file %s holds no PEM certificate", opts.CAFile)
			}
			tr.TLSClientConfig.RootCAs = pool
		}
		c.hc = &http.Client{
			Transport: tr,
			// A redirect could carry the token elsewhere; FHIR servers do
			// not need them.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return c, nil
}

// BaseURL is the server base the client was made for.
func (c *Client) BaseURL() string { return c.base.String() }

var typePattern = regexp.MustCompile(`^[A-Z][A-Za-z]{1,63}$`)

func checkType(typ string) error {
	if !typePattern.MatchString(typ) {
		return fmt.Errorf("fhir client: %q is not a resource type name", typ)
	}
	return nil
}

// request is one HTTP exchange.
type request struct {
	method  string
	url     *url.URL
	body    []byte
	ctype   string
	headers map[string]string
}

// reply is a response read in full (within the size limit).
type reply struct {
	status int
	header http.Header
	body   []byte
}

// do sends req and reads the reply. Transport failures and failures while
// reading the body are retryable *Errors; statuses are not judged here.
func (c *Client) do(ctx context.Context, req request) (*reply, error) {
	rep, token, err := c.doOnce(ctx, req)
	if err == nil && rep.status == http.StatusUnauthorized && c.source != nil {
		// A 401 means the server did nothing: safe to send again.
		c.source.Refused(token)
		rep, _, err = c.doOnce(ctx, req)
	}
	return rep, err
}

// doOnce is one exchange of do; it also returns the token it sent.
func (c *Client) doOnce(ctx context.Context, req request) (*reply, string, error) {
	parent := ctx
	token := c.token
	ctx, cancel := context.WithTimeout(parent, c.timeout)
	defer cancel()
	var body io.Reader
	if req.body != nil {
		body = strings.NewReader(string(req.body))
	}
	hr, err := http.NewRequestWithContext(ctx, req.method, req.url.String(), body)
	if err != nil {
		return nil, token, c.fail(req, 0, fmt.Errorf("build request: %w", err), false)
	}
	hr.Header.Set("Accept", "application/fhir+json")
	if req.body != nil {
		hr.Header.Set("Content-Type", req.ctype)
	}
	if c.source != nil {
		if token, err = c.source.Token(ctx); err != nil {
			if errors.Is(err, ErrLoginExpired) {
				// err says why and is an ErrLoginExpired itself.
				return nil, token, &Error{Method: req.method, Path: req.url.Path, err: err}
			}
			return nil, token, c.fail(req, 0, fmt.Errorf("get an access token: %w", err), parent.Err() == nil)
		}
		if strings.ContainsAny(token, "\r\n") {
			return nil, token, c.fail(req, 0, errors.New("the access token contains a line break"), false)
		}
	}
	if token != "" {
		hr.Header.Set("Authorization", "Bearer "+token)
	}
	if c.agent != "" {
		hr.Header.Set("User-Agent", c.agent)
	}
	for k, v := range req.headers {
		hr.Header.Set(k, v)
	}
	resp, err := c.hc.Do(hr)
	if err != nil {
		// A network failure or our own per-request deadline may pass; the
		// caller cancelling does not call for a retry.
		return nil, token, c.fail(req, 0, err, parent.Err() == nil)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		return nil, token, c.fail(req, resp.StatusCode, fmt.Errorf("read body: %w", err), parent.Err() == nil)
	}
	if int64(len(data)) > c.maxBody {
		return nil, token, &Error{Method: req.method, Path: req.url.Path, Status: resp.StatusCode, kind: ErrTooLarge,
			err: fmt.Errorf("body exceeds the %d-byte limit", c.maxBody)}
	}
	return &reply{status: resp.StatusCode, header: resp.Header, body: data}, token, nil
}

func (c *Client) fail(req request, status int, err error, retryable bool) *Error {
	return &Error{Method: req.method, Path: req.url.Path, Status: status, Retryable: retryable, err: err}
}

// statusError turns a non-2xx reply into an *Error with the server's
// OperationOutcome text.
func (c *Client) statusError(req request, rep *reply) *Error {
	kind, retry := kindFor(rep.status)
	e := &Error{Method: req.method, Path: req.url.Path, Status: rep.status, Retryable: retry, kind: kind,
		Outcome: outcomeText(rep.body)}
	if rep.status == http.StatusTooManyRequests || rep.status >= 500 {
		e.RetryAfter = parseRetryAfter(rep.header.Get("Retry-After"), c.now())
	}
	if kind == nil && !retry {
		e.err = fmt.Errorf("unexpected HTTP status %d", rep.status)
	}
	return e
}

// resolve builds the URL of typ[/id[/suffix]] under the base.
func (c *Client) resolve(parts ...string) *url.URL {
	u := *c.base
	for _, p := range parts {
		u.Path += "/" + p
	}
	u.RawPath = ""
	return &u
}
