package central

import (
	"net/http"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// Handover notes (Communications with category handover-note, see
// docs/fhir-mapping.md) are written by and for the care team about a
// patient: the patient side never sees them, although they sit in the
// patient's compartment.

// staffOnlyCategory is the category search value of a handover note.
const staffOnlyCategory = fhir.SystemCommunicationCategory + "|" + fhir.CodeHandoverNote

// staffOnlyClause is an SQL condition on resources alias r that leaves out
// handover notes for a patient principal and a read-only user (empty
// for the monitoring staff).
func staffOnlyClause(p Principal, typ string) (string, []any) {
	if (p.Patient == "" && !p.readOnly()) || typ != "Communication" {
		return "", nil
	}
	return `NOT EXISTS (SELECT 1 FROM params x WHERE x.type = r.type AND x.id = r.id AND x.name = 'category' AND x.value = ?)`,
		[]any{staffOnlyCategory}
}

// hideStaffOnly turns a handover note read by a patient principal or a
// read-only user into not
// found.
func hideStaffOnly(p Principal, st Stored) error {
	if (p.Patient == "" && !p.readOnly()) || st.Type != "Communication" {
		return nil
	}
	c, err := fhir.Decode[*fhir.Communication](st.JSON)
	if err != nil || fhir.IsHandoverNote(c) {
		return errorf(http.StatusNotFound, "not-found", "%s/%s: not found", st.Type, st.ID)
	}
	return nil
}
