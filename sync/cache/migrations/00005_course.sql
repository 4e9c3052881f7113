-- The patient's course (issue 12).
--
--   regimes.startup_end: when the start-up period ends (domain.Regime.StartUpEnd).
--   regimes.review_days: the agreed review interval in days (0: none).

-- +goose Up
ALTER TABLE regimes ADD COLUMN startup_end INTEGER;
ALTER TABLE regimes ADD COLUMN review_days INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE regimes DROP COLUMN review_days;
ALTER TABLE regimes DROP COLUMN startup_end;
