package cache

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// This file names what an outbox entry is about, for the sync problems
// screen: the patient, the reading a task is for, a practitioner's or a
// team's name. Lookups of things the cache does not hold return empty
// values, not errors.

// TaskSubject is what a task is about: its patient and, for a measurement,
// the reading (HasValue) or, for a missing measurement, the kind.
type TaskSubject struct {
	PatientID string
	Kind      domain.Kind
	Value     float64
	Value2    float64
	HasValue  bool
}

// TaskSubject looks up task id; ok is false when the cache does not hold it.
func (s *Store) TaskSubject(ctx context.Context, id string) (ts TaskSubject, ok bool, err error) {
	err = s.read(ctx, func(tx *sql.Tx) error {
		var focus string
		var kind string
		err := tx.QueryRowContext(ctx, `SELECT patient_id, focus_id, kind FROM tasks WHERE id = ?`, id).Scan(&ts.PatientID, &focus, &kind)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		ok, ts.Kind = true, domain.Kind(kind)
		if focus == "" {
			return nil
		}
		focus = strings.TrimPrefix(focus, "Observation/")
		err = tx.QueryRowContext(ctx, `SELECT kind, value, value2 FROM observations WHERE id = ?`, focus).Scan(&kind, &ts.Value, &ts.Value2)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		ts.Kind, ts.HasValue = domain.Kind(kind), true
		return nil
	})
	if err != nil {
		return TaskSubject{}, false, fmt.Errorf("cache: task subject: %w", err)
	}
	return ts, ok, nil
}

// nameQueries reads one name by id per kind of thing.
var nameQueries = map[string]string{
	"Patient":       `SELECT name FROM patients WHERE id = ?`,
	"Practitioner":  `SELECT name FROM practitioners WHERE id = ?`,
	"CareTeam":      `SELECT name FROM care_teams WHERE id = ?`,
	"Communication": `SELECT patient_id FROM communications WHERE id = ?`,
	"CarePlan":      `SELECT patient_id FROM regimes WHERE id = ? LIMIT 1`,
	"EpisodeOfCare": `SELECT patient_id FROM episodes_of_care WHERE id = ?`,
}

// Name returns the cached name of a Patient, Practitioner or CareTeam, or
// the patient id a Communication, CarePlan or EpisodeOfCare belongs to.
// ref is "Type/id" or, with typ given, a bare id. It returns "" when the
// cache does not hold it.
func (s *Store) Name(ctx context.Context, typ, ref string) (string, error) {
	if t, id, ok := strings.Cut(ref, "/"); ok {
		typ, ref = t, id
	}
	q, known := nameQueries[typ]
	if !known || ref == "" {
		return "", nil
	}
	var name string
	err := s.read(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, q, ref).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("cache: name of %s: %w", typ, err)
	}
	return name, nil
}
