-- Which course an audit entry about a patient was written in: the CarePlan
-- id of her regime in force on the console's clock at the time ('' when she
-- had none, or the entry is older than this column). A patient enrolled
-- again continues her record with a new plan, so "ny borger" ends only
-- with a look-up made in the course going on (CourseStates). The audit
-- log's own time is the real clock and a training clock may run ahead,
-- so the two are never compared.

-- +goose Up
ALTER TABLE audit_log ADD COLUMN course TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_log_opened ON audit_log (patient_id, course) WHERE action = 'view-patient' AND patient_id <> '';

-- +goose Down
DROP INDEX audit_log_opened;
ALTER TABLE audit_log DROP COLUMN course;
