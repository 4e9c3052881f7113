// Package actions is the storage side of the nurse actions: it
// implements console.Actions over the local cache. Every action writes its
// local effect, its outbox entries (client-made UUIDs; If-Match on the
// cached version of anything it changes) and an audit entry with the old
// and new values in one cache transaction, so it works offline and the
// sync engine later sends it to the central exactly once.
//
// FHIR mapping (see docs/fhir-mapping.md, "Nurse actions"):
//   - acknowledge: Task JSON Patch to completed (owner, executionPeriod.end,
//     note) + a conditional-create ClinicalImpression MeasurementAssessment
//     (previous → the triage); receipt: a Communication to the patient;
//   - resolve missing: Task JSON Patch to completed with the reason as note;
//   - pause and regime change: a new CarePlan version (PUT, If-Match) and a
//     PUT of every ServiceRequest of the plan, CarePlan first;
//   - message: conditional-create Communication; read state: JSON Patch of
//     the Communication's extensions;
//   - transfer and holiday cover: EpisodeOfCare PUT with If-Match;
//   - handover note: conditional-create Communication with category
//     handover-note addressed to the CareTeam.
//
// Nothing personal (names, CPR, text) is logged: this package does not log.
package actions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// User is who acts: the practitioner's FHIR id and display name.
type User struct {
	ID   string // Practitioner id, e.g. "prac-demo-nurse-1"
	Name string // display name, e.g. "Karen Holm"
}

// Service implements console.Actions over a cache.
type Service struct {
	store   *cache.Store
	user    User
	now     func() time.Time
	newUUID func() string
}

var _ console.Actions = (*Service)(nil)

// New returns a Service acting as user. now is the clock (time.Now when
// nil); newUUID makes the client-side identifiers (required: e.g.
// uuid.NewString).
func New(store *cache.Store, user User, now func() time.Time, newUUID func() string) (*Service, error) {
	if store == nil {
		return nil, errors.New("actions: a cache store is required")
	}
	if strings.TrimSpace(user.ID) == "" {
		return nil, errors.New("actions: the user's practitioner id is required")
	}
	if user.Name == "" {
		user.Name = user.ID
	}
	if newUUID == nil {
		return nil, errors.New("actions: a UUID source is required")
	}
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, user: user, now: now, newUUID: newUUID}, nil
}

// OpenTasks returns every open task in the cache (the cache holds only the
// patients the user may see).
func (s *Service) OpenTasks(ctx context.Context) ([]domain.Task, error) {
	ts, err := s.store.OpenTasks(ctx)
	if err != nil {
		return nil, fmt.Errorf("actions: %w", err)
	}
	return ts, nil
}

// Teams returns the care teams the cache knows, for the transfer and cover
// pickers.
func (s *Service) Teams(ctx context.Context) ([]domain.Team, error) {
	ts, err := s.store.Teams(ctx)
	if err != nil {
		return nil, fmt.Errorf("actions: %w", err)
	}
	return ts, nil
}

// Audit action names written by this package.
const (
	AuditAcknowledge    = "acknowledge"
	AuditResolveMissing = "resolve-missing"
	AuditPause          = "set-pause"
	AuditRegime         = "change-regime"
	AuditMessage        = "send-message"
	AuditMarkRead       = "mark-read"
	AuditTransfer       = "transfer"
	AuditCover          = "plan-cover"
	AuditNote           = "add-note"
)

// clock returns the clock's time in UTC, cut to milliseconds (what the cache
// keeps).
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// audit writes one audit entry whose detail is JSON of v (old and new
// values). It is stored in the cache only, never logged.
func (s *Service) audit(tx *cache.Tx, at time.Time, action, patientID string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("audit detail: %w", err)
	}
	return tx.Audit(domain.AuditEntry{At: at, User: s.user.ID, Action: action, PatientID: patientID, Detail: string(b)})
}

// problem builds a one-field domain.Problems for a failure found against
// the stored data (the form shows it next to field).
func problem(field, code, msg string) error {
	return domain.Problems{&domain.FieldError{Field: field, Code: code, Msg: msg}}
}

// write runs fn in one cache transaction and wraps its error.
func (s *Service) write(ctx context.Context, what string, fn func(tx *cache.Tx) error) error {
	err := s.store.Write(ctx, fn)
	if err == nil {
		return nil
	}
	var conflict *console.RegimeConflictError
	if domain.AsProblems(err) != nil || errors.As(err, &conflict) {
		return err
	}
	return fmt.Errorf("actions: %s: %w", what, err)
}

// encode is the JSON of an outbox payload.
func encode(v any) ([]byte, error) { return json.Marshal(v) }

// timeMs is the resolution the cache keeps times in.
const timeMs = time.Millisecond

// Now is the Service's clock (UTC, milliseconds), for callers that stamp
// values they pass in.
func (s *Service) Now() time.Time { return s.clock() }
