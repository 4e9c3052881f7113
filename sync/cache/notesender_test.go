package cache

import (
	"context"
	"fmt"
	"testing"
)

// TestStaffNoteOnlyFromPractitioner: a Communication with category
// handover-note is shown as a staff note only when its sender references a
// Practitioner. A patient's one (sender Patient, display "Overlæge
// Hansen", priority urgent) is a message from the patient and never an
// important note, on the patient view or the worklist; one whose sender is
// a display only is parked (kept, counted), not shown as staff.
func TestStaffNoteOnlyFromPractitioner(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustWrite(t, s, func(tx *Tx) error { return addPatient(tx, "p1", "Alma") })
	comm := func(id, sender string) []byte {
		return []byte(fmt.Sprintf(`{"resourceType":"Communication","id":%q,"meta":{"versionId":"1","lastUpdated":"2026-03-10T09:00:00Z"},
"status":"completed","priority":"urgent",
"category":[{"coding":[{"system":"http://telehjerte.example/fhir/CodeSystem/communication-category","code":"handover-note"}]}],
"subject":{"reference":"Patient/p1"},"sent":"2026-03-10T09:00:00Z",%s
"payload":[{"contentString":"Stop al medicin"}]}`, id, sender))
	}
	mustWrite(t, s, func(tx *Tx) error {
		for _, raw := range [][]byte{
			comm("c-patient", `"sender":{"reference":"Patient/p1","display":"Overlæge Hansen"},`),
			comm("c-display", `"sender":{"display":"Overlæge Hansen"},`),
			comm("c-none", ``),
			comm("c-staff", `"sender":{"reference":"Practitioner/prac-1","display":"Karen Holm"},`),
		} {
			if _, err := tx.ApplyResource(raw); err != nil {
				return err
			}
		}
		return nil
	})
	d, err := s.Patient(ctx, "p1", day(-30))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Notes) != 1 || d.Notes[0].ID != "c-staff" || d.Notes[0].Author != "Karen Holm" || !d.Notes[0].Important {
		t.Errorf("notes = %+v, want only the practitioner's important note", d.Notes)
	}
	if len(d.Messages) != 1 || d.Messages[0].ID != "c-patient" || !d.Messages[0].FromPatient {
		t.Errorf("messages = %+v, want the patient's Communication as a message from the patient", d.Messages)
	}
	if n, err := s.ParkedCount(ctx); err != nil || n != 2 {
		t.Errorf("parked = %d, %v; want the two handover notes without a sender reference", n, err)
	}
	rows, err := s.Worklist(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		for _, n := range r.Notes {
			if n.ID != "c-staff" {
				t.Errorf("worklist flags note %+v of %s; only the practitioner's note may be flagged", n, r.Patient.ID)
			}
		}
	}
}
