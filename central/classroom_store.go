package central

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Store access for the classroom (central/classroom): a training central
// started from a scenario reads the outcome of each trainee's cases and
// puts a trainee's patients back to the scenario's start. None of this is
// reachable over the FHIR API.

// PatientResources returns the current version of every resource of type
// typ about patientID (for a Patient, the Patient itself).
func (s *Store) PatientResources(ctx context.Context, typ, patientID string) ([]Stored, error) {
	var out []Stored
	err := s.readTx(ctx, func(t *tx) error {
		var err error
		if typ == "Patient" {
			st, err := t.current(typ, patientID)
			if errors.Is(err, ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			out = []Stored{st}
			return nil
		}
		out, err = t.byPatient(typ, patientID)
		return err
	})
	return out, err
}

// ResourceHistory returns every version of the resources of type typ about
// patientID, oldest first per resource.
func (s *Store) ResourceHistory(ctx context.Context, typ, patientID string) ([]Stored, error) {
	var out []Stored
	err := s.readTx(ctx, func(t *tx) error {
		var err error
		out, err = t.historyOf(typ, patientID)
		return err
	})
	return out, err
}

// metaClassroom marks a classroom's database: it holds a scenario's
// session and is served only by `telehjerte-central classroom`, on the
// session's clock.
const metaClassroom = "classroom"

// SetMeta stores a key of the database's meta table (training marks, a
// classroom's session state).
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	if _, err := s.db.ExecContext(ctx, metaSchema); err != nil {
		return fmt.Errorf("set %s: %w", key, err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
		return fmt.Errorf("set %s: %w", key, err)
	}
	return nil
}

// Meta reads a key of the meta table; "" when absent.
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows), err != nil && isNoSuchTable(err):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("read %s: %w", key, err)
	}
	return v, nil
}

// MarkClassroom marks the database as a training database holding the
// named scenario's classroom.
func (s *Store) MarkClassroom(ctx context.Context, scenario string) error {
	if err := s.MarkTraining(ctx); err != nil {
		return err
	}
	return s.SetMeta(ctx, metaClassroom, scenario)
}

// Classroom is the scenario of a classroom database; "" for any other.
func (s *Store) Classroom(ctx context.Context) (string, error) {
	return s.Meta(ctx, metaClassroom)
}

// ClaimMeta sets key to value unless it already holds a non-empty value;
// true when this call set it. Two processes claiming the same key (a
// classroom's serving central and an instructor's command playing the same
// event) cannot both win.
func (s *Store) ClaimMeta(ctx context.Context, key, value string) (bool, error) {
	if _, err := s.db.ExecContext(ctx, metaSchema); err != nil {
		return false, fmt.Errorf("claim %s: %w", key, err)
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE meta.value = ''`, key, value)
	if err != nil {
		return false, fmt.Errorf("claim %s: %w", key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim %s: %w", key, err)
	}
	return n == 1, nil
}
