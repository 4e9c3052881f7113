package config

import (
	"fmt"
	"path/filepath"
	"strings"
)

// The OAuth 2 / OpenID Connect login (`telehjerte-tui login`), instead of
// a static central.token.
const (
	KeyOAuthIssuer   = "central.oauth.issuer"
	KeyOAuthClientID = "central.oauth.client_id"
	KeyOAuthScopes   = "central.oauth.scopes"
)

// OAuthTokenFile is the token store's name in the state directory.
const OAuthTokenFile = "oauth-tokens.json"

// OAuth is the login at an OpenID Connect issuer; empty Issuer: none.
type OAuth struct {
	Issuer   string
	ClientID string
	// Scopes are the requested scopes separated by spaces (OAuth's own
	// form); empty: the console's default (openid offline_access).
	Scopes string
	// StorePath is the token store (mode 0600) in the state directory;
	// set when Issuer is.
	StorePath string
}

// resolveOAuth reads the central.oauth.* keys into c.
func (l *loader) resolveOAuth(c *Config, fail func(key, format string, args ...any), str func(string) string) {
	o := &c.Central.OAuth
	o.Issuer, o.ClientID = str(KeyOAuthIssuer), str(KeyOAuthClientID)
	scopes, err := scopeList(l.v.Get(KeyOAuthScopes))
	if err != nil {
		fail(KeyOAuthScopes, "%v", err)
	}
	o.Scopes = strings.Join(scopes, " ")
	if o.Issuer == "" {
		if o.ClientID != "" || o.Scopes != "" {
			fail(KeyOAuthIssuer, "is empty, but %s or %s is set", KeyOAuthClientID, KeyOAuthScopes)
		}
		return
	}
	o.StorePath = filepath.Join(c.Dirs.State, OAuthTokenFile)
	if err := checkURL(o.Issuer); err != nil {
		fail(KeyOAuthIssuer, "%v", err)
	}
	if o.ClientID == "" {
		fail(KeyOAuthClientID, "is empty; the issuer needs the console's client id")
	} else if hasControl(o.ClientID) {
		fail(KeyOAuthClientID, "contains control characters")
	}
	if c.Central.Token != "" {
		fail(KeyOAuthIssuer, "both a login (%s) and a static token (%s or %s) are set; keep one",
			KeyOAuthIssuer, KeyCentralToken, KeyCentralTokenFn)
	}
}

// scopeList accepts a YAML list or a text of scopes separated by spaces.
func scopeList(v any) ([]string, error) {
	var raw []string
	switch x := v.(type) {
	case nil:
	case string:
		raw = strings.Fields(x)
	case []string:
		raw = x
	case []any:
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("scope %d must be text, not %T", i+1, e)
			}
			raw = append(raw, s)
		}
	default:
		return nil, fmt.Errorf("must be a list of scopes, not %T", v)
	}
	out := make([]string, 0, len(raw))
	for _, s := range raw {
		s = strings.TrimSpace(s)
		// RFC 6749 section 3.3: printable ASCII without space, quote, backslash.
		for _, r := range s {
			if r <= 0x20 || r > 0x7e || r == '"' || r == '\\' {
				return nil, fmt.Errorf("%q is not a valid scope", s)
			}
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return out, nil
}
