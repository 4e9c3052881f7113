// Package faultproxy is a reverse proxy for tests that puts the faults of
// a bad network and a struggling server between a client and a real FHIR
// server: refused connections, answers cut off mid-body, truncated bodies,
// 500s (before or after the server acted), 429 with Retry-After and answers
// held back beyond the client's timeout. Faults are drawn per request from a
// seeded random source and bounded in number, so a test that retries until
// done always ends and fails the same way twice. Requests can also be
// stalled on demand (before or after they reach the server), so a test can
// kill a client or restart the server at a known point.
package faultproxy

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Kind is a fault the proxy can inject.
type Kind string

// The faults. "Before" faults never reach the server; "after" faults let
// the server act and then spoil the answer, which is how a client learns
// to retry safely.
const (
	// Refuse closes the connection without forwarding or answering.
	Refuse Kind = "refuse"
	// Fail500 answers 500 without forwarding.
	Fail500 Kind = "500"
	// TooMany answers 429 with Retry-After without forwarding.
	TooMany Kind = "429"
	// Fail500After forwards, then answers 500 instead of the server's answer.
	Fail500After Kind = "500-after"
	// Cut forwards, then sends the status line, headers (with the full
	// Content-Length) and half the body, and closes the connection.
	Cut Kind = "cut"
	// Truncate forwards, then sends half the body with a Content-Length
	// that matches it: the framing is intact, the JSON is not.
	Truncate Kind = "truncate"
	// Slow forwards, then holds the answer for Options.Delay (meant to be
	// longer than the client's timeout).
	Slow Kind = "slow"
)

// AllKinds lists every fault.
var AllKinds = []Kind{Refuse, Fail500, TooMany, Fail500After, Cut, Truncate, Slow}

// Options configures a Proxy. Zero values inject nothing.
type Options struct {
	// Seed makes the sequence of faults repeatable.
	Seed uint64
	// Rate is the probability in [0,1] that a request gets a fault.
	Rate float64
	// Kinds are drawn from uniformly (AllKinds when empty).
	Kinds []Kind
	// MaxFaults bounds the faults injected (0: no bound); SetBudget
	// starts a new bound.
	MaxFaults int
	// Methods limits faults to these HTTP methods (all when empty).
	Methods []string
	// Delay is how long Slow holds an answer (default 2s).
	Delay time.Duration
	// RetryAfter is the Retry-After of a 429, whole seconds (default 1s).
	RetryAfter time.Duration
	// Choose, when set, picks each request's fault ("" for none) instead
	// of the random draw (Rate, Kinds and Methods are then not used; the
	// budget still is). For tests that need one exact sequence. It is
	// called with the proxy's lock held and must not call the Proxy.
	Choose func(*http.Request) Kind
}

// Stage says where a stalled request waits.
type Stage int

// Stages of a request at which Stall can hold it.
const (
	// BeforeServer holds the request before it is forwarded.
	BeforeServer Stage = iota
	// AfterServer forwards the request, then holds the server's answer.
	AfterServer
)

// Stats counts what the proxy did.
type Stats struct {
	Requests int
	Faults   map[Kind]int
	// FaultsByMethod counts injected faults per HTTP method.
	FaultsByMethod map[string]int
	Stalled        int
}

// Proxy is an http.Handler forwarding to one target. Safe for concurrent use.
type Proxy struct {
	target *url.URL
	hc     *http.Client
	opts   Options

	mu      sync.Mutex
	rng     *rand.Rand
	left    int // faults still allowed; < 0 means no bound
	stats   Stats
	stall   *stallRule
	release chan struct{}
	stalled chan string
}

type stallRule struct {
	stage Stage
	match func(*http.Request) bool
}

// New returns a Proxy forwarding to target (e.g. http://127.0.0.1:8090).
func New(target string, opts Options) (*Proxy, error) {
	u, err := url.Parse(strings.TrimRight(target, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("faultproxy: target %q must be http(s)://host[/path]", target)
	}
	if opts.Rate < 0 || opts.Rate > 1 {
		return nil, fmt.Errorf("faultproxy: rate %v is not in [0,1]", opts.Rate)
	}
	if len(opts.Kinds) == 0 {
		opts.Kinds = AllKinds
	}
	if opts.Delay <= 0 {
		opts.Delay = 2 * time.Second
	}
	if opts.RetryAfter < time.Second {
		opts.RetryAfter = time.Second
	}
	left := opts.MaxFaults
	if left <= 0 {
		left = -1
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DisableCompression = true
	return &Proxy{
		target:  u,
		hc:      &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		opts:    opts,
		left:    left,
		rng:     rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)),
		stats:   Stats{Faults: map[Kind]int{}, FaultsByMethod: map[string]int{}},
		stalled: make(chan string, 64),
	}, nil
}

// Stats returns a copy of the counters.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.Faults = make(map[Kind]int, len(p.stats.Faults))
	for k, v := range p.stats.Faults {
		s.Faults[k] = v
	}
	s.FaultsByMethod = make(map[string]int, len(p.stats.FaultsByMethod))
	for k, v := range p.stats.FaultsByMethod {
		s.FaultsByMethod[k] = v
	}
	return s
}

// SetRate changes the fault probability (e.g. 0 to let a test recover).
func (p *Proxy) SetRate(rate float64) {
	p.mu.Lock()
	p.opts.Rate = rate
	p.mu.Unlock()
}

// SetBudget allows n more faults from now on (n <= 0: no bound).
func (p *Proxy) SetBudget(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.left = n
	if n <= 0 {
		p.left = -1
	}
}

// Stall holds every request that match accepts (all when match is nil) at
// stage until Release, or until its client goes away. Each held request
// is announced on Stalled. Stalled requests get no injected fault.
func (p *Proxy) Stall(stage Stage, match func(*http.Request) bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if match == nil {
		match = func(*http.Request) bool { return true }
	}
	p.stall = &stallRule{stage: stage, match: match}
	p.release = make(chan struct{})
}

// Release lets held requests go on and stops stalling new ones.
func (p *Proxy) Release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.release != nil {
		close(p.release)
	}
	p.stall, p.release = nil, nil
}

// Stalled announces "METHOD /path" for each request being held.
func (p *Proxy) Stalled() <-chan string { return p.stalled }

// decide picks the fault for one request, or the stall it waits in.
func (p *Proxy) decide(r *http.Request) (Kind, *stallRule, chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stats.Requests++
	if p.stall != nil && p.stall.match(r) {
		p.stats.Stalled++
		return "", p.stall, p.release
	}
	if p.left == 0 {
		return "", nil, nil
	}
	var k Kind
	if p.opts.Choose != nil {
		if k = p.opts.Choose(r); k == "" {
			return "", nil, nil
		}
	} else {
		if !p.methodMayFail(r.Method) || p.opts.Rate <= 0 || p.rng.Float64() >= p.opts.Rate {
			return "", nil, nil
		}
		k = p.opts.Kinds[p.rng.IntN(len(p.opts.Kinds))]
	}
	if p.left > 0 {
		p.left--
	}
	p.stats.Faults[k]++
	p.stats.FaultsByMethod[r.Method]++
	return k, nil, nil
}

func (p *Proxy) methodMayFail(m string) bool {
	if len(p.opts.Methods) == 0 {
		return true
	}
	for _, x := range p.opts.Methods {
		if strings.EqualFold(x, m) {
			return true
		}
	}
	return false
}

// ServeHTTP forwards r, injecting the fault drawn for it.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	kind, stall, release := p.decide(r)
	if stall != nil && stall.stage == BeforeServer {
		if !p.wait(r.Context(), r, release) {
			return
		}
	}
	switch kind {
	case Refuse:
		hijackAndWrite(w, nil)
		return
	case Fail500:
		writeOutcome(w, http.StatusInternalServerError, "injected server error", 0)
		return
	case TooMany:
		writeOutcome(w, http.StatusTooManyRequests, "injected rate limit", p.opts.RetryAfter)
		return
	}
	res, body, err := p.forward(r)
	if err != nil {
		writeOutcome(w, http.StatusBadGateway, "upstream unreachable", 0)
		return
	}
	if stall != nil && stall.stage == AfterServer {
		if !p.wait(r.Context(), r, release) {
			return
		}
	}
	switch kind {
	case Fail500After:
		writeOutcome(w, http.StatusInternalServerError, "injected server error after the request was processed", 0)
	case Cut:
		var b bytes.Buffer
		writeHead(&b, res, len(body))
		b.Write(body[:len(body)/2])
		hijackAndWrite(w, b.Bytes())
	case Truncate:
		var b bytes.Buffer
		half := body[:len(body)/2]
		writeHead(&b, res, len(half))
		b.Write(half)
		hijackAndWrite(w, b.Bytes())
	case Slow:
		t := time.NewTimer(p.opts.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
		copyResponse(w, res, body)
	default:
		copyResponse(w, res, body)
	}
}

// wait holds a stalled request until release or until its client leaves;
// false means the client left.
func (p *Proxy) wait(ctx context.Context, r *http.Request, release chan struct{}) bool {
	select {
	case p.stalled <- r.Method + " " + r.URL.Path:
	default:
	}
	select {
	case <-release:
		return true
	case <-ctx.Done():
		return false
	}
}

// hopHeaders are not forwarded.
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// forward sends r to the target and reads the whole answer. The request is
// sent with a context detached from the client's, so that the server acts
// even when the client gives up (as a real server would).
func (p *Proxy) forward(r *http.Request) (*http.Response, []byte, error) {
	in, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("read request: %w", err)
	}
	u := *p.target
	u.Path = p.target.Path + r.URL.Path
	u.RawPath = ""
	u.RawQuery = r.URL.RawQuery
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), time.Minute)
	defer cancel()
	out, err := http.NewRequestWithContext(ctx, r.Method, u.String(), bytes.NewReader(in))
	if err != nil {
		return nil, nil, err
	}
	out.Header = r.Header.Clone()
	for _, h := range hopHeaders {
		out.Header.Del(h)
	}
	// The server builds links from Host: keep the client's view (the proxy).
	out.Host = r.Host
	res, err := p.hc.Do(out)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, nil, err
	}
	return res, body, nil
}

func copyResponse(w http.ResponseWriter, res *http.Response, body []byte) {
	for k, vs := range res.Header {
		if isHop(k) || strings.EqualFold(k, "Content-Length") {
			continue
		}
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(res.StatusCode)
	_, _ = w.Write(body)
}

func isHop(k string) bool {
	for _, h := range hopHeaders {
		if strings.EqualFold(h, k) {
			return true
		}
	}
	return false
}

// writeHead writes a raw HTTP/1.1 status line and headers declaring n body
// bytes.
func writeHead(b *bytes.Buffer, res *http.Response, n int) {
	fmt.Fprintf(b, "HTTP/1.1 %d %s\r\n", res.StatusCode, http.StatusText(res.StatusCode))
	for k, vs := range res.Header {
		if isHop(k) || strings.EqualFold(k, "Content-Length") {
			continue
		}
		for _, v := range vs {
			fmt.Fprintf(b, "%s: %s\r\n", k, v)
		}
	}
	fmt.Fprintf(b, "Content-Length: %d\r\nConnection: close\r\n\r\n", n)
}

// hijackAndWrite takes over the connection, writes raw (maybe nothing) and
// closes it.
func hijackAndWrite(w http.ResponseWriter, raw []byte) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	if len(raw) > 0 {
		_, _ = buf.Write(raw)
		_ = buf.Flush()
	}
}

func writeOutcome(w http.ResponseWriter, status int, msg string, retryAfter time.Duration) {
	if retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(retryAfter/time.Second)))
	}
	w.Header().Set("Content-Type", "application/fhir+json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, `{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"transient","diagnostics":%q}]}`, msg)
}
