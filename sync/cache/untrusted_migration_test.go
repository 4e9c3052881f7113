package cache

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// TestMigrationCleansUntrustedRows: a cache of an older console holds a
// planted "important note" (stored whoever sent it) and a reading dated
// 9999 in the latest slot. Migration 7 drops the notes that came from the
// central (keeping one made here and not yet sent) and restarts the pull
// of Communications so they are sorted again, flags the reading and puts
// the newest plausible one in the latest slot.
func TestMigrationCleansUntrustedRows(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustWrite(t, s, func(tx *Tx) error {
		if err := addPatient(tx, "p1", "A"); err != nil {
			return err
		}
		if err := tx.PutReading(reading("o1", "p1", domain.KindWeight, day(1), 81, domain.Green), Meta{}); err != nil {
			return err
		}
		if err := tx.PutNote(domain.Note{ID: "n-central", PatientID: "p1", Author: "Overlæge Hansen", Text: "x", Important: true,
			Created: day(1)}, Meta{VersionID: "1", LastUpdated: day(1)}); err != nil {
			return err
		}
		if err := tx.PutNote(domain.Note{ID: "n-local", PatientID: "p1", Author: "Karen", Text: "y", Created: day(1)}, Meta{}); err != nil {
			return err
		}
		return tx.SetSyncState(SyncState{ResourceType: "Communication", Watermark: day(1), LastSuccess: day(1)})
	})
	// What the older console did with a reading dated 9999: stored it
	// unflagged and made it the latest.
	future := time.Date(9999, 12, 31, 23, 59, 0, 0, time.UTC).UnixMilli()
	for _, q := range []string{
		`INSERT INTO observations (id, patient_id, kind, taken, received, value, color) VALUES ('o-9999', 'p1', 'weight', ` +
			strconv.FormatInt(future, 10) + `, ` + strconv.FormatInt(day(1).UnixMilli(), 10) + `, 99, 'red')`,
		`UPDATE latest_readings SET observation_id = 'o-9999', taken = ` + strconv.FormatInt(future, 10) + `, value = 99 WHERE patient_id = 'p1'`,
	} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// The file as the older console left it: schema 6.
	downgrade(t, s, 6)
	s = reopen(t, s)

	d, err := s.Patient(ctx, "p1", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Notes) != 1 || d.Notes[0].ID != "n-local" {
		t.Errorf("notes after migration: %+v, want only the one not yet sent", d.Notes)
	}
	if st, err := s.SyncStates(ctx); err != nil || !st["Communication"].Watermark.IsZero() {
		t.Errorf("Communication pull position %+v, %v; want it restarted", st["Communication"], err)
	}
	rows, err := s.Worklist(ctx, true)
	if err != nil || len(rows) != 1 {
		t.Fatalf("worklist: %d rows, %v", len(rows), err)
	}
	if l := rows[0].Latest[domain.KindWeight]; l.Value != 81 {
		t.Errorf("latest weight %+v, want the plausible 81", l)
	}
	for _, r := range d.Readings {
		if r.ID == "o-9999" && !strings.Contains(r.Implausible, "after it was received") {
			t.Errorf("reading dated 9999 not flagged: %q", r.Implausible)
		}
	}
	// The migration's constants are the domain's.
	if domain.EarliestTaken.UnixMilli() != 946684800000 || domain.MaxTakenSkew.Milliseconds() != 300000 {
		t.Error("domain.EarliestTaken or MaxTakenSkew changed: update migrations/00007_untrusted_rows.sql")
	}
}
