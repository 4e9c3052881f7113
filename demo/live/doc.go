// Package live runs the demo clinic the way a real deployment runs: an
// embedded reference central (package central) on loopback, seeded from
// the demo generator, a fresh console cache that the sync engine fills from
// it, and a simulator that plays the patients' app (new readings, now and
// then a red or yellow one, and the odd message) through the central's
// patient-side API, so the worklist moves while the nurse watches.
//
// Everything is in-process and on 127.0.0.1; the central's database and the
// console's cache are files in the demo data directory, rebuilt on every
// start and kept at mode 0600. The bearer tokens are random per start and
// never leave the process.
package live
