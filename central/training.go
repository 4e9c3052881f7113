package central

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// A central database is either real or for training and tests. Only a
// training database may be served on a moved clock (triage, tasks and cover
// periods at a time that is not now), and its CapabilityStatement says so
// (meta.tag v3-ActReason HTEST), so a console on a moved clock can refuse
// to write into a real one.

const metaSchema = `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`

const metaTraining = "training"

// MarkTraining marks the database as holding training and test data only.
func (s *Store) MarkTraining(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, metaSchema); err != nil {
		return fmt.Errorf("mark training: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, '1')
ON CONFLICT (key) DO UPDATE SET value = excluded.value`, metaTraining); err != nil {
		return fmt.Errorf("mark training: %w", err)
	}
	return nil
}

// Training reports whether the database is marked as training data.
func (s *Store) Training(ctx context.Context) (bool, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, metaTraining).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil && isNoSuchTable(err):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("training mark: %w", err)
	}
	return v == "1", nil
}

// Empty reports whether the database holds no resources yet.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM resources LIMIT 1)`).Scan(&n); err != nil {
		return false, fmt.Errorf("count resources: %w", err)
	}
	return n == 0, nil
}

func isNoSuchTable(err error) bool {
	return strings.Contains(err.Error(), "no such table")
}

// capabilityFor is the CapabilityStatement, tagged as test data when the
// database is a training one.
func (s *Server) capabilityFor(r *http.Request) *fhir.CapabilityStatement {
	cs := Capability()
	if ok, err := s.store.Training(r.Context()); err == nil && ok {
		cs.Meta = &fhir.Meta{Tag: []fhir.Coding{{System: fhir.SystemActReason, Code: fhir.CodeTestData, Display: "test health data"}}}
		// The clinical clock of a training central (a classroom's session
		// clock, or --clock-offset), for consoles to follow.
		cs.Extension = append(cs.Extension, fhir.ServerClockExtension(s.now()))
	}
	return cs
}
