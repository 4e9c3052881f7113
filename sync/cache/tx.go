package cache

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Meta is the server identity of a row: the FHIR resource id, its versionId
// and meta.lastUpdated. A zero LastUpdated means the row has no server
// version yet (made locally, or by the demo generator).
type Meta struct {
	ID, VersionID string
	LastUpdated   time.Time
}

// Tx is one write transaction on the writer connection. Its Put methods are
// upserts by id: an incoming row replaces the stored one unless the stored
// one is newer (a later last_updated, or the same last_updated and a higher
// version id). A row older than the stored one is ignored without error.
// Statements are prepared once per Tx and reused.
type Tx struct {
	ctx   context.Context
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
	now   func() time.Time
	audit func() time.Time // nil: keep the entry's time
	hints *pageHints       // set while ApplyPage stores a page in one piece
}

// Write runs fn in one transaction on the writer connection and commits it
// if fn returns nil; otherwise (or if fn panics) it rolls back. Writes are
// serialised: fn must not call Write or Store.Audit itself (that would wait
// for the writer it holds); use the Tx methods, e.g. Tx.Audit. Reads from
// the Store inside fn see the last committed state, not fn's own writes.
func (s *Store) Write(ctx context.Context, fn func(tx *Tx) error) (err error) {
	if err := s.check(); err != nil {
		return err
	}
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("cache: begin write: %w", classify(err))
	}
	tx := &Tx{ctx: ctx, tx: sqlTx, stmts: make(map[string]*sql.Stmt), now: s.now, audit: s.audit}
	committed := false
	defer func() {
		if !committed {
			if rbErr := sqlTx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) && err != nil {
				err = errors.Join(err, fmt.Errorf("cache: rollback: %w", rbErr))
			}
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("cache: commit: %w", classify(err))
	}
	committed = true
	return nil
}

// stmt returns the prepared statement for query, preparing it on first use.
func (tx *Tx) stmt(query string) (*sql.Stmt, error) {
	if st, ok := tx.stmts[query]; ok {
		return st, nil
	}
	st, err := tx.tx.PrepareContext(tx.ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	tx.stmts[query] = st
	return st, nil
}

// exec runs a cached statement and returns the number of rows it changed.
func (tx *Tx) exec(query string, args ...any) (int64, error) {
	st, err := tx.stmt(query)
	if err != nil {
		return 0, err
	}
	res, err := st.ExecContext(tx.ctx, args...)
	if err != nil {
		return 0, classify(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	return n, nil
}

// newer is the upsert guard for table t: the incoming (excluded) row wins
// unless the stored row has a later last_updated, or the same one and a
// higher version id. Version ids compare as numbers when they are digit
// strings without leading zeros (shorter first, then lexically).
func newer(t string) string {
	return fmt.Sprintf(`excluded.last_updated > %[1]s.last_updated
		OR (excluded.last_updated = %[1]s.last_updated
			AND (length(excluded.version_id), excluded.version_id) >= (length(%[1]s.version_id), %[1]s.version_id))`, t)
}

// resolveID reconciles a domain object's id with its Meta.ID: either may be
// empty, but when both are set they must agree.
func resolveID(what, domainID, metaID string) (string, error) {
	switch {
	case domainID == "" && metaID == "":
		return "", fmt.Errorf("%s: missing id", what)
	case domainID == "":
		return metaID, nil
	case metaID == "" || metaID == domainID:
		return domainID, nil
	}
	return "", fmt.Errorf("%s %s: meta id %s differs", what, domainID, metaID)
}

// clock is the Store's clock (time.Now for a Tx made without one).
func (tx *Tx) clock() time.Time {
	if tx.now == nil {
		return time.Now()
	}
	return tx.now()
}
