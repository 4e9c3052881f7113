package tui

import (
	"context"
	"fmt"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// Actions is what the nurse can do from the console. The storage side (the
// local cache with its outbox) implements it: every write commits the local
// change, its outbox entry and an audit entry (who, when, old and new value)
// in one transaction, so it works offline and reaches the central exactly
// once through the sync engine. A nil Actions in Options means read-only
// access ("se-adgang", e.g. a municipal nurse): no action key is shown or
// works.
//
// Errors: a domain.Problems (or *domain.FieldError) returned by a method is
// shown next to the form fields it names (e.g. an overlap found against
// covers the console could not see); SaveRegime returns a
// *RegimeConflictError when someone else changed the regime since the form
// was opened; any other error is shown as a general error and the form keeps
// what the nurse typed.
//
// Every value passed in has already passed its domain Validate; the
// implementation validates again (it is the last line of defence).
type Actions interface {
	// OpenTasks returns every open task of the patients the user may act on
	// (the worklist's patients), as stored now. The console computes bulk
	// acknowledgement scopes from it, never from what is on screen.
	OpenTasks(ctx context.Context) ([]domain.Task, error)
	// Teams returns the teams monitoring responsibility can be given to or
	// shared with (for the transfer and cover pickers), in display order.
	Teams(ctx context.Context) ([]domain.Team, error)

	// Acknowledge closes exactly the tasks in a.TaskIDs (and, with
	// a.Receipt, sends domain.ReceiptText to each of a.PatientIDs). A task
	// someone else closed meanwhile is reported in AckResult.Skipped, not an
	// error.
	Acknowledge(ctx context.Context, a domain.Acknowledgement) (AckResult, error)
	// ResolveMissing closes a missing-measurement task with a reason.
	ResolveMissing(ctx context.Context, r domain.MissingResolution) error
	// SetPause adds a pause to the patient's current regime (a new regime
	// version whose Pauses include p); missing-measurement alarms are
	// suppressed inside it.
	SetPause(ctx context.Context, patientID string, p domain.Period) error
	// SendMessage queues a message to the patient; the thread shows it as
	// domain.SyncPending until the central has it.
	SendMessage(ctx context.Context, m domain.OutgoingMessage) error
	// MarkRead sets the read state of a message from the patient.
	MarkRead(ctx context.Context, messageID string, read bool) error
	// SaveRegime stores a new regime version. When the current stored
	// version is no longer c.BaseVersion it saves nothing and returns a
	// *RegimeConflictError carrying the other version.
	SaveRegime(ctx context.Context, c domain.RegimeChange) error
	// Transfer moves monitoring responsibility permanently.
	Transfer(ctx context.Context, t domain.Transfer) error
	// PlanCover plans holiday cover for one patient or all patients of a
	// team. It returns a domain.Problems naming "from" when the period
	// overlaps an existing cover.
	PlanCover(ctx context.Context, c domain.CoverPlan) error
	// AddNote adds a handover note.
	AddNote(ctx context.Context, n domain.Note) error
}

// AckResult is what an acknowledgement did.
type AckResult struct {
	Acknowledged []string // task ids closed now
	Skipped      []string // task ids already closed (by someone else)
}

// RegimeConflictError is returned by Actions.SaveRegime when the regime was
// changed by someone else since the form was opened. The console shows
// both versions side by side and overwrites nothing.
type RegimeConflictError struct {
	Mine   domain.RegimeChange // what this nurse tried to save
	Theirs domain.Regime       // the version stored now
}

func (e *RegimeConflictError) Error() string {
	return fmt.Sprintf("regime of patient %s changed meanwhile: version %s by %s (edited version %s)",
		e.Mine.PatientID, e.Theirs.Version, e.Theirs.Author, e.Mine.BaseVersion)
}

// SyncStatus is what the status bar shows about synchronisation with the
// central. Options.Status returns it; it is called on every redraw, so it
// must be cheap (return a cached value).
type SyncStatus struct {
	Online    bool      // the central answered on the last attempt
	LastSync  time.Time // the last complete sync; zero = never
	Pending   int       // outbox entries not yet accepted
	Failed    int       // outbox entries the central rejected
	Conflicts int       // changes that met someone else's change
}

// RegimeHistorian is an optional read method of a Source: every version of
// a patient's regime, oldest first. sync/cache.Store implements it; without
// it the version history is not offered.
type RegimeHistorian interface {
	RegimeHistory(ctx context.Context, patientID string) ([]domain.Regime, error)
}

// Audit actions for reads the action screens make.
const (
	ActionViewRegimeHistory = "view-regime-history"
)
