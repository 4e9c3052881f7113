package cache

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/sync/outbox"
)

// Outbox states. A change accepted by the central is deleted from the outbox.
const (
	OutboxPending  = "pending"  // to be sent (again) from NextAttempt on
	OutboxConflict = "conflict" // the central's version moved on (412): the nurse must look
	OutboxFailed   = "failed"   // refused for good; kept for the nurse to see
)

// OutboxEntry is one local change waiting for the central. Its Op says
// what it asks of the central (kind, resource, If-Match, If-None-Exist);
// the engine sends it by that alone. Label says what the nurse did, for
// the sync-problems screen, and never decides how the entry is sent.
type OutboxEntry struct {
	UUID    string // client-made id: makes a retried create idempotent
	Created time.Time
	Label   string // what the nurse did, e.g. "acknowledge", "mark-read"
	outbox.Op
	Payload     json.RawMessage
	Attempts    int
	NextAttempt time.Time
	LastError   string
	State       string
	// Sent is when the engine first sent the entry (zero: never, or a
	// conditional create, which needs no mark). Set before the request
	// goes out: a sent entry may have been applied by the central even
	// though no answer came back.
	Sent time.Time
}

// outboxColumns are the outbox columns scanOutbox reads, in its order.
const outboxColumns = `uuid, created, label, kind, resource_type, resource_id, if_match, if_none_exist, payload,
	attempts, next_attempt, last_error, state, sent`

// prefixedOutboxColumns is outboxColumns of the table named p.
func prefixedOutboxColumns(p string) string {
	cols := strings.Split(outboxColumns, ",")
	for i, c := range cols {
		cols[i] = p + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// scanOutbox reads outboxColumns, then any further columns into more.
func scanOutbox(sc scanner, more ...any) (OutboxEntry, error) {
	var e OutboxEntry
	var created, next, sent int64
	var payload, kind string
	dest := append([]any{&e.UUID, &created, &e.Label, &kind, &e.ResourceType, &e.ResourceID, &e.IfMatch,
		&e.IfNoneExist, &payload, &e.Attempts, &next, &e.LastError, &e.State, &sent}, more...)
	if err := sc.Scan(dest...); err != nil {
		return e, err
	}
	e.Kind = outbox.Kind(kind)
	e.Created, e.NextAttempt, e.Payload = time.UnixMilli(created).UTC(), fromMsOrZero(next), json.RawMessage(payload)
	e.Sent = fromMsOrZero(sent)
	return e, nil
}

// Enqueue adds a change to the outbox in this transaction, so a nurse action
// and its outbox entry commit together. State defaults to pending.
func (tx *Tx) Enqueue(e OutboxEntry) error {
	if e.UUID == "" || e.Label == "" || e.Created.IsZero() {
		return fmt.Errorf("enqueue: uuid, label and time created are required")
	}
	if err := e.Op.Validate(); err != nil {
		return fmt.Errorf("enqueue %s: %w", e.UUID, err)
	}
	if !json.Valid(e.Payload) {
		return fmt.Errorf("enqueue %s: payload is not valid JSON", e.UUID)
	}
	if e.State == "" {
		e.State = OutboxPending
	}
	if _, err := tx.exec(`INSERT INTO outbox (uuid, created, label, kind, resource_type, resource_id, if_match,
	if_none_exist, payload, attempts, next_attempt, last_error, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.UUID, e.Created.UnixMilli(), e.Label, string(e.Kind), e.ResourceType, e.ResourceID, e.IfMatch,
		e.IfNoneExist, string(e.Payload), e.Attempts, msOrZero(e.NextAttempt), e.LastError, e.State); err != nil {
		return fmt.Errorf("enqueue %s: %w", e.UUID, err)
	}
	return nil
}

// UpdateOutbox records the outcome of a failed or conflicting attempt:
// state, attempts, next attempt and error. An unknown uuid wraps ErrNotFound.
func (tx *Tx) UpdateOutbox(uuid, state string, attempts int, next time.Time, lastError string) error {
	n, err := tx.exec(`UPDATE outbox SET state = ?, attempts = ?, next_attempt = ?, last_error = ? WHERE uuid = ?`,
		state, attempts, msOrZero(next), lastError, uuid)
	if err != nil {
		return fmt.Errorf("update outbox %s: %w", uuid, err)
	}
	if n == 0 {
		return fmt.Errorf("update outbox %s: %w", uuid, ErrNotFound)
	}
	return nil
}

// MarkOutboxSent records that an entry is about to be sent (the first
// time only: a later call keeps the first time). An unknown uuid wraps
// ErrNotFound.
func (tx *Tx) MarkOutboxSent(uuid string, at time.Time) error {
	if at.IsZero() {
		return fmt.Errorf("mark outbox %s sent: no time", uuid)
	}
	n, err := tx.exec(`UPDATE outbox SET sent = CASE WHEN sent = 0 THEN ? ELSE sent END WHERE uuid = ?`, at.UnixMilli(), uuid)
	if err != nil {
		return fmt.Errorf("mark outbox %s sent: %w", uuid, err)
	}
	if n == 0 {
		return fmt.Errorf("mark outbox %s sent: %w", uuid, ErrNotFound)
	}
	return nil
}

// DeleteOutbox removes an entry the central has accepted.
func (tx *Tx) DeleteOutbox(uuid string) error {
	if _, err := tx.exec(`DELETE FROM outbox WHERE uuid = ?`, uuid); err != nil {
		return fmt.Errorf("delete outbox %s: %w", uuid, err)
	}
	return nil
}

// Outbox returns entries in the order they were made: with state "" all of
// them, otherwise those in that state; for OutboxPending only those due at
// now (NextAttempt not after now).
func (s *Store) Outbox(ctx context.Context, state string, now time.Time) ([]OutboxEntry, error) {
	q := `SELECT ` + outboxColumns + ` FROM outbox`
	var args []any
	switch state {
	case "":
	case OutboxPending:
		q += ` WHERE state = 'pending' AND next_attempt <= ?`
		args = append(args, now.UnixMilli())
	default:
		q += ` WHERE state = ?`
		args = append(args, state)
	}
	q += ` ORDER BY seq`
	var out []OutboxEntry
	err := s.read(ctx, func(tx *sql.Tx) error {
		return eachRow(ctx, tx, q, args, func(sc scanner) error {
			e, err := scanOutbox(sc)
			if err != nil {
				return err
			}
			out = append(out, e)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("cache: outbox: %w", err)
	}
	return out, nil
}

// SyncState is the incremental pull's position for one resource type.
type SyncState struct {
	ResourceType string
	Watermark    time.Time // the greatest meta.lastUpdated pulled
	LastSuccess  time.Time // when a pull of this type last completed
	LastError    string
}

// SetSyncState stores the pull position of one resource type.
func (tx *Tx) SetSyncState(st SyncState) error {
	if st.ResourceType == "" {
		return errors.New("set sync state: empty resource type")
	}
	if _, err := tx.exec(`INSERT INTO sync_state (resource_type, watermark, last_success, last_error)
VALUES (?, ?, ?, ?)
ON CONFLICT (resource_type) DO UPDATE SET watermark = excluded.watermark,
	last_success = excluded.last_success, last_error = excluded.last_error`,
		st.ResourceType, msOrZero(st.Watermark), ms(st.LastSuccess), st.LastError); err != nil {
		return fmt.Errorf("set sync state %s: %w", st.ResourceType, err)
	}
	return nil
}

// SyncStates returns the pull position of every resource type pulled so far.
func (s *Store) SyncStates(ctx context.Context) (map[string]SyncState, error) {
	out := make(map[string]SyncState)
	err := s.read(ctx, func(tx *sql.Tx) error {
		return eachRow(ctx, tx, `SELECT resource_type, watermark, last_success, last_error FROM sync_state`, nil,
			func(sc scanner) error {
				var st SyncState
				var wm int64
				var last sql.NullInt64
				if err := sc.Scan(&st.ResourceType, &wm, &last, &st.LastError); err != nil {
					return err
				}
				st.Watermark, st.LastSuccess = fromMsOrZero(wm), fromMs(last)
				out[st.ResourceType] = st
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("cache: sync state: %w", err)
	}
	return out, nil
}
