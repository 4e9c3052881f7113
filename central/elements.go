package central

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// subsettedTag marks a resource returned with only some of its elements
// (FHIR's SUBSETTED code from the v3 ObservationValue system).
const subsettedSystem = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"

// parseElements reads the _elements search parameter: comma-separated
// top-level element names. resourceType, id and meta are always kept.
func parseElements(vals []string) (map[string]bool, error) {
	keep := map[string]bool{"resourceType": true, "id": true, "meta": true}
	for _, v := range vals {
		for _, name := range strings.Split(v, ",") {
			name = strings.TrimSpace(name)
			if name == "" || strings.ContainsAny(name, ".:[]") {
				return nil, errorf(http.StatusBadRequest, "not-supported", "_elements %q: only top-level element names are supported", name)
			}
			keep[name] = true
		}
	}
	return keep, nil
}

// subsetElements returns raw with only the top-level elements in keep, and
// meta tagged SUBSETTED, as FHIR asks of a server that honours _elements.
func subsetElements(raw []byte, keep map[string]bool) ([]byte, error) {
	if idsOnly(keep) {
		return subsetHeader(raw)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		return nil, fmt.Errorf("_elements: %w", err)
	}
	out := make(map[string]any, len(keep))
	for k, v := range all {
		if keep[k] {
			out[k] = v
		}
	}
	meta := map[string]any{}
	if m, ok := all["meta"]; ok {
		if err := json.Unmarshal(m, &meta); err != nil {
			return nil, fmt.Errorf("_elements: meta: %w", err)
		}
	}
	tags, _ := meta["tag"].([]any)
	meta["tag"] = append(tags, map[string]string{"system": subsettedSystem, "code": "SUBSETTED"})
	out["meta"] = meta
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("_elements: %w", err)
	}
	return b, nil
}

// subsetHeader is subsetElements for _elements=id (or id,meta): the
// console's list of the patients it may see, a page of 200 every few
// rounds. A stored document is fhir.Encode's output, so its meta is a
// fhir.Meta: decoding only resourceType, id and meta into their types and
// encoding them again gives the same elements and values, at a third of
// the cost of decoding every element into a map and the map back.
func subsetHeader(raw []byte) ([]byte, error) {
	var head struct {
		ResourceType string     `json:"resourceType"`
		ID           string     `json:"id,omitempty"`
		Meta         *fhir.Meta `json:"meta"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, fmt.Errorf("_elements: %w", err)
	}
	if head.Meta == nil {
		head.Meta = &fhir.Meta{}
	}
	head.Meta.Tag = append(head.Meta.Tag, fhir.Coding{System: subsettedSystem, Code: "SUBSETTED"})
	b, err := json.Marshal(head)
	if err != nil {
		return nil, fmt.Errorf("_elements: %w", err)
	}
	return b, nil
}
