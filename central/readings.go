package central

import (
	"context"
	"fmt"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// schemaVersion is the database's PRAGMA user_version once upgrade has run:
// 1 = the readings table is filled; 2 = readings carry void (a reading
// marked entered-in-error or cancelled); 3 = history holds superseded
// versions only, packed (history.go); 4 = params is a WITHOUT ROWID table
// keyed in look-up order; 5 = current versions in resources are packed
// too; 6 = params has no index by owner; 7 = AuditEvents are written
// packed with S2 (packedV3, history.go), which a central before 7 cannot
// read (the rows written before stay as they are: nothing to convert). A
// change to what extract indexes raises it, with a step that indexes the
// stored resources again (TestExtractionFollowsTheSchemaVersion fails
// until it does).
const schemaVersion = 7

// upgrade brings a database made by an older central up to schemaVersion.
// Each step can be interrupted and run again: user_version is raised only
// when the step is done. An older central cannot open the upgraded
// database (it would not find current versions in history).
func (s *Store) upgrade(ctx context.Context) error {
	var v int
	if err := s.db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v > schemaVersion {
		// Written by a newer central: its rows may be packed in a way
		// this one cannot read (an access report would skip them).
		return fmt.Errorf("the database is of schema version %d, newer than this central's %d: use a central of that version or newer", v, schemaVersion)
	}
	if v == schemaVersion {
		return nil
	}
	if v < 2 {
		err := s.runTx(ctx, func(t *tx) error {
			if err := t.addColumn("readings", "void", "INTEGER NOT NULL DEFAULT 0"); err != nil {
				return err
			}
			return t.refillReadings()
		})
		if err != nil {
			return err
		}
	}
	if v < 3 {
		if err := s.compactHistory(ctx); err != nil {
			return err
		}
	}
	if v < 4 {
		if err := s.runTx(ctx, func(t *tx) error { return t.rebuildParams() }); err != nil {
			return err
		}
	}
	if v < 5 {
		if err := s.packCurrent(ctx); err != nil {
			return err
		}
	}
	if v < 6 {
		if _, err := s.db.ExecContext(ctx, `DROP INDEX IF EXISTS params_owner`); err != nil {
			return fmt.Errorf("drop params_owner: %w", err)
		}
	}
	if _, err := s.db.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, schemaVersion)); err != nil {
		return fmt.Errorf("write schema version: %w", err)
	}
	return nil
}

// compactHistory removes from history the copies of current versions and
// packs the superseded ones, in transactions of historyBatch rows with a
// checkpoint after each, so a large database's log does not grow by the
// whole table.
func (s *Store) compactHistory(ctx context.Context) error {
	const historyBatch = 2000
	for after := int64(-1); ; {
		n := 0
		err := s.runTx(ctx, func(t *tx) error {
			rows, err := t.query(`SELECT h.rowid, h.json, r.version_id IS h.version_id
				FROM history h LEFT JOIN resources r ON r.type = h.type AND r.id = h.id
				WHERE h.rowid > ? ORDER BY h.rowid LIMIT ?`, after, historyBatch)
			if err != nil {
				return fmt.Errorf("read history: %w", err)
			}
			type row struct {
				id      int64
				js      []byte
				current bool
			}
			var batch []row
			for rows.Next() {
				var r row
				if err := rows.Scan(&r.id, &r.js, &r.current); err != nil {
					rows.Close()
					return fmt.Errorf("read history: %w", err)
				}
				batch = append(batch, r)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return fmt.Errorf("read history: %w", err)
			}
			for _, r := range batch {
				switch {
				case r.current:
					if _, err := t.exec(`DELETE FROM history WHERE rowid = ?`, r.id); err != nil {
						return fmt.Errorf("drop a current copy from history: %w", err)
					}
				case !packed(r.js):
					packed, err := packJSON(r.js)
					if err != nil {
						return err
					}
					if _, err := t.exec(`UPDATE history SET json = ? WHERE rowid = ?`, packed, r.id); err != nil {
						return fmt.Errorf("pack history: %w", err)
					}
				}
				after = r.id
			}
			n = len(batch)
			return nil
		})
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		if _, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
	}
}

// packCurrent packs the current versions of a database made before
// schema version 5. It copies resources into a new table in rowid order,
// packing each document, in transactions of copyBatch rows with a
// checkpoint after each, and then puts the new table in the old one's
// place: rewritten in place, the shrunken rows would leave their pages
// mostly empty. Run again after an interruption, it starts the copy over.
func (s *Store) packCurrent(ctx context.Context) error {
	const copyBatch = 2000
	err := s.runTx(ctx, func(t *tx) error {
		for _, q := range []string{
			`DROP TABLE IF EXISTS resources_v5`,
			`CREATE TABLE resources_v5 (
				type         TEXT NOT NULL,
				id           TEXT NOT NULL,
				version_id   INTEGER NOT NULL,
				last_updated INTEGER NOT NULL,
				patient_id   TEXT NOT NULL DEFAULT '',
				json         TEXT NOT NULL,
				PRIMARY KEY (type, id)
			)`,
		} {
			if _, err := t.exec(q); err != nil {
				return fmt.Errorf("pack current versions: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for after := int64(-1); ; {
		n := 0
		err := s.runTx(ctx, func(t *tx) error {
			rows, err := t.query(`SELECT rowid, type, id, version_id, last_updated, patient_id, json
				FROM resources WHERE rowid > ? ORDER BY rowid LIMIT ?`, after, copyBatch)
			if err != nil {
				return fmt.Errorf("read current versions: %w", err)
			}
			type row struct {
				rowid, vid, lu int64
				typ, id, pid   string
				js             []byte
			}
			var batch []row
			for rows.Next() {
				var r row
				if err := rows.Scan(&r.rowid, &r.typ, &r.id, &r.vid, &r.lu, &r.pid, &r.js); err != nil {
					rows.Close()
					return fmt.Errorf("read current versions: %w", err)
				}
				batch = append(batch, r)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return fmt.Errorf("read current versions: %w", err)
			}
			for _, r := range batch {
				col := r.js
				if !packed(r.js) {
					if col, err = packJSON(r.js); err != nil {
						return err
					}
				}
				if _, err := t.exec(`INSERT INTO resources_v5(rowid, type, id, version_id, last_updated, patient_id, json) VALUES (?, ?, ?, ?, ?, ?, ?)`,
					r.rowid, r.typ, r.id, r.vid, r.lu, r.pid, col); err != nil {
					return fmt.Errorf("pack %s/%s: %w", r.typ, r.id, err)
				}
				after = r.rowid
			}
			n = len(batch)
			return nil
		})
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		if _, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
	}
	return s.runTx(ctx, func(t *tx) error {
		for _, q := range []string{
			`DROP TABLE resources`, // and its indexes
			`ALTER TABLE resources_v5 RENAME TO resources`,
			`CREATE INDEX resources_by_time ON resources(type, last_updated, id)`,
			`CREATE INDEX resources_by_patient ON resources(type, patient_id)`,
		} {
			if _, err := t.exec(q); err != nil {
				return fmt.Errorf("pack current versions: %w", err)
			}
		}
		return nil
	})
}

// rebuildParams moves a rowid params table (with its params_lookup index,
// a third copy of every row) into the WITHOUT ROWID layout of the schema;
// nothing when it is already there.
func (t *tx) rebuildParams() error {
	var withoutRowid int
	if err := t.queryRow(`SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'params' AND sql LIKE '%WITHOUT ROWID%'`).Scan(&withoutRowid); err != nil {
		return fmt.Errorf("params layout: %w", err)
	}
	if withoutRowid > 0 {
		return nil
	}
	for _, q := range []string{
		`CREATE TABLE params_v4 (
			type  TEXT NOT NULL,
			name  TEXT NOT NULL,
			value TEXT NOT NULL,
			id    TEXT NOT NULL,
			PRIMARY KEY (type, name, value, id)
		) WITHOUT ROWID`,
		`INSERT OR IGNORE INTO params_v4(type, name, value, id) SELECT type, name, value, id FROM params ORDER BY type, name, value, id`,
		`DROP TABLE params`, // and its indexes
		`ALTER TABLE params_v4 RENAME TO params`,
	} {
		if _, err := t.exec(q); err != nil {
			return fmt.Errorf("rebuild params: %w", err)
		}
	}
	return nil
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
