// Package domain holds the clinical rules of TeleHjerte home monitoring:
// measurement kinds, per-patient thresholds, classification into
// red/yellow/green, measurement regimes and the expected (and missing)
// measurements they imply, monitoring responsibility and the ordering of the
// nurse's worklist.
//
// The package is pure: no I/O, no clock (callers pass "now"), no UI. Every
// rule is unit-tested in this package.
package domain
