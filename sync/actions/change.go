package actions

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/outbox"
)

// How a change of a server resource is queued (see docs/fhir-mapping.md,
// "Nurse actions"): the outbox entry holds the console's rendering of the
// resource before and after (or of only the elements it changes), and the
// server version it was made against. The engine makes the change on the
// server's own JSON when it sends it, so nothing the console does not
// model is lost, and it rebases a later change of the same resource on the
// version the server returned for the earlier one: versionIds are opaque,
// the console never computes one.

// change is one resource change: typ/id at version ifMatch, from old to
// new (values that encode as JSON objects).
func change(typ, id, ifMatch string, old, new any) (outbox.Change, error) {
	o, err := json.Marshal(old)
	if err != nil {
		return outbox.Change{}, fmt.Errorf("encode %s %s: %w", typ, id, err)
	}
	n, err := json.Marshal(new)
	if err != nil {
		return outbox.Change{}, fmt.Errorf("encode %s %s: %w", typ, id, err)
	}
	return outbox.Change{ResourceType: typ, ID: id, IfMatch: ifMatch, Old: o, New: n}, nil
}

// queueChanges adds one outbox entry (label for the sync-problems screen)
// sending changes together, named after the first (outbox.ChangeSetOp). It
// returns the entry's UUID.
func (s *Service) queueChanges(tx *cache.Tx, at time.Time, label string, changes ...outbox.Change) (string, error) {
	u := s.newUUID()
	return u, s.queueChangesAs(tx, u, at, label, changes...)
}

// queueChangesAs is queueChanges with the entry's UUID given.
func (s *Service) queueChangesAs(tx *cache.Tx, u string, at time.Time, label string, changes ...outbox.Change) error {
	if len(changes) == 0 {
		return fmt.Errorf("queue %s: no changes", label)
	}
	cs := outbox.ChangeSet{Changes: changes}
	op, err := outbox.ChangeSetOp(cs)
	if err != nil {
		return fmt.Errorf("queue %s: %w", label, err)
	}
	b, err := json.Marshal(cs)
	if err != nil {
		return fmt.Errorf("encode %s: %w", label, err)
	}
	return tx.Enqueue(cache.OutboxEntry{UUID: u, Created: at, Label: label, Op: op, Payload: b})
}
