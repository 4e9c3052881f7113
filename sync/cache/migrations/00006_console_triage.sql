-- Readings the central sent without any triage are classified by the
-- console itself (domain.Arrive against the regime in force when taken) and
-- put on the worklist as a local task; both are marked, so the screen never
-- presents the console's colour as the central's.

-- +goose Up
ALTER TABLE observations ADD COLUMN by_console INTEGER NOT NULL DEFAULT 0 CHECK (by_console IN (0, 1));
ALTER TABLE tasks ADD COLUMN by_console INTEGER NOT NULL DEFAULT 0 CHECK (by_console IN (0, 1));

-- +goose Down
ALTER TABLE tasks DROP COLUMN by_console;
ALTER TABLE observations DROP COLUMN by_console;
