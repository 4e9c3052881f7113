// Package console is the contract between the nurse's console (tui) and
// what serves it (the local cache, the action service, the sync engine):
// the read source, the actions a nurse can take, the sync status and the
// sync problems to settle. Both sides import it; it imports only domain,
// so the sync side never compiles against the UI.
package console

import (
	"context"
	"fmt"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// Source is what the console reads from and audits to. The local cache
// (sync/cache.Store) implements it.
type Source interface {
	// Worklist returns one row per patient; all=false returns only patients
	// with something open.
	Worklist(ctx context.Context, all bool) ([]domain.WorklistRow, error)
	// Patient returns what the patient view shows, readings from since on.
	Patient(ctx context.Context, id string, since time.Time) (domain.PatientDetail, error)
	// Audit records one look-up or action.
	Audit(ctx context.Context, e domain.AuditEntry) error
}

// Actions is what the nurse can do from the console. The storage side (the
// local cache with its outbox) implements it: every write commits the local
// change, its outbox entry and an audit entry (who, when, old and new value)
// in one transaction, so it works offline and reaches the central exactly
// once through the sync engine. A console wired without Actions is read-only
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
// central. The console's status function returns it; it is called on every redraw, so it
// must be cheap (return a cached value).
type SyncStatus struct {
	// State is the state of the connection on the last attempt. When it is
	// ConnUnknown the console falls back to Online (older producers).
	State ConnState
	// Online: the central answered on the last attempt. Deprecated: set
	// State; kept so a producer that fills only Online still shows right.
	Online bool
	// Detail is a short, human reason for a non-online State (e.g. "401
	// Unauthorized", "x509: certificate has expired"); it may come from the
	// network, the console sanitises it. Never personal data.
	Detail string

	LastSync    time.Time // the last complete sync (also from an earlier run); zero = never
	LastAttempt time.Time // the last attempt, successful or not; zero = none yet
	Syncing     bool      // a round is running now

	// FirstSync is true while the cache has never completed a sync and the
	// first one is running: the console then shows that the first sync is
	// running, with Resources and Patients stored so far, and never "no
	// patients".
	FirstSync bool
	Resources int // resources stored so far in the first sync
	Patients  int // patients stored so far in the first sync

	Pending   int // outbox entries not yet accepted
	Failed    int // outbox entries the central rejected
	Conflicts int // changes that met someone else's change
}

// ConnState is the state of the connection to the central, each shown in
// words on the status bar.
type ConnState string

// The connection states.
const (
	ConnUnknown      ConnState = ""              // not known yet (no attempt finished)
	ConnOnline       ConnState = "online"        // the last round completed
	ConnOffline      ConnState = "offline"       // the central could not be reached
	ConnAuthRefused  ConnState = "auth-refused"  // the token was refused or has expired (401/403)
	ConnLoginExpired ConnState = "login-expired" // the login (OAuth) has expired or was revoked: the user must log in again
	ConnServerError  ConnState = "server-error"  // the central answered with an error (5xx, bad answer)
	ConnCertProblem  ConnState = "cert-problem"  // TLS: the certificate was not trusted or expired
	ConnBusy         ConnState = "busy"          // another program on this computer is syncing the cache; the next round tries again
)

// Connected reports whether the status means the central answered properly
// on the last attempt (State, else the older Online flag).
func (s SyncStatus) Connected() bool {
	if s.State == ConnUnknown {
		return s.Online
	}
	return s.State == ConnOnline
}

// RegimeHistorian reads every version of a patient's regime, oldest first.
// sync/cache.Store implements it; the console offers the version history
// only when one is wired in its options.
type RegimeHistorian interface {
	RegimeHistory(ctx context.Context, patientID string) ([]domain.Regime, error)
}

// Namer names the people the console shows by reference: the name the
// cache holds for a Practitioner by id ("" when it holds none), so a nurse
// reads "Overlæge Mette Kjærgaard" where the data say an opaque id.
// sync/cache.Store implements it; without one the console shows the ids.
type Namer interface {
	// Name returns the cached name of ref, "Type/id" or, with typ given,
	// a bare id; "" when the cache does not know it.
	Name(ctx context.Context, typ, ref string) (string, error)
}

// SyncResolver settles what the sync could not: the changes the
// central did not take as they were (a conflict with someone else's change,
// a refusal) and changes someone else had already made ("allerede kvitteret
// af X kl. 09:14"). When one is wired in the console's options, the console
// offers the "Synk-problemer" screen (key S) and flashes new already-done
// outcomes after a refresh; without one (read-only access) neither is shown.
type SyncResolver interface {
	// SyncProblems lists the conflicted and failed outbox entries, oldest
	// first, then the recent already-done outcomes.
	SyncProblems(ctx context.Context) ([]SyncProblem, error)
	// ResolveConflict settles a conflicted or failed entry by the nurse's
	// explicit choice: keepMine sends hers again on top of the central's
	// current version (a failed entry: tried again); otherwise hers is
	// discarded and the central's version stands. Both are audited.
	ResolveConflict(ctx context.Context, uuid string, keepMine bool) error
}

// SyncProblemState is what happened to a change.
type SyncProblemState string

// The states of a SyncProblem.
const (
	SyncConflict    SyncProblemState = "conflict"     // met someone else's change (412)
	SyncFailed      SyncProblemState = "failed"       // refused by the central
	SyncAlreadyDone SyncProblemState = "already-done" // someone else had already done it
)

// SyncChange is what kind of change the nurse made.
type SyncChange string

// The kinds of change a SyncProblem names.
const (
	SyncChangeAck        SyncChange = "ack"        // acknowledgement of a reading (Kind, Value)
	SyncChangeResolve    SyncChange = "resolve"    // a missing measurement resolved (Kind)
	SyncChangeAssessment SyncChange = "assessment" // the assessment sent with an acknowledgement
	SyncChangeRegime     SyncChange = "regime"     // a new regime version (or pause)
	SyncChangeMessage    SyncChange = "message"    // a message (Title)
	SyncChangeReadState  SyncChange = "read-state" // a message's read state
	SyncChangeEpisode    SyncChange = "episode"    // monitoring responsibility or cover
	SyncChangeNote       SyncChange = "note"       // a handover note
	SyncChangeEnrol      SyncChange = "enrol"      // an enrolment of a new patient (Title: the name)
	SyncChangeOther      SyncChange = "other"      // anything else (ResourceType)
)

// SyncProblem is one change that needs the nurse's eye. Every text in it
// may come from the central or a patient: the console sanitises it.
type SyncProblem struct {
	UUID         string // the outbox entry (or recorded outcome)
	State        SyncProblemState
	Change       SyncChange
	ResourceType string
	PatientID    string
	PatientName  string
	// What the change was about: the reading (Kind, Value, Value2 when
	// HasValue) or a message's Title.
	Kind     domain.Kind
	Value    float64
	Value2   float64
	HasValue bool
	Title    string

	At    time.Time // when the nurse made the change
	Error string    // why the central refused it (failed)

	// Conflicts: her version and the central's current one.
	Mine, Theirs SyncVersion

	// Already done: by whom (display name, else the reference) and when.
	By     string
	DoneAt time.Time
}

// SyncVersion is one side of a conflict in a readable form: a regime is
// shown as the regime form's summary; anything else as its lines.
type SyncVersion struct {
	Version string         // the version id ("" when unknown)
	Author  string         // who made it, when known
	Regime  *domain.Regime // a regime version, else nil
	Lines   []string       // "field: value" lines
}
