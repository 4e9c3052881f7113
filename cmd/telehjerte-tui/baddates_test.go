package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// A cache holding readings dated 9999-12-31 and year 1 (from a central that
// accepted them) still lists: `worklist` in every format prints the
// patient, and the latest weight is the newest plausible one.
func TestWorklistSurvivesAbsurdDates(t *testing.T) {
	isolate(t)
	e, out, _ := testEnv(t)
	now := e.now()
	path := filepath.Join(t.TempDir(), "cache.sqlite")
	st, err := cache.Open(context.Background(), path, cache.WithClock(e.now))
	if err != nil {
		t.Fatal(err)
	}
	team := domain.Team{ID: "team-a", Name: "Hjertesvigtsklinik A"}
	pat := domain.Patient{ID: "p1", CPR: "0101701234", Name: "Alma Holm", Programmes: []string{domain.ProgrammeHeartFailure}, Synthetic: true}
	reading := func(id string, taken time.Time, v float64, c domain.Color) domain.Reading {
		return domain.Reading{Measurement: domain.Measurement{ID: id, PatientID: "p1", Kind: domain.KindWeight, Taken: taken,
			Received: now.Add(-time.Hour), Value: v}, Classification: domain.Classification{Color: c}}
	}
	err = st.Write(context.Background(), func(tx *cache.Tx) error {
		if err := tx.PutTeam(team); err != nil {
			return err
		}
		if err := tx.PutPatient(pat, cache.Meta{VersionID: "1", LastUpdated: now}); err != nil {
			return err
		}
		if err := tx.PutResponsibility("p1", domain.Responsibility{Home: team}, cache.Meta{ID: "eoc-p1", VersionID: "1", LastUpdated: now}); err != nil {
			return err
		}
		for _, r := range []domain.Reading{
			reading("o-ok", now.Add(-2*time.Hour), 81.5, domain.Green),
			reading("o-9999", time.Date(9999, 12, 31, 23, 30, 0, 0, time.UTC), 99, domain.Red),
			reading("o-year1", time.Date(1, 1, 1, 0, 0, 0, 0, time.FixedZone("", 23*3600+59*60)), 70, domain.Red),
		} {
			if err := tx.PutReading(r, cache.Meta{VersionID: "1", LastUpdated: now}); err != nil {
				return err
			}
			task := domain.Task{ID: "task-" + r.ID, PatientID: "p1", Category: domain.TaskMeasurement, FocusID: r.ID,
				Color: r.Color, Created: r.Received}
			if err := tx.PutTask(task, cache.Meta{VersionID: "1", LastUpdated: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}

	if err := execute(t, e, "--cache", path, "worklist", "--format", "json"); err != nil {
		t.Fatalf("worklist --format json: %v\n%s", err, out)
	}
	var rows []map[string]any
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil || len(rows) != 1 {
		t.Fatalf("%d rows, %v\n%s", len(rows), err, out)
	}
	w, _ := rows[0]["latest"].(map[string]any)["weight"].(map[string]any)
	if w == nil || w["value"] != 81.5 {
		t.Errorf("latest weight %v, want the plausible 81.5, not the reading dated 9999", w)
	}
	for _, format := range []string{"csv", "table"} {
		out.Reset()
		if err := execute(t, e, "--cache", path, "worklist", "--format", format, "--width", "120"); err != nil {
			t.Fatalf("worklist --format %s: %v\n%s", format, err, out)
		}
		if !strings.Contains(out.String(), "Alma Holm") {
			t.Errorf("worklist --format %s lacks the patient:\n%s", format, out)
		}
	}
}
