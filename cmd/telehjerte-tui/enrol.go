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

// triggeringKeeper asks for a sync round when a re-evaluation or an end
// has been queued.
type triggeringKeeper struct {
	console.CourseKeeper
	after func()
}

func (t triggeringKeeper) done(err error) error {
	if err == nil && t.after != nil {
		t.after()
	}
	return err
}

func (t triggeringKeeper) RecordReevaluation(ctx context.Context, r domain.Reevaluation) error {
	return t.done(t.CourseKeeper.RecordReevaluation(ctx, r))
}

func (t triggeringKeeper) EndCourse(ctx context.Context, e domain.CourseEnd) error {
	return t.done(t.CourseKeeper.EndCourse(ctx, e))
}
