-- The questionnaires a patient answers (issue 12, PRO thresholds):
--
--   questionnaires: the definitions pulled from the central (FHIR
--     Questionnaire), each question with the answers it offers, as JSON
--     [{"linkId","text","options":[{"code","text","severity"}]}], so the
--     regime form can give a severity to an answer nobody has given yet.
--     Not patient data.
--   questionnaire_responses.questionnaire: the canonical reference
--     (url|version) of the questionnaire answered. Rows stored before
--     have none ('').
--   regimes.questionnaires: the canonical references of the
--     questionnaires the regime has the patient answer (CarePlan
--     instantiatesCanonical), as a JSON list. Versions stored before have
--     none here; schema 12 (a Go migration, migrate_questionnaires.go)
--     fills them from the CarePlan JSON the cache keeps.

-- +goose Up
CREATE TABLE questionnaires (
    id           TEXT NOT NULL PRIMARY KEY,
    version_id   TEXT NOT NULL DEFAULT '',
    last_updated INTEGER NOT NULL DEFAULT 0,
    url          TEXT NOT NULL,
    version      TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL DEFAULT '',
    questions    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(questions))
);
CREATE INDEX questionnaires_url ON questionnaires (url, last_updated);
ALTER TABLE questionnaire_responses ADD COLUMN questionnaire TEXT NOT NULL DEFAULT '';
CREATE INDEX questionnaire_responses_patient_questionnaire ON questionnaire_responses (patient_id, questionnaire);
ALTER TABLE regimes ADD COLUMN questionnaires TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(questionnaires));

-- +goose Down
ALTER TABLE regimes DROP COLUMN questionnaires;
DROP INDEX questionnaire_responses_patient_questionnaire;
ALTER TABLE questionnaire_responses DROP COLUMN questionnaire;
DROP INDEX questionnaires_url;
DROP TABLE questionnaires;
