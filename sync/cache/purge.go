package cache

import (
	"context"
	"database/sql"
	"fmt"
)

// PatientIDs returns the id of every patient in the cache.
func (s *Store) PatientIDs(ctx context.Context) ([]string, error) {
	var ids []string
	err := s.read(ctx, func(tx *sql.Tx) error {
		return eachRow(ctx, tx, `SELECT id FROM patients ORDER BY id`, nil, func(r scanner) error {
			var id string
			if err := r.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("cache: patient ids: %w", err)
	}
	return ids, nil
}

// purgeStatements delete one patient's rows, children before parents (the
// foreign keys). The raw JSON (CarePlans, ServiceRequests, Tasks,
// Communications, EpisodesOfCare) and parked resources are found by their
// patient reference; parked JSON may be invalid, hence
// the json_valid guard.
var purgeStatements = []string{
	`DELETE FROM latest_readings WHERE patient_id = ?1`,
	`DELETE FROM observations WHERE patient_id = ?1`,
	`DELETE FROM questionnaire_responses WHERE patient_id = ?1`,
	`DELETE FROM tasks WHERE patient_id = ?1`,
	`DELETE FROM communications WHERE patient_id = ?1`,
	`DELETE FROM notes WHERE patient_id = ?1`,
	`DELETE FROM regimes WHERE patient_id = ?1`,
	`DELETE FROM episodes_of_care WHERE patient_id = ?1`,
	`DELETE FROM sync_resources WHERE coalesce(json_extract(json, '$.subject.reference'),
		json_extract(json, '$.for.reference'), json_extract(json, '$.patient.reference')) = 'Patient/' || ?1`,
	`DELETE FROM sync_parked WHERE CASE WHEN json_valid(json) THEN
		coalesce(json_extract(json, '$.subject.reference'), json_extract(json, '$.for.reference'),
			json_extract(json, '$.patient.reference')) = 'Patient/' || ?1
		OR (resource_type = 'Patient' AND id = ?1) ELSE 0 END`,
	// Local creates still waiting in the outbox keep their tracking row, so
	// that a later failure (e.g. 403) is still told; the rest go.
	`DELETE FROM local_changes WHERE patient_id = ?1 AND uuid NOT IN (SELECT uuid FROM outbox)`,
	`DELETE FROM sync_incomplete WHERE patient_id = ?1`,
	`DELETE FROM patients WHERE id = ?1`,
}

// PurgePatient removes everything the cache holds about one patient: the
// patient, episodes, regimes, readings, questionnaires, tasks, messages,
// notes (local placeholders included), latest readings and the raw and
// parked resources that refer to them. The outbox is left alone (a change
// the nurse made is never dropped; the server judges it), and so is the
// audit log (append-only). It reports whether the patient was there.
func (tx *Tx) PurgePatient(id string) (bool, error) {
	var n int64
	for _, q := range purgeStatements {
		k, err := tx.exec(q, id)
		if err != nil {
			return false, fmt.Errorf("purge patient: %w", err)
		}
		n = k // the last statement deletes the patient row
	}
	return n > 0, nil
}
