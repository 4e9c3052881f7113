package main

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/actions"
	"github.com/telehjerte/telehjerte-tui/tui"
)

// consoleOptions wires the console to the opened data: every capability
// the console offers is its own explicit field, never found by a type
// assertion on a wrapper (a wrapper around Actions once hid the
// sync-problems screen). The cache is the read source and keeps every
// regime version (History). With a central (embedded or configured) the
// nurse may act (Actions, triggering a sync round after each stored
// action) and settle what the sync could not (Resolver); a cache opened
// without a central is read-only, since its actions could go nowhere.
func consoleOptions(d *data, cfg config.Config, e *env) (tui.Options, error) {
	opts := tui.Options{
		Lang: cfg.Lang, Demo: d.demo, Clinic: d.clinic, User: cfg.User,
		Now: e.now, Loc: e.loc, Days: cfg.PatientDays, CannedReplies: cfg.CannedReplies,
		History: d.store, Course: d.store, Names: d.store,
	}
	trigger := func() {}
	switch {
	case d.boot != nil:
		opts.Status = d.boot.status
		trigger = d.boot.trigger
		opts.SyncNow = d.boot.trigger
	case d.engine != nil:
		opts.Status = syncStatus(d.engine.Status)
		trigger = d.engine.Trigger
		// ctrl+r: a sync round now (its end refreshes the screen).
		opts.SyncNow = d.engine.Trigger
	}
	// Who the console acts as (actingUser): her practitioner id in the
	// audit log and in what she writes, her name (and teams) in the
	// header, so the header names whoever the central records as author.
	acting := actingUser(d, cfg)
	opts.User, opts.UserName = acting.ID, acting.Name
	if d.identity.ID != "" {
		opts.Team = teamNames(d.identity.Teams)
		opts.ReadOnly = d.identity.ReadOnly()
	}
	switch {
	case d.client != nil && !d.identity.ReadOnly():
		// The access report (U), from the configured central, which
		// decides what she may see.
		opts.Reporter = d.client
	case d.boot != nil:
		// The DEMO's embedded central, once it is up: the demo nurse is
		// a member of the demo clinic's team.
		opts.Reporter = d.boot
	case d.embedded != nil:
		cl, err := d.embedded.Client(userAgent())
		if err != nil {
			return tui.Options{}, fmt.Errorf("console: %w", err)
		}
		opts.Reporter = cl
	}
	if d.mode == config.ModeCache || d.identity.ReadOnly() {
		// A cache without a central, or a read-only user (se-adgang): no
		// actions, no outbox.
		return opts, nil
	}
	svc, err := newActionService(d, cfg, e)
	if err != nil {
		return tui.Options{}, err
	}
	opts.Actions = triggering{Actions: svc, after: trigger}
	opts.Resolver = &settling{SyncResolver: svc, after: trigger}
	enr, err := svc.Enroller(cfg.EnrolTemplate, e.loc)
	if err != nil {
		return tui.Options{}, fmt.Errorf("console: %w", err)
	}
	opts.Enroller = triggeringEnroller{Enroller: enr, after: trigger}
	opts.Granter = triggeringGranter{ReadAccessGranter: svc, after: trigger}
	opts.Keeper = triggeringKeeper{CourseKeeper: enr, after: trigger}
	return opts, nil
}

// actingUser is the practitioner the console acts as: who the central
// says the token belongs to (resolveIdentity; the configured user, with a
// warning, when it does not say), or in the DEMO the demo nurse whose token
// the embedded central gives the console; with no central (a cache file
// opened as it is) the configured user.
func actingUser(d *data, cfg config.Config) actions.User {
	switch {
	case d.identity.ID != "":
		return actions.User{ID: d.identity.ID, Name: d.identity.Name}
	case d.embedded != nil:
		return actions.User{ID: d.embedded.Nurse, Name: demo.NurseName}
	case d.boot != nil:
		return actions.User{ID: d.boot.nurse, Name: demo.NurseName}
	}
	return actions.User{ID: cfg.User}
}

// newActionService returns the action service acting as actingUser.
func newActionService(d *data, cfg config.Config, e *env) (*actions.Service, error) {
	svc, err := actions.New(d.store, actingUser(d, cfg), e.now, uuid.NewString)
	if err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	return svc, nil
}

// triggering calls after when an action has been stored in the cache (and
// its outbox), so it is pushed at once rather than at the next interval.
type triggering struct {
	console.Actions
	after func()
}

func (t triggering) done(err error) error {
	if err == nil && t.after != nil {
		t.after()
	}
	return err
}

func (t triggering) Acknowledge(ctx context.Context, a domain.Acknowledgement) (console.AckResult, error) {
	r, err := t.Actions.Acknowledge(ctx, a)
	return r, t.done(err)
}

func (t triggering) ResolveMissing(ctx context.Context, r domain.MissingResolution) error {
	return t.done(t.Actions.ResolveMissing(ctx, r))
}

func (t triggering) SetPause(ctx context.Context, patientID string, p domain.Period) error {
	return t.done(t.Actions.SetPause(ctx, patientID, p))
}

func (t triggering) SendMessage(ctx context.Context, m domain.OutgoingMessage) error {
	return t.done(t.Actions.SendMessage(ctx, m))
}

func (t triggering) MarkRead(ctx context.Context, messageID string, read bool) error {
	return t.done(t.Actions.MarkRead(ctx, messageID, read))
}

func (t triggering) SaveRegime(ctx context.Context, c domain.RegimeChange) error {
	return t.done(t.Actions.SaveRegime(ctx, c))
}

func (t triggering) Transfer(ctx context.Context, tr domain.Transfer) error {
	return t.done(t.Actions.Transfer(ctx, tr))
}

func (t triggering) PlanCover(ctx context.Context, c domain.CoverPlan) error {
	return t.done(t.Actions.PlanCover(ctx, c))
}

func (t triggering) AddNote(ctx context.Context, n domain.Note) error {
	return t.done(t.Actions.AddNote(ctx, n))
}

// triggeringGranter syncs at once after a grant or revocation of
// se-adgang was stored.
type triggeringGranter struct {
	console.ReadAccessGranter
	after func()
}

func (t triggeringGranter) GrantReadAccess(ctx context.Context, g domain.ReadGrant) error {
	err := t.ReadAccessGranter.GrantReadAccess(ctx, g)
	if err == nil && t.after != nil {
		t.after()
	}
	return err
}

func (t triggeringGranter) RevokeReadAccess(ctx context.Context, grantID, patientID string) error {
	err := t.ReadAccessGranter.RevokeReadAccess(ctx, grantID, patientID)
	if err == nil && t.after != nil {
		t.after()
	}
	return err
}

// settling is the sync resolver that, once the nurse has settled a
// problem, asks for a sync round (keep mine is pushed at once) and has the
// screen underneath reloaded: after keep the central's, nothing is pushed
// or pulled, and the patient view kept showing the discarded thresholds.
type settling struct {
	console.SyncResolver
	after   func() // a sync round now
	refresh func() // reload what is on screen; set once the program runs
}

func (s *settling) ResolveConflict(ctx context.Context, uuid string, keepMine bool) error {
	err := s.SyncResolver.ResolveConflict(ctx, uuid, keepMine)
	if err == nil {
		if s.after != nil {
			s.after()
		}
		if s.refresh != nil {
			s.refresh()
		}
	}
	return err
}
