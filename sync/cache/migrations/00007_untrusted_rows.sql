-- Rows an older console stored without the checks of issue 8:
--
--   notes: a Communication with category handover-note was kept as a staff
--     note whoever sent it (a patient could plant an "important note").
--     The notes table does not keep the sender reference, so every note
--     that came from the central is dropped and the Communications are
--     pulled again from the start; sync_apply.go sorts them anew (sender a
--     Practitioner: note; a Patient: message; anyone else: parked). Notes
--     made here and not yet confirmed (last_updated 0) stay.
--   observations: a reading dated where it cannot be (before 2000, or more
--     than 5 minutes after it was received, or after now when that is
--     unknown: domain.ImplausibleTime) is flagged with the reason and
--     leaves latest_readings, which then holds the newest plausible
--     reading of that patient and kind, if any.

-- +goose Up
DELETE FROM notes WHERE last_updated > 0;
DELETE FROM sync_state WHERE resource_type = 'Communication';

UPDATE observations SET implausible = CASE
    WHEN taken < 946684800000 THEN
        'time taken ' || strftime('%Y-%m-%dT%H:%M:%SZ', taken / 1000, 'unixepoch') || ' is before 2000'
    ELSE
        'time taken ' || strftime('%Y-%m-%dT%H:%M:%SZ', taken / 1000, 'unixepoch') || ' is after it was received ('
            || strftime('%Y-%m-%dT%H:%M:%SZ', coalesce(received, CAST(strftime('%s', 'now') AS INTEGER) * 1000) / 1000, 'unixepoch') || ')'
    END
WHERE implausible = ''
  AND (taken < 946684800000 OR taken > coalesce(received, CAST(strftime('%s', 'now') AS INTEGER) * 1000) + 300000);

DELETE FROM latest_readings WHERE observation_id IN (
    SELECT id FROM observations
    WHERE taken < 946684800000 OR taken > coalesce(received, CAST(strftime('%s', 'now') AS INTEGER) * 1000) + 300000);

INSERT INTO latest_readings (patient_id, kind, observation_id, taken, value, value2, color, implausible)
SELECT patient_id, kind, id, taken, value, value2, color, implausible <> '' FROM (
    SELECT o.*, row_number() OVER (PARTITION BY o.patient_id, o.kind ORDER BY o.taken DESC, o.id DESC) AS rn
    FROM observations o
    WHERE o.taken >= 946684800000
      AND o.taken <= coalesce(o.received, CAST(strftime('%s', 'now') AS INTEGER) * 1000) + 300000
      AND NOT EXISTS (SELECT 1 FROM latest_readings l WHERE l.patient_id = o.patient_id AND l.kind = o.kind)
) WHERE rn = 1;

-- +goose Down
SELECT 1;
