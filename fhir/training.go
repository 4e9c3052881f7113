package fhir

import "time"

// ExtServerClock, on the CapabilityStatement of a server that holds test
// data only (meta.tag v3-ActReason HTEST), is the time of the server's
// clinical clock when the statement was made: a training central's
// session clock, which the instructor may pause and advance. A console
// connected to such a server follows it (triage, missing measurements and
// cover periods are then judged at the same moment on both sides).
const ExtServerClock = OurExtBase + "training-clock"

// ServerClockExtension is the ExtServerClock extension for t.
func ServerClockExtension(t time.Time) Extension { return dtExt(ExtServerClock, t) }

// ServerClock reads the ExtServerClock extension; ok false when absent.
func ServerClock(exts []Extension) (time.Time, bool, error) {
	t, err := extTime(exts, ExtServerClock)
	return t, err == nil && !t.IsZero(), err
}
