package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/tui"
)

// Who the console acts as (docs/fhir-mapping.md "Who the
// console acts as"): the practitioner the central says the token belongs
// to, never the configured `user` string alone.

// Cache info keys of the identity the central last confirmed.
const (
	infoIdentityID      = "identity.id"
	infoIdentityName    = "identity.name"
	infoIdentityRole    = "identity.role"
	infoIdentityTeams   = "identity.teams"
	infoIdentityCentral = "identity.central"
)

// whoAmITimeout bounds the question at start: an unreachable central
// must not keep the console from opening on its cache.
const whoAmITimeout = 5 * time.Second

// identity is who the console acts as and how it knows.
type identity struct {
	domain.Identity
	// warning, when set, is shown on every screen: the identity is the
	// configured user's, not confirmed by the central.
	warning string
}

// ErrUserMismatch: the configured user is not who the token belongs to.
var ErrUserMismatch = errors.New("the configured user is not who the token belongs to")

// resolveIdentity asks the central who the token belongs to and keeps the
// answer in the cache (so an offline start knows it). A configured `user`
// (not the default) that differs is an error. A central without $whoami,
// or one that cannot be asked now with no earlier answer for it, leaves
// the configured user with a warning.
func resolveIdentity(ctx context.Context, store *cache.Store, cl *client.Client, cfg config.Config) (identity, error) {
	qctx, cancel := context.WithTimeout(ctx, whoAmITimeout)
	defer cancel()
	id, err := cl.WhoAmI(qctx)
	if err == nil {
		if err := checkConfiguredUser(cfg, id); err != nil {
			return identity{}, err
		}
		if err := store.Write(ctx, func(tx *cache.Tx) error {
			for k, v := range map[string]string{infoIdentityID: id.ID, infoIdentityName: id.Name, infoIdentityRole: string(id.Role),
				infoIdentityTeams: teamNames(id.Teams), infoIdentityCentral: cfg.Central.URL} {
				if err := tx.SetInfo(k, v); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return identity{}, fmt.Errorf("keep the signed-in identity: %w", err)
		}
		return identity{Identity: id}, nil
	}
	if errors.Is(err, client.ErrNoWhoAmI) {
		return configured(cfg, warnNoWhoAmI(cfg)), nil
	}
	// Offline, or the token refused: the last answer for this central.
	if known, ok, kerr := storedIdentity(ctx, store, cfg); kerr != nil {
		return identity{}, kerr
	} else if ok {
		return known, nil
	}
	return configured(cfg, warnUnconfirmed(cfg)), nil
}

// storedIdentity is the identity the central confirmed at an earlier start
// on this cache (ok false when none, or for another central). A configured
// user that differs is ErrUserMismatch.
func storedIdentity(ctx context.Context, store *cache.Store, cfg config.Config) (identity, bool, error) {
	info, err := store.Info(ctx)
	if err != nil {
		return identity{}, false, err
	}
	if info[infoIdentityID] == "" || info[infoIdentityCentral] != cfg.Central.URL {
		return identity{}, false, nil
	}
	role, err := domain.ParseRole(info[infoIdentityRole])
	if err != nil {
		return identity{}, false, nil //nolint:nilerr // an unreadable role is no confirmed identity
	}
	id := domain.Identity{ID: info[infoIdentityID], Name: info[infoIdentityName], Role: role}
	for _, n := range strings.Split(info[infoIdentityTeams], ", ") {
		if n != "" {
			id.Teams = append(id.Teams, domain.Team{Name: n})
		}
	}
	if err := checkConfiguredUser(cfg, id); err != nil {
		return identity{}, false, err
	}
	return identity{Identity: id}, true, nil
}

// checkConfiguredUser: a user set in the file, the environment or a flag
// must be the practitioner the central names.
func checkConfiguredUser(cfg config.Config, id domain.Identity) error {
	if cfg.Source(config.KeyUser) == config.SourceDefault || cfg.User == id.ID {
		return nil
	}
	name := ""
	if id.Name != "" {
		name = " (" + id.Name + ")"
	}
	return fmt.Errorf("%w: user is %q (%s) but the central says the token belongs to Practitioner/%s%s; set user to %q or use your own token",
		ErrUserMismatch, cfg.User, cfg.Source(config.KeyUser), id.ID, name, id.ID)
}

func configured(cfg config.Config, warning string) identity {
	return identity{Identity: domain.Identity{ID: cfg.User, Role: domain.RoleNurse}, warning: warning}
}

func warnNoWhoAmI(cfg config.Config) string {
	if cfg.Lang == "en" {
		return fmt.Sprintf(" ⚠ The central does not say who is signed in: acting as %q from the configuration ", cfg.User)
	}
	return fmt.Sprintf(" ⚠ Centralen oplyser ikke, hvem der er logget ind: handler som %q fra konfigurationen ", cfg.User)
}

func warnUnconfirmed(cfg config.Config) string {
	if cfg.Lang == "en" {
		return fmt.Sprintf(" ⚠ Not confirmed by the central (offline): acting as %q from the configuration ", cfg.User)
	}
	return fmt.Sprintf(" ⚠ Ikke bekræftet af centralen (offline): handler som %q fra konfigurationen ", cfg.User)
}

func teamNames(ts []domain.Team) string {
	names := make([]string, 0, len(ts))
	for _, t := range ts {
		n := t.Name
		if n == "" {
			n = t.ID
		}
		names = append(names, strings.ReplaceAll(n, ", ", " "))
	}
	return strings.Join(names, ", ")
}

// auditUser is who the cache's audit log names for the subcommands that
// do not ask the central (worklist, audit): the identity the central
// confirmed earlier for this cache, else the configured user. In the DEMO
// the worklist subcommand names the demo nurse instead (actingUser), as
// the console does.
func auditUser(ctx context.Context, store *cache.Store, cfg config.Config) (string, error) {
	if cfg.Mode() != config.ModeCentral {
		return cfg.User, nil
	}
	id, ok, err := storedIdentity(ctx, store, cfg)
	if err != nil {
		return "", err
	}
	if ok {
		return id.ID, nil
	}
	return cfg.User, nil
}

// consoleBanner is the line above every screen: SE-ADGANG for a read-only
// user, a moved clock, and an identity the central did not confirm.
func consoleBanner(cfg config.Config, id identity) string {
	var parts []string
	if id.ReadOnly() {
		parts = append(parts, " "+tui.ReadOnlyLabel(cfg.Lang)+" ")
	}
	if b := clockBanner(cfg.Lang, cfg.ClockOffset); b != "" {
		parts = append(parts, b)
	}
	if id.warning != "" {
		parts = append(parts, id.warning)
	}
	return strings.Join(parts, "|")
}
