package cache

import (
	"context"
	"database/sql"
)

// The sync engine's tables (sync_resources, sync_parked, outbox_conflicts,
// outbox_results) are created by migration 00002_sync_tables.sql, which
// Open applies like every other migration; see that file for what each
// table holds.

// PrepareSync is kept for callers written before the sync tables became a
// migration: Open has already created them, so it only checks that the
// Store is open.
func (s *Store) PrepareSync(ctx context.Context) error {
	if err := s.check(); err != nil {
		return err
	}
	return ctx.Err()
}

// tableExists reports whether a table is in the schema. The sync tables
// always exist since migration 00002; reads keep the check so that a
// schema without them answers "nothing" rather than failing.
func tableExists(ctx context.Context, tx *sql.Tx, name string) (bool, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, name).Scan(&n); err != nil {
		return false, err
	}
	return n > 0, nil
}
