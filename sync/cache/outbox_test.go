package cache

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/sync/outbox"
)

func TestOutboxLifecycle(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	a := OutboxEntry{UUID: "u-1", Created: day(0), Label: "acknowledge",
		Op:      outbox.Op{Kind: outbox.Update, ResourceType: "Task", ResourceID: "t1", IfMatch: "3"},
		Payload: json.RawMessage(`{"status":"completed"}`), State: OutboxPending}
	b := OutboxEntry{UUID: "u-2", Created: day(0).Add(time.Second), Label: "message",
		Op: outbox.CreateOp("Communication", "u-2"), Payload: json.RawMessage(`{}`), State: OutboxPending}
	mustWrite(t, s, func(tx *Tx) error {
		if err := tx.Enqueue(a); err != nil {
			return err
		}
		return tx.Enqueue(b)
	})
	// The same uuid twice is refused: a retry never duplicates a change.
	if err := s.Write(ctx, func(tx *Tx) error { return tx.Enqueue(a) }); err == nil {
		t.Error("duplicate uuid accepted")
	}
	if err := s.Write(ctx, func(tx *Tx) error {
		bad := b
		bad.UUID, bad.Payload = "u-3", json.RawMessage(`{`)
		return tx.Enqueue(bad)
	}); err == nil {
		t.Error("invalid payload accepted")
	}
	// An entry must say what it asks of the central, completely.
	for name, op := range map[string]outbox.Op{
		"no kind":                    {ResourceType: "Task", ResourceID: "t1"},
		"unknown kind":               {Kind: "put", ResourceType: "Task", ResourceID: "t1"},
		"update without id":          {Kind: outbox.Update, ResourceType: "Task"},
		"create without a condition": {Kind: outbox.Create, ResourceType: "Communication"},
		"patch with If-None-Exist":   {Kind: outbox.Patch, ResourceType: "Task", ResourceID: "t1", IfNoneExist: "identifier=x"},
	} {
		if err := s.Write(ctx, func(tx *Tx) error {
			bad := a
			bad.UUID, bad.Op = "u-4", op
			return tx.Enqueue(bad)
		}); err == nil {
			t.Errorf("entry with %s accepted", name)
		}
	}
	if err := s.Write(ctx, func(tx *Tx) error {
		bad := a
		bad.UUID, bad.Label = "u-5", ""
		return tx.Enqueue(bad)
	}); err == nil {
		t.Error("entry without a label accepted")
	}
	got, err := s.Outbox(ctx, OutboxPending, day(1))
	if err != nil || !reflect.DeepEqual(got, []OutboxEntry{a, b}) {
		t.Fatalf("pending = %+v, %v", got, err)
	}

	mustWrite(t, s, func(tx *Tx) error {
		if err := tx.UpdateOutbox("u-1", OutboxPending, 1, day(2), "503 from central"); err != nil {
			return err
		}
		return tx.DeleteOutbox("u-2")
	})
	if got, _ := s.Outbox(ctx, OutboxPending, day(1)); len(got) != 0 {
		t.Errorf("entry due on day 2 listed on day 1: %+v", got)
	}
	got, _ = s.Outbox(ctx, OutboxPending, day(2))
	if len(got) != 1 || got[0].Attempts != 1 || got[0].LastError != "503 from central" || !got[0].NextAttempt.Equal(day(2)) {
		t.Errorf("after retry scheduled: %+v", got)
	}
	mustWrite(t, s, func(tx *Tx) error { return tx.UpdateOutbox("u-1", OutboxConflict, 2, time.Time{}, "412") })
	if got, _ := s.Outbox(ctx, OutboxConflict, day(9)); len(got) != 1 || got[0].State != OutboxConflict {
		t.Errorf("conflicts = %+v", got)
	}
	if err := s.Write(ctx, func(tx *Tx) error { return tx.UpdateOutbox("nope", OutboxFailed, 1, time.Time{}, "") }); !errorsIs(err, ErrNotFound) {
		t.Errorf("update of unknown uuid: %v, want ErrNotFound", err)
	}
	if err := s.Write(ctx, func(tx *Tx) error { return tx.UpdateOutbox("u-1", "sent", 1, time.Time{}, "") }); err == nil {
		t.Error("unknown outbox state accepted")
	}
}

// TestOutboxSentMark: the first time an entry is sent is kept (a retry
// does not move it), read back by Outbox and NextOutbox, and survives a
// reopen of the file (a killed process).
func TestOutboxSentMark(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustWrite(t, s, func(tx *Tx) error {
		return tx.Enqueue(OutboxEntry{UUID: "u-1", Created: day(0), Label: "acknowledge",
			Op: outbox.Op{Kind: outbox.Patch, ResourceType: "Task", ResourceID: "t1", IfMatch: "3"}, Payload: json.RawMessage(`[]`)})
	})
	if e, ok, err := s.NextOutbox(ctx); err != nil || !ok || !e.Sent.IsZero() {
		t.Fatalf("new entry: %+v, %v, %v; want never sent", e, ok, err)
	}
	mustWrite(t, s, func(tx *Tx) error { return tx.MarkOutboxSent("u-1", day(1)) })
	mustWrite(t, s, func(tx *Tx) error { return tx.MarkOutboxSent("u-1", day(2)) })
	if err := s.Write(ctx, func(tx *Tx) error { return tx.MarkOutboxSent("nope", day(1)) }); !errorsIs(err, ErrNotFound) {
		t.Errorf("mark of unknown uuid: %v, want ErrNotFound", err)
	}
	path := s.path
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if e, ok, err := s.NextOutbox(ctx); err != nil || !ok || !e.Sent.Equal(day(1)) {
		t.Errorf("NextOutbox after reopen: sent %v (%v, %v), want the first mark %v", e.Sent, ok, err, day(1))
	}
	if all, err := s.Outbox(ctx, "", time.Time{}); err != nil || len(all) != 1 || !all[0].Sent.Equal(day(1)) {
		t.Errorf("Outbox: %+v, %v", all, err)
	}
}

func TestSyncStateRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	obs := SyncState{ResourceType: "Observation", Watermark: day(1), LastSuccess: day(1).Add(time.Minute)}
	task := SyncState{ResourceType: "Task", LastError: "timeout"}
	mustWrite(t, s, func(tx *Tx) error {
		if err := tx.SetSyncState(SyncState{ResourceType: "Observation", Watermark: day(0)}); err != nil {
			return err
		}
		if err := tx.SetSyncState(obs); err != nil {
			return err
		}
		return tx.SetSyncState(task)
	})
	got, err := s.SyncStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]SyncState{"Observation": obs, "Task": task}; !reflect.DeepEqual(got, want) {
		t.Errorf("sync states = %+v, want %+v", got, want)
	}
}
