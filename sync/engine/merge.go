package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/outbox"
)

// How the merge kinds (outbox.MergeUpdate, MergeCreate, MergeTransaction)
// are sent: each change is made at push time on the server's own JSON of
// the resource (fhir.MergeChange of the console's old and new rendering),
// so elements the console does not model are kept. When it succeeds, later
// queued changes of the same resources made against the same version are
// rebased on the version the server returned (versionIds are opaque:
// nothing is computed from them).

// errBadEntry marks an entry the engine cannot send (refused for good):
// an unknown kind, or a payload that does not fit its kind.
var errBadEntry = errors.New("outbox entry cannot be sent")

// sendMerge builds each change on the server's JSON and sends the set. It
// returns the resources the server returned (or, for a transaction that
// answered without them, read afterwards), in change order where known.
func (e *Engine) sendMerge(ctx context.Context, it cache.OutboxEntry) ([]*client.Response, error) {
	cs, err := outbox.DecodeChangeSet(it.Payload)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBadEntry, err)
	}
	if err := fitsKind(it.Op, cs); err != nil {
		return nil, err
	}
	if it.Kind == outbox.MergeUpdate {
		// The entry's If-Match is the precondition sent.
		cs.Changes[0].IfMatch = it.IfMatch
	}
	bodies := make([][]byte, len(cs.Changes))
	for i, c := range cs.Changes {
		if c.ID == "" {
			bodies[i] = c.New
			continue
		}
		server, err := e.serverJSON(ctx, c)
		if err != nil {
			return nil, err
		}
		old := c.Old
		if len(old) == 0 {
			old = json.RawMessage(`{}`)
		}
		if bodies[i], err = fhir.MergeChange(server, old, c.New); err != nil {
			return nil, fmt.Errorf("%w: %v", errBadEntry, err)
		}
	}
	switch it.Kind {
	case outbox.MergeCreate:
		r, err := e.client.Create(ctx, it.ResourceType, bodies[0], it.IfNoneExist)
		if err != nil {
			return nil, err
		}
		return []*client.Response{r}, nil
	case outbox.MergeUpdate:
		r, err := e.client.Update(ctx, it.ResourceType, it.ResourceID, bodies[0], it.IfMatch)
		if err != nil {
			return nil, err
		}
		return []*client.Response{r}, nil
	}
	var b fhir.Bundle
	b.ResourceType, b.Type = "Bundle", fhir.BundleTransaction
	for i, c := range cs.Changes {
		entry := fhir.BundleEntry{Resource: bodies[i], FullURL: c.FullURL}
		if c.ID == "" {
			entry.Request = &fhir.BundleEntryRequest{Method: "POST", URL: c.ResourceType}
			if c.Identifier != "" {
				entry.Request.IfNoneExist = fhir.ClientIdentifierCondition(c.Identifier)
			}
		} else {
			entry.Request = &fhir.BundleEntryRequest{Method: "PUT", URL: c.ResourceType + "/" + c.ID}
			if c.IfMatch != "" {
				entry.Request.IfMatch = client.IfMatch(c.IfMatch)
			}
		}
		b.Entry = append(b.Entry, entry)
	}
	raw, err := json.Marshal(&b)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBadEntry, err)
	}
	resps, err := e.client.Transaction(ctx, raw)
	if err != nil {
		return nil, err
	}
	// A server may answer a transaction with status and location only:
	// read what changed, so the cache and the chained changes get the
	// versions the server gave.
	for _, c := range cs.Changes {
		if c.ID == "" || responseFor(resps, c.ResourceType, c.ID) != nil {
			continue
		}
		r, err := e.client.Read(ctx, c.ResourceType, c.ID)
		if err != nil {
			// Committed: the next pull brings it. Not an error of the push.
			e.log.Info("read after transaction failed", "type", c.ResourceType, "error_kind", ErrorKind(err))
			continue
		}
		resps = append(resps, r)
	}
	return resps, nil
}

// fitsKind checks that a change set is what its entry's kind says: one
// change of the entry's resource (MergeUpdate), one create of its type
// (MergeCreate), several changes (MergeTransaction).
func fitsKind(op outbox.Op, cs outbox.ChangeSet) error {
	first := cs.Changes[0]
	ok := false
	switch op.Kind {
	case outbox.MergeUpdate:
		ok = len(cs.Changes) == 1 && first.ID != "" && first.ID == op.ResourceID && first.ResourceType == op.ResourceType
	case outbox.MergeCreate:
		ok = len(cs.Changes) == 1 && first.ID == "" && first.ResourceType == op.ResourceType
	case outbox.MergeTransaction:
		ok = len(cs.Changes) > 1
	}
	if !ok {
		return fmt.Errorf("%w: a change set of %d change(s) does not fit kind %s", errBadEntry, len(cs.Changes), op.Kind)
	}
	return nil
}

// serverJSON is the server's JSON of the resource a change is made on: the
// cache's copy when it is the version the change was made against, else
// the server's current one (if that is another version, the If-Match makes
// the write a conflict, shown to the nurse).
func (e *Engine) serverJSON(ctx context.Context, c outbox.Change) ([]byte, error) {
	raw, v, ok, err := e.store.ServerJSON(ctx, c.ResourceType, c.ID)
	if err != nil {
		return nil, err
	}
	if ok && (c.IfMatch == "" || v == c.IfMatch) {
		return raw, nil
	}
	cur, err := e.client.Read(ctx, c.ResourceType, c.ID)
	if err != nil {
		return nil, err
	}
	return cur.Raw, nil
}

func responseFor(resps []*client.Response, typ, id string) *client.Response {
	for _, r := range resps {
		if r != nil && r.Type == typ && r.ID == id {
			return r
		}
	}
	return nil
}

// rebaseChained moves later pending changes of the resources a merge entry
// just wrote from the version it was made against to the version the
// server returned, so chained offline changes each use the ETag of the
// write before them. A change made against another version is left alone
// (it conflicts, as it should).
func rebaseChained(tx *cache.Tx, done cache.OutboxEntry, resps []*client.Response) error {
	cs, err := outbox.DecodeChangeSet(done.Payload)
	if err != nil {
		return nil
	}
	type key struct{ typ, id, from string }
	moved := map[key]string{}
	for _, c := range cs.Changes {
		if c.ID == "" || c.IfMatch == "" {
			continue
		}
		if r := responseFor(resps, c.ResourceType, c.ID); r != nil && r.VersionID != "" {
			moved[key{c.ResourceType, c.ID, c.IfMatch}] = r.VersionID
		}
	}
	if len(moved) == 0 {
		return nil
	}
	pending, err := tx.PendingOutbox()
	if err != nil {
		return err
	}
	for _, p := range pending {
		if p.UUID == done.UUID {
			continue
		}
		if !p.Kind.Merges() {
			if to, ok := moved[key{p.ResourceType, p.ResourceID, p.IfMatch}]; ok && p.ResourceID != "" {
				if err := tx.RewriteOutbox(p.UUID, p.Payload, to); err != nil {
					return err
				}
			}
			continue
		}
		pcs, err := outbox.DecodeChangeSet(p.Payload)
		if err != nil {
			continue
		}
		changed := false
		for i, c := range pcs.Changes {
			if to, ok := moved[key{c.ResourceType, c.ID, c.IfMatch}]; ok && c.ID != "" {
				pcs.Changes[i].IfMatch, changed = to, true
			}
		}
		if !changed {
			continue
		}
		raw, err := json.Marshal(pcs)
		if err != nil {
			return fmt.Errorf("rebase outbox %s: %w", p.UUID, err)
		}
		if err := tx.RewriteOutbox(p.UUID, raw, pcs.Changes[0].IfMatch); err != nil {
			return err
		}
	}
	return nil
}
