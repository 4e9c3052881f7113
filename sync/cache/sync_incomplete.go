package cache

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// Patients whose earlier records are still to be pulled (sync_incomplete,
// migration 14): the incremental pull asks each type for what changed
// since its watermark, so a patient who has just become visible (a cover
// began, a transfer) arrives with what changed of hers since, not with her
// earlier readings, tasks and messages. When her Patient resource is what
// arrives first, she is in the cache and no longer looks new to the
// engine's comparison of the visible patients with the cached ones; this
// table says she still is.

// UncachedPatients returns the ids of the Patients on a pulled page that
// the cache does not hold (yet): call it before ApplyPage in the same
// transaction.
func (tx *Tx) UncachedPatients(pulled []Pulled) ([]string, error) {
	st, err := tx.stmt(`SELECT 1 FROM patients WHERE id = ?`)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range pulled {
		if p.r == nil {
			continue
		}
		hd := p.r.Header()
		if hd.ResourceType != "Patient" || !fhir.ValidID(hd.ID) {
			continue
		}
		var one int
		switch err := st.QueryRowContext(tx.ctx, hd.ID).Scan(&one); {
		case errors.Is(err, sql.ErrNoRows):
			out = append(out, hd.ID)
		case err != nil:
			return nil, fmt.Errorf("cache: is patient cached: %w", err)
		}
	}
	return out, nil
}

// MarkIncomplete records that the patients' earlier records are still to
// be pulled.
func (tx *Tx) MarkIncomplete(ids []string) error {
	for _, id := range ids {
		if _, err := tx.exec(`INSERT OR IGNORE INTO sync_incomplete (patient_id) VALUES (?)`, id); err != nil {
			return fmt.Errorf("cache: mark patient incomplete: %w", err)
		}
	}
	return nil
}

// Incomplete returns the patients whose earlier records are still to be
// pulled, by id.
func (s *Store) Incomplete(ctx context.Context) (map[string]bool, error) {
	out := map[string]bool{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		return eachRow(ctx, tx, `SELECT patient_id FROM sync_incomplete`, nil, func(r scanner) error {
			var id string
			if err := r.Scan(&id); err != nil {
				return err
			}
			out[id] = true
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("cache: incomplete patients: %w", err)
	}
	return out, nil
}

// MarkComplete records that the patients' records have been pulled from
// the beginning.
func (s *Store) MarkComplete(ctx context.Context, ids []string) error {
	return s.Write(ctx, func(tx *Tx) error {
		for _, id := range ids {
			if _, err := tx.exec(`DELETE FROM sync_incomplete WHERE patient_id = ?`, id); err != nil {
				return fmt.Errorf("cache: mark patient complete: %w", err)
			}
		}
		return nil
	})
}
