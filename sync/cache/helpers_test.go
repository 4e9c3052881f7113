package cache

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// t0 is a fixed instant with millisecond precision, in UTC, so stored and
// read-back times compare equal.
var t0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

func day(n int) time.Time { return t0.AddDate(0, 0, n) }

func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "cache", "telehjerte.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustWrite(t testing.TB, s *Store, fn func(tx *Tx) error) {
	t.Helper()
	if err := s.Write(context.Background(), fn); err != nil {
		t.Fatalf("Write: %v", err)
	}
}

var (
	teamA = domain.Team{ID: "team-a", Name: "Hjertesvigtsklinik A", OrgID: "org-a", OrgName: "Hospital A"}
	teamB = domain.Team{ID: "team-b", Name: "Hjertesvigtsklinik B", OrgID: "org-b", OrgName: "Hospital B"}
)

func patient(id, name string) domain.Patient {
	return domain.Patient{ID: id, CPR: "0101701234", Name: name, BirthDate: time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		Programmes: []string{domain.ProgrammeHeartFailure}, Synthetic: true}
}

// addPatient stores a patient with team A as home team.
func addPatient(tx *Tx, id, name string) error {
	if err := tx.PutPatient(patient(id, name), Meta{VersionID: "1", LastUpdated: t0}); err != nil {
		return err
	}
	return tx.PutResponsibility(id, domain.Responsibility{Home: teamA}, Meta{ID: "eoc-" + id, VersionID: "1", LastUpdated: t0})
}

// addPatients adds patients named by their ids.
func addPatients(tx *Tx, ids ...string) error {
	for _, id := range ids {
		if err := addPatient(tx, id, id); err != nil {
			return err
		}
	}
	return nil
}

func reading(id, patientID string, kind domain.Kind, taken time.Time, v float64, c domain.Color) domain.Reading {
	return domain.Reading{
		Measurement:    domain.Measurement{ID: id, PatientID: patientID, Kind: kind, Taken: taken, Received: taken.Add(time.Minute), Value: v},
		Classification: domain.Classification{Color: c},
	}
}

func openTask(id, patientID string, c domain.Color, created time.Time) domain.Task {
	return domain.Task{ID: id, PatientID: patientID, Category: domain.TaskMeasurement, FocusID: "obs-" + id, Color: c, Created: created}
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }

// downgrade takes the cache file of s back to schema version, as an older
// console left it.
func downgrade(t testing.TB, s *Store, version int64) {
	t.Helper()
	p, err := newProvider(s.w)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(context.Background(), version); err != nil {
		t.Fatal(err)
	}
}

// reopen closes s and opens its file again, which migrates it to the
// latest schema; the test's cleanup closes the store it returns.
func reopen(t testing.TB, s *Store) *Store {
	t.Helper()
	path := s.path
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
