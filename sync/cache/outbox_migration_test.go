package cache

import (
	"context"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/sync/outbox"
)

// TestMigrationTypesOutbox: a cache of a console with schema 7 holds every
// kind of outbox entry that console wrote, in every state. Migration 8
// gives each the Op the engine inferred from its action name and payload
// (so it is sent as before: sync/engine's TestOutboxUpgradeSendsSameRequests
// proves the requests), keeps the nurse's label, and names the label of an
// entry that only had an engine action name where it is known. Order,
// state, attempts and the sent mark are kept.
func TestMigrationTypesOutbox(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	p, err := newProvider(s.w)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	const cond = "identifier=urn:ietf:rfc:3986|urn:uuid:"
	rows := []struct {
		uuid, action, typ, id, ifMatch, payload, state string
		want                                           OutboxEntry
	}{
		{"u1", "acknowledge", "Task", "t1", "v-a",
			`{"changes":[{"resourceType":"Task","id":"t1","ifMatch":"v-a","old":{},"new":{"status":"completed"}}]}`, "pending",
			OutboxEntry{Label: "acknowledge", Op: outbox.Op{Kind: outbox.MergeUpdate, ResourceType: "Task", ResourceID: "t1", IfMatch: "v-a"}}},
		// The change's own version is what was sent, even if the row's
		// copy lagged.
		{"u2", "mark-read", "Communication", "c1", "v-old",
			`{"changes":[{"resourceType":"Communication","id":"c1","ifMatch":"v-new","new":{"status":"completed"}}]}`, "conflict",
			OutboxEntry{Label: "mark-read", Op: outbox.Op{Kind: outbox.MergeUpdate, ResourceType: "Communication", ResourceID: "c1", IfMatch: "v-new"}}},
		{"u3", "assessment", "ClinicalImpression", "", "", `{"resourceType":"ClinicalImpression"}`, "pending",
			OutboxEntry{Label: "assessment", Op: outbox.Op{Kind: outbox.Create, ResourceType: "ClinicalImpression", IfNoneExist: cond + "u3"}}},
		{"u4", "note", "Communication", "", "", "\t{\"resourceType\":\"Communication\"}", "failed",
			OutboxEntry{Label: "note", Op: outbox.Op{Kind: outbox.Create, ResourceType: "Communication", IfNoneExist: cond + "u4"}}},
		{"u5", "regime", "CarePlan", "cp1", "v-cp",
			`{"changes":[{"resourceType":"CarePlan","id":"cp1","ifMatch":"v-cp","new":{}},{"resourceType":"ServiceRequest","new":{},"identifier":"s1"}]}`, "pending",
			OutboxEntry{Label: "regime", Op: outbox.Op{Kind: outbox.MergeTransaction, ResourceType: "CarePlan", ResourceID: "cp1", IfMatch: "v-cp"}}},
		{"u6", "assessment", "ClinicalImpression", "", "",
			`{"changes":[{"resourceType":"ClinicalImpression","new":{},"identifier":"ci-1"}]}`, "pending",
			OutboxEntry{Label: "assessment", Op: outbox.Op{Kind: outbox.MergeCreate, ResourceType: "ClinicalImpression", IfNoneExist: cond + "ci-1"}}},
		{"u7", "transaction", "Patient", "", "", `{"resourceType":"Bundle","type":"transaction"}`, "pending",
			OutboxEntry{Label: "enrol", Op: outbox.Op{Kind: outbox.Transaction, ResourceType: "Patient"}}},
		{"u8", "transaction", "CarePlan", "cp2", "v-cp2", `{"resourceType":"Bundle","type":"transaction"}`, "conflict",
			OutboxEntry{Label: "regime", Op: outbox.Op{Kind: outbox.Transaction, ResourceType: "CarePlan", ResourceID: "cp2", IfMatch: "v-cp2"}}},
		{"u9", "acknowledge", "Task", "t2", "v-b", " \r\n[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"completed\"}]", "pending",
			OutboxEntry{Label: "acknowledge", Op: outbox.Op{Kind: outbox.Patch, ResourceType: "Task", ResourceID: "t2", IfMatch: "v-b"}}},
		{"u10", "episode", "EpisodeOfCare", "e1", "v-c", `{"resourceType":"EpisodeOfCare"}`, "pending",
			OutboxEntry{Label: "episode", Op: outbox.Op{Kind: outbox.Update, ResourceType: "EpisodeOfCare", ResourceID: "e1", IfMatch: "v-c"}}},
		{"u11", "create", "Communication", "local-1", "", `{"resourceType":"Communication"}`, "pending",
			OutboxEntry{Label: "create", Op: outbox.Op{Kind: outbox.Create, ResourceType: "Communication", ResourceID: "local-1", IfNoneExist: cond + "u11"}}},
		{"u12", "update", "Task", "t3", "v-d", `[]`, "pending",
			OutboxEntry{Label: "update", Op: outbox.Op{Kind: outbox.Update, ResourceType: "Task", ResourceID: "t3", IfMatch: "v-d"}}},
		{"u13", "patch", "Task", "t4", "v-e", `{}`, "pending",
			OutboxEntry{Label: "patch", Op: outbox.Op{Kind: outbox.Patch, ResourceType: "Task", ResourceID: "t4", IfMatch: "v-e"}}},
		// A change set that was never valid stays one: it is refused when
		// sent, as before.
		{"u14", "merge", "Task", "t5", "v-f", `{"changes":[]}`, "pending",
			OutboxEntry{Label: "merge", Op: outbox.Op{Kind: outbox.MergeTransaction, ResourceType: "Task", ResourceID: "t5", IfMatch: "v-f"}}},
	}
	for i, r := range rows {
		if _, err := s.w.ExecContext(ctx, `INSERT INTO outbox (uuid, created, action, resource_type, resource_id, payload,
	if_match, attempts, next_attempt, last_error, state, sent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.uuid, day(0).UnixMilli()+int64(i), r.action, r.typ, r.id, r.payload, r.ifMatch, i, day(1).UnixMilli(),
			"err "+r.uuid, r.state, day(2).UnixMilli()); err != nil {
			t.Fatalf("%s: %v", r.uuid, err)
		}
	}
	path := s.path
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Outbox(ctx, "", day(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(rows) {
		t.Fatalf("%d entries after the migration, want %d", len(got), len(rows))
	}
	for i, r := range rows {
		g, w := got[i], r.want
		if g.UUID != r.uuid || g.Label != w.Label || g.Op != w.Op {
			t.Errorf("entry %d: %s %q %+v, want %s %q %+v", i, g.UUID, g.Label, g.Op, r.uuid, w.Label, w.Op)
		}
		if string(g.Payload) != r.payload || g.State != r.state || g.Attempts != i || g.LastError != "err "+r.uuid ||
			!g.Created.Equal(day(0).Add(time.Duration(i)*time.Millisecond)) || !g.NextAttempt.Equal(day(1)) || !g.Sent.Equal(day(2)) {
			t.Errorf("entry %d %s not kept as it was: %+v", i, r.uuid, g)
		}
		if err := g.Op.Validate(); err != nil {
			t.Errorf("entry %d %s: %v", i, r.uuid, err)
		}
	}
}
