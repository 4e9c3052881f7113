// Package cache is the console's local SQLite cache: a replica of the
// central's FHIR resources, one projection table per resource type (each row
// keeps the server id, version_id and last_updated), plus the outbox, the
// append-only audit log and the sync state in the same file, so a nurse
// action, its outbox entry and its audit entry commit in one transaction.
//
// All writes go through one writer connection (Store.Write); reads use a
// separate read-only pool and see a consistent snapshot (WAL mode). Times are
// stored as INTEGER unix milliseconds UTC and come back in UTC with
// millisecond precision. Stored classifications are returned as stored:
// nothing is re-classified on read.
package cache
