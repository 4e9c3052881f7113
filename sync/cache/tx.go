package cache

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
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
// Statements are prepared once per Store (see stmtCache) and reused.
//
// Its statements run under ctx without its cancellation (the driver would
// start a goroutine per statement to watch it); a cancelled or expired
// Write context still ends the transaction: the next statement returns
// the context's error, and database/sql rolls the transaction back.
type Tx struct {
	ctx   context.Context // the Write context without cancellation, for statements
	done  context.Context // the Write context, checked before each statement
	tx    *sql.Tx
	store *Store
	stmts map[string]*sql.Stmt
	fresh []string // queries this Tx prepared that the Store has not
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
	s.stmts.prepare(ctx, s.w)
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("cache: begin write: %w", classify(err))
	}
	tx := &Tx{ctx: context.WithoutCancel(ctx), done: ctx, tx: sqlTx, store: s, stmts: make(map[string]*sql.Stmt), now: s.now, audit: s.audit}
	committed := false
	defer func() {
		if !committed {
			if rbErr := sqlTx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) && err != nil {
				err = errors.Join(err, fmt.Errorf("cache: rollback: %w", rbErr))
			}
		}
		// The next Write prepares them on the database.
		s.stmts.add(tx.fresh)
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

// stmt returns the prepared statement for query in this transaction: the
// Store's, or prepared now (and kept by the Store once the transaction
// ends). It fails with the Write context's error once that is done.
func (tx *Tx) stmt(query string) (*sql.Stmt, error) {
	if err := tx.done.Err(); err != nil {
		return nil, err
	}
	if st, ok := tx.stmts[query]; ok {
		return st, nil
	}
	var st *sql.Stmt
	if shared := tx.store.stmts.get(query); shared != nil {
		st = tx.tx.StmtContext(tx.ctx, shared)
	} else {
		var err error
		if st, err = tx.tx.PrepareContext(tx.ctx, query); err != nil {
			return nil, fmt.Errorf("prepare: %w", err)
		}
		tx.fresh = append(tx.fresh, query)
	}
	tx.stmts[query] = st
	return st, nil
}

// maxSharedStmts bounds the statements a Store keeps prepared.
const maxSharedStmts = 256

// stmtCache holds statements prepared on the writer connection, so that
// a transaction does not parse again what the one before it ran (Tx.stmt
// binds them to the transaction). A Tx cannot prepare on the database
// while it holds the only connection: what it prepared itself waits in
// pending, and the next Write prepares it before it begins.
type stmtCache struct {
	mu      sync.Mutex
	m       map[string]*sql.Stmt
	pending []string
}

func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[query]
}

// add queues queries to be prepared, up to maxSharedStmts in all.
func (c *stmtCache) add(queries []string) {
	if len(queries) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, q := range queries {
		if _, ok := c.m[q]; !ok && len(c.m)+len(c.pending) < maxSharedStmts {
			c.pending = append(c.pending, q)
		}
	}
}

// prepare prepares the queued queries on db. It holds no lock while it
// waits for the connection. A query that fails to prepare is left out:
// Tx.stmt prepares it again in its transaction.
func (c *stmtCache) prepare(ctx context.Context, db *sql.DB) {
	c.mu.Lock()
	queries := c.pending
	c.pending = nil
	c.mu.Unlock()
	for _, q := range queries {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if _, dup := c.m[q]; dup {
			st.Close()
		} else {
			if c.m == nil {
				c.m = map[string]*sql.Stmt{}
			}
			c.m[q] = st
		}
		c.mu.Unlock()
	}
}

// onDB returns query prepared on db, preparing it now the first time (up
// to maxSharedStmts; beyond that a statement is prepared for this use
// only and closed by done). db must have a connection free: a pool
// (database/sql prepares it again on each connection that runs it).
func (c *stmtCache) onDB(ctx context.Context, db *sql.DB, query string) (st *sql.Stmt, done func(), err error) {
	if st := c.get(query); st != nil {
		return st, func() {}, nil
	}
	st, err = db.PrepareContext(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if have, dup := c.m[query]; dup {
		st.Close()
		return have, func() {}, nil
	}
	if len(c.m)+len(c.pending) >= maxSharedStmts {
		return st, func() { st.Close() }, nil
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = st
	return st, func() {}, nil
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m, c.pending = nil, nil
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
