package fhir

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// MaxResourceBytes is the largest resource or Bundle the decoders accept.
const MaxResourceBytes = 1 << 20

// MaxBundleEntries is the most entries a decoded Bundle may hold.
const MaxBundleEntries = 1000

// ErrMalformed is wrapped by every decoding and validation error, so callers
// can tell bad input (HTTP 400) from other failures.
var ErrMalformed = errors.New("malformed FHIR resource")

func malformed(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, a...))
}

// NewResource returns an empty struct for the resource type name, or false
// when this package does not model that type.
func NewResource(resourceType string) (Resource, bool) {
	var r Resource
	switch resourceType {
	case "Patient":
		r = &Patient{}
	case "Practitioner":
		r = &Practitioner{}
	case "Organization":
		r = &Organization{}
	case "CareTeam":
		r = &CareTeam{}
	case "EpisodeOfCare":
		r = &EpisodeOfCare{}
	case "CarePlan":
		r = &CarePlan{}
	case "ServiceRequest":
		r = &ServiceRequest{}
	case "Observation":
		r = &Observation{}
	case "QuestionnaireResponse":
		r = &QuestionnaireResponse{}
	case "Questionnaire":
		r = &Questionnaire{}
	case "ClinicalImpression":
		r = &ClinicalImpression{}
	case "Task":
		r = &Task{}
	case "Communication":
		r = &Communication{}
	case "AuditEvent":
		r = &AuditEvent{}
	case "Consent":
		r = &Consent{}
	case "Condition":
		r = &Condition{}
	case "Bundle":
		r = &Bundle{}
	case "OperationOutcome":
		r = &OperationOutcome{}
	case "CapabilityStatement":
		r = &CapabilityStatement{}
	default:
		return nil, false
	}
	r.Header().ResourceType = resourceType
	return r, true
}

// ResourceTypeOf returns the resourceType of a JSON resource after checking
// size and encoding.
func ResourceTypeOf(data []byte) (string, error) {
	if err := checkBytes(data); err != nil {
		return "", err
	}
	var head struct {
		ResourceType *string `json:"resourceType"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return "", malformed("%s", describeJSONError(err))
	}
	if head.ResourceType == nil || *head.ResourceType == "" {
		return "", malformed("resourceType is missing")
	}
	return *head.ResourceType, nil
}

// Header is what names one version of a resource: its type, id and
// meta's versionId and lastUpdated, as the server sent them.
type Header struct {
	ResourceType, ID, VersionID, LastUpdated string
}

// DecodeHeader reads only what names the version of a JSON resource
// (Header), after the checks of size and encoding DecodeResource makes,
// and reads it as DecodeResource would into the resource's Base. The rest
// of the document is only checked to be JSON: a resource whose header
// reads may still not decode.
func DecodeHeader(data []byte) (Header, error) {
	if err := checkBytes(data); err != nil {
		return Header{}, err
	}
	var head struct {
		ResourceType string `json:"resourceType"`
		ID           string `json:"id"`
		Meta         *struct {
			VersionID   string `json:"versionId"`
			LastUpdated string `json:"lastUpdated"`
		} `json:"meta"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return Header{}, malformed("%s", describeJSONError(err))
	}
	if head.ResourceType == "" {
		return Header{}, malformed("resourceType is missing")
	}
	h := Header{ResourceType: head.ResourceType, ID: head.ID}
	if head.Meta != nil {
		h.VersionID, h.LastUpdated = head.Meta.VersionID, head.Meta.LastUpdated
	}
	return h, nil
}

func checkBytes(data []byte) error {
	if len(data) == 0 {
		return malformed("empty body")
	}
	if len(data) > MaxResourceBytes {
		return malformed("%d bytes is more than the %d allowed", len(data), MaxResourceBytes)
	}
	if !utf8.Valid(data) {
		return malformed("not valid UTF-8")
	}
	return nil
}

func describeJSONError(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at byte %d: %v", se.Offset, se)
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "(top level)"
		}
		return fmt.Sprintf("element %s: expected %s, got JSON %s", field, te.Type, te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "truncated JSON"
	}
	return err.Error()
}

// DecodeResource decodes any modelled resource and checks its required
// elements. Elements this package does not model are ignored (a real server
// may send more than we use). It never panics on any input.
func DecodeResource(data []byte) (Resource, error) {
	// Resources written by FHIR servers (this one's encoder too) start
	// with resourceType: read it from the first bytes, and only otherwise
	// unmarshal the whole document for it. decodeInto checks the whole
	// document either way.
	rt, fast := leadingResourceType(data)
	if !fast {
		var err error
		if rt, err = ResourceTypeOf(data); err != nil {
			return nil, err
		}
	} else if err := checkBytes(data); err != nil {
		return nil, err
	}
	r, ok := NewResource(rt)
	if !ok {
		return nil, malformed("resource type %q is not supported", rt)
	}
	if err := decodeInto(data, r); err != nil {
		return nil, err
	}
	if got := r.Header().ResourceType; got != rt {
		// A second resourceType later in the document.
		return nil, malformed("resourceType is both %q and %q", rt, got)
	}
	return r, nil
}

// leadingResourceType is the value of resourceType when it is the first
// member of the object and a plain ASCII name; false otherwise.
func leadingResourceType(data []byte) (string, bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return "", false
	}
	i = skipSpace(data, i+1)
	const key = `"resourceType"`
	if !bytes.HasPrefix(data[i:], []byte(key)) {
		return "", false
	}
	i = skipSpace(data, i+len(key))
	if i >= len(data) || data[i] != ':' {
		return "", false
	}
	i = skipSpace(data, i+1)
	if i >= len(data) || data[i] != '"' {
		return "", false
	}
	start := i + 1
	for j := start; j < len(data); j++ {
		c := data[j]
		switch {
		case c == '"':
			if j == start {
				return "", false
			}
			return string(data[start:j]), true
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		default:
			return "", false
		}
	}
	return "", false
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// Decode decodes a resource of the type T points to, e.g.
// Decode[*Observation](data), rejecting any other resourceType.
func Decode[T Resource](data []byte) (T, error) {
	var zero T
	r, err := DecodeResource(data)
	if err != nil {
		return zero, err
	}
	t, ok := r.(T)
	if !ok {
		return zero, malformed("expected %T, got resourceType %q", zero, r.Header().ResourceType)
	}
	return t, nil
}

func decodeInto(data []byte, r Resource) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(r); err != nil {
		return malformed("%s: %s", r.Header().ResourceType, describeJSONError(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return malformed("%s: data after the JSON object", r.Header().ResourceType)
	}
	if v, ok := r.(interface{ validate() error }); ok {
		if err := v.validate(); err != nil {
			return malformed("%s: %v", r.Header().ResourceType, err)
		}
	}
	return nil
}

// Encode marshals a resource as compact JSON.
func Encode(r Resource) ([]byte, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", r.Header().ResourceType, err)
	}
	return b, nil
}
