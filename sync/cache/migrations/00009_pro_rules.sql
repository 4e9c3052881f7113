-- The regime's questionnaire severities (domain.Regime.ProRules): per
-- answer of the symptom questionnaire the severity the physician gave it
-- for this patient, as JSON [{"question","answer","severity"}]. No CarePlan
-- carried them before, so existing rows have none.

-- +goose Up
ALTER TABLE regimes ADD COLUMN pro_rules TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(pro_rules));

-- +goose Down
ALTER TABLE regimes DROP COLUMN pro_rules;
