package config

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestOAuthKeys(t *testing.T) {
	dir := isolate(t)
	cfg := filepath.Join(dir, "cfg", "telehjerte", "config.yaml")
	writeFile(t, cfg, "central:\n  url: http://127.0.0.1:8090\n  oauth:\n    issuer: http://127.0.0.1:8090/oidc\n    client_id: telehjerte-tui\n    scopes: [openid, offline_access]\n")
	c, err := Load(LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	o := c.Central.OAuth
	if o.Issuer != "http://127.0.0.1:8090/oidc" || o.ClientID != "telehjerte-tui" || o.Scopes != "openid offline_access" ||
		o.StorePath != filepath.Join(dir, "state", "telehjerte", OAuthTokenFile) {
		t.Fatalf("oauth = %+v", o)
	}
	if c.Source(KeyOAuthIssuer) != SourceFile {
		t.Errorf("issuer source %v", c.Source(KeyOAuthIssuer))
	}
	t.Setenv("TELEHJERTE_CENTRAL_OAUTH_SCOPES", "openid fhirUser")
	if c, err = Load(LoadOptions{}); err != nil || c.Central.OAuth.Scopes != "openid fhirUser" {
		t.Fatalf("scopes from the environment: %q, %v", c.Central.OAuth.Scopes, err)
	}
}

func TestOAuthKeyErrors(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"typo", "central:\n  oauth:\n    isuer: http://x\n", `unknown key "central.oauth.isuer"`},
		{"no client id", "central:\n  oauth:\n    issuer: http://127.0.0.1/oidc\n", "central.oauth.client_id (default): is empty"},
		{"not a URL", "central:\n  oauth:\n    issuer: ftp://x\n    client_id: c\n", "not an http or https URL"},
		{"client id alone", "central:\n  oauth:\n    client_id: c\n", "central.oauth.issuer (default): is empty"},
		{"bad scope", "central:\n  oauth:\n    issuer: http://127.0.0.1/oidc\n    client_id: c\n    scopes: ['a\"b']\n", "not a valid scope"},
		{"both", "central:\n  token: static-token-123\n  oauth:\n    issuer: http://127.0.0.1/oidc\n    client_id: c\n", "keep one"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := isolate(t)
			writeFile(t, filepath.Join(dir, "cfg", "telehjerte", "config.yaml"), tc.yaml)
			_, err := Load(LoadOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if strings.Contains(tc.yaml, "static-token-123") && strings.Contains(err.Error(), "static-token-123") {
				t.Fatal("the error shows the token")
			}
		})
	}
}
