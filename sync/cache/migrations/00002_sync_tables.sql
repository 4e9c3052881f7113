-- The sync engine's own tables (issue 3). Until this migration they were
-- created on demand before each sync round, so a cache at version 1 may
-- already hold them, with data: every statement is IF NOT EXISTS and keeps
-- what is there.
--
--   sync_resources: raw CarePlan and ServiceRequest JSON; a regime version is
--     built from a CarePlan and its ServiceRequests, which arrive separately.
--   sync_parked: pulled resources that could not be applied yet (their
--     patient is not in the cache, or they do not map); kept, counted and
--     retried, never dropped.
--   outbox_conflicts: the server's current version next to an outbox item
--     that got 412, so the console can show both.
--   outbox_results: how outbox items ended that the nurse should hear about
--     (e.g. a task already acknowledged by someone else).

-- +goose Up
CREATE TABLE IF NOT EXISTS sync_resources (
    resource_type TEXT NOT NULL,
    id            TEXT NOT NULL,
    version_id    TEXT NOT NULL DEFAULT '',
    last_updated  INTEGER NOT NULL DEFAULT 0,
    plan_id       TEXT NOT NULL DEFAULT '',
    json          TEXT NOT NULL CHECK (json_valid(json)),
    PRIMARY KEY (resource_type, id)
);
CREATE INDEX IF NOT EXISTS sync_resources_plan ON sync_resources (plan_id) WHERE plan_id <> '';

CREATE TABLE IF NOT EXISTS sync_parked (
    resource_type TEXT NOT NULL,
    id            TEXT NOT NULL,
    version_id    TEXT NOT NULL DEFAULT '',
    last_updated  INTEGER NOT NULL DEFAULT 0,
    json          TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    parked        INTEGER NOT NULL,
    PRIMARY KEY (resource_type, id)
);

CREATE TABLE IF NOT EXISTS outbox_conflicts (
    uuid           TEXT PRIMARY KEY,
    server_json    TEXT NOT NULL DEFAULT '',
    server_version TEXT NOT NULL DEFAULT '',
    detected       INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS outbox_results (
    seq           INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id   TEXT NOT NULL DEFAULT '',
    outcome       TEXT NOT NULL,
    by_whom       TEXT NOT NULL DEFAULT '',
    at            INTEGER,
    detail        TEXT NOT NULL DEFAULT '',
    recorded      INTEGER NOT NULL
);

-- +goose Down
DROP TABLE outbox_results;
DROP TABLE outbox_conflicts;
DROP TABLE sync_parked;
DROP INDEX sync_resources_plan;
DROP TABLE sync_resources;
