package outbox

import (
	"encoding/json"
	"errors"
	"fmt"
)

// errNoChanges is returned for a change set without changes.
var errNoChanges = errors.New("change set: no changes")

// Change is one resource the console changes (or creates), made at push
// time on the server's own JSON of it (fhir.MergeChange of Old and New), so
// that elements the console does not model are kept.
type Change struct {
	ResourceType string `json:"resourceType"`
	// ID is the server's id; empty for a resource to create.
	ID string `json:"id,omitempty"`
	// IfMatch is the server version the change was made against.
	IfMatch string `json:"ifMatch,omitempty"`
	// Old and New are the console's rendering of the resource (or of only
	// the elements it changes) before and after. For a create, New is the
	// resource.
	Old json.RawMessage `json:"old,omitempty"`
	New json.RawMessage `json:"new"`
	// FullURL names a created resource inside a transaction (urn:uuid:…)
	// so that the other entries can refer to it.
	FullURL string `json:"fullUrl,omitempty"`
	// Identifier is the client-made UUID a create is made idempotent with
	// (If-None-Exist).
	Identifier string `json:"identifier,omitempty"`
}

// ChangeSet is the payload of the Merge kinds: changes sent together (all
// or nothing when more than one).
type ChangeSet struct {
	Changes []Change `json:"changes"`
}

// Validate checks that cs has changes and each a type and new content.
func (cs ChangeSet) Validate() error {
	if len(cs.Changes) == 0 {
		return errNoChanges
	}
	for _, c := range cs.Changes {
		if c.ResourceType == "" || len(c.New) == 0 {
			return errors.New("change set: a change without type or new content")
		}
	}
	return nil
}

// DecodeChangeSet reads the payload of a Merge kind.
func DecodeChangeSet(payload []byte) (ChangeSet, error) {
	var cs ChangeSet
	if err := json.Unmarshal(payload, &cs); err != nil {
		return cs, fmt.Errorf("change set: %w", err)
	}
	return cs, cs.Validate()
}
