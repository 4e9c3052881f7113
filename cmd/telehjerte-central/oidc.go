package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"time"

	"github.com/spf13/pflag"

	"github.com/telehjerte/telehjerte-tui/central"
)

// oidcFlags turn on the central's OpenID Connect authorisation server
// (central/oidc.go) for `serve`.
type oidcFlags struct {
	on                    bool
	issuer, clientID      string
	accessTTL, refreshTTL time.Duration
	poll                  time.Duration
}

func (f *oidcFlags) add(fs *pflag.FlagSet) {
	fs.BoolVar(&f.on, "oidc", false, "also serve an OpenID Connect authorisation server (device login and refresh tokens for the console) under /oidc")
	fs.StringVar(&f.issuer, "oidc-issuer", "", "the issuer URL (default http://<listen address>/oidc; put TLS in front for anything but loopback)")
	fs.StringVar(&f.clientID, "oidc-client-id", "telehjerte-tui", "the console's client id")
	fs.DurationVar(&f.accessTTL, "oidc-access-ttl", 5*time.Minute, "life of an access token")
	fs.DurationVar(&f.refreshTTL, "oidc-refresh-ttl", 8*time.Hour, "longest a login lasts before the practitioner must approve a new one")
	fs.DurationVar(&f.poll, "oidc-device-poll", 5*time.Second, "how often the console may ask whether its login was approved")
}

// build makes the authorisation server for the listener, or nil when off.
func (f *oidcFlags) build(ln net.Listener, toks *central.Tokens, log *slog.Logger) (*central.OIDC, error) {
	if !f.on {
		return nil, nil
	}
	issuer := f.issuer
	if issuer == "" {
		issuer = "http://" + ln.Addr().String() + "/oidc"
	}
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("--oidc-issuer %q is not a URL", issuer)
	}
	insecure := u.Scheme == "http"
	if insecure {
		if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return nil, fmt.Errorf("--oidc-issuer %s: plain http is for loopback only", issuer)
		}
	}
	o, err := central.NewOIDC(central.OIDCConfig{Issuer: issuer, ClientID: f.clientID, Tokens: toks,
		AccessTTL: f.accessTTL, RefreshTTL: f.refreshTTL, DevicePoll: f.poll, AllowInsecure: insecure, Logger: log})
	if err != nil {
		return nil, err
	}
	log.Info("serving OpenID Connect", "issuer", issuer)
	return o, nil
}
