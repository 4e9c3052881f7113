package domain

import (
	"errors"
	"fmt"
	"strings"
)

// Problem codes of a FieldError. A user interface translates them; Msg holds
// the English text for logs and tests.
const (
	CodeRequired = "required" // the field must be filled in
	CodeTooLong  = "too-long" // more than Max characters
	CodeRange    = "range"    // outside [Min, Max]
	CodeOrder    = "order"    // must be below (or after) the field Other
	CodeAfter    = "after"    // a date or time that must come after Other
	CodeOverlap  = "overlap"  // overlaps an existing period
	CodeSame     = "same"     // must differ from Other
	CodeInvalid  = "invalid"  // not a known or usable value
	// CodePeriodTooLong: a period longer than Max weeks.
	CodePeriodTooLong = "period-too-long"
)

// FieldError is one validation problem tied to one input field, so a form can
// show it next to that field. Field names are stable identifiers such as
// "title", "body", "end" or "pulse.red-high" (see each Validate's doc).
type FieldError struct {
	Field string
	Code  string
	// Min and Max give the allowed range for CodeRange, Max the limit for
	// CodeTooLong.
	Min, Max float64
	// Other names the field this one conflicts with (CodeOrder, CodeAfter,
	// CodeSame).
	Other string
	// Overlap, for CodeOverlap, is the existing cover the period overlaps,
	// and OverlapPatient the patient it belongs to when the checker knows
	// it, so the nurse is told which one.
	Overlap        *Cover
	OverlapPatient string
	Msg            string // English description
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// Problems is a list of validation problems; a Validate method returns nil
// (an untyped nil error) when there are none, else a Problems.
type Problems []*FieldError

func (p Problems) Error() string {
	parts := make([]string, len(p))
	for i, e := range p {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// ByField returns the first problem of each field.
func (p Problems) ByField() map[string]*FieldError {
	m := make(map[string]*FieldError, len(p))
	for _, e := range p {
		if _, ok := m[e.Field]; !ok {
			m[e.Field] = e
		}
	}
	return m
}

// err returns p as an error, or nil when empty.
func (p Problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return p
}

// add appends a problem with a formatted English message.
func (p *Problems) add(field, code string, format string, args ...any) *FieldError {
	e := &FieldError{Field: field, Code: code, Msg: fmt.Sprintf(format, args...)}
	*p = append(*p, e)
	return e
}

// AsProblems extracts the Problems from err (nil when err carries none).
func AsProblems(err error) Problems {
	var p Problems
	if errors.As(err, &p) {
		return p
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		return Problems{fe}
	}
	return nil
}
