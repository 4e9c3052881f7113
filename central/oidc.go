package central

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// OIDC is the central's OpenID Connect authorisation server, built on the
// zitadel/oidc op package: the OAuth 2 device authorization grant (RFC
// 8628) for the console in a terminal, refresh tokens with rotation, token
// revocation (RFC 7009) and discovery. Access tokens are opaque (encrypted
// by the op package) and checked against this server's own records, so an
// expired or revoked one is refused at once. Keys and tokens live in memory:
// a restart of the central means logging in again.
//
// A device is approved by the practitioner proving who she is with the
// credential the central already knows (her bearer token) on the approval
// page under the issuer (/device): the subject of the new tokens is the
// practitioner that credential belongs to, so the FHIR endpoints map an
// OIDC access token to the same Principal and the same rules apply.
type OIDC struct {
	provider *op.Provider
	st       *oidcStorage
	tokens   *Tokens
	issuer   string
	prefix   string
	log      *slog.Logger
}

// OIDCConfig configures the authorisation server.
type OIDCConfig struct {
	// Issuer is the issuer URL, e.g. http://127.0.0.1:8090/oidc; its path
	// is where Handler must be mounted.
	Issuer string
	// ClientID is the one public client (the console), which may use the
	// device grant and refresh tokens.
	ClientID string
	// AccessTTL is an access token's life (5 minutes when 0); RefreshTTL
	// the longest a login lasts without a new approval (8 hours when 0).
	AccessTTL, RefreshTTL time.Duration
	// DevicePoll is how often the console may ask whether the login was
	// approved (5 seconds when 0).
	DevicePoll time.Duration
	// Tokens are the static credentials a practitioner proves herself with
	// on the approval page.
	Tokens *Tokens
	// AllowInsecure permits an http issuer (loopback tests).
	AllowInsecure bool
	Logger        *slog.Logger // nil discards
}

// DevicePath is the approval page's path under the issuer.
const DevicePath = "/device"

// NewOIDC makes the authorisation server with a fresh signing key and
// token encryption key.
func NewOIDC(cfg OIDCConfig) (*OIDC, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" || cfg.Tokens == nil {
		return nil, errors.New("central oidc: Issuer, ClientID and Tokens are required")
	}
	if cfg.AccessTTL <= 0 {
		cfg.AccessTTL = 5 * time.Minute
	}
	if cfg.RefreshTTL <= 0 {
		cfg.RefreshTTL = 8 * time.Hour
	}
	if cfg.DevicePoll <= 0 {
		cfg.DevicePoll = 5 * time.Second
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("central oidc: signing key: %w", err)
	}
	kid, err := randomHex(8)
	if err != nil {
		return nil, err
	}
	st := &oidcStorage{
		clientID: cfg.ClientID, accessTTL: cfg.AccessTTL, refreshTTL: cfg.RefreshTTL,
		key:     signingKey{id: kid, key: key},
		devices: map[string]*deviceAuth{}, byUser: map[string]string{},
		access: map[string]*accessGrant{}, refresh: map[string]*refreshGrant{},
	}
	conf := &op.Config{
		GrantTypeRefreshToken: true,
		SupportedScopes:       []string{oidc.ScopeOpenID, oidc.ScopeOfflineAccess},
		DeviceAuthorization: op.DeviceAuthorizationConfig{
			Lifetime:     10 * time.Minute,
			PollInterval: cfg.DevicePoll,
			UserFormPath: strings.TrimRight(pathOf(cfg.Issuer), "/") + DevicePath,
			UserCode:     op.UserCodeBase20,
		},
	}
	if _, err := rand.Read(conf.CryptoKey[:]); err != nil {
		return nil, fmt.Errorf("central oidc: token key: %w", err)
	}
	var opts []op.Option
	if cfg.AllowInsecure {
		opts = append(opts, op.WithAllowInsecure())
	}
	p, err := op.NewProvider(conf, st, op.StaticIssuer(cfg.Issuer), opts...)
	if err != nil {
		return nil, fmt.Errorf("central oidc: %w", err)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &OIDC{provider: p, st: st, tokens: cfg.Tokens, issuer: cfg.Issuer,
		prefix: strings.TrimRight(pathOf(cfg.Issuer), "/"), log: log}, nil
}

func pathOf(issuer string) string {
	rest := issuer
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
	}
	if i := strings.Index(rest, "/"); i >= 0 {
		return rest[i:]
	}
	return ""
}

// Prefix is the path the handler serves under ("" for the root).
func (o *OIDC) Prefix() string { return o.prefix }

// Handler serves the authorisation server under Prefix: the op endpoints
// and the approval page.
func (o *OIDC) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+o.prefix+DevicePath, o.devicePage)
	mux.HandleFunc("POST "+o.prefix+DevicePath, o.approve)
	var inner http.Handler = o.provider
	if o.prefix != "" {
		inner = http.StripPrefix(o.prefix, o.provider)
	}
	mux.Handle(o.prefix+"/", inner)
	return mux
}

// Lookup returns the principal of an access token this server issued:
// ErrTokenUnknown when it did not issue it (or revoked it), ErrTokenExpired
// past its expiry.
func (o *OIDC) Lookup(token string, now time.Time) (Principal, error) {
	plain, err := o.provider.Crypto().Decrypt(token)
	if err != nil {
		return Principal{}, ErrTokenUnknown
	}
	id, subject, ok := strings.Cut(plain, ":")
	if !ok {
		return Principal{}, ErrTokenUnknown
	}
	o.st.mu.Lock()
	g, found := o.st.access[id]
	o.st.mu.Unlock()
	switch {
	case !found || g.subject != subject:
		return Principal{}, ErrTokenUnknown
	case !now.Before(g.expires):
		return Principal{}, ErrTokenExpired
	}
	return Principal{Practitioner: subject}, nil
}

// Approve grants the pending device login with userCode to practitioner.
func (o *OIDC) Approve(userCode, practitioner string) error {
	return o.st.approve(strings.ToUpper(strings.TrimSpace(userCode)), practitioner, time.Now())
}

// RevokeUser ends every login of practitioner: her refresh and access
// tokens stop working.
func (o *OIDC) RevokeUser(practitioner string) {
	o.st.mu.Lock()
	defer o.st.mu.Unlock()
	for k, r := range o.st.refresh {
		if r.subject == practitioner {
			delete(o.st.refresh, k)
		}
	}
	for k, a := range o.st.access {
		if a.subject == practitioner {
			delete(o.st.access, k)
		}
	}
}

const devicePageHTML = `<!doctype html>
<html lang="da"><head><meta charset="utf-8"><title>TeleHjerte: godkend login</title></head>
<body><h1>Godkend login i TeleHjerte-konsollen</h1>
<form method="post">
<p><label>Kode fra konsollen <input name="user_code" value="%s" autocomplete="off"></label></p>
<p><label>Din adgangsnøgle til centralen <input name="credential" type="password" autocomplete="off"></label></p>
<p><button type="submit">Godkend</button></p>
</form></body></html>
`

func (o *OIDC) devicePage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintf(w, devicePageHTML, html.EscapeString(r.URL.Query().Get("user_code")))
}

// approve is the approval form's target: the practitioner's credential
// (form field "credential", or an Authorization: Bearer header) says who
// approves; a patient's credential cannot approve a console login.
func (o *OIDC) approve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	cred := strings.TrimSpace(r.PostForm.Get("credential"))
	if scheme, tok, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " "); ok && strings.EqualFold(scheme, "Bearer") {
		cred = strings.TrimSpace(tok)
	}
	p, err := o.tokens.Lookup(cred, time.Now())
	if err != nil || p.Practitioner == "" {
		o.log.Info("device approval refused", "reason", "credential")
		http.Error(w, "the credential is not a practitioner's valid credential", http.StatusUnauthorized)
		return
	}
	if err := o.Approve(r.PostForm.Get("user_code"), p.Practitioner); err != nil {
		o.log.Info("device approval refused", "reason", "code")
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	o.log.Info("device approved", "practitioner", p.Practitioner)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "approved: the console is now logged in as Practitioner/"+p.Practitioner)
}

// oidcStorage is the op.Storage of the authorisation server, in memory.
type oidcStorage struct {
	clientID              string
	accessTTL, refreshTTL time.Duration
	key                   signingKey

	mu      sync.Mutex
	devices map[string]*deviceAuth // by device code
	byUser  map[string]string      // user code -> device code
	access  map[string]*accessGrant
	refresh map[string]*refreshGrant // by refresh token
}

type deviceAuth struct {
	state    op.DeviceAuthorizationState
	userCode string
}

type accessGrant struct {
	subject, clientID string
	expires           time.Time
	refresh           string // the refresh token issued with it, "" for none
}

// refreshGrant is a refresh token's login; it implements
// op.RefreshTokenRequest.
type refreshGrant struct {
	subject, clientID string
	scopes, amr       []string
	authTime          time.Time
	expires           time.Time // of the whole login: rotation does not extend it
}

func (r *refreshGrant) GetAMR() []string                 { return r.amr }
func (r *refreshGrant) GetAudience() []string            { return []string{r.clientID} }
func (r *refreshGrant) GetAuthTime() time.Time           { return r.authTime }
func (r *refreshGrant) GetClientID() string              { return r.clientID }
func (r *refreshGrant) GetScopes() []string              { return r.scopes }
func (r *refreshGrant) GetSubject() string               { return r.subject }
func (r *refreshGrant) SetCurrentScopes(scopes []string) { r.scopes = scopes }

var errOIDCNotFound = errors.New("not found")

func (s *oidcStorage) approve(userCode, practitioner string, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	dc, ok := s.byUser[userCode]
	if !ok {
		return errors.New("no pending login has this code")
	}
	d := s.devices[dc]
	switch {
	case d == nil || !now.Before(d.state.Expires):
		return errors.New("the login with this code has expired; start it again in the console")
	case d.state.Done || d.state.Denied:
		return errors.New("the login with this code was already decided")
	}
	d.state.Done, d.state.Subject, d.state.AuthTime, d.state.AMR = true, practitioner, now, []string{"pwd"}
	delete(s.byUser, userCode)
	return nil
}

// StoreDeviceAuthorization implements op.DeviceAuthorizationStorage.
func (s *oidcStorage) StoreDeviceAuthorization(_ context.Context, clientID, deviceCode, userCode string, expires time.Time, scopes []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for dc, d := range s.devices { // forget the expired ones
		if now.After(d.state.Expires.Add(time.Minute)) {
			delete(s.byUser, d.userCode)
			delete(s.devices, dc)
		}
	}
	if _, dup := s.byUser[userCode]; dup {
		return op.ErrDuplicateUserCode
	}
	s.devices[deviceCode] = &deviceAuth{userCode: userCode,
		state: op.DeviceAuthorizationState{ClientID: clientID, Scopes: slices.Clone(scopes), Expires: expires}}
	s.byUser[userCode] = deviceCode
	return nil
}

// GetDeviceAuthorizatonState implements op.DeviceAuthorizationStorage. A
// completed authorization is handed out once.
func (s *oidcStorage) GetDeviceAuthorizatonState(_ context.Context, clientID, deviceCode string) (*op.DeviceAuthorizationState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.devices[deviceCode]
	if !ok || d.state.ClientID != clientID {
		return nil, errOIDCNotFound
	}
	st := d.state
	if st.Done || st.Denied {
		delete(s.devices, deviceCode)
	}
	return &st, nil
}

func (s *oidcStorage) newAccess(subject, clientID, refresh string) (string, time.Time, error) {
	id, err := randomHex(16)
	if err != nil {
		return "", time.Time{}, err
	}
	exp := time.Now().Add(s.accessTTL)
	s.access[id] = &accessGrant{subject: subject, clientID: clientID, expires: exp, refresh: refresh}
	return id, exp, nil
}

// CreateAccessToken implements op.AuthStorage.
func (s *oidcStorage) CreateAccessToken(_ context.Context, req op.TokenRequest) (string, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	clientID := s.clientID
	if c, ok := req.(interface{ GetClientID() string }); ok {
		clientID = c.GetClientID()
	}
	return s.newAccess(req.GetSubject(), clientID, "")
}

// CreateAccessAndRefreshTokens implements op.AuthStorage: a new login
// (device grant) or a refresh, which rotates the refresh token (the old
// one and its access tokens stop working) within the login's life.
func (s *oidcStorage) CreateAccessAndRefreshTokens(_ context.Context, req op.TokenRequest, current string) (string, string, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	g := &refreshGrant{subject: req.GetSubject(), clientID: s.clientID, scopes: req.GetScopes(),
		authTime: now, expires: now.Add(s.refreshTTL)}
	switch r := req.(type) {
	case *refreshGrant:
		old, ok := s.refresh[current]
		if !ok || !now.Before(old.expires) {
			return "", "", time.Time{}, oidc.ErrInvalidGrant().WithDescription("the refresh token is not valid")
		}
		*g = *r
		g.expires = old.expires
		s.dropRefresh(current)
	case *op.DeviceAuthorizationState:
		g.clientID, g.amr, g.authTime = r.ClientID, r.AMR, r.AuthTime
	}
	tok, err := randomHex(32)
	if err != nil {
		return "", "", time.Time{}, err
	}
	s.refresh[tok] = g
	id, exp, err := s.newAccess(g.subject, g.clientID, tok)
	if err != nil {
		return "", "", time.Time{}, err
	}
	if exp.After(g.expires) {
		exp = g.expires
		s.access[id].expires = exp
	}
	return id, tok, exp, nil
}

// dropRefresh forgets a refresh token and the access tokens issued with it.
func (s *oidcStorage) dropRefresh(tok string) {
	delete(s.refresh, tok)
	for id, a := range s.access {
		if a.refresh == tok {
			delete(s.access, id)
		}
	}
}

// TokenRequestByRefreshToken implements op.AuthStorage.
func (s *oidcStorage) TokenRequestByRefreshToken(_ context.Context, tok string) (op.RefreshTokenRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.refresh[tok]
	if !ok {
		return nil, oidc.ErrInvalidGrant().WithDescription("the refresh token is not valid")
	}
	if !time.Now().Before(g.expires) {
		s.dropRefresh(tok)
		return nil, oidc.ErrInvalidGrant().WithDescription("the refresh token has expired")
	}
	c := *g
	c.scopes = slices.Clone(g.scopes)
	return &c, nil
}

// RevokeToken implements op.AuthStorage (RFC 7009): a refresh token, or an
// access token by its id.
func (s *oidcStorage) RevokeToken(_ context.Context, tokenOrID, userID, clientID string) *oidc.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g, ok := s.refresh[tokenOrID]; ok {
		if g.clientID != clientID {
			return oidc.ErrInvalidClient().WithDescription("the token belongs to another client")
		}
		s.dropRefresh(tokenOrID)
		return nil
	}
	if a, ok := s.access[tokenOrID]; ok && a.subject == userID {
		if a.clientID != clientID {
			return oidc.ErrInvalidClient().WithDescription("the token belongs to another client")
		}
		delete(s.access, tokenOrID)
	}
	return nil // unknown tokens are "revoked" too (RFC 7009 section 2.2)
}

// GetRefreshTokenInfo implements op.AuthStorage.
func (s *oidcStorage) GetRefreshTokenInfo(_ context.Context, clientID, tok string) (string, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.refresh[tok]
	if !ok || g.clientID != clientID {
		return "", "", op.ErrInvalidRefreshToken
	}
	return g.subject, tok, nil
}

// TerminateSession implements op.AuthStorage: every token of the user and
// client.
func (s *oidcStorage) TerminateSession(_ context.Context, userID, clientID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for tok, g := range s.refresh {
		if g.subject == userID && g.clientID == clientID {
			s.dropRefresh(tok)
		}
	}
	return nil
}

// The authorization code flow is not offered: the console logs in with the
// device grant.
var errNoCodeFlow = errors.New("the authorization code flow is not offered; use the device authorization grant")

func (s *oidcStorage) CreateAuthRequest(context.Context, *oidc.AuthRequest, string) (op.AuthRequest, error) {
	return nil, errNoCodeFlow
}
func (s *oidcStorage) AuthRequestByID(context.Context, string) (op.AuthRequest, error) {
	return nil, errNoCodeFlow
}
func (s *oidcStorage) AuthRequestByCode(context.Context, string) (op.AuthRequest, error) {
	return nil, errNoCodeFlow
}
func (s *oidcStorage) SaveAuthCode(context.Context, string, string) error { return errNoCodeFlow }
func (s *oidcStorage) DeleteAuthRequest(context.Context, string) error    { return nil }

// signingKey is the ID token signing key, made at start.
type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k signingKey) Key() any                                    { return k.key }
func (k signingKey) ID() string                                  { return k.id }

type publicKey struct{ signingKey }

func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return &k.key.PublicKey }

func (s *oidcStorage) SigningKey(context.Context) (op.SigningKey, error) { return s.key, nil }
func (s *oidcStorage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}
func (s *oidcStorage) KeySet(context.Context) ([]op.Key, error) {
	return []op.Key{publicKey{s.key}}, nil
}

// GetClientByClientID implements op.OPStorage: the console, a public
// native client.
func (s *oidcStorage) GetClientByClientID(_ context.Context, clientID string) (op.Client, error) {
	if clientID != s.clientID {
		return nil, fmt.Errorf("unknown client %q", clientID)
	}
	return consoleClient{id: clientID}, nil
}

func (s *oidcStorage) AuthorizeClientIDSecret(context.Context, string, string) error {
	return errors.New("the console is a public client: it has no secret")
}

func (s *oidcStorage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// validAccess is the unexpired access token tokenID issued to subject;
// s.mu must be held.
func (s *oidcStorage) validAccess(tokenID, subject string) (*accessGrant, error) {
	a, ok := s.access[tokenID]
	if !ok || a.subject != subject || !time.Now().Before(a.expires) {
		return nil, errors.New("the access token is not valid")
	}
	return a, nil
}

func (s *oidcStorage) SetUserinfoFromToken(_ context.Context, info *oidc.UserInfo, tokenID, subject, _ string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.validAccess(tokenID, subject); err != nil {
		return err
	}
	info.Subject = subject
	return nil
}

func (s *oidcStorage) SetIntrospectionFromToken(_ context.Context, resp *oidc.IntrospectionResponse, tokenID, subject, clientID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.validAccess(tokenID, subject)
	if err != nil {
		return err
	}
	resp.Active, resp.Subject, resp.ClientID = true, subject, a.clientID
	resp.Expiration = oidc.FromTime(a.expires)
	return nil
}

func (s *oidcStorage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (s *oidcStorage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("no client keys")
}

func (s *oidcStorage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("the JWT profile grant is not offered")
}

func (s *oidcStorage) Health(context.Context) error { return nil }

// consoleClient is the console as an OAuth client: public (no secret),
// native, device grant and refresh tokens only.
type consoleClient struct{ id string }

func (c consoleClient) GetID() string                       { return c.id }
func (c consoleClient) RedirectURIs() []string              { return nil }
func (c consoleClient) PostLogoutRedirectURIs() []string    { return nil }
func (c consoleClient) ApplicationType() op.ApplicationType { return op.ApplicationTypeNative }
func (c consoleClient) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodNone }
func (c consoleClient) ResponseTypes() []oidc.ResponseType  { return nil }
func (c consoleClient) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeDeviceCode, oidc.GrantTypeRefreshToken}
}
func (c consoleClient) LoginURL(string) string               { return "" }
func (c consoleClient) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeBearer }
func (c consoleClient) IDTokenLifetime() time.Duration       { return 5 * time.Minute }
func (c consoleClient) DevMode() bool                        { return false }
func (c consoleClient) IsScopeAllowed(string) bool           { return false }
func (c consoleClient) IDTokenUserinfoClaimsAssertion() bool { return false }
func (c consoleClient) ClockSkew() time.Duration             { return 0 }
func (c consoleClient) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c consoleClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("central oidc: random: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// withOIDC routes the authorisation server's paths to it, the rest to fhir.
func (s *Server) withOIDC(fhirAPI http.Handler) http.Handler {
	if s.oidc == nil {
		return fhirAPI
	}
	auth := s.oidc.Handler()
	prefix := s.oidc.Prefix()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if prefix == "" || r.URL.Path == prefix || strings.HasPrefix(r.URL.Path, prefix+"/") {
			auth.ServeHTTP(w, r)
			return
		}
		fhirAPI.ServeHTTP(w, r)
	})
}

// lookupToken is the principal of a bearer token: a static one, else an
// access token the authorisation server issued.
func (s *Server) lookupToken(tok string, now time.Time) (Principal, error) {
	p, err := s.tokens.Lookup(tok, now)
	if err == nil || s.oidc == nil || !errors.Is(err, ErrTokenUnknown) {
		return p, err
	}
	return s.oidc.Lookup(tok, now)
}
