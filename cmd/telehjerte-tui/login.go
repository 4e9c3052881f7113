package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/sync/oauth"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// newLoginCmd logs in at the OpenID Connect issuer with the device
// authorization grant: it prints where to approve the login and the code,
// waits for the approval and stores the tokens (mode 0600) in the state
// directory. No token is ever printed or logged.
func newLoginCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "login",
		Short: "Log in at the central's OpenID Connect issuer (central.oauth.*): approve the shown code in a browser",
		Long: `Log in at the OpenID Connect issuer configured in central.oauth.issuer with
the OAuth 2 device authorization grant: the console prints an address and a
code; open the address in a browser on any device, sign in and approve the
code. The console waits for the approval and then stores the tokens in its
state directory (mode 0600). The sync refreshes the access token by itself;
when the login expires or is revoked the status bar says "login udløbet" and
this command must be run again.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			if cfg.Central.OAuth.Issuer == "" {
				return fmt.Errorf("login: no issuer is configured: set %s and %s (a static %s needs no login)",
					config.KeyOAuthIssuer, config.KeyOAuthClientID, config.KeyCentralToken)
			}
			oc, err := oauthConfig(cfg)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), 30*time.Minute)
			defer cancel()
			err = oauth.Login(ctx, oc, func(p oauth.Prompt) error {
				_, err := fmt.Fprintf(e.stdout, "Open %s in a browser and approve the code %s\n",
					safetext.Sanitize(p.VerificationURI), safetext.Sanitize(p.UserCode))
				if err == nil && p.VerificationURIComplete != "" {
					_, err = fmt.Fprintf(e.stdout, "(or open %s)\n", safetext.Sanitize(p.VerificationURIComplete))
				}
				if err == nil {
					_, err = fmt.Fprintln(e.stdout, "Waiting for the approval …")
				}
				return err
			})
			if err != nil {
				return fmt.Errorf("login at %s: %w", cfg.Central.OAuth.Issuer, err)
			}
			_, err = fmt.Fprintf(e.stdout, "Logged in at %s; the tokens are stored in %s\n", cfg.Central.OAuth.Issuer, oc.StorePath)
			return err
		},
	}
}

// oauthConfig is the login's configuration, talking to the issuer with the
// central's CA file (when set).
func oauthConfig(cfg config.Config) (oauth.Config, error) {
	o := cfg.Central.OAuth
	hc := &http.Client{Timeout: 30 * time.Second}
	if cfg.Central.CAFile != "" {
		pem, err := os.ReadFile(cfg.Central.CAFile)
		if err != nil {
			return oauth.Config{}, fmt.Errorf("login: read CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return oauth.Config{}, errors.New("login: the CA file holds no PEM certificate")
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: pool}
		hc.Transport = tr
	}
	return oauth.Config{Issuer: o.Issuer, ClientID: o.ClientID, Scopes: strings.Fields(o.Scopes),
		StorePath: o.StorePath, HTTPClient: hc}, nil
}
