package fhir

// Meta is resource metadata set by the server.
type Meta struct {
	VersionID   string   `json:"versionId,omitempty"`
	LastUpdated string   `json:"lastUpdated,omitempty"`
	Profile     []string `json:"profile,omitempty"`
	Tag         []Coding `json:"tag,omitempty"`
}

// Coding is a code from a code system.
type Coding struct {
	System  string `json:"system,omitempty"`
	Version string `json:"version,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

// CodeableConcept is a concept given by one or more codings and/or text.
type CodeableConcept struct {
	Coding []Coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

// Identifier is a business identifier.
type Identifier struct {
	Use    string           `json:"use,omitempty"`
	Type   *CodeableConcept `json:"type,omitempty"`
	System string           `json:"system,omitempty"`
	Value  string           `json:"value,omitempty"`
	Period *Period          `json:"period,omitempty"`
}

// Reference points at another resource, e.g. "Patient/123".
type Reference struct {
	Reference  string      `json:"reference,omitempty"`
	Type       string      `json:"type,omitempty"`
	Identifier *Identifier `json:"identifier,omitempty"`
	Display    string      `json:"display,omitempty"`
}

// Quantity is a measured amount. Value is a pointer so that 0 is kept.
type Quantity struct {
	Value      *float64 `json:"value,omitempty"`
	Comparator string   `json:"comparator,omitempty"`
	Unit       string   `json:"unit,omitempty"`
	System     string   `json:"system,omitempty"`
	Code       string   `json:"code,omitempty"`
}

// Period is a time range; either end may be absent.
type Period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// Range is a low and/or high quantity.
type Range struct {
	Low  *Quantity `json:"low,omitempty"`
	High *Quantity `json:"high,omitempty"`
}

// Annotation is a note.
type Annotation struct {
	AuthorReference *Reference `json:"authorReference,omitempty"`
	AuthorString    string     `json:"authorString,omitempty"`
	Time            string     `json:"time,omitempty"`
	Text            string     `json:"text"`
}

// HumanName is a person's name.
type HumanName struct {
	Use    string   `json:"use,omitempty"`
	Text   string   `json:"text,omitempty"`
	Family string   `json:"family,omitempty"`
	Given  []string `json:"given,omitempty"`
}

// Extension is an extension with one value[x] of the types TeleHjerte uses,
// or nested extensions.
type Extension struct {
	URL                  string           `json:"url"`
	Extension            []Extension      `json:"extension,omitempty"`
	ValueString          *string          `json:"valueString,omitempty"`
	ValueCode            *string          `json:"valueCode,omitempty"`
	ValueBoolean         *bool            `json:"valueBoolean,omitempty"`
	ValueInteger         *int             `json:"valueInteger,omitempty"`
	ValueDecimal         *float64         `json:"valueDecimal,omitempty"`
	ValueDateTime        *string          `json:"valueDateTime,omitempty"`
	ValueQuantity        *Quantity        `json:"valueQuantity,omitempty"`
	ValueCodeableConcept *CodeableConcept `json:"valueCodeableConcept,omitempty"`
	ValueCoding          *Coding          `json:"valueCoding,omitempty"`
	ValueReference       *Reference       `json:"valueReference,omitempty"`
	ValuePeriod          *Period          `json:"valuePeriod,omitempty"`
}

// Timing is when an activity is to occur.
type Timing struct {
	Event  []string         `json:"event,omitempty"`
	Repeat *TimingRepeat    `json:"repeat,omitempty"`
	Code   *CodeableConcept `json:"code,omitempty"`
}

// TimingRepeat is the repeating part of a Timing.
type TimingRepeat struct {
	BoundsPeriod *Period  `json:"boundsPeriod,omitempty"`
	Count        *int     `json:"count,omitempty"`
	Frequency    *int     `json:"frequency,omitempty"`
	Period       *float64 `json:"period,omitempty"`
	PeriodUnit   string   `json:"periodUnit,omitempty"`
	DayOfWeek    []string `json:"dayOfWeek,omitempty"`
	TimeOfDay    []string `json:"timeOfDay,omitempty"`
	When         []string `json:"when,omitempty"`
}

// ContactPoint is a phone number, e-mail etc.
type ContactPoint struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value,omitempty"`
	Use    string `json:"use,omitempty"`
}
