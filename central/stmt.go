package central

import (
	"context"
	"database/sql"
	"fmt"

	lru "github.com/hashicorp/golang-lru/v2"
)

// The statements every arrival runs, prepared once per connection instead
// of parsed and planned again for each call.
const (
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
var hotStatements = []string{qClock, qSetClock, qCurrent, qByPatient, qDeleteParam, qPutParam, qDeleteReading, qPutReading,
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

// newReadCache returns the cache of the read pool's prepared statements;
// a statement pushed out is closed (a transaction still running it keeps
// it until it ends).
func newReadCache() (*lru.Cache[string, *sql.Stmt], error) {
	c, err := lru.NewWithEvict(readStatements, func(_ string, st *sql.Stmt) { _ = st.Close() })
	if err != nil {
		return nil, fmt.Errorf("statement cache: %w", err)
	}
	return c, nil
}

// readStmt is q prepared on the read pool, from the cache or prepared now;
// nil when it cannot be prepared (the caller runs q unprepared and meets
// the error there).
func (s *Store) readStmt(ctx context.Context, q string) *sql.Stmt {
	if s.rstmts == nil || s.rdb == nil {
		return nil
	}
	if st, ok := s.rstmts.Get(q); ok {
		return st
	}
	st, err := s.rdb.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	if prev, found, _ := s.rstmts.PeekOrAdd(q, st); found {
		// Another request prepared it meanwhile.
		_ = st.Close()
		return prev
	}
	return st
}

// stmt is the transaction's handle on a prepared statement: in a write
// transaction one of hotStatements (nil for any other q), in a read
// transaction any q, prepared once for the read pool (readStmt).
func (t *tx) stmt(q string) *sql.Stmt {
	if t.read {
		if st := t.s.readStmt(t.ctx, q); st != nil {
			return t.sql.StmtContext(t.ctx, st)
		}
		return nil
	}
	if st, ok := t.s.stmts[q]; ok {
		return t.sql.StmtContext(t.ctx, st)
	}
	return nil
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
