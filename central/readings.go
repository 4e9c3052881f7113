package central

import (
	"context"
	"fmt"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// schemaVersion is the database's PRAGMA user_version once upgrade has run:
// 1 = the readings table is filled; 2 = readings carry void (a reading
// marked entered-in-error or cancelled).
const schemaVersion = 2

// upgrade brings a database made by an older central up to schemaVersion,
// in one transaction: it (re)fills the readings table from the stored
// Observations.
func (s *Store) upgrade(ctx context.Context) error {
	var v int
	if err := s.db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v >= schemaVersion {
		return nil
	}
	return s.inTx(ctx, func(t *tx) error {
		if v < 2 {
			if err := t.addColumn("readings", "void", "INTEGER NOT NULL DEFAULT 0"); err != nil {
				return err
			}
			if err := t.refillReadings(); err != nil {
				return err
			}
		}
		if _, err := t.exec(fmt.Sprintf(`PRAGMA user_version = %d`, schemaVersion)); err != nil {
			return fmt.Errorf("write schema version: %w", err)
		}
		return nil
	})
}

// addColumn adds a column to a table made before it existed.
func (t *tx) addColumn(table, column, decl string) error {
	var n int
	if err := t.queryRow(`SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?`, table, column).Scan(&n); err != nil {
		return fmt.Errorf("columns of %s: %w", table, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := t.exec(`ALTER TABLE ` + table + ` ADD COLUMN ` + column + ` ` + decl); err != nil {
		return fmt.Errorf("add %s.%s: %w", table, column, err)
	}
	return nil
}

// refillReadings indexes every stored Observation's reading again.
func (t *tx) refillReadings() error {
	if _, err := t.exec(`DELETE FROM readings`); err != nil {
		return fmt.Errorf("clear readings: %w", err)
	}
	// In pages of ids, so a year of a large clinic is never all in
	// memory.
	for after := ""; ; {
		rows, err := t.query(`SELECT `+storedCols+` FROM resources WHERE type = 'Observation' AND id > ? ORDER BY id LIMIT 1000`, after)
		if err != nil {
			return fmt.Errorf("read observations: %w", err)
		}
		stored, err := collectStored(rows)
		if err != nil {
			return fmt.Errorf("read observations: %w", err)
		}
		if len(stored) == 0 {
			return nil
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
}

// indexReading keeps the readings row of Observation id in step with its
// current version.
func (t *tx) indexReading(id string, ix index) error {
	if _, err := t.exec(qDeleteReading, id); err != nil {
		return fmt.Errorf("reindex reading %s: %w", id, err)
	}
	if ix.reading == nil {
		return nil
	}
	if _, err := t.exec(qPutReading,
		id, ix.patientID, ix.reading.kind, ix.reading.taken, ix.reading.void); err != nil {
		return fmt.Errorf("index reading %s: %w", id, err)
	}
	return nil
}
