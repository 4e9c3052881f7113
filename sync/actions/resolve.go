package actions

import (
	"context"
	"errors"
	"strings"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// ResolveMissing closes a missing-measurement task with a reason: locally
// completed with the reason as note; on the central a Task JSON Patch to
// completed (owner, executionPeriod.end, note "<reason>: <text>") with
// If-Match. A task already closed (e.g. by a late reading) is refused on
// field "task" and nothing is written.
func (s *Service) ResolveMissing(ctx context.Context, r domain.MissingResolution) error {
	if err := r.Validate(); err != nil {
		return err
	}
	at := s.clock()
	note := string(r.Reason)
	if t := strings.TrimSpace(r.Text); t != "" {
		note += ": " + t
	}
	return s.write(ctx, "resolve missing", func(tx *cache.Tx) error {
		ts, err := tx.TaskForUpdate(r.TaskID)
		if errors.Is(err, cache.ErrNotFound) {
			return problem("task", domain.CodeInvalid, "the missing measurement is not in the cache")
		}
		if err != nil {
			return err
		}
		if ts.Task.Category != domain.TaskMissing {
			return problem("task", domain.CodeInvalid, "the task is not a missing measurement")
		}
		if r.PatientID != "" && r.PatientID != ts.Task.PatientID {
			return problem("task", domain.CodeInvalid, "the task belongs to another patient")
		}
		if !ts.Open() {
			return problem("task", domain.CodeInvalid, "the missing measurement is already resolved")
		}
		if err := tx.CompleteTask(r.TaskID, s.user.ID, at, note); err != nil {
			return err
		}
		ch, err := taskCompletion(s.user, r.TaskID, ts.Meta.VersionID, ts.Status, fhir.FormatInstant(at), note)
		if err != nil {
			return err
		}
		if _, err := s.queueChanges(tx, at, OutboxResolve, ch); err != nil {
			return err
		}
		return s.audit(tx, at, AuditResolveMissing, ts.Task.PatientID, map[string]any{
			"task": r.TaskID, "old": map[string]any{"status": ts.Status},
			"new": map[string]any{"status": cache.TaskCompleted, "reason": r.Reason, "text": strings.TrimSpace(r.Text)},
		})
	})
}
