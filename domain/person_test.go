package domain

import "testing"

// What a physician field saves: a reference only for an explicit
// reference or the id of a practitioner the console knows; a word that
// merely looks like an id is a name as text (the defect: "Hansen" became
// Practitioner/Hansen).
func TestPersonEntry(t *testing.T) {
	known := func(id string) bool { return id == "prac-1" || id == "3f2c9a7e-5b1d-4e8a-9c0f-1a2b3c4d5e6f" }
	for _, c := range []struct{ entry, want string }{
		{"Hansen", "Hansen"},
		{"  Hansen ", "Hansen"},
		{"Dr. Hansen", "Dr. Hansen"},
		{"prac-2", "prac-2"}, // an id's syntax, but nobody the console knows
		{"prac-1", "Practitioner/prac-1"},
		{" prac-1 ", "Practitioner/prac-1"},
		{"3f2c9a7e-5b1d-4e8a-9c0f-1a2b3c4d5e6f", "Practitioner/3f2c9a7e-5b1d-4e8a-9c0f-1a2b3c4d5e6f"},
		{"Practitioner/prac-1", "Practitioner/prac-1"},
		{"Practitioner/Hansen", "Practitioner/Hansen"},           // explicit: the nurse wrote a reference
		{"Practitioner/Hans Hansen", "Practitioner/Hans Hansen"}, // no id: text
		{"Patient/prac-1", "Patient/prac-1"},                     // not a practitioner: text
		{"", ""},
	} {
		if got := PersonEntry(c.entry, known); got != c.want {
			t.Errorf("PersonEntry(%q) = %q, want %q", c.entry, got, c.want)
		}
	}
	if got := PersonEntry("prac-1", nil); got != "prac-1" {
		t.Errorf("with nobody known, PersonEntry(prac-1) = %q, want the text", got)
	}
}

func TestPractitionerOf(t *testing.T) {
	for _, c := range []struct {
		v    string
		id   string
		isID bool
	}{
		{PractitionerRef("prac-1"), "prac-1", true},
		{"Practitioner/a.b-C9", "a.b-C9", true},
		{"prac-1", "", false},
		{"Hansen", "", false},
		{"Practitioner/", "", false},
		{"Practitioner/Hans Hansen", "", false},
		{"Practitioner/a/b", "", false},
		{"PractitionerRole/prac-1", "", false},
		{"", "", false},
	} {
		id, ok := PractitionerOf(c.v)
		if id != c.id || ok != c.isID {
			t.Errorf("PractitionerOf(%q) = %q, %v; want %q, %v", c.v, id, ok, c.id, c.isID)
		}
	}
}
