package cache

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// This file adds what the sync engine needs on top of outbox.go: the oldest
// pending entry whatever its next attempt, the server's version beside a
// conflicted entry, recorded outcomes, counts, and the nurse's requeue and
// discard. The tables outbox_conflicts and outbox_results come from
// PrepareSync.

// NextOutbox returns the oldest pending entry, due or not: the engine sends
// strictly in order (a later change may depend on an earlier one), so a
// backed-off entry holds the ones after it. ok is false when nothing is
// pending.
func (s *Store) NextOutbox(ctx context.Context) (e OutboxEntry, ok bool, err error) {
	err = s.read(ctx, func(tx *sql.Tx) error {
		var err error
		e, err = scanOutbox(tx.QueryRowContext(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE state = 'pending'
	ORDER BY seq LIMIT 1`))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		ok = true
		return nil
	})
	if err != nil {
		return e, false, fmt.Errorf("cache: next outbox entry: %w", err)
	}
	return e, ok, nil
}

// OutboxCounts is how many entries are in each state.
type OutboxCounts struct {
	Pending, Conflict, Failed int
}

// OutboxCounts counts the outbox by state.
func (s *Store) OutboxCounts(ctx context.Context) (OutboxCounts, error) {
	var c OutboxCounts
	err := s.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT coalesce(sum(state = 'pending'), 0),
	coalesce(sum(state = 'conflict'), 0), coalesce(sum(state = 'failed'), 0) FROM outbox`).Scan(&c.Pending, &c.Conflict, &c.Failed)
	})
	if err != nil {
		return c, fmt.Errorf("cache: outbox counts: %w", err)
	}
	return c, nil
}

// MarkOutboxConflict sets an entry to OutboxConflict (attempts+1, the
// error) and keeps the server's current version (JSON; empty when it could
// not be fetched) beside it, so the UI can show both. Needs PrepareSync.
func (tx *Tx) MarkOutboxConflict(uuid, lastError string, serverJSON []byte, serverVersion string, at time.Time) error {
	n, err := tx.exec(`UPDATE outbox SET attempts = attempts + 1, state = 'conflict', last_error = ? WHERE uuid = ?`, lastError, uuid)
	if err != nil {
		return fmt.Errorf("outbox %s conflict: %w", uuid, err)
	}
	if n == 0 {
		return fmt.Errorf("outbox %s conflict: %w", uuid, ErrNotFound)
	}
	if _, err := tx.exec(`INSERT INTO outbox_conflicts (uuid, server_json, server_version, detected) VALUES (?, ?, ?, ?)
ON CONFLICT (uuid) DO UPDATE SET server_json = excluded.server_json, server_version = excluded.server_version,
	detected = excluded.detected`, uuid, string(serverJSON), serverVersion, at.UnixMilli()); err != nil {
		return fmt.Errorf("outbox %s conflict: %w", uuid, err)
	}
	return nil
}

// Outcomes recorded in OutboxResult.
const (
	// ResultAlreadyDone: the change had already been made on the server by
	// someone else (e.g. the task was acknowledged by another nurse).
	ResultAlreadyDone = "already-done"
	// ResultDiscarded: the nurse chose to drop a conflicted or failed entry.
	ResultDiscarded = "discarded"
)

// OutboxResult is how an outbox entry ended, for the UI: e.g. "already
// acknowledged by <By> at <At>".
type OutboxResult struct {
	UUID         string
	ResourceType string
	ResourceID   string
	Outcome      string
	By           string // who did it on the server (a display name or reference)
	At           time.Time
	Detail       string
	Recorded     time.Time
}

// ResolveOutbox removes an entry that needs no sending any more and records
// how it ended. Needs PrepareSync.
func (tx *Tx) ResolveOutbox(uuid string, r OutboxResult) error {
	if r.Recorded.IsZero() {
		r.Recorded = tx.clock()
	}
	n, err := tx.exec(`INSERT INTO outbox_results (uuid, resource_type, resource_id, outcome, by_whom, at, detail, recorded)
SELECT uuid, resource_type, resource_id, ?, ?, ?, ?, ? FROM outbox WHERE uuid = ?`,
		r.Outcome, r.By, ms(r.At), r.Detail, r.Recorded.UnixMilli(), uuid)
	if err != nil {
		return fmt.Errorf("outbox %s resolve: %w", uuid, err)
	}
	if n == 0 {
		return fmt.Errorf("outbox %s resolve: %w", uuid, ErrNotFound)
	}
	return tx.FinishOutbox(uuid)
}

// FinishOutbox deletes an entry the server confirmed, with its conflict
// record if any and the pending regime version it made (the server's
// version, applied before, replaces it). Needs PrepareSync.
func (tx *Tx) FinishOutbox(uuid string) error {
	if err := tx.DeleteOutbox(uuid); err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM outbox_conflicts WHERE uuid = ?`, uuid); err != nil {
		return fmt.Errorf("outbox %s: %w", uuid, err)
	}
	return tx.DropPendingVersions(uuid)
}

// OutboxConflictView is a conflicted entry with the server's version.
type OutboxConflictView struct {
	Entry         OutboxEntry
	ServerJSON    json.RawMessage // empty when it could not be fetched
	ServerVersion string
	Detected      time.Time
}

// OutboxConflicts lists the entries in state conflict with the server's
// current version of each, oldest first.
func (s *Store) OutboxConflicts(ctx context.Context) ([]OutboxConflictView, error) {
	var out []OutboxConflictView
	err := s.read(ctx, func(tx *sql.Tx) error {
		if ok, err := tableExists(ctx, tx, "outbox_conflicts"); err != nil || !ok {
			return err
		}
		q := `SELECT ` + prefixedOutboxColumns("o") + `, coalesce(c.server_json, ''), coalesce(c.server_version, ''),
	coalesce(c.detected, 0)
FROM outbox o LEFT JOIN outbox_conflicts c ON c.uuid = o.uuid WHERE o.state = 'conflict' ORDER BY o.seq`
		return eachRow(ctx, tx, q, nil, func(sc scanner) error {
			var v OutboxConflictView
			var detected int64
			var server string
			var err error
			if v.Entry, err = scanOutbox(sc, &server, &v.ServerVersion, &detected); err != nil {
				return err
			}
			v.Detected = fromMsOrZero(detected)
			if server != "" {
				v.ServerJSON = json.RawMessage(server)
			}
			out = append(out, v)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("cache: outbox conflicts: %w", err)
	}
	return out, nil
}

// OutboxResults lists recorded outcomes since a time (zero: all), oldest
// first.
func (s *Store) OutboxResults(ctx context.Context, since time.Time) ([]OutboxResult, error) {
	var out []OutboxResult
	err := s.read(ctx, func(tx *sql.Tx) error {
		if ok, err := tableExists(ctx, tx, "outbox_results"); err != nil || !ok {
			return err
		}
		return eachRow(ctx, tx, `SELECT uuid, resource_type, resource_id, outcome, by_whom, at, detail, recorded
FROM outbox_results WHERE recorded >= ? ORDER BY seq`, []any{sinceMs(since)}, func(sc scanner) error {
			var r OutboxResult
			var at sql.NullInt64
			var rec int64
			if err := sc.Scan(&r.UUID, &r.ResourceType, &r.ResourceID, &r.Outcome, &r.By, &at, &r.Detail, &rec); err != nil {
				return err
			}
			r.At, r.Recorded = fromMs(at), fromMsOrZero(rec)
			out = append(out, r)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("cache: outbox results: %w", err)
	}
	return out, nil
}

// RequeueOutbox puts a conflicted or failed entry back to pending, to be
// sent at once. A non-empty ifMatch replaces the version it is sent
// against (the nurse has seen the server's version and keeps her change).
func (s *Store) RequeueOutbox(ctx context.Context, uuid, ifMatch string) error {
	err := s.Write(ctx, func(tx *Tx) error {
		n, err := tx.exec(`UPDATE outbox SET state = 'pending', next_attempt = 0, attempts = 0,
	if_match = CASE WHEN ? <> '' THEN ? ELSE if_match END WHERE uuid = ? AND state IN ('conflict', 'failed')`,
			ifMatch, ifMatch, uuid)
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("outbox %s is not conflicted or failed: %w", uuid, ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("cache: requeue: %w", err)
	}
	return nil
}

// DiscardOutbox drops a conflicted or failed entry at the nurse's explicit
// request and records that it was discarded. Pending entries cannot be
// discarded: they may already have reached the server. Needs PrepareSync.
func (s *Store) DiscardOutbox(ctx context.Context, uuid, by string, at time.Time) error {
	err := s.Write(ctx, func(tx *Tx) error {
		var state string
		if err := tx.tx.QueryRowContext(ctx, `SELECT state FROM outbox WHERE uuid = ?`, uuid).Scan(&state); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("outbox %s: %w", uuid, ErrNotFound)
			}
			return err
		}
		if state == OutboxPending {
			return fmt.Errorf("outbox %s is pending: only conflicted or failed entries can be discarded", uuid)
		}
		return tx.ResolveOutbox(uuid, OutboxResult{Outcome: ResultDiscarded, By: by, At: at, Recorded: at})
	})
	if err != nil {
		return fmt.Errorf("cache: discard: %w", err)
	}
	return nil
}

// DropPlaceholder removes a row made locally for a resource whose create
// the server has now confirmed under its own id. Only rows without a server
// version (last_updated 0) are removed; anything the server sent is kept.
func (tx *Tx) DropPlaceholder(resourceType, id string) error {
	// Only types nothing else in the cache points at by foreign key.
	table := map[string]string{"Communication": "communications", "QuestionnaireResponse": "questionnaire_responses",
		"Task": "tasks"}[resourceType]
	if table == "" {
		return nil
	}
	if _, err := tx.exec(`DELETE FROM `+table+` WHERE id = ? AND last_updated = 0`, id); err != nil {
		return fmt.Errorf("drop local %s %s: %w", resourceType, id, err)
	}
	return nil
}
