package oauth_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/oauth"
)

const (
	nurseToken = "static-token-of-nurse-a"
	nurse      = "nurse-a"
	clientID   = "telehjerte-tui"
)

// rig is the reference central with its authorisation server on loopback.
type rig struct {
	base, issuer string
	oidc         *central.OIDC
}

func startCentral(t *testing.T, accessTTL time.Duration) *rig {
	t.Helper()
	ctx := context.Background()
	store, err := central.OpenStore(ctx, filepath.Join(t.TempDir(), "central.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	toks, err := central.NewTokens(map[string]string{nurseToken: "Practitioner/" + nurse})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	o, err := central.NewOIDC(central.OIDCConfig{Issuer: base + "/oidc", ClientID: clientID, Tokens: toks,
		AccessTTL: accessTTL, DevicePoll: time.Second, AllowInsecure: true})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := central.NewServer(central.Config{Store: store, Tokens: toks, OIDC: o})
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return &rig{base: base, issuer: base + "/oidc", oidc: o}
}

// approve posts the approval form as the practitioner with credential.
func approve(t *testing.T, uri, code, credential string) int {
	t.Helper()
	resp, err := http.PostForm(uri, url.Values{"user_code": {code}, "credential": {credential}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// login runs the device login, approving it on the central's page with
// credential; it returns Login's error.
func login(t *testing.T, c oauth.Config, credential string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	prompts := make(chan oauth.Prompt, 1)
	done := make(chan error, 1)
	go func() {
		done <- oauth.Login(ctx, c, func(p oauth.Prompt) error { prompts <- p; return nil })
	}()
	select {
	case p := <-prompts:
		if p.UserCode == "" || !strings.HasPrefix(p.VerificationURI, c.Issuer) {
			t.Fatalf("prompt %+v: no user code or a verification URI outside the issuer", p)
		}
		if st := approve(t, p.VerificationURI, p.UserCode, credential); credential == nurseToken && st != http.StatusOK {
			t.Fatalf("approval: HTTP %d", st)
		} else if credential != nurseToken && st != http.StatusUnauthorized {
			t.Fatalf("approval with a wrong credential: HTTP %d, want 401", st)
		}
		if credential != nurseToken {
			cancel()
		}
	case err := <-done:
		return err
	}
	return <-done
}

func fhirClient(t *testing.T, base string, src *oauth.Source) *client.Client {
	t.Helper()
	cl, err := client.New(client.Options{BaseURL: base, TokenSource: src})
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// whoAmI asks the central who the token belongs to: the FHIR endpoints
// accept the OIDC access token as the practitioner who approved.
func whoAmI(t *testing.T, cl *client.Client) (string, error) {
	t.Helper()
	me, err := cl.WhoAmI(context.Background())
	if err != nil {
		return "", err
	}
	return me.ID, nil
}

func TestDeviceLoginRefreshAndRevocationAgainstTheCentral(t *testing.T) {
	r := startCentral(t, time.Hour)
	store := filepath.Join(t.TempDir(), "state", "oauth-tokens.json")
	c := oauth.Config{Issuer: r.issuer, ClientID: clientID, StorePath: store}

	// Not logged in yet: login expired, not a network problem.
	cl := fhirClient(t, r.base, oauth.NewSource(c))
	if _, err := whoAmI(t, cl); !errors.Is(err, client.ErrLoginExpired) {
		t.Fatalf("before login: %v, want ErrLoginExpired", err)
	}
	// A wrong credential cannot approve; the login then gives up.
	if err := login(t, c, "not-a-token-at-all"); err == nil {
		t.Fatal("a login approved with a wrong credential succeeded")
	}
	if _, err := os.Stat(store); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a failed login left a token store: %v", err)
	}

	if err := login(t, c, nurseToken); err != nil {
		t.Fatalf("login: %v", err)
	}
	fi, err := os.Stat(store)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("token store mode %04o, want 0600", fi.Mode().Perm())
	}
	first, err := oauth.Load(store)
	if err != nil {
		t.Fatal(err)
	}
	if first.Token.RefreshToken == "" || first.Token.AccessToken == "" {
		t.Fatal("the login stored no access or no refresh token")
	}

	src := oauth.NewSource(c)
	cl = fhirClient(t, r.base, src)
	if id, err := whoAmI(t, cl); err != nil || id != nurse {
		t.Fatalf("whoami with the access token: %q, %v; want %q", id, err, nurse)
	}

	// The access token is past its expiry on the source's clock: the
	// source refreshes it, the refresh token rotates and is saved, and the
	// FHIR call goes through.
	later := oauth.NewSourceAt(c, func() time.Time { return time.Now().Add(2 * time.Hour) })
	if id, err := whoAmI(t, fhirClient(t, r.base, later)); err != nil || id != nurse {
		t.Fatalf("whoami after a refresh: %q, %v", id, err)
	}
	second, err := oauth.Load(store)
	if err != nil {
		t.Fatal(err)
	}
	if second.Token.AccessToken == first.Token.AccessToken || second.Token.RefreshToken == first.Token.RefreshToken {
		t.Fatal("the refresh did not store a new access token and a rotated refresh token")
	}
	// The rotated-out refresh token's access token no longer works.
	static, err := client.New(client.Options{BaseURL: r.base, Token: first.Token.AccessToken})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := whoAmI(t, static); !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("the old access token after rotation: %v, want 401", err)
	}

	// The refresh token is revoked at the issuer (RFC 7009): the next
	// refresh fails as login expired, which is also unauthorized.
	resp, err := http.PostForm(r.issuer+"/revoke", url.Values{"token": {second.Token.RefreshToken},
		"token_type_hint": {"refresh_token"}, "client_id": {clientID}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke: HTTP %d", resp.StatusCode)
	}
	// The stored access token has not expired by the clock, but the
	// central revoked it with its refresh token: refused, the source
	// refreshes, and the issuer refuses that.
	_, err = whoAmI(t, fhirClient(t, r.base, oauth.NewSource(c)))
	if !errors.Is(err, client.ErrLoginExpired) || !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("after revocation: %v, want ErrLoginExpired", err)
	}
	for _, tok := range []string{second.Token.AccessToken, second.Token.RefreshToken} {
		if strings.Contains(err.Error(), tok) {
			t.Fatal("the error text holds a token")
		}
	}
}

func TestExpiredAccessTokenIsRefusedByTheCentral(t *testing.T) {
	r := startCentral(t, time.Hour)
	c := oauth.Config{Issuer: r.issuer, ClientID: clientID, StorePath: filepath.Join(t.TempDir(), "t.json")}
	if err := login(t, c, nurseToken); err != nil {
		t.Fatal(err)
	}
	st, err := oauth.Load(c.StorePath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.oidc.Lookup(st.Token.AccessToken, time.Now()); err != nil {
		t.Fatalf("a fresh access token: %v", err)
	}
	if _, err := r.oidc.Lookup(st.Token.AccessToken, time.Now().Add(time.Hour+time.Second)); !errors.Is(err, central.ErrTokenExpired) {
		t.Fatalf("an access token past its expiry: %v, want ErrTokenExpired", err)
	}
	if _, err := r.oidc.Lookup(st.Token.RefreshToken, time.Now()); !errors.Is(err, central.ErrTokenUnknown) {
		t.Fatalf("a refresh token used as an access token: %v, want ErrTokenUnknown", err)
	}
}

// An issuer that cannot be reached is not an expired login: the sync is
// offline and the nurse is not told to log in again.
func TestUnreachableIssuerIsNotLoginExpired(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	issuer := "http://" + ln.Addr().String() + "/oidc"
	ln.Close()
	c := oauth.Config{Issuer: issuer, ClientID: clientID, StorePath: filepath.Join(t.TempDir(), "t.json")}
	if err := oauth.Save(c.StorePath, oauth.Stored{Issuer: issuer, ClientID: clientID,
		Token: &oauth2.Token{AccessToken: "old-access", RefreshToken: "some-refresh", Expiry: time.Now().Add(-time.Minute)}}); err != nil {
		t.Fatal(err)
	}
	_, err = oauth.NewSource(c).Token(context.Background())
	if err == nil || errors.Is(err, client.ErrLoginExpired) {
		t.Fatalf("unreachable issuer: %v, want an error that is not login expired", err)
	}
	if strings.Contains(err.Error(), "some-refresh") || strings.Contains(err.Error(), "old-access") {
		t.Fatal("the error shows a token")
	}
}

// A token store others may read is refused, and Save writes mode 0600.
func TestTokenStoreMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d", "t.json")
	if err := oauth.Save(path, oauth.Stored{Issuer: "http://x", ClientID: "c", Token: &oauth2.Token{AccessToken: "a"}}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("store: %v %v", fi.Mode(), err)
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("store directory: %v %v", fi.Mode(), err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := oauth.Load(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a store others may read: %v", err)
	}
}
