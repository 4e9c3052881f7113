-- Patients whose earlier records are still to be pulled:
--
--   sync_incomplete: a patient the incremental pull stored for the first
--     time while the watermarks of her record types were already past her
--     earlier records (she had just become visible to this user: a cover
--     began, a transfer, a grant, a re-enrolment), so her readings, tasks,
--     messages and regime from before are not in the cache. The engine
--     pulls her records from the beginning (reconcile) and then deletes
--     the row; purging the patient deletes it too.

-- +goose Up
CREATE TABLE sync_incomplete (
    patient_id TEXT NOT NULL PRIMARY KEY
);

-- +goose Down
DROP TABLE sync_incomplete;
