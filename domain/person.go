package domain

import "strings"

// practitionerPrefix begins a value that names a practitioner by
// reference.
const practitionerPrefix = "Practitioner/"

// PractitionerRef is the value that names the practitioner id by
// reference, "Practitioner/<id>": how a regime holds its responsible
// physician when she is a Practitioner resource. Any other value is a
// name as text, which refers to no resource.
func PractitionerRef(id string) string { return practitionerPrefix + id }

// PractitionerOf returns the practitioner id of v when v is a reference
// ("Practitioner/<id>", id a FHIR id); false for a name as text.
func PractitionerOf(v string) (string, bool) {
	id, ok := strings.CutPrefix(strings.TrimSpace(v), practitionerPrefix)
	if !ok || !practitionerID.MatchString(id) {
		return "", false
	}
	return id, true
}

// PersonEntry is what a field naming a practitioner (a regime's
// responsible physician) saves for what the nurse typed: a reference when
// the entry is one ("Practitioner/<id>") or is the id of a practitioner
// the console knows (known reports whether it holds her Practitioner),
// else the entry as a name as text. A word that merely has the syntax of
// an id ("Hansen") is text: guessing it to be an id would refer to a
// practitioner who may not exist.
func PersonEntry(entry string, known func(id string) bool) string {
	entry = strings.TrimSpace(entry)
	if _, ok := PractitionerOf(entry); ok {
		return entry
	}
	if practitionerID.MatchString(entry) && known != nil && known(entry) {
		return PractitionerRef(entry)
	}
	return entry
}
