package actions

import (
	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/outbox"
)

// taskCompletion closes a Task: status completed, the owner who did it,
// executionPeriod.end when, lastModified, and the note (appended to the
// Task's notes) when there is one. Everything else of the server's Task
// (its other notes, executionPeriod.start, extensions) is kept.
func taskCompletion(u User, id, version, oldStatus, at, note string) (outbox.Change, error) {
	owner := fhir.Ref("Practitioner", u.ID)
	owner.Display = u.Name
	old := map[string]any{"status": oldStatus}
	new := map[string]any{
		"status":          fhir.TaskStatusCompleted,
		"owner":           owner,
		"executionPeriod": fhir.Period{End: at},
		"lastModified":    at,
	}
	if note != "" {
		new["note"] = []fhir.Annotation{{Text: note}}
	}
	return change("Task", id, version, old, new)
}
