package cache

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

func pulledObservation(t *testing.T, id, patientID, version string, lu time.Time, v float64) []byte {
	t.Helper()
	m := domain.Measurement{ID: id, PatientID: patientID, Kind: domain.KindPulse, Value: v, Taken: lu.Add(-time.Minute), Received: lu}
	o := fhir.MeasurementToObservation(m, &domain.Classification{Color: domain.Green})
	o.Meta = &fhir.Meta{VersionID: version, LastUpdated: fhir.FormatInstant(lu)}
	raw, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// pulledReading is pulledObservation of another kind, taken at taken.
func pulledReading(t *testing.T, id, patientID string, kind domain.Kind, version string, lu, taken time.Time, v float64) []byte {
	t.Helper()
	m := domain.Measurement{ID: id, PatientID: patientID, Kind: kind, Value: v, Taken: taken, Received: lu}
	o := fhir.MeasurementToObservation(m, &domain.Classification{Color: domain.Green})
	o.Meta = &fhir.Meta{VersionID: version, LastUpdated: fhir.FormatInstant(lu)}
	raw, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func pulledReviewTask(t *testing.T, id, patientID, reading, version string, lu time.Time, done bool) []byte {
	t.Helper()
	tk := domain.Task{ID: id, PatientID: patientID, Category: domain.TaskMeasurement, FocusID: reading, Color: domain.Green,
		Created: lu.Add(-time.Hour), Done: done}
	if done {
		tk.DoneBy, tk.DoneAt = "nurse-a", lu
	}
	ft := fhir.TaskToFHIR(tk)
	ft.Meta = &fhir.Meta{VersionID: version, LastUpdated: fhir.FormatInstant(lu)}
	raw, err := json.Marshal(ft)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// dumpSync is what a pull wrote: the rows of the tables a page of
// readings or tasks touches, in a fixed order.
func dumpSync(t *testing.T, s *Store) []string {
	t.Helper()
	var out []string
	queries := []string{
		`SELECT id, version_id, last_updated, patient_id, value, acknowledged, by_console FROM observations ORDER BY id`,
		`SELECT id, version_id, status, focus_id, by_console FROM tasks ORDER BY id`,
		`SELECT patient_id, kind, observation_id, taken FROM latest_readings ORDER BY patient_id, kind`,
		`SELECT resource_type, id, version_id, reason FROM sync_parked ORDER BY resource_type, id`,
		`SELECT resource_type, id, version_id FROM sync_resources ORDER BY resource_type, id`,
	}
	err := s.read(context.Background(), func(tx *sql.Tx) error {
		for _, q := range queries {
			rows, err := tx.Query(q)
			if err != nil {
				return err
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					rows.Close()
					return err
				}
				from := strings.Fields(q[strings.Index(q, " FROM ")+6:])[0]
				out = append(out, fmt.Sprintf("%s %v", from, vals))
			}
			rows.Close()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A page stored in one piece (ApplyPage: the look-ups of the whole page
// at once, one savepoint) leaves the cache exactly as storing its
// resources one by one does (ApplyResource), with the same outcomes: also
// when a resource in it is parked (its patient is not in the cache), comes
// twice, is known already, was parked before, or is the reading of a
// review task completed before the reading arrived.
func TestApplyPageEqualsOneByOne(t *testing.T) {
	ctx := context.Background()
	lu := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }
	obs := func(id, pat, v string, n int) []byte { return pulledObservation(t, id, pat, v, lu(n), float64(60+n)) }
	pages := []struct {
		typ       string
		resources [][]byte
	}{
		// Review tasks, one completed before its reading arrives.
		{"Task", [][]byte{pulledReviewTask(t, "task-3", "p1", "obs-3", "1", lu(1), true),
			pulledReviewTask(t, "task-4", "p1", "obs-4", "1", lu(2), false)}},
		// All new and storable.
		{"Observation", [][]byte{obs("obs-1", "p1", "1", 3), obs("obs-2", "p1", "1", 4), obs("obs-3", "p1", "1", 5)}},
		// Known, newer, the unknown patient's (parked), one twice.
		{"Observation", [][]byte{obs("obs-1", "p1", "1", 3), obs("obs-2", "p1", "2", 6), obs("obs-x", "p9", "1", 7),
			obs("obs-4", "p1", "1", 8), obs("obs-4", "p1", "1", 8)}},
		// The parked one again at the same version, with new ones.
		{"Observation", [][]byte{obs("obs-x", "p9", "1", 7), obs("obs-5", "p1", "1", 9)}},
		// After its patient arrives (below), the parked reading in a newer
		// version; the acknowledged reading in a newer version.
		{"Observation", [][]byte{obs("obs-x", "p9", "2", 10), obs("obs-3", "p1", "2", 11), obs("obs-6", "p9", "1", 12)}},
		// The open review task completed.
		{"Task", [][]byte{pulledReviewTask(t, "task-4", "p1", "obs-4", "2", lu(13), true),
			pulledReviewTask(t, "task-6", "p9", "obs-6", "1", lu(14), false)}},
		// Readings out of the order they were taken in, of two kinds, two
		// taken in the same millisecond, one dated after it was received
		// (never the latest), and a stored one taken earlier in a new
		// version: latest_readings ends on the newest of each kind.
		{"Observation", [][]byte{
			pulledReading(t, "obs-b", "p1", domain.KindPulse, "1", lu(16), lu(2), 70),
			pulledReading(t, "obs-a", "p1", domain.KindPulse, "1", lu(16), lu(14), 71),
			pulledReading(t, "obs-c", "p1", domain.KindPulse, "1", lu(16), lu(13), 72),
			pulledReading(t, "obs-w1", "p1", domain.KindWeight, "1", lu(16), lu(10).Add(700*time.Microsecond), 81),
			pulledReading(t, "obs-w2", "p1", domain.KindWeight, "1", lu(16), lu(10).Add(300*time.Microsecond), 80),
			pulledReading(t, "obs-w0", "p1", domain.KindWeight, "1", lu(16), lu(9), 82),
			pulledReading(t, "obs-f", "p1", domain.KindWeight, "1", lu(16), lu(16).Add(time.Hour), 83),
			pulledReading(t, "obs-5", "p1", domain.KindPulse, "2", lu(16), lu(1), 60),
		}},
		// Undecodable JSON in a page.
		{"Observation", [][]byte{obs("obs-7", "p1", "1", 15), []byte(`{"resourceType":"Observation","id":"obs-8","status":`)}},
	}
	run := func(byPage bool) ([][]ApplyResult, []string) {
		s := openTest(t)
		if err := s.PrepareSync(ctx); err != nil {
			t.Fatal(err)
		}
		mustWrite(t, s, func(tx *Tx) error { return addPatient(tx, "p1", "Patient 1") })
		var results [][]ApplyResult
		for i, p := range pages {
			if i == 4 {
				mustWrite(t, s, func(tx *Tx) error { return addPatient(tx, "p9", "Patient 9") })
			}
			var got []ApplyResult
			mustWrite(t, s, func(tx *Tx) error {
				got = nil
				if byPage {
					pulled := make([]Pulled, len(p.resources))
					for i, raw := range p.resources {
						pulled[i] = Decode(raw)
					}
					var err error
					got, err = tx.ApplyPage(p.typ, pulled)
					return err
				}
				for _, raw := range p.resources {
					r, err := tx.ApplyResource(raw)
					if err != nil {
						return err
					}
					got = append(got, r)
				}
				return nil
			})
			results = append(results, got)
		}
		return results, dumpSync(t, s)
	}
	wantResults, wantRows := run(false)
	gotResults, gotRows := run(true)
	for i := range pages {
		if !reflect.DeepEqual(gotResults[i], wantResults[i]) {
			t.Errorf("page %d: ApplyPage gave\n%+v\none by one\n%+v", i, gotResults[i], wantResults[i])
		}
	}
	if !reflect.DeepEqual(gotRows, wantRows) {
		t.Errorf("cache after ApplyPage:\n%s\none by one:\n%s", strings.Join(gotRows, "\n"), strings.Join(wantRows, "\n"))
	}
	// The cases the pages were made for did happen.
	outcomes := map[string]int{}
	for _, page := range wantResults {
		for _, r := range page {
			outcomes[r.Outcome]++
		}
	}
	if outcomes[Parked] < 2 || outcomes[Known] < 3 || outcomes[Applied] < 10 {
		t.Errorf("outcomes %v: the pages no longer test what they should", outcomes)
	}
	acked := false
	for _, row := range wantRows {
		if strings.HasPrefix(row, "observations [obs-3 2 ") && strings.HasSuffix(row, " 1 0]") {
			acked = true
		}
	}
	if !acked {
		t.Errorf("obs-3 is not acknowledged in its second version:\n%s", strings.Join(wantRows, "\n"))
	}
}

// A page of the central's review Tasks removes the console's own items
// for their readings (the look-up that lets a page skip that delete when
// the cache holds no such item must see them).
func TestPageOfReviewTasksRemovesConsoleItems(t *testing.T) {
	ctx := context.Background()
	now := day(0)
	s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"), WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.PrepareSync(ctx); err != nil {
		t.Fatal(err)
	}
	reg := domain.Regime{ID: "cp", Version: "a9", PatientID: "p1", EffectiveFrom: day(-30), Start: day(-30),
		Thresholds: domain.DefaultThresholds(80)}
	mustWrite(t, s, func(tx *Tx) error {
		if err := addPatient(tx, "p1", "Patient"); err != nil {
			return err
		}
		return tx.PutRegime(reg, Meta{LastUpdated: day(-30)})
	})
	// A reading without triage, far out of range: the console's own item.
	m := domain.Measurement{ID: "r1", PatientID: "p1", Kind: domain.KindPulse, Value: 30, Taken: now.Add(-time.Hour), Received: now.Add(-time.Hour)}
	o := fhir.MeasurementToObservation(m, nil)
	o.Meta = &fhir.Meta{VersionID: "1", LastUpdated: fhir.FormatInstant(m.Received)}
	raw, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, s, func(tx *Tx) error { _, err := tx.ApplyResource(raw); return err })
	items := func() []string {
		var ids []string
		err := s.read(ctx, func(tx *sql.Tx) error {
			return eachRow(ctx, tx, `SELECT id FROM tasks WHERE by_console = 1 ORDER BY id`, nil, func(sc scanner) error {
				var id string
				ids = append(ids, id)
				return sc.Scan(&ids[len(ids)-1])
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if got := items(); !reflect.DeepEqual(got, []string{domain.ConsoleTriageID("r1")}) {
		t.Fatalf("console items before the page: %v", got)
	}
	lu := now.Add(-30 * time.Minute)
	page := []Pulled{Decode(pulledReviewTask(t, "task-1", "p1", "r1", "1", lu, false)),
		Decode(pulledReviewTask(t, "task-2", "p1", "r2", "1", lu.Add(time.Minute), false))}
	mustWrite(t, s, func(tx *Tx) error {
		res, err := tx.ApplyPage("Task", page)
		for _, r := range res {
			if r.Outcome != Applied {
				t.Errorf("%+v", r)
			}
		}
		return err
	})
	if got := items(); len(got) != 0 {
		t.Errorf("console items after the central's review tasks: %v", got)
	}
}
