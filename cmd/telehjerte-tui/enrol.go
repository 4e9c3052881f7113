package main

import (
	"context"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
)

// triggeringEnroller asks for a sync round when an enrolment has been
// queued, so the patient reaches the central (and the worklist) at once.
type triggeringEnroller struct {
	console.Enroller
	after func()
}

func (t triggeringEnroller) Enrol(ctx context.Context, e domain.Enrolment) error {
	err := t.Enroller.Enrol(ctx, e)
	if err == nil && t.after != nil {
		t.after()
	}
	return err
}
