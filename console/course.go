package console

import (
	"context"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// Enroller enrols new patients ("opret borger"). The storage side (the
// local cache with its outbox) implements it; the console offers the
// enrolment form (n on the worklist) only when one is wired in its
// options, never found by a type assertion on Actions.
type Enroller interface {
	// Template is the start-up regime template enrolment uses, shown in the
	// form so the nurse sees what the patient starts on.
	Template() domain.RegimeTemplate
	// Enrol queues the enrolment: the Patient, its EpisodeOfCare (the
	// monitoring team), the Consent, the diagnosis and the start-up regime
	// made from Template, sent together to the central, which takes all or
	// nothing. The patient shows on the worklist once the central has
	// taken it. It returns a domain.Problems for what the form shows next to
	// its fields: among them a CPR number already in the cache or already
	// on its way (code domain.CodeEnrolled, FieldError.Other naming who
	// holds the patient). A CPR number enrolled where this console cannot
	// see it is refused by the central, which names who holds the patient;
	// that refusal shows among the sync problems.
	Enrol(ctx context.Context, e domain.Enrolment) error
}

// CourseReader reads what the course reminders need ("ny borger",
// "opstart slut", "revurdering", "ikke set i N dage", failing to measure):
// per patient with a regime in force at now, the domain.CourseState the
// console turns into flags with domain.CourseFlags. sync/cache.Store
// implements it; without one the worklist shows no course reminders.
type CourseReader interface {
	CourseStates(ctx context.Context, now time.Time, loc *time.Location) (map[string]domain.CourseState, error)
	// EndedCourses lists the courses that have ended by now (they leave
	// the worklist; their data stay readable), newest end first.
	EndedCourses(ctx context.Context, now time.Time) ([]domain.EndedCourse, error)
}

// CourseKeeper records what happens to a course after enrolment: a
// re-evaluation and the end ("afslut forløb"). The storage side implements
// it; the console offers R (revurdering) and A (afslut forløb) in the
// patient view only when one is wired.
type CourseKeeper interface {
	// RecordReevaluation records a re-evaluation: continue or change set
	// the next re-evaluation date (a new regime version); end records the
	// decision only (EndCourse follows).
	RecordReevaluation(ctx context.Context, r domain.Reevaluation) error
	// EndCourse ends the course: the plan and the episode end on the
	// central, a closing note is kept; tasks still open are a problem on
	// "open" (the console acknowledges or closes them first when the
	// nurse says so).
	EndCourse(ctx context.Context, e domain.CourseEnd) error
}
