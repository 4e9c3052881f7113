// Package tui is the nurse's console: a bubbletea v2 program with a worklist
// of patients and a patient view, plus a plain-text worklist table for the
// non-interactive `worklist` subcommand. Data come through Source (the local
// SQLite cache implements it); every look-up is written to the audit log.
package tui

import (
	"time"

	"github.com/google/uuid"
	"github.com/telehjerte/telehjerte-tui/console"
)

// Options configure the console.
type Options struct {
	Lang   string // "da" (default) or "en"
	Demo   bool   // show the DEMO banner on every screen
	Clinic string
	Team   string // the user's team(s), shown in the header
	User   string // for the audit log and the header
	// UserName is the signed-in user's name as the central gives it,
	// shown in the header instead of User (an id) when set.
	UserName string
	Now      func() time.Time
	Loc      *time.Location // Europe/Copenhagen
	Days     int            // patient-view window, default 28

	// ReadOnly is a read-only user (se-adgang, her role on the central):
	// with no Actions, an action key she presses is answered with a short
	// explanation instead of being ignored.
	ReadOnly bool
	// Granter, when set (with Actions), lets a monitoring nurse grant and
	// revoke se-adgang to the patient (in the responsibility form, t).
	Granter console.ReadAccessGranter
	// Reporter, when set, offers the access report of the central (U on
	// the worklist: the half-yearly authorisation check for her teams);
	// nil hides it.
	Reporter console.AccessReporter
	// Actions, when set, lets the nurse act (acknowledge, write, change the
	// regime, transfer, add notes); nil is read-only access ("se-adgang").
	Actions console.Actions
	// Resolver, when set, offers the sync-problems screen (S) and flashes
	// changes someone else had already made; nil shows neither. It is its
	// own option, never found by a type assertion on Actions, so a wrapper
	// around Actions cannot lose it.
	Resolver console.SyncResolver
	// Course, when set, adds the course reminders (new patient, start-up
	// over, re-evaluation, not seen, failing to measure) to the worklist and
	// the patient header; nil shows none.
	Course console.CourseReader
	// Keeper, when set (with Actions), offers the re-evaluation (R) and the
	// end of the course (A) in the patient view; nil hides them.
	Keeper console.CourseKeeper
	// Enroller, when set (with Actions), offers enrolment of new patients
	// ("opret borger", n on the worklist); nil hides it.
	Enroller console.Enroller
	// History, when set, offers the regime's version history (v); nil hides
	// it.
	History console.RegimeHistorian
	// Names, when set, names the practitioners the console shows by id
	// (authors, responsible physicians, note writers); nil shows the ids.
	Names console.Namer
	// CannedReplies are ready texts the composer offers (from configuration).
	CannedReplies []string
	// Status, when set, feeds the status bar at the bottom; nil shows none.
	// While the cache has never been synced, an empty worklist says so
	// (and shows first-sync progress) instead of "no patients".
	Status func() console.SyncStatus
	// StatusEvery is how often the status bar is redrawn (the data's age,
	// first-sync progress) while Status is set; 0 means every second, a
	// negative value never (tests that drive the model step by step).
	StatusEvery time.Duration
	// NewID returns a fresh client id for messages, notes and cover plans;
	// default a random UUID.
	NewID func() string
	// SyncNow, when set, is called on ctrl+r (help: "synkronisér nu") to
	// ask for a sync round at once. It must not block (e.g. the engine's
	// Trigger); the screens are refreshed when the program is sent a
	// RefreshMsg after the round.
	SyncNow func()
}

// Audit actions written by the console.
const (
	ActionViewWorklist = "view-worklist"
	ActionViewPatient  = "view-patient"
)

// DefaultDays is the patient-view window when Options.Days is not set.
const DefaultDays = 28

// withDefaults fills unset options.
func (o Options) withDefaults() Options {
	if o.Lang != "en" {
		o.Lang = "da"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Loc == nil {
		if loc, err := time.LoadLocation("Europe/Copenhagen"); err == nil {
			o.Loc = loc
		} else {
			o.Loc = time.Local
		}
	}
	if o.NewID == nil {
		o.NewID = uuid.NewString
	}
	if o.Days <= 0 {
		o.Days = DefaultDays
	}
	if o.StatusEvery == 0 {
		o.StatusEvery = time.Second
	}
	return o
}
