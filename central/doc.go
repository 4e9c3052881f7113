// Package central is the reference TeleHjerte central server: a small FHIR
// R4 REST server (JSON) backed by one SQLite file. It keeps current
// resources plus their history, serves read, vread, incremental search,
// conditional create, optimistic-concurrency update, JSON Patch and
// transaction Bundles, authenticates bearer tokens, filters every result by
// the caller's care teams, and triages measurements on arrival (classify,
// copy the limits into referenceRange, create the TriagingResult and the
// review Task in the same database transaction).
package central
