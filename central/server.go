package central

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// DefaultMaxBody is the request body limit.
const DefaultMaxBody = 1 << 20

// ContentType is the FHIR JSON media type.
const ContentType = "application/fhir+json"

// Config configures a Server.
type Config struct {
	Store  *Store
	Tokens *Tokens
	// Loc is the clinic's local time for expected measurements; nil means
	// Europe/Copenhagen.
	Loc *time.Location
	// Now is the clock for triage, tasks and access periods; nil means
	// time.Now. lastUpdated uses the Store's own clock.
	Now     func() time.Time
	Logger  *slog.Logger // nil discards
	MaxBody int64        // 0 means DefaultMaxBody
	// OIDC, when set, is served under its issuer path, and the access
	// tokens it issued are accepted besides Tokens (see oidc.go).
	OIDC *OIDC
}

// Server is the central FHIR server.
type Server struct {
	store   *Store
	tokens  *Tokens
	loc     *time.Location
	now     func() time.Time
	log     *slog.Logger
	maxBody int64
	oidc    *OIDC
}

// NewServer checks cfg and returns a Server.
func NewServer(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Tokens == nil {
		return nil, errors.New("central: Store and Tokens are required")
	}
	s := &Server{store: cfg.Store, tokens: cfg.Tokens, loc: cfg.Loc, now: cfg.Now, log: cfg.Logger, maxBody: cfg.MaxBody, oidc: cfg.OIDC}
	if s.loc == nil {
		loc, err := time.LoadLocation("Europe/Copenhagen")
		if err != nil {
			return nil, fmt.Errorf("central: load Europe/Copenhagen: %w", err)
		}
		s.loc = loc
	}
	if s.now == nil {
		s.now = time.Now
	}
	// Config.Now is documented as the clock of access periods too.
	s.store.useAccessClock(s.now)
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBody
	}
	return s, nil
}

type principalKey struct{}

// Handler returns the HTTP handler of the FHIR API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metadata", s.metadata)
	// A search reads the practitioner's role in its own read transaction
	// instead of one of its own before (searchType).
	mux.HandleFunc("GET /{type}", s.authRoleLater(s.searchType))
	mux.HandleFunc("GET /"+fhir.OpWhoAmI, s.auth(s.whoami))
	mux.HandleFunc("GET /"+fhir.OpAccessReport, s.auth(s.accessReport))
	mux.HandleFunc("POST /{type}", s.auth(s.create))
	mux.HandleFunc("POST /{$}", s.auth(s.transaction))
	mux.HandleFunc("GET /{type}/{id}", s.auth(s.read))
	mux.HandleFunc("PUT /{type}/{id}", s.auth(s.update))
	mux.HandleFunc("PATCH /{type}/{id}", s.auth(s.patch))
	mux.HandleFunc("GET /{type}/{id}/_history/{vid}", s.auth(s.vread))
	mux.HandleFunc("DELETE /{type}/{id}", s.auth(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET, PUT, PATCH")
		s.fail(w, errorf(http.StatusMethodNotAllowed, "not-supported", "the central deletes nothing: it keeps every version (mark a resource entered-in-error instead)"))
	}))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, errorf(http.StatusNotFound, "not-supported", "no such endpoint"))
	})
	return s.logged(s.withOIDC(mux))
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// logged logs method, route pattern, status and duration: never the query
// string (it may hold identifiers), headers or bodies.
func (s *Server) logged(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		s.log.Info("request", "method", r.Method, "route", r.Pattern, "status", sw.status, "ms", time.Since(start).Milliseconds())
	})
}

func (s *Server) auth(h http.HandlerFunc) http.HandlerFunc { return s.authenticate(h, false) }

// authRoleLater is auth for a handler that reads the practitioner's role
// itself (Principal.roleLater, tx.withRole).
func (s *Server) authRoleLater(h http.HandlerFunc) http.HandlerFunc { return s.authenticate(h, true) }

// authenticate finds the request's principal from its bearer token and
// reads a practitioner's role, unless roleLater.
func (s *Server) authenticate(h http.HandlerFunc, roleLater bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		// The scheme is case-insensitive (RFC 9110 section 11.1).
		scheme, tok, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
		if !strings.EqualFold(scheme, "Bearer") {
			w.Header().Set("WWW-Authenticate", `Bearer realm="telehjerte"`)
			s.fail(w, errorf(http.StatusUnauthorized, "login", "a bearer token is required"))
			return
		}
		// Expiry is judged by the wall clock, not the server's (possibly
		// shifted) clinical clock.
		p, err := s.lookupToken(strings.TrimSpace(tok), time.Now())
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="telehjerte", error="invalid_token"`)
			s.fail(w, errorf(http.StatusUnauthorized, "login", "%s", err.Error()))
			return
		}
		switch {
		case p.Practitioner != "" && roleLater:
			p.roleLater = true
		case p.Practitioner != "":
			if p.Role, err = s.store.roleOf(r.Context(), p.Practitioner); err != nil {
				s.fail(w, err)
				return
			}
		}
		h(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	}
}

func principalOf(r *http.Request) Principal {
	p, _ := r.Context().Value(principalKey{}).(Principal)
	return p
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) fail(w http.ResponseWriter, err error) {
	status, oo := outcomeFor(err)
	if status >= 500 {
		s.log.Error("request failed", "err", err)
	}
	writeJSON(w, status, oo)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encode response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ContentType+"; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeBundle writes b like writeJSON, but puts each entry's resource
// (stored JSON, written by fhir.Encode and so already compact and
// escaped) into the response as it is: json.Marshal would validate and
// compact every stored document again, a large share of serving a page.
func writeBundle(w http.ResponseWriter, status int, b *fhir.Bundle) {
	entries := b.Entry
	b.Entry = nil
	head, err := json.Marshal(b)
	b.Entry = entries
	if err != nil || len(head) == 0 || head[len(head)-1] != '}' {
		http.Error(w, "encode response", http.StatusInternalServerError)
		return
	}
	size := len(head) + 16
	for _, e := range entries {
		size += len(e.Resource) + len(e.FullURL) + 64
	}
	out := make([]byte, 0, size)
	out = append(out, head[:len(head)-1]...)
	if len(entries) > 0 {
		out = append(out, `,"entry":[`...)
		for i, e := range entries {
			if i > 0 {
				out = append(out, ',')
			}
			if searchEntry(e) {
				// A search's match (every entry of a page): written here,
				// saving a json.Marshal of the entry and the look-up of the
				// placeholder in it.
				url, err1 := json.Marshal(e.FullURL)
				mode, err2 := []byte(`"match"`), error(nil)
				if e.Search.Mode != "match" {
					mode, err2 = json.Marshal(e.Search.Mode)
				}
				if err1 != nil || err2 != nil {
					http.Error(w, "encode response", http.StatusInternalServerError)
					return
				}
				out = append(out, `{"fullUrl":`...)
				out = append(out, url...)
				out = append(out, `,"resource":`...)
				out = append(out, e.Resource...)
				out = append(out, `,"search":{"mode":`...)
				out = append(out, mode...)
				out = append(out, `}}`...)
				continue
			}
			raw := e.Resource
			e.Resource = nil
			if len(raw) > 0 {
				e.Resource = placeholder
			}
			eb, err := json.Marshal(e)
			if err != nil {
				http.Error(w, "encode response", http.StatusInternalServerError)
				return
			}
			if len(raw) > 0 {
				// The placeholder is the first "resource" key: fullUrl
				// comes before it, and a quote in a string is escaped.
				at := bytes.Index(eb, placeholderField)
				if at < 0 {
					http.Error(w, "encode response", http.StatusInternalServerError)
					return
				}
				out = append(out, eb[:at]...)
				out = append(out, `"resource":`...)
				out = append(out, raw...)
				out = append(out, eb[at+len(placeholderField):]...)
			} else {
				out = append(out, eb...)
			}
		}
		out = append(out, ']')
	}
	out = append(out, '}')
	w.Header().Set("Content-Type", ContentType+"; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

// searchEntry reports whether e has a full URL, a resource and a search
// mode and nothing else, the shape writeBundle writes itself.
func searchEntry(e fhir.BundleEntry) bool {
	return e.FullURL != "" && len(e.Resource) > 0 && e.Search != nil && e.Search.Mode != "" && e.Request == nil && e.Response == nil
}

var (
	placeholder      = json.RawMessage("0")
	placeholderField = []byte(`"resource":0`)
)

func writeStored(w http.ResponseWriter, r *http.Request, status int, st Stored) {
	w.Header().Set("Content-Type", ContentType+"; charset=utf-8")
	w.Header().Set("ETag", st.ETag())
	w.Header().Set("Last-Modified", st.LastUpdated.UTC().Format(http.TimeFormat))
	if status == http.StatusCreated {
		w.Header().Set("Location", fmt.Sprintf("%s/%s/%s/_history/%d", baseURL(r), st.Type, st.ID, st.VersionID))
	}
	w.WriteHeader(status)
	_, _ = w.Write(st.JSON)
}

// readBody reads the request body under the size limit.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, _ := strings.Cut(ct, ";")
		mt = strings.TrimSpace(strings.ToLower(mt))
		if mt != ContentType && mt != "application/json" && mt != "application/json-patch+json" {
			return nil, errorf(http.StatusUnsupportedMediaType, "not-supported", "content type %q is not supported; send %s", mt, ContentType)
		}
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, errorf(http.StatusRequestEntityTooLarge, "too-costly", "request body exceeds %d bytes", s.maxBody)
	}
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "structure", "could not read the request body")
	}
	return b, nil
}

// parseIfMatch reads If-Match: W/"3" (or "3"); 0 when absent.
func parseIfMatch(h string) (int64, error) {
	if h == "" {
		return 0, nil
	}
	v := strings.TrimPrefix(strings.TrimSpace(h), "W/")
	v = strings.Trim(v, `"`)
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return 0, errorf(http.StatusBadRequest, "invalid", "If-Match %q is not a version ETag such as W/\"3\"", h)
	}
	return n, nil
}

func checkType(typ string) error {
	if _, ok := fhir.NewResource(typ); !ok || typ == "Bundle" || typ == "OperationOutcome" || typ == "CapabilityStatement" {
		return errorf(http.StatusNotFound, "not-supported", "resource type %q is not supported", typ)
	}
	return nil
}
