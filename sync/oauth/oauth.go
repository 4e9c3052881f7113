// Package oauth is the console's OAuth 2 / OpenID Connect login, through
// golang.org/x/oauth2: the device authorization grant (RFC 8628), which
// suits a terminal (the nurse approves the login in a browser on any
// device), and refresh tokens. The token set is kept in a file of mode 0600
// that only this package reads and writes; tokens never go to logs, the
// command line or error texts. A Source gives the sync client a valid
// access token, refreshing it (and saving the rotated refresh token) when
// it is about to expire; when the issuer refuses the refresh token, or it
// has expired, the error is client.ErrLoginExpired and the user must run
// `telehjerte-tui login` again.
package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"
	"golang.org/x/oauth2"

	"github.com/telehjerte/telehjerte-tui/sync/client"
)

// Config says where and as whom the console logs in.
type Config struct {
	Issuer   string   // the OpenID Connect issuer URL
	ClientID string   // the console's client id at the issuer
	Scopes   []string // requested scopes; offline_access asks for a refresh token
	// StorePath is the token store file (mode 0600).
	StorePath string
	// HTTPClient talks to the issuer (a client with a timeout when nil).
	HTTPClient *http.Client
}

// DefaultScopes are requested when none are configured.
var DefaultScopes = []string{"openid", "offline_access"}

// refreshMargin: an access token this close to its expiry is refreshed
// before use, so it does not expire on the way (less for short-lived
// tokens, see valid).
const refreshMargin = 30 * time.Second

func (c Config) httpClient() *http.Client {
	if c.HTTPClient != nil {
		return c.HTTPClient
	}
	return &http.Client{Timeout: 30 * time.Second}
}

func (c Config) scopes() []string {
	if len(c.Scopes) == 0 {
		return DefaultScopes
	}
	return c.Scopes
}

// discovery is the part of the issuer's OpenID configuration the console
// uses.
type discovery struct {
	Issuer        string `json:"issuer"`
	TokenEndpoint string `json:"token_endpoint"`
	DeviceAuth    string `json:"device_authorization_endpoint"`
}

// endpoint reads the issuer's discovery document.
func (c Config) endpoint(ctx context.Context) (oauth2.Endpoint, error) {
	u := strings.TrimRight(c.Issuer, "/") + "/.well-known/openid-configuration"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return oauth2.Endpoint{}, fmt.Errorf("oauth discovery: %w", err)
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return oauth2.Endpoint{}, fmt.Errorf("oauth discovery at %s: %w", c.Issuer, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return oauth2.Endpoint{}, fmt.Errorf("oauth discovery at %s: HTTP %d", c.Issuer, resp.StatusCode)
	}
	var d discovery
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&d); err != nil {
		return oauth2.Endpoint{}, fmt.Errorf("oauth discovery at %s: %w", c.Issuer, err)
	}
	if strings.TrimRight(d.Issuer, "/") != strings.TrimRight(c.Issuer, "/") {
		return oauth2.Endpoint{}, fmt.Errorf("oauth discovery at %s: the document names another issuer", c.Issuer)
	}
	for _, e := range []string{d.TokenEndpoint, d.DeviceAuth} {
		if p, err := url.Parse(e); err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return oauth2.Endpoint{}, fmt.Errorf("oauth discovery at %s: the issuer offers no device authorization grant", c.Issuer)
		}
	}
	// A public client: the client id goes in the form, no secret.
	return oauth2.Endpoint{TokenURL: d.TokenEndpoint, DeviceAuthURL: d.DeviceAuth, AuthStyle: oauth2.AuthStyleInParams}, nil
}

func (c Config) oauth2(ep oauth2.Endpoint) *oauth2.Config {
	return &oauth2.Config{ClientID: c.ClientID, Endpoint: ep, Scopes: c.scopes()}
}

// Prompt is what the user must do to approve a login.
type Prompt struct {
	VerificationURI         string
	VerificationURIComplete string // may be empty
	UserCode                string
	Expires                 time.Time
}

// Login runs the device authorization grant: it asks the issuer for a
// code, calls show with what the user must do, waits until she has
// approved (or the code expires, or ctx ends) and saves the tokens.
func Login(ctx context.Context, c Config, show func(Prompt) error) error {
	ep, err := c.endpoint(ctx)
	if err != nil {
		return err
	}
	oc := c.oauth2(ep)
	ctx = context.WithValue(ctx, oauth2.HTTPClient, c.httpClient())
	da, err := oc.DeviceAuth(ctx)
	if err != nil {
		return fmt.Errorf("oauth login: start the device login at %s: %w", c.Issuer, safeErr(err))
	}
	if err := show(Prompt{VerificationURI: da.VerificationURI, VerificationURIComplete: da.VerificationURIComplete,
		UserCode: da.UserCode, Expires: da.Expiry}); err != nil {
		return err
	}
	tok, err := oc.DeviceAccessToken(ctx, da)
	if err != nil {
		return fmt.Errorf("oauth login: not approved: %w", safeErr(err))
	}
	return withLock(c.StorePath, func() error {
		return Save(c.StorePath, Stored{Issuer: c.Issuer, ClientID: c.ClientID, Token: tok})
	})
}

// Stored is the token store file's content.
type Stored struct {
	Issuer   string        `json:"issuer"`
	ClientID string        `json:"client_id"`
	Token    *oauth2.Token `json:"token"`
}

// ErrNoLogin: there is no token store file (never logged in, or logged out).
var ErrNoLogin = errors.New("not logged in")

// Load reads the token store. A file others may read is refused.
func Load(path string) (Stored, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return Stored{}, ErrNoLogin
	}
	if err != nil {
		return Stored{}, fmt.Errorf("token store: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return Stored{}, fmt.Errorf("token store %s has mode %04o: others than its owner can read it; run chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Stored{}, fmt.Errorf("token store: %w", err)
	}
	var s Stored
	if err := json.Unmarshal(b, &s); err != nil || s.Token == nil {
		// The decoder's error could quote the file: keep it out.
		return Stored{}, fmt.Errorf("token store %s is not a token set; run telehjerte-tui login", path)
	}
	return s, nil
}

// Save writes the token store with mode 0600 (its directory 0700),
// replacing the file whole.
func Save(path string, s Stored) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("token store: %w", err)
	}
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("token store: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tokens-*")
	if err != nil {
		return fmt.Errorf("token store: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("token store: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("token store: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("token store: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("token store: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("token store: %w", err)
	}
	return nil
}

// withLock runs fn holding the store's lock file, so two console processes
// (the screen and a `sync --once`) never refresh with the same refresh
// token: the second one reads what the first saved.
func withLock(path string, fn func() error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("token store: %w", err)
	}
	l := flock.New(path + ".lock")
	if err := l.Lock(); err != nil {
		return fmt.Errorf("token store: lock: %w", err)
	}
	defer l.Unlock()
	return fn()
}

// Source gives access tokens from the stored login, refreshing them.
type Source struct {
	c   Config
	now func() time.Time

	mu      sync.Mutex
	ep      *oauth2.Endpoint
	cur     *oauth2.Token
	refused string // an access token the server refused: never used again
}

// Refused implements client.TokenSource: the server refused token (it was
// revoked before its expiry), so the next Token refreshes.
func (s *Source) Refused(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refused = token
	if s.cur != nil && s.cur.AccessToken == token {
		s.cur = nil
	}
}

// NewSource makes a Source for c; the store is read on first use.
func NewSource(c Config) *Source { return &Source{c: c, now: time.Now} }

// Token returns a valid access token. Errors that mean the user must log
// in again are client.ErrLoginExpired; others (the issuer cannot be
// reached) may pass.
func (s *Source) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.valid(s.cur) {
		return s.cur.AccessToken, nil
	}
	var out string
	err := withLock(s.c.StorePath, func() error {
		st, err := Load(s.c.StorePath)
		switch {
		case errors.Is(err, ErrNoLogin):
			return fmt.Errorf("%w: no login is stored; run telehjerte-tui login", client.ErrLoginExpired)
		case err != nil:
			return err
		case st.Issuer != s.c.Issuer || st.ClientID != s.c.ClientID:
			return fmt.Errorf("%w: the stored login is for another issuer or client; run telehjerte-tui login", client.ErrLoginExpired)
		}
		if s.valid(st.Token) { // another process may have refreshed it
			s.cur, out = st.Token, st.Token.AccessToken
			return nil
		}
		if st.Token.RefreshToken == "" {
			return fmt.Errorf("%w: the access token has expired and there is no refresh token; run telehjerte-tui login", client.ErrLoginExpired)
		}
		if s.ep == nil {
			ep, err := s.c.endpoint(ctx)
			if err != nil {
				return err
			}
			s.ep = &ep
		}
		// Only the refresh token: oauth2 then refreshes at once.
		old := &oauth2.Token{RefreshToken: st.Token.RefreshToken}
		hctx := context.WithValue(ctx, oauth2.HTTPClient, s.c.httpClient())
		tok, err := s.c.oauth2(*s.ep).TokenSource(hctx, old).Token()
		if err != nil {
			var re *oauth2.RetrieveError
			if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500 {
				return fmt.Errorf("%w: the issuer refused the refresh token (%s); run telehjerte-tui login",
					client.ErrLoginExpired, safeCode(re.ErrorCode))
			}
			return fmt.Errorf("refresh the access token at %s: %w", s.c.Issuer, safeErr(err))
		}
		if err := Save(s.c.StorePath, Stored{Issuer: s.c.Issuer, ClientID: s.c.ClientID, Token: tok}); err != nil {
			return err
		}
		s.cur, out = tok, tok.AccessToken
		return nil
	})
	return out, err
}

func (s *Source) valid(t *oauth2.Token) bool {
	if t == nil || t.AccessToken == "" || t.AccessToken == s.refused {
		return false
	}
	if t.Expiry.IsZero() {
		return true
	}
	// A short-lived token is refreshed a quarter of its life early, not
	// refreshMargin early (which could be all of it).
	margin := refreshMargin
	if life := time.Duration(t.ExpiresIn) * time.Second; life > 0 && life/4 < margin {
		margin = life / 4
	}
	return s.now().Add(margin).Before(t.Expiry)
}

// safeErr keeps an oauth2 error's code and drops the response body it may
// quote.
func safeErr(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		return fmt.Errorf("the issuer answered HTTP %d %s", status, safeCode(re.ErrorCode))
	}
	return err
}

// safeCode is an OAuth error code, restricted to its grammar (RFC 6749
// section 5.2: printable ASCII without quotes and backslash).
func safeCode(code string) string {
	if code == "" {
		return "no error code"
	}
	var b strings.Builder
	for _, r := range code {
		if r >= 0x20 && r <= 0x7e && r != '"' && r != '\\' && b.Len() < 64 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// NewSourceAt is NewSource on the clock now (tests, a moved clock).
func NewSourceAt(c Config, now func() time.Time) *Source { return &Source{c: c, now: now} }
