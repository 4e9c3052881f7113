package central

import (
	"context"
	"fmt"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// schemaVersion is the database's PRAGMA user_version once upgrade has run:
// 1 = the readings table is filled.
const schemaVersion = 1

// upgrade brings a database made by an older central up to schemaVersion:
// it fills the readings table from the stored Observations, once.
func (s *Store) upgrade(ctx context.Context) error {
	var v int
	if err := s.db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v >= schemaVersion {
		return nil
	}
	return s.inTx(ctx, func(t *tx) error {
		// In pages of ids, so a year of a large clinic is never all in
		// memory.
		for after := ""; ; {
			rows, err := t.sql.QueryContext(ctx, `SELECT `+storedCols+` FROM resources WHERE type = 'Observation' AND id > ? ORDER BY id LIMIT 1000`, after)
			if err != nil {
				return fmt.Errorf("read observations: %w", err)
			}
			stored, err := collectStored(rows)
			if err != nil {
				return fmt.Errorf("read observations: %w", err)
			}
			if len(stored) == 0 {
				break
			}
			for _, st := range stored {
				o, err := fhir.Decode[*fhir.Observation](st.JSON)
				if err != nil {
					continue // refused or parked when it came; never a reading
				}
				if err := t.indexReading(st.ID, extract(o)); err != nil {
					return err
				}
			}
			after = stored[len(stored)-1].ID
		}
		if _, err := t.sql.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, schemaVersion)); err != nil {
			return fmt.Errorf("write schema version: %w", err)
		}
		return nil
	})
}

// indexReading keeps the readings row of Observation id in step with its
// current version.
func (t *tx) indexReading(id string, ix index) error {
	if _, err := t.sql.ExecContext(t.ctx, `DELETE FROM readings WHERE id = ?`, id); err != nil {
		return fmt.Errorf("reindex reading %s: %w", id, err)
	}
	if ix.reading == nil {
		return nil
	}
	if _, err := t.sql.ExecContext(t.ctx, `INSERT INTO readings(id, patient_id, kind, taken_ms) VALUES (?, ?, ?, ?)`,
		id, ix.patientID, ix.reading.kind, ix.reading.taken); err != nil {
		return fmt.Errorf("index reading %s: %w", id, err)
	}
	return nil
}
