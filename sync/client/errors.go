package client

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Sentinel errors, for errors.Is. An *Error wraps exactly one of these that
// fits its HTTP status (or none, for other statuses).
var (
	// ErrUnauthorized: 401, the bearer token is missing, wrong or expired.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden: 403, the token may not see or change this resource.
	ErrForbidden = errors.New("forbidden")
	// ErrNotFound: 404 or 410.
	ErrNotFound = errors.New("not found")
	// ErrConflict: 412 (If-Match names a stale version, or If-None-Exist
	// matched more than one resource) or 409.
	ErrConflict = errors.New("version conflict")
	// ErrTooLarge: the response body is larger than Options.MaxBodyBytes.
	ErrTooLarge = errors.New("response too large")
	// ErrMalformed: the response is not the FHIR JSON expected.
	ErrMalformed = errors.New("malformed response")
	// ErrBadRequest: 400/422, the server refused what we sent. Retrying
	// the same request cannot help.
	ErrBadRequest = errors.New("request refused")
	// ErrLoginExpired: the OAuth login can no longer give an access token
	// (the refresh token was refused or has expired, or there was never a
	// login): the user must log in again. It is also an ErrUnauthorized,
	// so whatever stops on a refused token stops on it too.
	ErrLoginExpired = fmt.Errorf("login expired: %w", ErrUnauthorized)
)

// Error is every error the client returns for a request: which request
// (method and path, never the query or body), the HTTP status when there
// was a response, the server's OperationOutcome text (sanitised), whether
// retrying may help and for how long the server asked us to wait.
type Error struct {
	Method string
	Path   string
	Status int // 0 when no HTTP response arrived
	// Outcome is the server's OperationOutcome diagnostics, stripped of
	// control characters and cut to a safe length.
	Outcome string
	// Retryable reports whether the same request may succeed later
	// (network errors, timeouts, truncated bodies, 5xx, 429).
	Retryable bool
	// RetryAfter is the server's Retry-After, 0 when none.
	RetryAfter time.Duration
	// Current is the server's current version of the resource after a 412
	// on an update or patch (nil when it could not be fetched); see
	// CurrentErr.
	Current *Response
	// CurrentErr is why Current could not be fetched after a 412.
	CurrentErr error
	kind       error
	err        error
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "fhir %s %s", e.Method, e.Path)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.Status)
	}
	if e.kind != nil {
		fmt.Fprintf(&b, ": %v", e.kind)
	}
	if e.Outcome != "" {
		fmt.Fprintf(&b, ": %s", e.Outcome)
	}
	if e.err != nil {
		fmt.Fprintf(&b, ": %v", e.err)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

// Unwrap gives the sentinel (ErrConflict, ...) and the underlying cause.
func (e *Error) Unwrap() []error {
	var out []error
	if e.kind != nil {
		out = append(out, e.kind)
	}
	if e.err != nil {
		out = append(out, e.err)
	}
	return out
}

// IsRetryable reports whether err is worth retrying later: network
// failures, timeouts, truncated responses, HTTP 5xx and 429. Permanent
// errors (4xx, malformed or oversized responses) and context cancellation
// are not.
func IsRetryable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Retryable
}

// RetryAfter returns the wait the server asked for with Retry-After.
func RetryAfter(err error) (time.Duration, bool) {
	var e *Error
	if errors.As(err, &e) && e.RetryAfter > 0 {
		return e.RetryAfter, true
	}
	return 0, false
}

// StatusOf returns the HTTP status of err, 0 when there was none.
func StatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// kindFor maps an HTTP status to its sentinel and retryability.
func kindFor(status int) (error, bool) {
	switch {
	case status == http.StatusUnauthorized:
		return ErrUnauthorized, false
	case status == http.StatusForbidden:
		return ErrForbidden, false
	case status == http.StatusNotFound, status == http.StatusGone:
		return ErrNotFound, false
	case status == http.StatusPreconditionFailed, status == http.StatusConflict:
		return ErrConflict, false
	case status == http.StatusTooManyRequests:
		return nil, true
	case status == http.StatusRequestTimeout:
		return nil, true
	case status >= 500:
		return nil, true
	case status >= 400:
		return ErrBadRequest, false
	}
	return nil, false
}

// maxRetryAfter caps what a server may ask us to wait.
const maxRetryAfter = time.Hour

// parseRetryAfter reads Retry-After as delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	if d <= 0 {
		return 0
	}
	return min(d, maxRetryAfter)
}

// maxOutcomeRunes is the most of a server's text an error carries.
const maxOutcomeRunes = 300

// Sanitize makes untrusted server text safe to log and show: invalid UTF-8
// is replaced, control characters (including terminal escape sequences'
// ESC) and format characters become spaces, runs of spaces collapse, and
// the text is cut to a safe length.
func Sanitize(s string) string {
	var b strings.Builder
	n := 0
	space := false
	for i := 0; i < len(s) && n < maxOutcomeRunes; {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size <= 1 {
			r = '\uFFFD'
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
			n++
		}
		space = false
		b.WriteRune(r)
		n++
	}
	out := b.String()
	if n >= maxOutcomeRunes {
		out += "…"
	}
	return out
}
