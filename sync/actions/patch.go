package actions

import (
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// patchOp is one JSON Patch (RFC 6902) operation.
type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

// completeTaskPatch closes a Task: status completed, the owner who did it,
// executionPeriod.end when, lastModified, and the note when there is one.
func completeTaskPatch(u User, at string, note string) []patchOp {
	owner := fhir.Ref("Practitioner", u.ID)
	owner.Display = u.Name
	ops := []patchOp{
		{Op: "replace", Path: "/status", Value: fhir.TaskStatusCompleted},
		{Op: "add", Path: "/owner", Value: owner},
		{Op: "add", Path: "/executionPeriod", Value: fhir.Period{End: at}},
		{Op: "add", Path: "/lastModified", Value: at},
	}
	if note != "" {
		ops = append(ops, patchOp{Op: "add", Path: "/note", Value: []fhir.Annotation{{Text: note}}})
	}
	return ops
}
