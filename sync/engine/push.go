package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/outbox"
)

// push sends the outbox oldest first. It stops at the first entry that is
// not due yet or fails in a way that may pass (the order of changes is
// kept); entries the server refuses or that conflict are marked and the
// push goes on with the next.
// With now, an entry is sent even before its next attempt is due.
func (e *Engine) push(ctx context.Context, rep *Report, now bool) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		it, ok, err := e.store.NextOutbox(ctx)
		if err != nil || !ok {
			return err
		}
		if !now && it.NextAttempt.After(e.opts.Clock()) {
			rep.Retrying++
			return nil
		}
		stop, err := e.pushOne(ctx, it, rep)
		if err != nil || stop {
			return err
		}
	}
}

// pushOne sends one entry and records the outcome. stop is true when the
// push should not go on (a retryable failure: this entry must go first).
func (e *Engine) pushOne(ctx context.Context, it cache.OutboxEntry, rep *Report) (stop bool, err error) {
	// sentBefore: an earlier attempt may have reached the central (the
	// mark, or failed attempts counted by a cache from before the mark).
	sentBefore := !it.Sent.IsZero() || it.Attempts > 0
	if it.Sent.IsZero() && it.Kind != outbox.Create {
		// From here on the central may apply the entry whatever becomes of
		// its answer (lost, timed out, this process killed): the mark
		// lets the next round recognise its own completed Task (conflict).
		// A conditional create needs none: resent, it finds itself by its
		// identifier.
		if err := e.store.Write(ctx, func(tx *cache.Tx) error {
			return tx.MarkOutboxSent(it.UUID, e.opts.Clock())
		}); err != nil {
			return true, fmt.Errorf("push: mark sent: %w", err)
		}
	}
	var resp *client.Response
	var sendErr error
	var more []*client.Response // every resource a transaction returned
	// The request is the entry's Op: its kind alone decides the method and
	// the target, with the preconditions it carries; the payload never
	// chooses the request.
	switch it.Kind {
	case outbox.Transaction:
		more, sendErr = e.client.Transaction(ctx, it.Payload)
	case outbox.MergeUpdate, outbox.MergeCreate, outbox.MergeTransaction:
		more, sendErr = e.sendMerge(ctx, it)
	case outbox.Create:
		resp, sendErr = e.client.Create(ctx, it.ResourceType, it.Payload, it.IfNoneExist)
	case outbox.Update:
		resp, sendErr = e.client.Update(ctx, it.ResourceType, it.ResourceID, it.Payload, it.IfMatch)
	case outbox.Patch:
		resp, sendErr = e.client.Patch(ctx, it.ResourceType, it.ResourceID, it.Payload, it.IfMatch)
	default:
		sendErr = fmt.Errorf("%w: unknown kind %q", errBadEntry, it.Kind)
	}
	now := e.opts.Clock()
	switch {
	case sendErr == nil:
		err := e.store.Write(ctx, func(tx *cache.Tx) error {
			for _, r := range more {
				if _, err := tx.ApplyResource(r.Raw); err != nil {
					return err
				}
			}
			if it.Kind.Merges() {
				if err := rebaseChained(tx, it, more); err != nil {
					return err
				}
			}
			if resp == nil {
				return tx.FinishOutbox(it.UUID)
			}
			if _, err := tx.ApplyResource(resp.Raw); err != nil {
				return err
			}
			if it.Kind == outbox.Create && it.ResourceID != "" && it.ResourceID != resp.ID {
				if err := tx.DropPlaceholder(it.ResourceType, it.ResourceID); err != nil {
					return err
				}
			}
			if it.Kind == outbox.Create {
				// A message or note made here is now sent, under the
				// central's id.
				if err := tx.ConfirmLocal(it.UUID, resp.ID); err != nil {
					return err
				}
			}
			return tx.FinishOutbox(it.UUID)
		})
		if err != nil {
			return true, fmt.Errorf("push: record success: %w", err)
		}
		rep.Pushed++
		return false, nil
	case ctx.Err() != nil:
		return true, ctx.Err()
	case client.IsRetryable(sendErr):
		return e.retryLater(ctx, it, sendErr, now, rep)
	case errors.Is(sendErr, client.ErrConflict):
		return e.conflict(ctx, it, sentBefore, sendErr, now, rep)
	case errors.Is(sendErr, client.ErrUnauthorized):
		// Not this entry's fault: keep it pending and stop.
		return true, sendErr
	default:
		if err := e.store.Write(ctx, func(tx *cache.Tx) error {
			return tx.UpdateOutbox(it.UUID, cache.OutboxFailed, it.Attempts+1, time.Time{}, sendErr.Error())
		}); err != nil {
			return true, fmt.Errorf("push: record failure: %w", err)
		}
		rep.Failed++
		e.log.Warn("push refused", "type", it.ResourceType, "error_kind", ErrorKind(sendErr))
		return false, nil
	}
}

// retryLater keeps an entry pending until its backoff has passed; the push
// stops there (stop is true) so that the order of changes is kept.
func (e *Engine) retryLater(ctx context.Context, it cache.OutboxEntry, cause error, now time.Time, rep *Report) (stop bool, err error) {
	next := now.Add(e.backoff(it.Attempts, cause))
	if err := e.store.Write(ctx, func(tx *cache.Tx) error {
		return tx.UpdateOutbox(it.UUID, cache.OutboxPending, it.Attempts+1, next, cause.Error())
	}); err != nil {
		return true, fmt.Errorf("push: record retry: %w", err)
	}
	rep.Retrying++
	e.log.Info("push deferred", "type", it.ResourceType, "attempt", it.Attempts+1, "error_kind", ErrorKind(cause))
	return true, cause
}

// conflict handles a 412. A Task completion that was sent before
// (sentBefore) and whose Task the server holds completed with exactly the
// entry's own owner and time (ownCompletion) is the entry's success after a
// lost answer: it is finished as pushed, and the rest of the action (the
// assessment, the receipt) goes out as usual. Completing a Task that
// someone else already completed is the outcome the nurse wanted: it is
// resolved and recorded ("already acknowledged by X at T"), its assessment
// is not sent, and the server's Task applied. Any other conflict is marked,
// with the server's version kept beside it.
//
// When the server's current version cannot be read for any reason but
// "not found" or "forbidden" (the network that lost the answer to an
// earlier attempt is often still bad, and may cut the read's body too),
// the entry stays pending and is tried again later: a
// 412 after a lost answer is usually our own change already done, which
// only the server's version can tell.
func (e *Engine) conflict(ctx context.Context, it cache.OutboxEntry, sentBefore bool, sendErr error, now time.Time, rep *Report) (stop bool, err error) {
	var ce *client.Error
	errors.As(sendErr, &ce)
	var cur *client.Response
	var readErr error
	if ce != nil {
		cur, readErr = ce.Current, ce.CurrentErr
	}
	if cur == nil && it.ResourceID != "" && it.Kind != outbox.Create {
		// The client could not fetch it with the 412; one more try.
		cur, readErr = e.client.Read(ctx, it.ResourceType, it.ResourceID)
	}
	if cur == nil && readErr != nil {
		if ctx.Err() != nil {
			return true, ctx.Err()
		}
		// Only "gone" and "not yours" are answers about the resource; any
		// other failure (network, 5xx, a damaged body) says nothing yet.
		if !errors.Is(readErr, client.ErrNotFound) && !errors.Is(readErr, client.ErrForbidden) {
			return e.retryLater(ctx, it, readErr, now, rep)
		}
	}
	if cur != nil && it.ResourceType == "Task" && completesTask(it) {
		if t, ok := cur.Resource.(*fhir.Task); ok && t.Status == fhir.TaskStatusCompleted && sentBefore && ownCompletion(it, t) {
			// Our own write, whose answer never came back: the entry's
			// success. The rest of the action (the assessment, the
			// receipt) stays queued and goes next.
			if err := e.store.Write(ctx, func(tx *cache.Tx) error {
				if _, err := tx.ApplyResource(cur.Raw); err != nil {
					return err
				}
				return tx.FinishOutbox(it.UUID)
			}); err != nil {
				return true, fmt.Errorf("push: record own completion: %w", err)
			}
			rep.Pushed++
			e.log.Info("push confirmed after a lost answer", "type", it.ResourceType)
			return false, nil
		}
		if t, ok := cur.Resource.(*fhir.Task); ok && t.Status == fhir.TaskStatusCompleted {
			by, at := completedBy(t, cur)
			deps, err := e.assessmentsOf(ctx, it.ResourceID)
			if err != nil {
				return true, err
			}
			err = e.store.Write(ctx, func(tx *cache.Tx) error {
				if _, err := tx.ApplyResource(cur.Raw); err != nil {
					return err
				}
				for _, d := range deps {
					if err := tx.ResolveOutbox(d, cache.OutboxResult{Outcome: cache.ResultAlreadyDone, By: by, At: at,
						Detail: "assessment not sent: already acknowledged", Recorded: now}); err != nil {
						return err
					}
				}
				return tx.ResolveOutbox(it.UUID, cache.OutboxResult{Outcome: cache.ResultAlreadyDone, By: by, At: at,
					Detail: "already acknowledged", Recorded: now})
			})
			if err != nil {
				return true, fmt.Errorf("push: record already acknowledged: %w", err)
			}
			rep.Resolved += 1 + len(deps)
			return false, nil
		}
	}
	var serverJSON []byte
	version := ""
	if cur != nil {
		serverJSON, version = cur.Raw, cur.VersionID
	}
	err = e.store.Write(ctx, func(tx *cache.Tx) error {
		if cur != nil {
			// The cache shows the server's truth; the nurse's change waits
			// in the outbox beside it.
			if _, err := tx.ApplyResource(cur.Raw); err != nil {
				return err
			}
		}
		return tx.MarkOutboxConflict(it.UUID, sendErr.Error(), serverJSON, version, now)
	})
	if err != nil {
		return true, fmt.Errorf("push: record conflict: %w", err)
	}
	rep.Conflicts++
	e.log.Info("push conflict", "type", it.ResourceType)
	return false, nil
}

// assessmentsOf returns the pending outbox entries that create an
// assessment ClinicalImpression of Task taskID (supportingInfo → the
// Task): they go with the Task's completion, and are not sent when someone
// else completed the Task first.
func (e *Engine) assessmentsOf(ctx context.Context, taskID string) ([]string, error) {
	all, err := e.store.Outbox(ctx, cache.OutboxPending, time.UnixMilli(math.MaxInt64/2))
	if err != nil {
		return nil, fmt.Errorf("push: assessments of a task: %w", err)
	}
	want := "Task/" + taskID
	var out []string
	for _, it := range all {
		if it.ResourceType != "ClinicalImpression" || it.Kind != outbox.Create {
			continue
		}
		var ci struct {
			SupportingInfo []fhir.Reference `json:"supportingInfo"`
		}
		if json.Unmarshal(it.Payload, &ci) != nil {
			continue
		}
		for _, r := range ci.SupportingInfo {
			if r.Reference == want {
				out = append(out, it.UUID)
				break
			}
		}
	}
	return out, nil
}

// completesTask reports whether an entry sets a Task's status to
// completed: a PUT of a completed Task, or a patch that replaces or adds
// /status "completed".
func completesTask(it cache.OutboxEntry) bool {
	switch it.Kind {
	case outbox.Patch:
		var ops []struct {
			Op    string          `json:"op"`
			Path  string          `json:"path"`
			Value json.RawMessage `json:"value"`
		}
		if json.Unmarshal(it.Payload, &ops) != nil {
			return false
		}
		for _, op := range ops {
			var v string
			if (op.Op == "replace" || op.Op == "add") && op.Path == "/status" && json.Unmarshal(op.Value, &v) == nil && v == fhir.TaskStatusCompleted {
				return true
			}
		}
	case outbox.Update:
		var t struct {
			Status string `json:"status"`
		}
		return json.Unmarshal(it.Payload, &t) == nil && t.Status == fhir.TaskStatusCompleted
	case outbox.MergeUpdate, outbox.MergeCreate, outbox.MergeTransaction:
		cs, err := outbox.DecodeChangeSet(it.Payload)
		if err != nil {
			return false
		}
		for _, c := range cs.Changes {
			var t struct {
				Status string `json:"status"`
			}
			if c.ResourceType == "Task" && json.Unmarshal(c.New, &t) == nil && t.Status == fhir.TaskStatusCompleted {
				return true
			}
		}
	}
	return false
}

// ownCompletion reports whether the completed Task t is the entry's own
// write, applied by the central although its answer was lost. The caller
// checks that the entry was sent before this attempt (its Sent mark, made
// before the request goes out); t must carry
// exactly the completion the entry wrote: the same owner reference and the
// same executionPeriod.end (the moment the nurse acted, to the millisecond;
// compared as instants, not as text). versionIds are opaque and never
// compared. An entry without an owner or an end stamp is never recognised.
func ownCompletion(it cache.OutboxEntry, t *fhir.Task) bool {
	if t.Owner == nil || t.ExecutionPeriod == nil {
		return false
	}
	owner, end, ok := completionStamp(it)
	if !ok || !sameReference(t.Owner.Reference, owner) {
		return false
	}
	got, err := fhir.ParseDateTime(t.ExecutionPeriod.End)
	return err == nil && !got.IsZero() && got.Equal(end)
}

// completionStamp is the owner reference and executionPeriod.end an entry
// completing a Task writes (a change set, a JSON Patch or a PUT of the
// Task).
func completionStamp(it cache.OutboxEntry) (owner string, end time.Time, ok bool) {
	var endText string
	switch it.Kind {
	case outbox.Patch:
		var ops []struct {
			Op    string          `json:"op"`
			Path  string          `json:"path"`
			Value json.RawMessage `json:"value"`
		}
		if json.Unmarshal(it.Payload, &ops) != nil {
			return "", time.Time{}, false
		}
		for _, op := range ops {
			if op.Op != "add" && op.Op != "replace" {
				continue
			}
			switch op.Path {
			case "/owner":
				var r fhir.Reference
				if json.Unmarshal(op.Value, &r) == nil {
					owner = r.Reference
				}
			case "/executionPeriod":
				var p fhir.Period
				if json.Unmarshal(op.Value, &p) == nil {
					endText = p.End
				}
			case "/executionPeriod/end":
				_ = json.Unmarshal(op.Value, &endText)
			}
		}
	case outbox.Update, outbox.MergeUpdate, outbox.MergeCreate, outbox.MergeTransaction:
		body := []byte(it.Payload)
		if it.Kind.Merges() {
			cs, err := outbox.DecodeChangeSet(it.Payload)
			if err != nil || cs.Changes[0].ResourceType != "Task" {
				return "", time.Time{}, false
			}
			body = cs.Changes[0].New
		}
		var t fhir.Task
		if json.Unmarshal(body, &t) != nil {
			return "", time.Time{}, false
		}
		if t.Owner != nil {
			owner = t.Owner.Reference
		}
		if t.ExecutionPeriod != nil {
			endText = t.ExecutionPeriod.End
		}
	}
	if owner == "" || endText == "" {
		return "", time.Time{}, false
	}
	end, err := fhir.ParseDateTime(endText)
	if err != nil || end.IsZero() {
		return "", time.Time{}, false
	}
	return owner, end, true
}

// sameReference compares two references to one resource; a server may
// return a relative reference as an absolute URL ending in it.
func sameReference(got, want string) bool {
	if got == "" || want == "" {
		return false
	}
	return got == want || strings.HasSuffix(got, "/"+want)
}

// completedBy says who completed a Task and when, as far as the Task tells:
// owner (display, else reference), executionPeriod.end, else lastUpdated.
func completedBy(t *fhir.Task, r *client.Response) (string, time.Time) {
	by := ""
	if t.Owner != nil {
		by = t.Owner.Display
		if by == "" {
			by = t.Owner.Reference
		}
	}
	at := r.LastUpdated
	if t.ExecutionPeriod != nil {
		if end, err := fhir.ParseDateTime(t.ExecutionPeriod.End); err == nil && !end.IsZero() {
			at = end
		}
	}
	return client.Sanitize(by), at
}

// backoff is the wait before attempt n+1: exponential from BackoffMin,
// capped at BackoffMax, with full jitter in its upper half; never less than
// the server's Retry-After.
func (e *Engine) backoff(attempts int, err error) time.Duration {
	base := float64(e.opts.BackoffMin) * math.Pow(2, float64(min(attempts, 30)))
	base = math.Min(base, float64(e.opts.BackoffMax))
	d := time.Duration(base/2 + e.opts.Rand()*base/2)
	if ra, ok := client.RetryAfter(err); ok && ra > d {
		d = ra
	}
	return d
}
