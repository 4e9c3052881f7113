package domain

import "time"

// AuditEntry records one look-up or action on patient data, for the
// half-yearly authorisation check. Detail holds old and new values for
// changes; it is stored, never logged to the console's log.
type AuditEntry struct {
	At        time.Time
	User      string // practitioner id or user name
	Action    string // e.g. "view-worklist", "view-patient", "acknowledge"
	PatientID string // empty for actions on no single patient
	Detail    string
}
