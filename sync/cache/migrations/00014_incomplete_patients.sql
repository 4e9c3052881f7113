-- Patients whose earlier records are still to be pulled:
--
--   sync_incomplete: a patient the incremental pull stored for the first
--     time while the watermarks of her record types were already past her
--     earlier records (she had just become visible to this user: a cover
--     began, a transfer, a grant, a re-enrolment), so her readings, tasks,
--     messages and regime from before are not in the cache. The engine
--     pulls her records from the beginning (reconcile) and then deletes
--     the row; purging the patient deletes it too.
--
--   Every patient already cached is marked on upgrade: before this table a
--   patient who became visible that way was left without her earlier
--   records, and which ones cannot be told now. The first round after the
--   upgrade pulls every cached patient's records once more (what the cache
--   holds already is recognised and not rewritten).

-- +goose Up
CREATE TABLE sync_incomplete (
    patient_id TEXT NOT NULL PRIMARY KEY
);
INSERT INTO sync_incomplete (patient_id) SELECT id FROM patients;

-- +goose Down
DROP TABLE sync_incomplete;
