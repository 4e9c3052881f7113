package cache

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// The console writes a resource by changing exactly the elements it means
// to change in the server's own JSON of it (fhir.MergeChange), so it must
// keep that JSON: the projection tables hold only what the console models.
// sync_resources keeps the server's JSON of every type the console writes,
// at the version the cache holds.

// writableRaw are the types kept raw besides CarePlan and ServiceRequest
// (which rawType keeps raw only).
var writableRaw = map[string]bool{"Task": true, "Communication": true, "EpisodeOfCare": true}

// ServerJSON returns the server's JSON of typ/id as last pulled or
// returned by a write, with its version id; ok is false when the cache has
// none (e.g. a row pulled before the cache kept it).
func (s *Store) ServerJSON(ctx context.Context, typ, id string) (raw []byte, version string, ok bool, err error) {
	err = s.read(ctx, func(tx *sql.Tx) error {
		var js string
		e := tx.QueryRowContext(ctx, `SELECT json, version_id FROM sync_resources WHERE resource_type = ? AND id = ?`, typ, id).
			Scan(&js, &version)
		if errors.Is(e, sql.ErrNoRows) {
			return nil
		}
		if e != nil {
			return e
		}
		raw, ok = []byte(js), true
		return nil
	})
	if err != nil {
		return nil, "", false, fmt.Errorf("cache: server JSON of %s %s: %w", typ, id, err)
	}
	return raw, version, ok, nil
}

// PendingOutbox returns the pending entries in order, read inside this
// transaction (so the engine can rebase them on a version it has just
// stored, with no action slipping in between).
func (tx *Tx) PendingOutbox() ([]OutboxEntry, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT `+outboxColumns+` FROM outbox WHERE state = 'pending' ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("pending outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxEntry
	for rows.Next() {
		e, err := scanOutbox(rows)
		if err != nil {
			return nil, fmt.Errorf("pending outbox: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pending outbox: %w", err)
	}
	return out, nil
}

// RewriteOutbox replaces a pending entry's payload and If-Match version
// (a chained change rebased on the version its predecessor got).
func (tx *Tx) RewriteOutbox(uuid string, payload []byte, ifMatch string) error {
	if !json.Valid(payload) {
		return fmt.Errorf("rewrite outbox %s: payload is not valid JSON", uuid)
	}
	n, err := tx.exec(`UPDATE outbox SET payload = ?, if_match = ? WHERE uuid = ? AND state = 'pending'`, string(payload), ifMatch, uuid)
	if err != nil {
		return fmt.Errorf("rewrite outbox %s: %w", uuid, err)
	}
	if n == 0 {
		return fmt.Errorf("rewrite outbox %s: %w", uuid, ErrNotFound)
	}
	return nil
}

// ServerJSON is Store.ServerJSON inside this transaction.
func (tx *Tx) ServerJSON(typ, id string) (raw []byte, version string, ok bool, err error) {
	var js string
	e := tx.tx.QueryRowContext(tx.ctx, `SELECT json, version_id FROM sync_resources WHERE resource_type = ? AND id = ?`, typ, id).
		Scan(&js, &version)
	if errors.Is(e, sql.ErrNoRows) {
		return nil, "", false, nil
	}
	if e != nil {
		return nil, "", false, fmt.Errorf("server JSON of %s %s: %w", typ, id, e)
	}
	return []byte(js), version, true, nil
}

// DropPendingVersions removes the pending regime version an outbox entry
// made (version id domain.PendingVersion(uuid)): the central's version has
// replaced it, or the change was dropped.
func (tx *Tx) DropPendingVersions(uuid string) error {
	if _, err := tx.exec(`DELETE FROM regimes WHERE version_id = ?`, domain.PendingVersion(uuid)); err != nil {
		return fmt.Errorf("drop pending regime version: %w", err)
	}
	return nil
}

// RequeueOutboxChange is RequeueOutbox for an entry whose payload carries
// the version it is made against (a change set): the payload is replaced
// too.
func (s *Store) RequeueOutboxChange(ctx context.Context, uuid, ifMatch string, payload []byte) error {
	if !json.Valid(payload) {
		return fmt.Errorf("cache: requeue %s: payload is not valid JSON", uuid)
	}
	err := s.Write(ctx, func(tx *Tx) error {
		n, err := tx.exec(`UPDATE outbox SET state = 'pending', next_attempt = 0, attempts = 0, if_match = ?, payload = ?
WHERE uuid = ? AND state IN ('conflict', 'failed')`, ifMatch, string(payload), uuid)
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
