package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

const (
	idNurseToken    = "tok-identity-nurse-a-0123"
	idReadOnlyToken = "tok-identity-municipal-0123"
)

// identityCentral is a real central with demo nurse A (named, in the demo
// team) and a read-only municipal nurse. whoami false makes it a server
// without $whoami; down makes every request a 503.
func identityCentral(t *testing.T) (url string, whoami, down *atomic.Bool) {
	t.Helper()
	ctx := context.Background()
	store, err := central.OpenStore(ctx, filepath.Join(t.TempDir(), "central.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := store.SeedTeams(ctx, demo.Teams(), map[string][]string{demo.TeamDemoID: {demo.NurseA}}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []central.User{{ID: demo.NurseA, Name: "Karen Holm", Role: domain.RoleNurse}, {ID: "municipal-1", Name: "Mette Kommune", Role: domain.RoleReadOnly}} {
		if err := store.SetUser(ctx, u, "test"); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	err = demo.Generate(demo.Options{Patients: 2, Days: 3, Seed: 5, Now: now}, func(rec demo.PatientRecord) error {
		return store.SeedPatient(ctx, central.PatientSeed{Patient: rec.Patient, Responsibility: rec.Responsibility, Regimes: rec.Regimes,
			Readings: rec.Readings, Questionnaires: rec.Questionnaires, Messages: rec.Messages, Tasks: rec.Tasks}, now)
	})
	if err != nil {
		t.Fatal(err)
	}
	toks, err := central.NewTokens(map[string]string{idNurseToken: "Practitioner/" + demo.NurseA, idReadOnlyToken: "Practitioner/municipal-1"})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := central.NewServer(central.Config{Store: store, Tokens: toks})
	if err != nil {
		t.Fatal(err)
	}
	whoami, down = &atomic.Bool{}, &atomic.Bool{}
	whoami.Store(true)
	h := srv.Handler()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case down.Load():
			http.Error(w, "down", http.StatusServiceUnavailable)
		case !whoami.Load() && strings.HasSuffix(r.URL.Path, "/"+fhir.OpWhoAmI):
			http.Error(w, "unknown", http.StatusNotFound)
		default:
			h.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(hs.Close)
	return hs.URL, whoami, down
}

// openIdentity opens the console's data on url with token and extra flags
// and resolves who it acts as, as runConsole does.
func openIdentity(t *testing.T, cachePath, url, token string, flags ...string) (*data, config.Config, error) {
	t.Helper()
	tokFile := filepath.Join(filepath.Dir(cachePath), "token")
	if err := os.WriteFile(tokFile, []byte(token), 0o600); err != nil {
		t.Fatal(err)
	}
	e, _, _ := testEnv(t)
	root := newRootCmd(e)
	if err := root.PersistentFlags().Parse(append([]string{"--central-url", url, "--central-token-file", tokFile, "--cache", cachePath}, flags...)); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.LoadOptions{Flags: root.PersistentFlags()})
	if err != nil {
		t.Fatal(err)
	}
	d, err := openData(context.Background(), e, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.close() })
	d.identity, err = resolveIdentity(context.Background(), d.store, d.client, cfg)
	return d, cfg, err
}

// The console acts as the practitioner the central names (id in the
// audit log and what she writes, name and team in the header), not as
// the configured user string; a configured user that differs is an error
// naming both; offline it keeps the identity the central confirmed; a
// server without $whoami leaves the configured user with a warning on
// every screen.
func TestConsoleActsAsWhoTheCentralSays(t *testing.T) {
	isolate(t)
	url, whoami, down := identityCentral(t)
	dir := t.TempDir()
	cachePath := filepath.Join(dir, "replica.sqlite")

	d, cfg, err := openIdentity(t, cachePath, url, idNurseToken)
	if err != nil {
		t.Fatal(err)
	}
	if d.identity.ID != demo.NurseA || d.identity.Name != "Karen Holm" || d.identity.warning != "" {
		t.Fatalf("identity %+v", d.identity)
	}
	opts, err := consoleOptions(d, cfg, envOnly(t))
	if err != nil {
		t.Fatal(err)
	}
	if opts.User != demo.NurseA || opts.UserName != "Karen Holm" || opts.Team == "" || opts.Actions == nil {
		t.Errorf("options: user %q name %q team %q actions %v", opts.User, opts.UserName, opts.Team, opts.Actions != nil)
	}
	d.close()

	// A configured user that is someone else is an error naming both.
	_, _, err = openIdentity(t, cachePath, url, idNurseToken, "--user", "nurse-anna")
	if !errors.Is(err, ErrUserMismatch) || !strings.Contains(err.Error(), `"nurse-anna"`) || !strings.Contains(err.Error(), "Practitioner/"+demo.NurseA) {
		t.Errorf("mismatch: %v", err)
	}
	// Offline: the identity confirmed before, for this central; a
	// mismatching configured user is still an error.
	down.Store(true)
	d, _, err = openIdentity(t, cachePath, url, idNurseToken)
	if err != nil || d.identity.ID != demo.NurseA || d.identity.warning != "" {
		t.Errorf("offline: %+v, %v", d.identity, err)
	}
	if _, _, err := openIdentity(t, cachePath, url, idNurseToken, "--user", "nurse-anna"); !errors.Is(err, ErrUserMismatch) {
		t.Errorf("offline mismatch: %v", err)
	}
	// Offline with a fresh cache: the configured user, with a warning.
	d, _, err = openIdentity(t, filepath.Join(t.TempDir(), "fresh.sqlite"), url, idNurseToken, "--user", "nurse-anna")
	if err != nil || d.identity.ID != "nurse-anna" || !strings.Contains(d.identity.warning, "nurse-anna") {
		t.Errorf("offline, never confirmed: %+v, %v", d.identity, err)
	}
	down.Store(false)
	// A server without $whoami: the configured user, with a warning.
	whoami.Store(false)
	d, _, err = openIdentity(t, filepath.Join(t.TempDir(), "other.sqlite"), url, idNurseToken, "--user", "nurse-anna")
	if err != nil || d.identity.ID != "nurse-anna" || !strings.Contains(d.identity.warning, "oplyser ikke") {
		t.Errorf("no $whoami: %+v, %v", d.identity, err)
	}
}

// A read-only user (se-adgang) gets a console without actions.
func TestReadOnlyUserGetsNoActions(t *testing.T) {
	isolate(t)
	url, _, _ := identityCentral(t)
	d, cfg, err := openIdentity(t, filepath.Join(t.TempDir(), "replica.sqlite"), url, idReadOnlyToken)
	if err != nil {
		t.Fatal(err)
	}
	if !d.identity.ReadOnly() {
		t.Fatalf("identity %+v", d.identity)
	}
	opts, err := consoleOptions(d, cfg, envOnly(t))
	if err != nil {
		t.Fatal(err)
	}
	if opts.Actions != nil || opts.Enroller != nil || opts.User != "municipal-1" || !opts.ReadOnly {
		t.Errorf("read-only options: actions %v enroller %v user %q read-only %v", opts.Actions != nil, opts.Enroller != nil, opts.User, opts.ReadOnly)
	}
	if b := consoleBanner(cfg, d.identity); !strings.Contains(b, "SE-ADGANG") {
		t.Errorf("banner %q", b)
	}
}

// The worklist subcommand (no network) audits as the identity the central
// confirmed for this cache, not the configured user string.
func TestWorklistAuditsTheConfirmedIdentity(t *testing.T) {
	isolate(t)
	url, _, _ := identityCentral(t)
	dir := t.TempDir()
	cachePath := filepath.Join(dir, "replica.sqlite")
	d, _, err := openIdentity(t, cachePath, url, idNurseToken)
	if err != nil {
		t.Fatal(err)
	}
	d.close()
	e, _, _ := testEnv(t)
	if err := execute(t, e, "--central-url", url, "--central-token-file", filepath.Join(dir, "token"), "--cache", cachePath, "worklist", "--format", "json"); err != nil {
		t.Fatal(err)
	}
	d, _, _ = openIdentity(t, cachePath, url, idNurseToken)
	log, err := d.store.AuditLog(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(log) == 0 || log[len(log)-1].User != demo.NurseA {
		t.Errorf("audit log %+v, want the worklist look-up by %s", log, demo.NurseA)
	}
}

func envOnly(t *testing.T) *env {
	e, _, _ := testEnv(t)
	return e
}
