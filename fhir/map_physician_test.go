package fhir

import (
	"testing"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// The responsible physician is a Practitioner reference only when the
// regime holds one (domain.PractitionerRef); any other value, a single
// word with the syntax of an id included, is a display text with no
// reference (the defect: "Hansen" was written as Practitioner/Hansen, a
// resource that need not exist). Both survive the round trip as they
// were.
func TestRegimePhysicianReferenceOrText(t *testing.T) {
	for _, c := range []struct {
		physician    string
		ref, display string
	}{
		{"Hansen", "", "Hansen"},
		{"prac-1", "", "prac-1"},
		{"Dr. Jensen", "", "Dr. Jensen"},
		{domain.PractitionerRef("prac-1"), "Practitioner/prac-1", ""},
		{"Practitioner/Hans Hansen", "", "Practitioner/Hans Hansen"},
	} {
		r := domain.Regime{ID: "cp1", Version: "1", PatientID: "p1", Physician: c.physician}
		cp, _ := RegimeToFHIR(r)
		cp = viaJSON(t, cp)
		e := FindExtension(cp.Extension, ExtPhysician)
		if e == nil || e.ValueReference == nil {
			t.Fatalf("%q: no physician extension", c.physician)
		}
		if got := e.ValueReference; got.Reference != c.ref || got.Display != c.display {
			t.Errorf("%q: reference %q display %q, want %q %q", c.physician, got.Reference, got.Display, c.ref, c.display)
		}
		back, err := RegimeFromFHIR(cp, nil)
		if err != nil {
			t.Fatal(err)
		}
		if back.Physician != c.physician {
			t.Errorf("%q: read back as %q", c.physician, back.Physician)
		}
	}
}

// A physician the data name by a Practitioner reference is read as that
// reference, whatever display the reference carries beside it; one named
// by display only is that text.
func TestRegimePhysicianFromFHIR(t *testing.T) {
	for _, c := range []struct {
		ref  Reference
		want string
	}{
		{Reference{Reference: "Practitioner/abc"}, "Practitioner/abc"},
		{Reference{Reference: "Practitioner/abc", Display: "Overlæge Ida Berg"}, "Practitioner/abc"},
		{Reference{Display: "Hansen"}, "Hansen"},
		{Reference{Reference: "Organization/o1", Display: "Klinikken"}, "Klinikken"},
	} {
		cp := &CarePlan{Base: Base{ResourceType: "CarePlan", ID: "cp1",
			Extension: []Extension{{URL: ExtPhysician, ValueReference: &c.ref}}}, Subject: *Ref("Patient", "p1")}
		r, err := RegimeFromFHIR(cp, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Physician != c.want {
			t.Errorf("%+v: physician %q, want %q", c.ref, r.Physician, c.want)
		}
	}
}
