// Package cache is the console's local SQLite cache: a replica of the
// central's FHIR resources, one projection table per resource type (each row
// keeps the server id, version_id and last_updated), plus the outbox, the
// append-only audit log and the sync state in the same file, so a nurse
// action, its outbox entry and its audit entry commit in one transaction.
//
// Files and connections: Open creates the parent directory (0700) and the
// file (0600, as are its -wal and -shm companions). All writes go through
// one writer connection (Store.Write, BEGIN IMMEDIATE); reads use a
// separate query-only pool and see one consistent snapshot per call (WAL
// mode), so the console reads while the sync engine writes. The schema is
// versioned with goose migrations embedded in the binary; a file migrated by
// a newer program is refused (ErrSchemaTooNew), a damaged one reported
// (ErrCorrupt).
//
// Upserts: every Put replaces the stored row by id unless the stored row is
// newer: a later last_updated, or the same last_updated and a higher
// version id (numeric when both are digit strings). A row with no server
// version (zero Meta.LastUpdated) therefore never replaces a server version.
// Regimes keep every CarePlan version, keyed by id and version.
//
// Foreign keys are enforced: a patient's readings, tasks, messages,
// questionnaires, regimes and episodes need the patient row first, and an
// episode needs its teams (PutResponsibility creates unknown teams).
//
// Times are stored as INTEGER unix milliseconds UTC and come back in UTC
// with millisecond precision; the zero time is stored as NULL. Stored
// classifications (colour, implausible reason, the limits snapshot) come
// back exactly as stored: nothing is re-classified on read.
//
// latest_readings is derived: PutReading keeps it on the newest reading
// (by time taken, then id) per patient and kind, whatever the arrival order,
// so the worklist reads open tasks, unread messages and that table only.
package cache
