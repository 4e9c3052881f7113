package tui

import (
	"context"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// SyncResolver is an optional interface of Options.Actions: the changes the
// central did not take as they were (a conflict with someone else's change,
// a refusal) and changes someone else had already made ("allerede kvitteret
// af X kl. 09:14"). When Actions implements it, the console offers the
// "Synk-problemer" screen (key S) and flashes new already-done outcomes
// after a refresh; without it (read-only access, tests) neither is shown.
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
