package central

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// The statements every arrival runs, prepared once per connection instead
// of parsed and planned again for each call.
const (
	qTickIfAhead   = `UPDATE clock SET ms = ?1 WHERE k = 1 AND ms <= ?1`
	qClock         = `SELECT ms FROM clock WHERE k = 1`
	qSetClock      = `INSERT INTO clock(k, ms) VALUES (1, ?) ON CONFLICT(k) DO UPDATE SET ms = excluded.ms`
	qCurrent       = `SELECT ` + storedCols + ` FROM resources WHERE type = ? AND id = ?`
	qByPatient     = `SELECT ` + storedCols + ` FROM resources WHERE type = ? AND patient_id = ?`
	qDeleteParams  = `DELETE FROM params WHERE type = ? AND id = ?`
	qDeleteParam   = `DELETE FROM params WHERE type = ? AND name = ? AND value = ? AND id = ?`
	qPutParam      = `INSERT OR IGNORE INTO params(type, id, name, value) VALUES (?, ?, ?, ?)`
	qDeleteReading = `DELETE FROM readings WHERE id = ?`
	qPutReading    = `INSERT INTO readings(id, patient_id, kind, taken_ms, void) VALUES (?, ?, ?, ?, ?)`
	qPutCurrent    = `INSERT INTO resources(type, id, version_id, last_updated, patient_id, json) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT(type, id) DO UPDATE SET version_id = excluded.version_id, last_updated = excluded.last_updated, patient_id = excluded.patient_id, json = excluded.json`
	qPutHistory = `INSERT INTO history(type, id, version_id, last_updated, json) VALUES (?, ?, ?, ?, ?)`
)

// hotStatements are prepared when the store opens.
var hotStatements = []string{qTickIfAhead, qClock, qSetClock, qCurrent, qByPatient, qDeleteParam, qPutParam, qDeleteReading, qPutReading,
	qPutCurrent, qPutHistory, qFindByParam, qReadingsSince, qSlotReadings, qHistoryOf, qRegimeStamp, qSavepoint, qRollbackTo, qRelease}

// prepare prepares hotStatements.
func (s *Store) prepare(ctx context.Context) error {
	s.stmts = make(map[string]*sql.Stmt, len(hotStatements))
	for _, q := range hotStatements {
		st, err := s.db.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", q, err)
		}
		s.stmts[q] = st
	}
	return nil
}

// readStatements bounds the statements the read pool keeps prepared. A
// search's SQL text depends only on which parameters it has (and how many
// values a list holds), never on their values, so a console's sync round
// asks the same dozen texts again and again; parsing and planning them
// (the visibility condition is long) was a fifth of the central's CPU
// for a round that found nothing new.
const readStatements = 256

// readCache holds the read pool's prepared statements, at most a bound of
// them, the least recently used pushed out. A statement is closed when it
// is pushed out and no one uses it: a request that took it (roleOf, a read
// transaction) keeps it open until it is done, however many others are
// prepared meanwhile. Closing it while in use failed that request ("sql:
// statement is closed").
type readCache struct {
	mu   sync.Mutex
	lru  *simplelru.LRU[string, *readEntry]
	shut []*sql.Stmt // pushed out by the last add, unused: closed after it
	// warming are the texts being prepared in the background (warm).
	warming map[string]bool
}

// readEntry is one prepared statement and how many hold it now.
type readEntry struct {
	st   *sql.Stmt
	uses int
	out  bool // pushed out of the cache: closed by the last to let go
}

// newReadCache returns a cache of at most n statements.
func newReadCache(n int) (*readCache, error) {
	c := &readCache{}
	l, err := simplelru.NewLRU(n, func(_ string, e *readEntry) {
		e.out = true
		if e.uses == 0 {
			c.shut = append(c.shut, e.st)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("statement cache: %w", err)
	}
	c.lru = l
	return c, nil
}

// take returns q's statement, held until release is called, or false when
// q is not prepared.
func (c *readCache) take(q string) (*readEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.lru.Get(q)
	if ok {
		e.uses++
	}
	return e, ok
}

// add keeps st as q's statement and returns it held (the one already kept
// if another request prepared q meanwhile; st is then closed).
func (c *readCache) add(q string, st *sql.Stmt) *readEntry {
	c.mu.Lock()
	if e, ok := c.lru.Get(q); ok {
		e.uses++
		c.mu.Unlock()
		_ = st.Close()
		return e
	}
	e := &readEntry{st: st, uses: 1}
	c.lru.Add(q, e)
	shut := c.shut
	c.shut = nil
	c.mu.Unlock()
	for _, st := range shut {
		_ = st.Close()
	}
	return e
}

// release lets go of e; the last to let go of a statement pushed out
// closes it.
func (c *readCache) release(e *readEntry) {
	c.mu.Lock()
	e.uses--
	last := e.out && e.uses == 0
	c.mu.Unlock()
	if last {
		_ = e.st.Close()
	}
}

// Len is how many statements the cache keeps.
func (c *readCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// Contains reports whether the cache keeps q's statement.
func (c *readCache) Contains(q string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Contains(q)
}

// Purge pushes every statement out, closing those no one uses.
func (c *readCache) Purge() {
	c.mu.Lock()
	c.lru.Purge()
	shut := c.shut
	c.shut = nil
	c.mu.Unlock()
	for _, st := range shut {
		_ = st.Close()
	}
}

// readStmt is q prepared on the read pool, from the cache or prepared now,
// and the function that lets go of it once its rows are read; nil when it
// cannot be prepared (the caller runs q unprepared and meets the error
// there).
func (s *Store) readStmt(ctx context.Context, q string) (*sql.Stmt, func()) {
	if s.rstmts == nil || s.rdb == nil {
		return nil, nil
	}
	c := s.rstmts
	e, ok := c.take(q)
	if !ok {
		st, err := s.rdb.PrepareContext(ctx, q)
		if err != nil {
			return nil, nil
		}
		e = c.add(q, st)
	}
	return e.st, func() { c.release(e) }
}

// stmt is the transaction's handle on a prepared statement: in a write
// transaction one of hotStatements (nil for any other q), in a read
// transaction any q, prepared once for the read pool (readStmt).
func (t *tx) stmt(q string) *sql.Stmt {
	if t.read {
		return t.readStmt(q)
	}
	if st, ok := t.s.stmts[q]; ok {
		return t.sql.StmtContext(t.ctx, st)
	}
	return nil
}

// readStmt is q prepared for a read transaction: the read pool's
// statement when the cache has it (held until the transaction ends: its
// rows may still be read), else q prepared on the transaction's own
// connection while the pool's is prepared in the background. Preparing
// on the pool here would wait for a free connection while holding one:
// as many transactions as the pool has connections, each asking a new
// text, waited for each other until their requests were cancelled.
func (t *tx) readStmt(q string) *sql.Stmt {
	if st, ok := t.own[q]; ok {
		return st
	}
	if st, ok := t.held[q]; ok {
		return t.sql.StmtContext(t.ctx, st)
	}
	c := t.s.rstmts
	if c == nil {
		return nil
	}
	if e, ok := c.take(q); ok {
		if t.held == nil {
			t.held = map[string]*sql.Stmt{}
		}
		t.held[q] = e.st
		t.releases = append(t.releases, func() { c.release(e) })
		return t.sql.StmtContext(t.ctx, e.st)
	}
	st, err := t.sql.PrepareContext(t.ctx, q)
	if err != nil {
		return nil // run unprepared, meeting the error there
	}
	// Closed with the transaction.
	if t.own == nil {
		t.own = map[string]*sql.Stmt{}
	}
	t.own[q] = st
	t.s.warm(q)
	return st
}

// warm prepares q on the read pool in the background, once however many
// ask, and keeps it in the cache; Close waits for it.
func (s *Store) warm(q string) {
	c := s.rstmts
	c.mu.Lock()
	if c.warming == nil {
		c.warming = map[string]bool{}
	}
	if c.warming[q] || c.lru.Contains(q) || s.life == nil || s.life.Err() != nil {
		c.mu.Unlock()
		return
	}
	c.warming[q] = true
	s.warmers.Add(1)
	c.mu.Unlock()
	go func() {
		defer s.warmers.Done()
		defer func() {
			c.mu.Lock()
			delete(c.warming, q)
			c.mu.Unlock()
		}()
		st, err := s.rdb.PrepareContext(s.life, q)
		if err != nil {
			return // prepared on the next use instead
		}
		c.release(c.add(q, st))
	}()
}

func (t *tx) query(q string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(q); st != nil {
		return st.QueryContext(t.ctx, args...)
	}
	return t.sql.QueryContext(t.ctx, q, args...)
}

func (t *tx) queryRow(q string, args ...any) *sql.Row {
	if st := t.stmt(q); st != nil {
		return st.QueryRowContext(t.ctx, args...)
	}
	return t.sql.QueryRowContext(t.ctx, q, args...)
}

func (t *tx) exec(q string, args ...any) (sql.Result, error) {
	if st := t.stmt(q); st != nil {
		return st.ExecContext(t.ctx, args...)
	}
	return t.sql.ExecContext(t.ctx, q, args...)
}
