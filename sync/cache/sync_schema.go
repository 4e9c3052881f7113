package cache

import (
	"context"
	"database/sql"
	"fmt"
)

// syncSchema holds the sync engine's own tables. They are created by
// PrepareSync (idempotent) rather than by a numbered migration so that the
// sync engine could be built beside the cache's migrations; folding them
// into the next migration is a mechanical change.
//
//   - sync_resources: raw CarePlan and ServiceRequest JSON, because a regime
//     version is built from a CarePlan and its ServiceRequests, which arrive
//     separately.
//   - sync_parked: pulled resources that could not be applied yet (their
//     patient is not in the cache, or they do not map); kept, counted and
//     retried, never dropped.
//   - outbox_conflicts: the server's current version next to an outbox item
//     that got 412, so the UI can show both.
//   - outbox_results: how items ended that the UI should hear about (e.g. a
//     task already acknowledged by someone else).
const syncSchema = `
CREATE TABLE IF NOT EXISTS sync_resources (
    resource_type TEXT NOT NULL,
    id            TEXT NOT NULL,
    version_id    TEXT NOT NULL DEFAULT '',
    last_updated  INTEGER NOT NULL DEFAULT 0,
    plan_id       TEXT NOT NULL DEFAULT '',
    json          TEXT NOT NULL CHECK (json_valid(json)),
    PRIMARY KEY (resource_type, id)
);
CREATE INDEX IF NOT EXISTS sync_resources_plan ON sync_resources (plan_id) WHERE plan_id <> '';
CREATE TABLE IF NOT EXISTS sync_parked (
    resource_type TEXT NOT NULL,
    id            TEXT NOT NULL,
    version_id    TEXT NOT NULL DEFAULT '',
    last_updated  INTEGER NOT NULL DEFAULT 0,
    json          TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    parked        INTEGER NOT NULL,
    PRIMARY KEY (resource_type, id)
);
CREATE TABLE IF NOT EXISTS outbox_conflicts (
    uuid           TEXT PRIMARY KEY,
    server_json    TEXT NOT NULL DEFAULT '',
    server_version TEXT NOT NULL DEFAULT '',
    detected       INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox_results (
    seq           INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id   TEXT NOT NULL DEFAULT '',
    outcome       TEXT NOT NULL,
    by_whom       TEXT NOT NULL DEFAULT '',
    at            INTEGER,
    detail        TEXT NOT NULL DEFAULT '',
    recorded      INTEGER NOT NULL
);
`

// PrepareSync creates the sync engine's tables when missing. The engine
// calls it before every round; it is cheap and idempotent.
func (s *Store) PrepareSync(ctx context.Context) error {
	err := s.Write(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, syncSchema)
		return err
	})
	if err != nil {
		return fmt.Errorf("cache: prepare sync tables: %w", err)
	}
	return nil
}

// tableExists reports whether a table is in the schema (reads of the sync
// tables answer "nothing" before PrepareSync ran).
func tableExists(ctx context.Context, tx *sql.Tx, name string) (bool, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, name).Scan(&n); err != nil {
		return false, err
	}
	return n > 0, nil
}
