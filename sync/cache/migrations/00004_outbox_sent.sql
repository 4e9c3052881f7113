-- outbox.sent: when the engine first sent an entry to the central (ms; 0:
-- never sent). Written before the request goes out, so after a lost
-- answer or a killed process the next round knows the central may already
-- have applied it: a completed Task that carries this console's own
-- completion (owner and time) is then the entry's success, not a conflict.

-- +goose Up
ALTER TABLE outbox ADD COLUMN sent INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE outbox DROP COLUMN sent;
