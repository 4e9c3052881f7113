// Package demo generates a synthetic DEMO clinic: patients, measurement
// regimes, home readings classified on arrival, questionnaires, messages and
// worklist tasks. The console opens it when no central server is configured;
// the same generator seeds the reference central server and builds large
// caches for benchmarks.
//
// Generation (Generate, Teams) is pure: it imports only the domain package
// and the standard library, uses no clock and no global random source, and
// gives the same output for the same Options. Loading into the local cache
// (SeedCache) lives in cache.go.
//
// Every patient is synthetic (domain.Patient.Synthetic is set): names are
// combined from a fixed list of common Danish given names and surnames, and
// CPR numbers use the "day of month + 60" form (day field 61–91), which no
// ordinary CPR number has.
//
// When Options.Patients is at least 10 the first ten patients tell stories a
// monitoring nurse will recognise (see the Story constants); the rest are
// stable or mildly varying patients.
package demo

// The time zone database is embedded so Europe/Copenhagen loads on machines
// without /usr/share/zoneinfo.
import _ "time/tzdata"
