package central

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// TestReadQueriesUseTheirIndexes checks the query plans of the central's
// read queries that run on every arrival or sync: each must look its rows
// up through the index named here, never scan a table or an index from
// its start, so their cost does not grow with the readings a clinic keeps.
func TestReadQueriesUseTheirIndexes(t *testing.T) {
	ctx := context.Background()
	st, err := OpenStore(ctx, filepath.Join(t.TempDir(), "central.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	nurseQ, nurseArgs := conditionalQuery(Principal{Practitioner: "nurse-a"}, t0, "Observation", "x")
	patientQ, patientArgs := conditionalQuery(Principal{Patient: "p1"}, t0, "Communication", "x")
	readOnlyQ, readOnlyArgs := conditionalQuery(Principal{Practitioner: "viewer", Role: domain.RoleReadOnly}, t0, "Communication", "x")
	// A sync search: the visibility of each row it returns is looked up
	// by that row's patient, not by listing every patient the nurse may
	// see first (which made a search of one new row cost as much as the
	// clinic has patients).
	vis, visArgs := visibleClause(Principal{Practitioner: "nurse-a"}, t0, "r.patient_id")
	syncQ := `SELECT r.id FROM resources r WHERE r.type = ? AND ` + vis + ` AND r.last_updated >= ? ORDER BY r.last_updated, r.id LIMIT ?`
	syncArgs := append(append([]any{"Observation"}, visArgs...), int64(0), 201)
	cases := []struct {
		name, query, index string
		args               []any
	}{
		{"If-None-Exist of a nurse", nurseQ, "PRIMARY KEY", nurseArgs},
		{"a sync search's visibility", syncQ, "access_by_patient", syncArgs},
		{"If-None-Exist of a patient (a message)", patientQ, "PRIMARY KEY", patientArgs},
		{"If-None-Exist of a read-only user (a message)", readOnlyQ, "PRIMARY KEY", readOnlyArgs},
		{"findByParam (If-None-Exist)", qFindByParam, "PRIMARY KEY", []any{"Observation", "identifier", "x"}},
		{"removing a superseded version's parameter", qDeleteParam, "PRIMARY KEY", []any{"Task", "status", "ready", "task-1"}},
		{"a patient's readings since (slots, late arrivals, weight trend)", qReadingsSince, "readings_by_patient", []any{"p1", int64(0)}},
		{"history of a patient's regime", qHistoryOf, "resources_by_patient", []any{"CarePlan", "p1"}},
		{"a patient's readings that fill slots", qSlotReadings, "readings_by_patient", []any{"p1", int64(0)}},
		{"a patient's regime stamp (regime cache)", qRegimeStamp, "resources_by_patient", []any{"p1"}},
		{"a patient's resources of a type (her episode of care for each new task)", qByPatient, "resources_by_patient", []any{"EpisodeOfCare", "p1"}},
		{"every version of the se-adgang grants (access report)", qGrantHistory, "PRIMARY KEY", []any{"x"}},
	}
	for _, c := range cases {
		rows, err := st.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+c.query, c.args...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		all := strings.Join(plan, "; ")
		if !strings.Contains(all, "INDEX "+c.index+" ") && !(c.index == "PRIMARY KEY" && strings.Contains(all, "USING PRIMARY KEY")) {
			t.Errorf("%s does not use index %s: %s", c.name, c.index, all)
		}
		for _, step := range plan {
			// Scanning a subquery's own few rows is fine; scanning a
			// table or an index from its start is not.
			// Nor walk every row of a type through an index on it.
			if strings.HasSuffix(step, "(type=?)") {
				t.Errorf("%s walks a whole type (%s): %s", c.name, step, all)
			}
			if strings.HasPrefix(step, "SCAN ") && !strings.HasPrefix(step, "SCAN (subquery-") {
				t.Errorf("%s scans (%s): %s", c.name, step, all)
			}
			if c.index == "access_by_patient" && strings.HasPrefix(step, "LIST SUBQUERY") {
				t.Errorf("%s lists every visible patient first (%s): %s", c.name, step, all)
			}
		}
	}
}

// TestUpgradeFillsReadingsOfAnOlderDatabase: a database written before the
// readings table existed gets its readings indexed when opened, so late
// arrivals and the weight trend still see the readings it already holds.
func TestUpgradeFillsReadingsOfAnOlderDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "central.db")
	st, err := OpenStore(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := weightObs("p1", 80, t0, "ident-1")
	o.ID = "obs-1"
	o.Issued = fhir.FormatInstant(t0)
	if err := st.Put(ctx, o); err != nil {
		t.Fatal(err)
	}
	count := func(st *Store) int {
		var n int
		if err := st.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM readings WHERE patient_id = 'p1' AND taken_ms = ?`, t0.UnixMilli()).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(st); n != 1 {
		t.Fatalf("a new reading has %d readings rows, want 1", n)
	}
	// As an older central left it: no readings rows, user_version 0.
	if _, err := st.db.ExecContext(ctx, `DELETE FROM readings`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.db.ExecContext(ctx, `PRAGMA user_version = 0`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st, err = OpenStore(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n := count(st); n != 1 {
		t.Fatalf("after the upgrade the stored reading has %d readings rows, want 1", n)
	}
}

// TestUpgradeAddsVoidToReadings: a database whose readings table predates
// the void column (schema version 1) gets it when opened, filled from the
// stored Observations, so a reading marked entered-in-error fills no slot
// there either.
func TestUpgradeAddsVoidToReadings(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "central.db")
	st, err := OpenStore(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	ok := weightObs("p1", 80, t0, "ident-1")
	ok.ID, ok.Issued = "obs-1", fhir.FormatInstant(t0)
	void := weightObs("p1", 81, t0.Add(time.Hour), "ident-2")
	void.ID, void.Issued, void.Status = "obs-2", fhir.FormatInstant(t0), "entered-in-error"
	if err := st.Put(ctx, ok, void); err != nil {
		t.Fatal(err)
	}
	// As a version-1 central left it.
	for _, q := range []string{`DROP TABLE readings`,
		`CREATE TABLE readings (id TEXT PRIMARY KEY, patient_id TEXT NOT NULL, kind TEXT NOT NULL, taken_ms INTEGER NOT NULL) WITHOUT ROWID`,
		`CREATE INDEX readings_by_patient ON readings(patient_id, taken_ms)`,
		`INSERT INTO readings VALUES ('obs-1', 'p1', 'weight', 0), ('obs-2', 'p1', 'weight', 0)`,
		`PRAGMA user_version = 1`} {
		if _, err := st.db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	st.Close()
	st, err = OpenStore(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.db.QueryContext(ctx, `SELECT id, taken_ms, void FROM readings ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var id string
		var taken, v int64
		if err := rows.Scan(&id, &taken, &v); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s %v %d", id, taken > 0, v))
	}
	if want := "obs-1 true 0, obs-2 true 1"; strings.Join(got, ", ") != want {
		t.Fatalf("readings after the upgrade: %q, want %q", strings.Join(got, ", "), want)
	}
}

// TestUpgradeCompactsHistoryOfAnOlderDatabase: in a database written
// before schema version 3, history holds every version as JSON text, the
// current one included. Opened, it keeps the superseded versions only,
// packed, and every version still reads back as it was written.
func TestUpgradeCompactsHistoryOfAnOlderDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "central.db")
	st, err := OpenStore(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64][]byte{}
	for i, name := range []string{"Anna", "Anne", "Anna-Marie"} {
		pr := &fhir.Practitioner{Base: fhir.Base{ResourceType: "Practitioner", ID: "prac-1"}, Name: []fhir.HumanName{{Text: name}}}
		if err := st.Put(ctx, pr); err != nil {
			t.Fatal(err)
		}
		err := st.inTx(ctx, func(tx *tx) error {
			cur, err := tx.current("Practitioner", "prac-1")
			want[int64(i+1)] = cur.JSON
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// As an older central left it: every version in history as text.
	for vid, js := range want {
		if _, err := st.db.ExecContext(ctx, `INSERT INTO history(type, id, version_id, last_updated, json) VALUES ('Practitioner', 'prac-1', ?, 0, ?)
			ON CONFLICT DO UPDATE SET json = excluded.json`, vid, string(js)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.db.ExecContext(ctx, `PRAGMA user_version = 2`); err != nil {
		t.Fatal(err)
	}
	history := func(st *Store) (rows, packed int) {
		if err := st.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(typeof(json) = 'blob' AND substr(json, 1, 1) IN (x'01', x'02')), 0) FROM history`).Scan(&rows, &packed); err != nil {
			t.Fatal(err)
		}
		return rows, packed
	}
	if rows, packed := history(st); rows != 3 || packed != 0 {
		t.Fatalf("the older layout has %d history rows, %d packed; want 3 and 0", rows, packed)
	}
	st.Close()

	st, err = OpenStore(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if rows, packed := history(st); rows != 2 || packed != 2 {
		t.Fatalf("after the upgrade history has %d rows, %d packed; want the 2 superseded versions, packed", rows, packed)
	}
	err = st.inTx(ctx, func(tx *tx) error {
		for vid, js := range want {
			got, err := tx.version("Practitioner", "prac-1", vid)
			if err != nil {
				return err
			}
			if string(got.JSON) != string(js) || got.VersionID != vid {
				t.Errorf("version %d reads %s, want %s", vid, got.JSON, js)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestUpgradeRebuildsParamsOfAnOlderDatabase: before schema version 4,
// params was a rowid table with a look-up index beside it. Opened, it is
// rebuilt in the look-up order, its rows kept, and token look-ups find the
// same resources.
func TestUpgradeRebuildsParamsOfAnOlderDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "central.db")
	st, err := OpenStore(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := weightObs("p1", 80, t0, "ident-1")
	o.ID, o.Issued = "obs-1", fhir.FormatInstant(t0)
	if err := st.Put(ctx, o); err != nil {
		t.Fatal(err)
	}
	count := func(st *Store) (n int) {
		if err := st.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM params WHERE type = 'Observation' AND id = 'obs-1'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	rows := count(st)
	// As a version-3 central left it.
	for _, q := range []string{
		`CREATE TABLE params_old (type TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL)`,
		`INSERT INTO params_old SELECT type, id, name, value FROM params`,
		`DROP TABLE params`,
		`ALTER TABLE params_old RENAME TO params`,
		`CREATE INDEX params_lookup ON params(type, name, value)`,
		`CREATE INDEX params_owner ON params(type, id)`,
		`PRAGMA user_version = 3`,
	} {
		if _, err := st.db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	st.Close()
	st, err = OpenStore(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var layout string
	if err := st.db.QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE name = 'params'`).Scan(&layout); err != nil {
		t.Fatal(err)
	}
	var lookup int
	if err := st.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE name = 'params_lookup'`).Scan(&lookup); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(layout, "WITHOUT ROWID") || lookup != 0 {
		t.Fatalf("after the upgrade params is %q with %d params_lookup index", layout, lookup)
	}
	if n := count(st); n != rows {
		t.Fatalf("params of obs-1: %d rows after the upgrade, %d before", n, rows)
	}
	err = st.inTx(ctx, func(tx *tx) error {
		ids, err := tx.findByParam("Observation", "identifier", fhir.ClientIdentifier("ident-1").System+"|"+fhir.ClientIdentifier("ident-1").Value)
		if err != nil {
			return err
		}
		if strings.Join(ids, ",") != "obs-1" {
			t.Errorf("identifier look-up found %v, want obs-1", ids)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// storedForms counts the resources rows whose json column is packed
// (history.go) and those stored as JSON text.
func storedForms(t *testing.T, st *Store) (packed, text int) {
	t.Helper()
	if err := st.db.QueryRowContext(context.Background(), `SELECT
		COALESCE(SUM(typeof(json) = 'blob' AND substr(json, 1, 1) IN (x'01', x'02')), 0),
		COALESCE(SUM(typeof(json) = 'text' AND substr(json, 1, 1) = '{'), 0) FROM resources`).Scan(&packed, &text); err != nil {
		t.Fatal(err)
	}
	return packed, text
}

// TestCurrentVersionsAreStoredPacked: the current version of a resource
// is stored packed, smaller than its JSON, and reads back as written.
func TestCurrentVersionsAreStoredPacked(t *testing.T) {
	ctx := context.Background()
	st, err := OpenStore(ctx, filepath.Join(t.TempDir(), "central.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	o := weightObs("p1", 80, t0, "ident-1")
	o.ID, o.Issued = "obs-1", fhir.FormatInstant(t0)
	var written Stored
	err = st.inTx(ctx, func(tx *tx) error {
		written, err = tx.write(o, 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if packed, text := storedForms(t, st); packed != 1 || text != 0 {
		t.Fatalf("resources rows: %d packed, %d JSON text; want the one packed", packed, text)
	}
	var size int
	if err := st.db.QueryRowContext(ctx, `SELECT length(json) FROM resources WHERE id = 'obs-1'`).Scan(&size); err != nil {
		t.Fatal(err)
	}
	if size*2 > len(written.JSON) {
		t.Errorf("a %d-byte Observation takes %d bytes stored; want at most half", len(written.JSON), size)
	}
	err = st.readTx(ctx, func(tx *tx) error {
		got, err := tx.current("Observation", "obs-1")
		if err != nil {
			return err
		}
		if string(got.JSON) != string(written.JSON) {
			t.Errorf("obs-1 reads back as %s, want %s", got.JSON, written.JSON)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestUpgradePacksCurrentVersionsOfAnOlderDatabase: before schema version
// 5 the current versions were JSON text. Opened, the database holds them
// packed in a table laid out as a new one is (the same indexes, so the
// plans TestReadQueriesUseTheirIndexes checks hold), every version reads
// back as it was written, and the version that the next write supersedes
// goes to history.
func TestUpgradePacksCurrentVersionsOfAnOlderDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "central.db")
	st, err := OpenStore(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{}
	for i := range 5 {
		o := weightObs("p1", 80+float64(i), t0.Add(time.Duration(i)*time.Hour), fmt.Sprintf("ident-%d", i))
		o.ID, o.Issued = fmt.Sprintf("obs-%d", i), fhir.FormatInstant(t0)
		if err := st.Put(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	pr := &fhir.Practitioner{Base: fhir.Base{ResourceType: "Practitioner", ID: "prac-1"}, Name: []fhir.HumanName{{Text: "Anna"}}}
	if err := st.Put(ctx, pr); err != nil {
		t.Fatal(err)
	}
	// As a version-4 central left it: every current version as JSON text.
	err = st.inTx(ctx, func(tx *tx) error {
		rows, err := tx.query(`SELECT ` + storedCols + ` FROM resources`)
		if err != nil {
			return err
		}
		sts, err := collectStored(rows)
		if err != nil {
			return err
		}
		for _, s := range sts {
			want[s.Type+"/"+s.ID] = s.JSON
			if _, err := tx.exec(`UPDATE resources SET json = ? WHERE type = ? AND id = ?`, string(s.JSON), s.Type, s.ID); err != nil {
				return err
			}
		}
		_, err = tx.exec(`PRAGMA user_version = 4`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if packed, text := storedForms(t, st); packed != 0 || text != len(want) {
		t.Fatalf("the older layout has %d rows packed, %d as text; want 0 and %d", packed, text, len(want))
	}
	st.Close()

	st, err = OpenStore(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if packed, text := storedForms(t, st); packed != len(want) || text != 0 {
		t.Fatalf("after the upgrade %d rows are packed, %d text; want all %d packed", packed, text, len(want))
	}
	fresh, err := OpenStore(ctx, filepath.Join(t.TempDir(), "fresh.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	layout := func(st *Store) string {
		rows, err := st.db.QueryContext(ctx, `SELECT il.name, il."unique", group_concat(ii.name, ',')
			FROM pragma_index_list('resources') il, pragma_index_info(il.name) ii GROUP BY il.name ORDER BY il.name`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var name, cols string
			var unique int
			if err := rows.Scan(&name, &unique, &cols); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%s unique=%d (%s)", name, unique, cols))
		}
		var tables int
		if err := st.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE name LIKE 'resources%' AND type = 'table'`).Scan(&tables); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%d tables; %s", tables, strings.Join(out, "; "))
	}
	if got, fresh := layout(st), layout(fresh); got != fresh {
		t.Errorf("after the upgrade resources is laid out as\n%s\nwant as a new database:\n%s", got, fresh)
	}
	err = st.readTx(ctx, func(tx *tx) error {
		for key, js := range want {
			typ, id, _ := strings.Cut(key, "/")
			got, err := tx.current(typ, id)
			if err != nil {
				return err
			}
			if string(got.JSON) != string(js) {
				t.Errorf("%s reads %s after the upgrade, want %s", key, got.JSON, js)
			}
		}
		obs, err := tx.byPatient("Observation", "p1")
		if err != nil {
			return err
		}
		if len(obs) != 5 {
			t.Errorf("p1 has %d Observations after the upgrade, want 5", len(obs))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	pr.Name = []fhir.HumanName{{Text: "Anne"}}
	if err := st.Put(ctx, pr); err != nil {
		t.Fatal(err)
	}
	err = st.readTx(ctx, func(tx *tx) error {
		v1, err := tx.version("Practitioner", "prac-1", 1)
		if err != nil {
			return err
		}
		if string(v1.JSON) != string(want["Practitioner/prac-1"]) {
			t.Errorf("version 1 from history reads %s, want %s", v1.JSON, want["Practitioner/prac-1"])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// An upgrade killed part way leaves the database in a state it can be
// opened from again: the copy of the current versions half done (the new
// table left beside the old one), or done with the schema version not yet
// raised (the index by owner still there). Opened again, the upgrade
// finishes and every document, search parameter and version reads back.
func TestUpgradeKilledPartWayRunsAgain(t *testing.T) {
	ctx := context.Background()
	for _, state := range []string{"copy half done", "copy done, version not raised"} {
		t.Run(state, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "central.db")
			st, err := OpenStore(ctx, path, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 4 {
				o := weightObs("p1", 80+float64(i), t0.Add(time.Duration(i)*time.Hour), fmt.Sprintf("ident-%d", i))
				o.ID, o.Issued = fmt.Sprintf("obs-%d", i), fhir.FormatInstant(t0)
				if err := st.Put(ctx, o); err != nil {
					t.Fatal(err)
				}
			}
			want := map[string][]byte{}
			err = st.inTx(ctx, func(tx *tx) error {
				rows, err := tx.query(`SELECT ` + storedCols + ` FROM resources`)
				if err != nil {
					return err
				}
				sts, err := collectStored(rows)
				if err != nil {
					return err
				}
				for _, s := range sts {
					want[s.Type+"/"+s.ID] = s.JSON
					if state == "copy half done" {
						// As a version-4 central left it: JSON text.
						if _, err := tx.exec(`UPDATE resources SET json = ? WHERE type = ? AND id = ?`, string(s.JSON), s.Type, s.ID); err != nil {
							return err
						}
					}
				}
				if state == "copy half done" {
					for _, q := range []string{
						`CREATE TABLE resources_v5 (type TEXT NOT NULL, id TEXT NOT NULL, version_id INTEGER NOT NULL, last_updated INTEGER NOT NULL,
							patient_id TEXT NOT NULL DEFAULT '', json TEXT NOT NULL, PRIMARY KEY (type, id))`,
						`INSERT INTO resources_v5 SELECT type, id, version_id + 7, last_updated, patient_id, x'02' FROM resources LIMIT 1`,
					} {
						if _, err := tx.exec(q); err != nil {
							return err
						}
					}
				}
				for _, q := range []string{`CREATE INDEX params_owner ON params(type, id)`, `PRAGMA user_version = 4`} {
					if _, err := tx.exec(q); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			st.Close()

			st, err = OpenStore(ctx, path, nil)
			if err != nil {
				t.Fatalf("opened again after the interrupted upgrade: %v", err)
			}
			defer st.Close()
			var v, leftovers int
			if err := st.db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
				t.Fatal(err)
			}
			if err := st.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE name IN ('resources_v5', 'params_owner')`).Scan(&leftovers); err != nil {
				t.Fatal(err)
			}
			if v != schemaVersion || leftovers != 0 {
				t.Errorf("schema version %d with %d leftovers of the upgrade; want %d and none", v, leftovers, schemaVersion)
			}
			if packed, text := storedForms(t, st); packed != len(want) || text != 0 {
				t.Errorf("%d rows packed, %d text; want all %d packed", packed, text, len(want))
			}
			err = st.readTx(ctx, func(tx *tx) error {
				for key, js := range want {
					typ, id, _ := strings.Cut(key, "/")
					got, err := tx.current(typ, id)
					if err != nil {
						return err
					}
					if string(got.JSON) != string(js) || got.VersionID != 1 {
						t.Errorf("%s reads version %d %s, want version 1 %s", key, got.VersionID, got.JSON, js)
					}
				}
				ids, err := tx.findByParam("Observation", "identifier", fhir.ClientIdentifier("ident-2").Value)
				if err != nil {
					return err
				}
				if strings.Join(ids, ",") != "obs-2" {
					t.Errorf("identifier ident-2 finds %v, want [obs-2]", ids)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
