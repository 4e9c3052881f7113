// Package fhir holds hand-written Go structs for the subset of HL7 FHIR R4
// (JSON) that TeleHjerte uses, the code systems and extension URLs it
// follows from the Danish eHealth Infrastructure, strict decoding helpers
// for untrusted input, and the mapping between domain types and resources.
//
// Date, dateTime and instant elements are kept as strings, as FHIR allows
// partial dates that time.Time cannot represent; FormatInstant and
// ParseDateTime convert. See docs/fhir-mapping.md for the modelling choices.
package fhir
