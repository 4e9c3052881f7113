package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// Info keys SeedCache sets, so the console can label the demo clinic.
const (
	InfoDemo   = "demo"   // "1" in a demo cache
	InfoClinic = "clinic" // the demo clinic's name
)

// seedBatch is how many patients SeedCache writes per transaction.
const seedBatch = 10

// SeedCache generates the demo clinic described by opts and writes it into
// store: the teams, the info keys "demo"="1" and "clinic"=ClinicName, then
// every patient with responsibility, regime versions, readings,
// questionnaires, messages and tasks, seedBatch patients per transaction.
// Every row gets version "1" and a last-updated time of when it arose (or
// was closed), as a server would have given it. A failed batch is rolled
// back and its error returned; earlier batches stay written, and seeding
// again with the same opts completes the clinic without duplicates.
func SeedCache(ctx context.Context, store *cache.Store, opts Options) error {
	return SeedCacheProgress(ctx, store, opts, nil)
}

// SeedCacheProgress is SeedCache that calls progress (when not nil) after
// every committed batch with the patients and resources written so far, so
// a screen can show the clinic being built.
func SeedCacheProgress(ctx context.Context, store *cache.Store, opts Options, progress func(patients, resources int)) error {
	if store == nil {
		return fmt.Errorf("demo: seed cache: store is nil")
	}
	if _, err := opts.normalize(); err != nil {
		return fmt.Errorf("demo: seed cache: %w", err)
	}
	// Known before the clinic's history begins.
	before := time.Unix(0, 0).Add(time.Millisecond)
	err := store.Write(ctx, func(tx *cache.Tx) error {
		for _, t := range Teams() {
			if err := tx.PutTeam(t); err != nil {
				return err
			}
		}
		for id, name := range PractitionerNames() {
			if err := tx.PutPractitioner(id, name, "", meta(id, before)); err != nil {
				return err
			}
		}
		for _, q := range Questionnaires() {
			if err := tx.PutQuestionnaireDef(q, meta(q.ID, before)); err != nil {
				return err
			}
		}
		if err := tx.SetInfo(InfoDemo, "1"); err != nil {
			return err
		}
		return tx.SetInfo(InfoClinic, ClinicName)
	})
	if err != nil {
		return fmt.Errorf("demo: seed cache: teams and info: %w", err)
	}

	batch := make([]PatientRecord, 0, seedBatch)
	patients, resources := 0, len(Teams())
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := store.Write(ctx, func(tx *cache.Tx) error {
			for i := range batch {
				if err := putRecord(tx, &batch[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("demo: seed cache: patients %s–%s: %w", batch[0].Patient.ID, batch[len(batch)-1].Patient.ID, err)
		}
		for i := range batch {
			r := &batch[i]
			patients++
			resources += 2 + len(r.Regimes) + len(r.Readings) + len(r.Questionnaires) + len(r.Messages) + len(r.Tasks)
		}
		if progress != nil {
			progress(patients, resources)
		}
		clear(batch)
		batch = batch[:0]
		return nil
	}
	err = Generate(opts, func(rec PatientRecord) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		batch = append(batch, rec)
		if len(batch) == seedBatch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// putRecord writes one patient's record in tx.
func putRecord(tx *cache.Tx, rec *PatientRecord) error {
	p := rec.Patient
	var since time.Time
	if len(rec.Regimes) > 0 {
		since = rec.Regimes[0].Start
	}
	if err := tx.PutPatient(p, meta(p.ID, since)); err != nil {
		return err
	}
	if err := tx.PutResponsibility(p.ID, rec.Responsibility, cache.Meta{ID: "eoc-" + p.ID, VersionID: "1", LastUpdated: since}); err != nil {
		return err
	}
	for _, r := range rec.Regimes {
		if err := tx.PutRegime(r, cache.Meta{ID: r.ID, VersionID: r.Version, LastUpdated: r.EffectiveFrom}); err != nil {
			return err
		}
	}
	for _, r := range rec.Readings {
		if err := tx.PutReading(r, meta(r.ID, r.Received)); err != nil {
			return err
		}
	}
	for _, q := range rec.Questionnaires {
		if err := tx.PutQuestionnaire(q, meta(q.ID, q.Taken)); err != nil {
			return err
		}
	}
	for _, m := range rec.Messages {
		if err := tx.PutMessage(m, meta(m.ID, m.Sent)); err != nil {
			return err
		}
	}
	for _, t := range rec.Tasks {
		if err := tx.PutTask(t, meta(t.ID, taskUpdated(t))); err != nil {
			return err
		}
	}
	return nil
}

func meta(id string, at time.Time) cache.Meta {
	return cache.Meta{ID: id, VersionID: "1", LastUpdated: at}
}

// taskUpdated is when a task last changed: when it was closed, or created.
func taskUpdated(t domain.Task) time.Time {
	if t.Done && !t.DoneAt.IsZero() {
		return t.DoneAt
	}
	return t.Created
}
