-- What the nurse actions (issue 4) need beyond the replica tables.
--
--   episodes_of_care.planned_covers: further holiday covers of a patient
--     beyond the one in cover_* (domain.Responsibility.Planned), as JSON
--     [{"team": id, "from": ms, "to": ms, "reason": text}].
--   notes: per-patient handover notes (a Communication with category
--     handover-note on the central, see docs/fhir-mapping.md).
--   local_changes: resources this console made (a message, a receipt, a
--     note), by the outbox uuid that creates them: the id the row has here
--     before the central answers, and the central's id after, so the
--     console can show a message as pending, sent, failed or conflicting.

-- +goose Up
ALTER TABLE episodes_of_care ADD COLUMN planned_covers TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(planned_covers));

CREATE TABLE notes (
    id           TEXT PRIMARY KEY,
    version_id   TEXT NOT NULL DEFAULT '',
    last_updated INTEGER NOT NULL DEFAULT 0,
    patient_id   TEXT NOT NULL REFERENCES patients (id),
    author       TEXT NOT NULL DEFAULT '',
    text         TEXT NOT NULL DEFAULT '',
    important    INTEGER NOT NULL DEFAULT 0 CHECK (important IN (0, 1)),
    remind       INTEGER,
    created      INTEGER NOT NULL
);
CREATE INDEX notes_patient ON notes (patient_id, created);

CREATE TABLE local_changes (
    uuid          TEXT PRIMARY KEY,
    resource_type TEXT NOT NULL,
    local_id      TEXT NOT NULL,
    server_id     TEXT NOT NULL DEFAULT '',
    patient_id    TEXT NOT NULL DEFAULT '',
    created       INTEGER NOT NULL
);
CREATE INDEX local_changes_local ON local_changes (resource_type, local_id);
CREATE INDEX local_changes_server ON local_changes (resource_type, server_id) WHERE server_id <> '';

-- +goose Down
DROP TABLE local_changes;
DROP TABLE notes;
ALTER TABLE episodes_of_care DROP COLUMN planned_covers;
