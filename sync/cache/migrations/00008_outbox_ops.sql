-- outbox: each entry says what it asks of the central (sync/outbox.Op).
-- Until now the column action was both the label the sync-problems screen
-- shows and, for a few names, how to send the entry; the engine inferred
-- the rest from the payload. Now:
--
--   label          what the nurse did (e.g. "acknowledge"), for the screen
--                  only; the old action.
--   kind           the request: create (POST [type], If-None-Exist),
--                  update (PUT, If-Match), patch (PATCH, If-Match),
--                  transaction (POST [base], a Bundle), merge-update,
--                  merge-create, merge-transaction (a change set of one
--                  change, one create, several changes).
--   if_none_exist  the condition of a create.
--
-- Existing rows get the kind the engine inferred for them, so they are sent
-- with the same request as before: one of the engine's own action names
-- (create, update, patch, transaction, merge) as it says; else a payload
-- starting with "[" (after white space) a patch, one starting with
-- {"changes": a change set; else no resource id a create, and an update.
-- A change set of one change is sent against the If-Match of that change.
-- A create was always conditional on the entry's uuid. The labels that named
-- an engine action get the nurse's one where it is known: a transaction of
-- a Patient is an enrolment, of a CarePlan a regime change.

-- +goose Up
CREATE TABLE outbox_typed (
    seq           INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    created       INTEGER NOT NULL,
    label         TEXT NOT NULL CHECK (label <> ''),
    kind          TEXT NOT NULL CHECK (kind IN ('create', 'update', 'patch', 'transaction',
                                                'merge-update', 'merge-create', 'merge-transaction')),
    resource_type TEXT NOT NULL,
    resource_id   TEXT NOT NULL DEFAULT '',
    if_match      TEXT NOT NULL DEFAULT '',
    if_none_exist TEXT NOT NULL DEFAULT '',
    payload       TEXT NOT NULL CHECK (json_valid(payload)),
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_attempt  INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'conflict', 'failed')),
    sent          INTEGER NOT NULL DEFAULT 0
);

INSERT INTO outbox_typed (seq, uuid, created, label, kind, resource_type, resource_id, if_match, if_none_exist,
    payload, attempts, next_attempt, last_error, state, sent)
SELECT seq, uuid, created,
    CASE
        WHEN action = 'transaction' AND resource_type = 'Patient' THEN 'enrol'
        WHEN action = 'transaction' AND resource_type = 'CarePlan' THEN 'regime'
        ELSE action
    END,
    kind, resource_type, resource_id,
    CASE WHEN kind = 'merge-update' THEN coalesce(json_extract(payload, '$.changes[0].ifMatch'), '') ELSE if_match END,
    CASE
        WHEN kind = 'create' THEN 'identifier=urn:ietf:rfc:3986|urn:uuid:' || uuid
        WHEN kind = 'merge-create' AND coalesce(json_extract(payload, '$.changes[0].identifier'), '') <> '' THEN
            'identifier=urn:ietf:rfc:3986|urn:uuid:' || json_extract(payload, '$.changes[0].identifier')
        ELSE ''
    END,
    payload, attempts, next_attempt, last_error, state, sent
FROM (
    SELECT o.*,
        CASE
            WHEN m = 'merge' THEN
                CASE
                    WHEN json_type(payload, '$.changes') = 'array' AND json_array_length(payload, '$.changes') = 1 THEN
                        CASE WHEN coalesce(json_extract(payload, '$.changes[0].id'), '') = '' THEN 'merge-create'
                             ELSE 'merge-update' END
                    ELSE 'merge-transaction'
                END
            ELSE m
        END AS kind
    FROM (
        SELECT outbox.*,
            CASE
                WHEN action IN ('create', 'update', 'patch', 'transaction', 'merge') THEN action
                WHEN substr(ltrim(payload, ' ' || char(9) || char(10) || char(13)), 1, 1) = '[' THEN 'patch'
                WHEN substr(ltrim(payload, ' ' || char(9) || char(10) || char(13)), 1, 11) = '{"changes":' THEN 'merge'
                WHEN resource_id = '' THEN 'create'
                ELSE 'update'
            END AS m
        FROM outbox
    ) o
);

DROP TABLE outbox;
ALTER TABLE outbox_typed RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (next_attempt, seq) WHERE state = 'pending';

-- +goose Down
-- Back to the action column: each entry keeps its request (the engine
-- names for the kinds; a change set of any size is "merge"), the nurse's
-- labels are lost.
CREATE TABLE outbox_untyped (
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
    state         TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'conflict', 'failed')),
    sent          INTEGER NOT NULL DEFAULT 0
);
INSERT INTO outbox_untyped (seq, uuid, created, action, resource_type, resource_id, payload, if_match, attempts,
    next_attempt, last_error, state, sent)
SELECT seq, uuid, created,
    CASE
        WHEN kind IN ('create', 'update', 'patch', 'transaction') THEN kind
        WHEN kind LIKE 'merge-%' THEN 'merge'
    END,
    resource_type, resource_id, payload, if_match, attempts, next_attempt, last_error, state, sent
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_untyped RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (next_attempt, seq) WHERE state = 'pending';
