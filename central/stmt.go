package central

import (
	"context"
	"database/sql"
	"fmt"
)

// The statements every arrival runs, prepared once per connection instead
// of parsed and planned again for each call.
const (
	qClock         = `SELECT ms FROM clock WHERE k = 1`
	qSetClock      = `INSERT INTO clock(k, ms) VALUES (1, ?) ON CONFLICT(k) DO UPDATE SET ms = excluded.ms`
	qCurrent       = `SELECT ` + storedCols + ` FROM resources WHERE type = ? AND id = ?`
	qByPatient     = `SELECT ` + storedCols + ` FROM resources WHERE type = ? AND patient_id = ?`
	qDeleteParams  = `DELETE FROM params WHERE type = ? AND id = ?`
	qPutParam      = `INSERT OR IGNORE INTO params(type, id, name, value) VALUES (?, ?, ?, ?)`
	qDeleteReading = `DELETE FROM readings WHERE id = ?`
	qPutReading    = `INSERT INTO readings(id, patient_id, kind, taken_ms, void) VALUES (?, ?, ?, ?, ?)`
	qPutCurrent    = `INSERT INTO resources(type, id, version_id, last_updated, patient_id, json) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT(type, id) DO UPDATE SET version_id = excluded.version_id, last_updated = excluded.last_updated, patient_id = excluded.patient_id, json = excluded.json`
	qPutHistory = `INSERT INTO history(type, id, version_id, last_updated, json) VALUES (?, ?, ?, ?, ?)`
)

// hotStatements are prepared when the store opens.
var hotStatements = []string{qClock, qSetClock, qCurrent, qByPatient, qDeleteParams, qPutParam, qDeleteReading, qPutReading,
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

// stmt is the transaction's handle on a prepared statement; nil when q is
// not one of hotStatements.
func (t *tx) stmt(q string) *sql.Stmt {
	if t.read {
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
