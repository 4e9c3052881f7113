package fhir

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// SearchsetEntry is one entry of a Bundle read by DecodeSearchset.
type SearchsetEntry struct {
	// Mode is the entry's search.mode ("" when it has none).
	Mode string
	// Raw is the entry's resource as received: a slice of the body, nil
	// when the entry has no resource.
	Raw json.RawMessage
	// Resource is Raw decoded as DecodeResource would, nil when Err is set
	// or Raw is nil.
	Resource Resource
	// Err says why Raw, valid JSON, is not a resource this package
	// decodes (it wraps ErrMalformed, with DecodeResource's text).
	Err error
}

// DecodeSearchset reads a Bundle (a search page) in one pass over body:
// each entry's resource is decoded as it streams by, once, and kept raw
// beside (Raw is a slice of body, not a copy). The Bundle's own elements
// are returned in a Bundle whose Entry is empty. body must be valid UTF-8
// (the caller checks the whole body once). Invalid JSON anywhere, or an
// element of the Bundle or of an entry (other than the resource) of the
// wrong JSON type, is an error for the whole page; a resource that is
// valid JSON but does not decode is reported in its entry's Err, and the
// other entries are kept. A Bundle naming entry twice, or an entry naming
// resource or search twice, is refused.
func DecodeSearchset(body []byte) (*Bundle, []SearchsetEntry, error) {
	return DecodeSearchsetLimit(body, 0)
}

// DecodeSearchsetLimit is DecodeSearchset refusing a Bundle with more than
// maxEntries entries (none when maxEntries <= 0) as soon as the count is
// passed: the entries after the limit are neither decoded nor read, so a
// page of a great many small entries costs no more than the limit's worth
// of decoded resources before it is refused.
func DecodeSearchsetLimit(body []byte, maxEntries int) (*Bundle, []SearchsetEntry, error) {
	return readSearchset(body, maxEntries, true)
}

// SplitSearchset is DecodeSearchsetLimit leaving each entry's resource
// raw: Raw is checked to be valid JSON and cut from body, Resource and Err
// stay nil. For a caller that decodes only some resources (DecodeResource)
// or only what identifies them (DecodeHeader).
func SplitSearchset(body []byte, maxEntries int) (*Bundle, []SearchsetEntry, error) {
	return readSearchset(body, maxEntries, false)
}

// readSearchset reads a searchset Bundle, decoding each entry's resource
// when decode is true.
func readSearchset(body []byte, maxEntries int, decode bool) (*Bundle, []SearchsetEntry, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := expectDelim(dec, '{'); err != nil {
		return nil, nil, err
	}
	// The Bundle's members but entry, decoded together at the end as
	// encoding/json would (names match case-insensitively).
	var head bytes.Buffer
	head.WriteByte('{')
	var entries []SearchsetEntry
	sawEntry := false
	for dec.More() {
		key, err := objectKey(dec)
		if err != nil {
			return nil, nil, err
		}
		if strings.EqualFold(key, "entry") {
			if sawEntry {
				return nil, nil, repeated("entry")
			}
			sawEntry = true
			if entries, err = decodeEntries(dec, body, maxEntries, decode); err != nil {
				return nil, nil, err
			}
			continue
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, malformed("%s", describeJSONError(err))
		}
		if head.Len() > 1 {
			head.WriteByte(',')
		}
		k, _ := json.Marshal(key) // a string always marshals
		head.Write(k)
		head.WriteByte(':')
		head.Write(v)
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, nil, malformed("data after the JSON object")
	}
	head.WriteByte('}')
	var b Bundle
	if err := json.Unmarshal(head.Bytes(), &b); err != nil {
		return nil, nil, malformed("%s", describeJSONError(err))
	}
	return &b, entries, nil
}

// errRepeated is wrapped when an object names entry, resource or search
// twice (JSON members are unique in FHIR; encoding/json would mix them).
var errRepeated = errors.New("repeated member")

func repeated(name string) error {
	return fmt.Errorf("%w: %w %s", ErrMalformed, errRepeated, name)
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return malformed("%s", describeJSONError(err))
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return malformed("expected %q, got %s", want, jsonKind(tok))
	}
	return nil
}

// jsonKind names the kind of a token, never its text: what a server sent
// is not to be shown in an error.
func jsonKind(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			return "an object"
		case '[':
			return "an array"
		}
		return "the end of a value"
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "an unexpected value"
}

func objectKey(dec *json.Decoder) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", malformed("%s", describeJSONError(err))
	}
	key, ok := tok.(string)
	if !ok {
		return "", malformed("expected an object key, got %s", jsonKind(tok))
	}
	return key, nil
}

// decodeEntries reads the value of entry: null or an array of objects, at
// most maxEntries of them when maxEntries > 0; their resources decoded
// when decode is true.
func decodeEntries(dec *json.Decoder, body []byte, maxEntries int, decode bool) ([]SearchsetEntry, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, malformed("%s", describeJSONError(err))
	}
	if tok == nil {
		return nil, nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, malformed("element entry: expected an array, got %s", jsonKind(tok))
	}
	entries := []SearchsetEntry{}
	for dec.More() {
		if maxEntries > 0 && len(entries) >= maxEntries {
			return nil, malformed("more than the %d entries allowed", maxEntries)
		}
		tok, err := dec.Token()
		if err != nil {
			return nil, malformed("%s", describeJSONError(err))
		}
		if tok == nil { // null: an entry without a resource
			entries = append(entries, SearchsetEntry{})
			continue
		}
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			return nil, malformed("element entry[%d]: expected an object, got %s", len(entries), jsonKind(tok))
		}
		e, err := decodeEntry(dec, body, decode)
		if err != nil {
			return nil, fmt.Errorf("entry[%d]: %w", len(entries), err)
		}
		entries = append(entries, e)
	}
	return entries, expectDelim(dec, ']')
}

// decodeEntry reads the members of one entry, its '{' read already; its
// resource decoded when decode is true, else only cut out.
func decodeEntry(dec *json.Decoder, body []byte, decode bool) (SearchsetEntry, error) {
	var e SearchsetEntry
	sawResource, sawSearch := false, false
	for dec.More() {
		key, err := objectKey(dec)
		if err != nil {
			return e, err
		}
		var v any
		switch {
		case strings.EqualFold(key, "resource"):
			if sawResource {
				return e, repeated("resource")
			}
			sawResource = true
			if !decode {
				if e.Raw, err = cutValue(dec, body); err != nil {
					return e, err
				}
				continue
			}
			if e.Raw, e.Resource, e.Err, err = decodeStreamed(dec, body); err != nil {
				return e, err
			}
			continue
		case strings.EqualFold(key, "search"):
			if sawSearch {
				return e, repeated("search")
			}
			sawSearch = true
			var s *BundleEntrySearch
			if err := dec.Decode(&s); err != nil {
				return e, malformed("%s", describeJSONError(err))
			}
			if s != nil {
				e.Mode = s.Mode
			}
			continue
		case strings.EqualFold(key, "fullUrl"):
			v = new(string)
		case strings.EqualFold(key, "request"):
			v = new(*BundleEntryRequest)
		case strings.EqualFold(key, "response"):
			v = new(*BundleEntryResponse)
		default:
			v = new(json.RawMessage)
		}
		if err := dec.Decode(v); err != nil {
			return e, malformed("%s", describeJSONError(err))
		}
	}
	return e, expectDelim(dec, '}')
}

// cutValue reads the value that follows a key, and returns it as a slice
// of body (nil for null). The error is for invalid JSON.
func cutValue(dec *json.Decoder, body []byte) (json.RawMessage, error) {
	start := skipSpace(body, int(dec.InputOffset()))
	if start < len(body) && body[start] == ':' {
		start = skipSpace(body, start+1)
	}
	if start >= len(body) {
		return nil, malformed("unexpected end of JSON input")
	}
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		return nil, malformed("%s", describeJSONError(err))
	}
	raw := json.RawMessage(body[start:dec.InputOffset()])
	if bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	return raw, nil
}

// decodeStreamed decodes the value that follows an entry's resource key:
// its raw JSON (a slice of body), the resource, and why it is not one. The
// error is for invalid JSON, which ends the page.
func decodeStreamed(dec *json.Decoder, body []byte) (json.RawMessage, Resource, error, error) {
	// The value starts after the key's colon.
	start := skipSpace(body, int(dec.InputOffset()))
	if start < len(body) && body[start] == ':' {
		start = skipSpace(body, start+1)
	}
	if start >= len(body) {
		return nil, nil, nil, malformed("unexpected end of JSON input")
	}
	if body[start] == '{' {
		if rt, fast := leadingResourceType(body[start:]); fast {
			if r, ok := NewResource(rt); ok {
				err := dec.Decode(r)
				end := int(dec.InputOffset())
				var se *json.SyntaxError
				if err != nil && (end <= start || errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF)) {
					// Not JSON: the decoder cannot go on.
					return nil, nil, nil, malformed("%s", describeJSONError(err))
				}
				raw := json.RawMessage(body[start:end])
				// The checks and texts of DecodeResource, in its order.
				if err := checkBytes(raw); err != nil {
					return raw, nil, err, nil
				}
				if err != nil {
					return raw, nil, malformed("%s: %s", r.Header().ResourceType, describeJSONError(err)), nil
				}
				if v, ok := r.(interface{ validate() error }); ok {
					if err := v.validate(); err != nil {
						return raw, nil, malformed("%s: %v", r.Header().ResourceType, err), nil
					}
				}
				if got := r.Header().ResourceType; got != rt {
					return raw, nil, malformed("resourceType is both %q and %q", rt, got), nil
				}
				return raw, r, nil, nil
			}
		}
	}
	// Anything else (null, not an object, resourceType not first or not
	// modelled) is read whole and left to DecodeResource.
	raw, err := cutValue(dec, body)
	if err != nil || raw == nil {
		return nil, nil, nil, err
	}
	r, err := DecodeResource(raw)
	return raw, r, err, nil
}
