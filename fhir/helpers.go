package fhir

import (
	"fmt"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// InstantLayout is how instants are written: UTC with milliseconds.
const InstantLayout = "2006-01-02T15:04:05.000Z07:00"

// FormatInstant writes t as a FHIR instant in UTC with millisecond
// precision; the zero time gives "".
func FormatInstant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(InstantLayout)
}

// FormatDate writes the calendar date of t (in t's location).
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// ParseDateTime reads a FHIR instant, dateTime or date. "" gives the zero
// time. Partial dates (year, year-month) are read as their first instant.
func ParseDateTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, time.DateOnly, "2006-01", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, malformed("%q is not a FHIR date or dateTime", s)
}

// Ref returns a relative reference "Type/id".
func Ref(resourceType, id string) *Reference {
	return &Reference{Reference: resourceType + "/" + id}
}

// RefID returns the id from a reference to resourceType, accepting relative
// ("Patient/1"), absolute ("https://x/fhir/Patient/1") and versioned
// ("Patient/1/_history/2") forms.
func RefID(ref *Reference, resourceType string) (string, bool) {
	if ref == nil || ref.Reference == "" {
		return "", false
	}
	s := ref.Reference
	if i := strings.Index(s, "/_history/"); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, "/")
	if len(parts) < 2 || parts[len(parts)-2] != resourceType || !ValidID(parts[len(parts)-1]) {
		return "", false
	}
	return parts[len(parts)-1], true
}

// Qty returns a UCUM quantity.
func Qty(v float64, ucum string) *Quantity {
	return &Quantity{Value: &v, Unit: ucum, System: SystemUCUM, Code: ucum}
}

// Concept returns a CodeableConcept with one coding.
func Concept(system, code, display string) CodeableConcept {
	return CodeableConcept{Coding: []Coding{{System: system, Code: code, Display: display}}}
}

// CodeIn returns the code of the first coding in system.
func (c CodeableConcept) CodeIn(system string) (string, bool) {
	for _, cd := range c.Coding {
		if cd.System == system && cd.Code != "" {
			return cd.Code, true
		}
	}
	return "", false
}

// HasCode reports whether c holds system|code.
func (c CodeableConcept) HasCode(system, code string) bool {
	for _, cd := range c.Coding {
		if cd.System == system && cd.Code == code {
			return true
		}
	}
	return false
}

// FindExtension returns the first extension with url, or nil.
func FindExtension(exts []Extension, url string) *Extension {
	for i := range exts {
		if exts[i].URL == url {
			return &exts[i]
		}
	}
	return nil
}

// FindExtensions returns every extension with url.
func FindExtensions(exts []Extension, url string) []Extension {
	var out []Extension
	for _, e := range exts {
		if e.URL == url {
			out = append(out, e)
		}
	}
	return out
}

func strExt(url, v string) Extension  { return Extension{URL: url, ValueString: &v} }
func codeExt(url, v string) Extension { return Extension{URL: url, ValueCode: &v} }
func boolExt(url string, v bool) Extension {
	return Extension{URL: url, ValueBoolean: &v}
}
func dtExt(url string, t time.Time) Extension {
	s := FormatInstant(t)
	return Extension{URL: url, ValueDateTime: &s}
}

func extString(exts []Extension, url string) string {
	if e := FindExtension(exts, url); e != nil {
		switch {
		case e.ValueString != nil:
			return *e.ValueString
		case e.ValueCode != nil:
			return *e.ValueCode
		}
	}
	return ""
}

func extBool(exts []Extension, url string) bool {
	e := FindExtension(exts, url)
	return e != nil && e.ValueBoolean != nil && *e.ValueBoolean
}

func extTime(exts []Extension, url string) (time.Time, error) {
	e := FindExtension(exts, url)
	if e == nil || e.ValueDateTime == nil {
		return time.Time{}, nil
	}
	t, err := ParseDateTime(*e.ValueDateTime)
	if err != nil {
		return time.Time{}, fmt.Errorf("extension %s: %w", url, err)
	}
	return t, nil
}

// KindCode returns the system and code of a measurement kind (for blood
// pressure, the SKS code of the panel).
func KindCode(k domain.Kind) (system, code string) {
	switch k {
	case domain.KindWeight:
		return SystemNPU, CodeWeight
	case domain.KindPulse:
		return SystemNPU, CodePulse
	case domain.KindBloodPressure:
		return SystemSKS, CodeHomeBP
	case domain.KindSteps:
		return SystemMedComMeas, CodeSteps
	case domain.KindSpO2:
		return SystemNPU, CodeSpO2
	}
	return "", ""
}

// KindConcept returns the CodeableConcept of a measurement kind.
func KindConcept(k domain.Kind) CodeableConcept {
	sys, code := KindCode(k)
	return Concept(sys, code, "")
}

// KindOf returns the measurement kind a CodeableConcept codes for.
func KindOf(c CodeableConcept) (domain.Kind, bool) {
	for _, k := range domain.Kinds() {
		sys, code := KindCode(k)
		if c.HasCode(sys, code) {
			return k, true
		}
	}
	return "", false
}

// PriorityForColour is the Task priority of a triage colour: red asap,
// yellow (and implausible) urgent, green and unclassified routine.
func PriorityForColour(c domain.Color, implausible bool) string {
	switch {
	case c == domain.Red:
		return "asap"
	case c == domain.Yellow || implausible:
		return "urgent"
	}
	return "routine"
}

func colourConcept(c domain.Color) CodeableConcept {
	return Concept(SystemTeleHjerteColour, c.String(), "")
}

func colourOf(cs []CodeableConcept) (domain.Color, bool) {
	for _, c := range cs {
		if code, ok := c.CodeIn(SystemTeleHjerteColour); ok {
			col, err := domain.ParseColor(code)
			if err == nil {
				return col, true
			}
		}
	}
	return domain.Unclassified, false
}

// ColourConcept is the CodeableConcept (TeleHjerte colour system) of c, as
// used in Observation.interpretation and ClinicalImpression.finding.
func ColourConcept(c domain.Color) CodeableConcept { return colourConcept(c) }

// ColourOf reads a colour from a list of CodeableConcepts.
func ColourOf(cs []CodeableConcept) (domain.Color, bool) { return colourOf(cs) }
