-- The local cache: a replica of the central's FHIR resources (one projection
-- table per resource type, each row with the server id, version_id and
-- last_updated), plus local tables for the outbox, the audit log and the sync
-- state. Times are INTEGER unix milliseconds UTC; NULL means "not set".
-- last_updated is 0 for a row that has no server version yet.

-- +goose Up
CREATE TABLE organizations (
    id           TEXT PRIMARY KEY,
    version_id   TEXT NOT NULL DEFAULT '',
    last_updated INTEGER NOT NULL DEFAULT 0,
    name         TEXT NOT NULL DEFAULT ''
);

CREATE TABLE care_teams (
    id              TEXT PRIMARY KEY,
    version_id      TEXT NOT NULL DEFAULT '',
    last_updated    INTEGER NOT NULL DEFAULT 0,
    name            TEXT NOT NULL DEFAULT '',
    organization_id TEXT REFERENCES organizations (id)
);

CREATE TABLE practitioners (
    id           TEXT PRIMARY KEY,
    version_id   TEXT NOT NULL DEFAULT '',
    last_updated INTEGER NOT NULL DEFAULT 0,
    name         TEXT NOT NULL DEFAULT '',
    user_name    TEXT NOT NULL DEFAULT ''
);

CREATE TABLE patients (
    id           TEXT PRIMARY KEY,
    version_id   TEXT NOT NULL DEFAULT '',
    last_updated INTEGER NOT NULL DEFAULT 0,
    cpr          TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL DEFAULT '',
    birth_date   INTEGER,
    programmes   TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(programmes)),
    synthetic    INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1))
);

-- EpisodeOfCare: who holds monitoring responsibility (home team) and any
-- holiday cover by another team for a period.
CREATE TABLE episodes_of_care (
    id            TEXT PRIMARY KEY,
    version_id    TEXT NOT NULL DEFAULT '',
    last_updated  INTEGER NOT NULL DEFAULT 0,
    patient_id    TEXT NOT NULL REFERENCES patients (id),
    home_team_id  TEXT NOT NULL REFERENCES care_teams (id),
    cover_team_id TEXT REFERENCES care_teams (id),
    cover_from    INTEGER,
    cover_to      INTEGER,
    cover_reason  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX episodes_of_care_patient ON episodes_of_care (patient_id, last_updated);

-- CarePlan: every version of a patient's regime is kept.
-- thresholds maps a kind to its limits in the form of observations.limits
-- (weight limits relative to reference_weight). service_requests maps a
-- measurement kind to the ServiceRequest id and version the regime version
-- was built from, for the sync engine.
CREATE TABLE regimes (
    id               TEXT NOT NULL,
    version_id       TEXT NOT NULL,
    last_updated     INTEGER NOT NULL DEFAULT 0,
    patient_id       TEXT NOT NULL REFERENCES patients (id),
    effective_from   INTEGER,
    start            INTEGER,
    "end"            INTEGER,
    phase            TEXT NOT NULL DEFAULT '',
    reevaluation     INTEGER,
    reference_weight REAL NOT NULL DEFAULT 0,
    schedules        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(schedules)),
    thresholds       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(thresholds)),
    trend_rule       TEXT CHECK (trend_rule IS NULL OR json_valid(trend_rule)),
    pauses           TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(pauses)),
    author           TEXT NOT NULL DEFAULT '',
    physician        TEXT NOT NULL DEFAULT '',
    reason           TEXT NOT NULL DEFAULT '',
    service_requests TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(service_requests)),
    PRIMARY KEY (id, version_id)
);
CREATE INDEX regimes_patient ON regimes (patient_id, effective_from);

-- Observation: a home reading with the classification it got on arrival.
-- limits is the absolute-limits snapshot (FHIR referenceRange) as JSON, NULL
-- when the kind had no thresholds: {"p": [red_low, yellow_low, yellow_high,
-- red_high], "s": [...]} with null for an unset limit; "s" is the diastolic
-- set of a blood pressure. Never re-classified.
CREATE TABLE observations (
    id           TEXT NOT NULL UNIQUE,
    version_id   TEXT NOT NULL DEFAULT '',
    last_updated INTEGER NOT NULL DEFAULT 0,
    patient_id   TEXT NOT NULL REFERENCES patients (id),
    kind         TEXT NOT NULL,
    taken        INTEGER NOT NULL,
    received     INTEGER,
    value        REAL NOT NULL,
    value2       REAL NOT NULL DEFAULT 0,
    extra        INTEGER NOT NULL DEFAULT 0 CHECK (extra IN (0, 1)),
    color        TEXT NOT NULL CHECK (color IN ('unclassified', 'green', 'yellow', 'red')),
    implausible  TEXT NOT NULL DEFAULT '',
    limits       TEXT CHECK (limits IS NULL OR json_valid(limits)),
    acknowledged INTEGER NOT NULL DEFAULT 0 CHECK (acknowledged IN (0, 1))
);
CREATE INDEX observations_patient_kind_taken ON observations (patient_id, kind, taken);

CREATE TABLE questionnaire_responses (
    id           TEXT NOT NULL UNIQUE,
    version_id   TEXT NOT NULL DEFAULT '',
    last_updated INTEGER NOT NULL DEFAULT 0,
    patient_id   TEXT NOT NULL REFERENCES patients (id),
    taken        INTEGER NOT NULL,
    answers      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(answers)),
    color        TEXT NOT NULL CHECK (color IN ('unclassified', 'green', 'yellow', 'red'))
);
CREATE INDEX questionnaire_responses_patient_taken ON questionnaire_responses (patient_id, taken);

-- Task: the nurse's worklist items, as the central creates them. focus_id is
-- the Observation or QuestionnaireResponse (no foreign key: a task may arrive
-- before its focus). Open statuses are 'ready' and 'in-progress'.
CREATE TABLE tasks (
    id           TEXT NOT NULL UNIQUE,
    version_id   TEXT NOT NULL DEFAULT '',
    last_updated INTEGER NOT NULL DEFAULT 0,
    patient_id   TEXT NOT NULL REFERENCES patients (id),
    category     TEXT NOT NULL,
    focus_id     TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL DEFAULT '',
    color        TEXT NOT NULL CHECK (color IN ('unclassified', 'green', 'yellow', 'red')),
    implausible  INTEGER NOT NULL DEFAULT 0 CHECK (implausible IN (0, 1)),
    status       TEXT NOT NULL CHECK (status IN ('ready', 'in-progress', 'completed', 'cancelled', 'entered-in-error')),
    created      INTEGER,
    due          INTEGER,
    done_by      TEXT NOT NULL DEFAULT '',
    done_at      INTEGER,
    note         TEXT NOT NULL DEFAULT ''
);
-- The worklist reads open tasks only; this partial index covers that query.
CREATE INDEX tasks_open ON tasks (patient_id, created, category, color, implausible, status)
    WHERE status IN ('ready', 'in-progress');
CREATE INDEX tasks_focus ON tasks (focus_id);

-- Communication: messages between the patient and the care team.
CREATE TABLE communications (
    id           TEXT NOT NULL UNIQUE,
    version_id   TEXT NOT NULL DEFAULT '',
    last_updated INTEGER NOT NULL DEFAULT 0,
    patient_id   TEXT NOT NULL REFERENCES patients (id),
    thread_id    TEXT NOT NULL DEFAULT '',
    from_patient INTEGER NOT NULL DEFAULT 0 CHECK (from_patient IN (0, 1)),
    sender       TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL DEFAULT '',
    sent         INTEGER,
    read         INTEGER NOT NULL DEFAULT 0 CHECK (read IN (0, 1))
);
CREATE INDEX communications_patient_sent ON communications (patient_id, sent);
CREATE INDEX communications_unread ON communications (patient_id, sent)
    WHERE from_patient = 1 AND read = 0;

-- Derived: each patient's most recent reading per kind, kept by PutReading so
-- the worklist never scans history.
CREATE TABLE latest_readings (
    patient_id     TEXT NOT NULL REFERENCES patients (id),
    kind           TEXT NOT NULL,
    observation_id TEXT NOT NULL REFERENCES observations (id),
    taken          INTEGER NOT NULL,
    value          REAL NOT NULL,
    value2         REAL NOT NULL,
    color          TEXT NOT NULL,
    implausible    INTEGER NOT NULL CHECK (implausible IN (0, 1)),
    PRIMARY KEY (patient_id, kind)
) WITHOUT ROWID;

-- Local: changes made here and not yet accepted by the central. uuid is the
-- client-made identifier that makes a retried create idempotent.
CREATE TABLE outbox (
    seq           INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    created       INTEGER NOT NULL,
    action        TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id   TEXT NOT NULL DEFAULT '',
    payload       TEXT NOT NULL CHECK (json_valid(payload)),
    if_match      TEXT NOT NULL DEFAULT '',
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_attempt  INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'conflict', 'failed'))
);
CREATE INDEX outbox_pending ON outbox (next_attempt, seq) WHERE state = 'pending';

-- Local, append-only: every look-up of and action on patient data.
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    user       TEXT NOT NULL,
    action     TEXT NOT NULL,
    patient_id TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_patient ON audit_log (patient_id, at) WHERE patient_id <> '';

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- Local: the incremental pull's position per resource type.
CREATE TABLE sync_state (
    resource_type TEXT PRIMARY KEY,
    watermark     INTEGER NOT NULL DEFAULT 0,
    last_success  INTEGER,
    last_error    TEXT NOT NULL DEFAULT ''
);

-- Local: key/value facts about this cache (demo flag, clinic name, user).
CREATE TABLE info (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE info;
DROP TABLE sync_state;
DROP TABLE audit_log;
DROP TABLE outbox;
DROP TABLE latest_readings;
DROP TABLE communications;
DROP TABLE tasks;
DROP TABLE questionnaire_responses;
DROP TABLE observations;
DROP TABLE regimes;
DROP TABLE episodes_of_care;
DROP TABLE patients;
DROP TABLE practitioners;
DROP TABLE care_teams;
DROP TABLE organizations;
