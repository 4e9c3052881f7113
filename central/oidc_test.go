package central

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"
)

func newTestOIDC(t *testing.T) *OIDC {
	t.Helper()
	toks, err := NewTokens(map[string]string{"nurse-token-1": "Practitioner/n1", "patient-token-1": "Patient/p1"})
	if err != nil {
		t.Fatal(err)
	}
	o, err := NewOIDC(OIDCConfig{Issuer: "http://127.0.0.1:1/oidc", ClientID: "c", Tokens: toks, AllowInsecure: true,
		AccessTTL: time.Minute, RefreshTTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// A device code is approved once, by a pending code only, and hands out
// its tokens once; an expired one cannot be approved.
func TestDeviceApproval(t *testing.T) {
	ctx := context.Background()
	o := newTestOIDC(t)
	s := o.st
	if err := s.StoreDeviceAuthorization(ctx, "c", "dev1", "ABCD-EFGH", time.Now().Add(time.Minute), []string{"offline_access"}); err != nil {
		t.Fatal(err)
	}
	if err := s.StoreDeviceAuthorization(ctx, "c", "dev2", "ABCD-EFGH", time.Now().Add(time.Minute), nil); !errors.Is(err, op.ErrDuplicateUserCode) {
		t.Fatalf("a duplicate user code: %v", err)
	}
	if err := o.Approve("WXYZ-WXYZ", "n1"); err == nil {
		t.Fatal("an unknown code was approved")
	}
	st, err := s.GetDeviceAuthorizatonState(ctx, "c", "dev1")
	if err != nil || st.Done {
		t.Fatalf("before approval: %+v %v", st, err)
	}
	if err := o.Approve(" abcd-efgh ", "n1"); err != nil {
		t.Fatal(err)
	}
	if err := o.Approve("ABCD-EFGH", "n2"); err == nil {
		t.Fatal("a code was approved twice")
	}
	if _, err := s.GetDeviceAuthorizatonState(ctx, "other", "dev1"); err == nil {
		t.Fatal("another client read the device code")
	}
	st, err = s.GetDeviceAuthorizatonState(ctx, "c", "dev1")
	if err != nil || !st.Done || st.Subject != "n1" {
		t.Fatalf("after approval: %+v %v", st, err)
	}
	if _, err := s.GetDeviceAuthorizatonState(ctx, "c", "dev1"); err == nil {
		t.Fatal("a completed device code handed out its tokens twice")
	}
	if err := s.StoreDeviceAuthorization(ctx, "c", "dev3", "BBBB-CCCC", time.Now().Add(-time.Second), nil); err != nil {
		t.Fatal(err)
	}
	if err := o.Approve("BBBB-CCCC", "n1"); err == nil {
		t.Fatal("an expired code was approved")
	}
}

// Refreshing rotates the refresh token but never extends the login past
// its end; after it, the refresh token is refused.
func TestRefreshRotatesWithinTheLoginsLife(t *testing.T) {
	ctx := context.Background()
	o := newTestOIDC(t)
	s := o.st
	dev := &op.DeviceAuthorizationState{ClientID: "c", Scopes: []string{"offline_access"}, Done: true, Subject: "n1", AuthTime: time.Now()}
	id1, rt1, _, err := s.CreateAccessAndRefreshTokens(ctx, dev, "")
	if err != nil {
		t.Fatal(err)
	}
	end := s.refresh[rt1].expires
	req, err := s.TokenRequestByRefreshToken(ctx, rt1)
	if err != nil || req.GetSubject() != "n1" {
		t.Fatalf("refresh request: %v", err)
	}
	_, rt2, _, err := s.CreateAccessAndRefreshTokens(ctx, req, rt1)
	if err != nil {
		t.Fatal(err)
	}
	if rt2 == rt1 || s.refresh[rt2].expires != end {
		t.Fatalf("rotation: new token %v, end %v (was %v)", rt2 != rt1, s.refresh[rt2].expires, end)
	}
	if _, ok := s.access[id1]; ok {
		t.Fatal("the rotated-out refresh token's access token still works")
	}
	if _, err := s.TokenRequestByRefreshToken(ctx, rt1); err == nil {
		t.Fatal("the rotated-out refresh token was accepted")
	}
	s.refresh[rt2].expires = time.Now().Add(-time.Second)
	if _, err := s.TokenRequestByRefreshToken(ctx, rt2); err == nil {
		t.Fatal("a refresh token past the login's end was accepted")
	}
}

// The approval page: a patient's credential or an unknown one cannot
// approve a console login; the practitioner's can, as herself.
func TestOnlyAPractitionerApproves(t *testing.T) {
	o := newTestOIDC(t)
	if err := o.st.StoreDeviceAuthorization(context.Background(), "c", "dev1", "ABCD-EFGH", time.Now().Add(time.Minute), nil); err != nil {
		t.Fatal(err)
	}
	h := o.Handler()
	post := func(cred string) int {
		r := httptest.NewRequest(http.MethodPost, "/oidc/device", strings.NewReader(url.Values{"user_code": {"ABCD-EFGH"}, "credential": {cred}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	for _, cred := range []string{"patient-token-1", "unknown-token-9", ""} {
		if code := post(cred); code != http.StatusUnauthorized {
			t.Errorf("approval with %q: HTTP %d, want 401", cred, code)
		}
	}
	if code := post("nurse-token-1"); code != http.StatusOK {
		t.Fatalf("approval by the practitioner: HTTP %d", code)
	}
	st, err := o.st.GetDeviceAuthorizatonState(context.Background(), "c", "dev1")
	if err != nil || !st.Done || st.Subject != "n1" {
		t.Fatalf("after approval: %+v %v", st, err)
	}
}
