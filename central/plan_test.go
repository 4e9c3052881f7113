package central

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

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
	cases := []struct {
		name, query, index string
		args               []any
	}{
		{"findByParam (If-None-Exist)", qFindByParam, "params_lookup", []any{"Observation", "identifier", "x"}},
		{"a patient's readings since (slots, late arrivals, weight trend)", qReadingsSince, "readings_by_patient", []any{"p1", int64(0)}},
		{"history of a patient's regime", qHistoryOf, "resources_by_patient", []any{"CarePlan", "p1"}},
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
		if !strings.Contains(all, "INDEX "+c.index+" ") {
			t.Errorf("%s does not use index %s: %s", c.name, c.index, all)
		}
		for _, step := range plan {
			if strings.HasPrefix(step, "SCAN ") {
				t.Errorf("%s scans (%s): %s", c.name, step, all)
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
