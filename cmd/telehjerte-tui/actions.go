package main

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/actions"
	"github.com/telehjerte/telehjerte-tui/tui"
)

// newActions returns what the nurse may do, acting as the practitioner
// the central knows: the demo nurse whose token the demo uses, else the
// configured user. after runs after every action that was stored (to ask
// for a sync round at once).
func newActions(d *data, cfg config.Config, e *env, after func()) (tui.Actions, error) {
	user := actions.User{ID: cfg.User}
	if d.embedded != nil {
		user = actions.User{ID: d.embedded.Nurse, Name: demo.ClinicName}
	}
	svc, err := actions.New(d.store, user, e.now, uuid.NewString)
	if err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	return triggering{Actions: svc, after: after}, nil
}

// triggering calls after when an action has been stored in the cache (and
// its outbox), so it is pushed at once rather than at the next interval.
type triggering struct {
	tui.Actions
	after func()
}

func (t triggering) done(err error) error {
	if err == nil && t.after != nil {
		t.after()
	}
	return err
}

func (t triggering) Acknowledge(ctx context.Context, a domain.Acknowledgement) (tui.AckResult, error) {
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
