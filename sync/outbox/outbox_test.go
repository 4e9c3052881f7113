package outbox

import (
	"encoding/json"
	"testing"
)

// TestOpRequest: each kind names one method and one form of target, and
// a change set is typed by what it holds.
func TestOpRequest(t *testing.T) {
	create := CreateOp("Communication", "u1")
	cs := func(changes ...Change) ChangeSet { return ChangeSet{Changes: changes} }
	raw := json.RawMessage(`{}`)
	one, err := ChangeSetOp(cs(Change{ResourceType: "Task", ID: "t1", IfMatch: "7", New: raw}))
	if err != nil {
		t.Fatal(err)
	}
	made, err := ChangeSetOp(cs(Change{ResourceType: "ClinicalImpression", New: raw, Identifier: "ci"}))
	if err != nil {
		t.Fatal(err)
	}
	several, err := ChangeSetOp(cs(Change{ResourceType: "CarePlan", ID: "cp", IfMatch: "3", New: raw},
		Change{ResourceType: "ServiceRequest", New: raw}))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name           string
		op             Op
		method, target string
		ifMatch        bool
	}{
		{"create", create, "POST", "Communication", false},
		{"update", Op{Kind: Update, ResourceType: "Task", ResourceID: "t1", IfMatch: "1"}, "PUT", "Task/t1", true},
		{"patch", Op{Kind: Patch, ResourceType: "Task", ResourceID: "t1", IfMatch: "1"}, "PATCH", "Task/t1", true},
		{"transaction", TransactionOp("Patient", ""), "POST", "", false},
		{"one change", one, "PUT", "Task/t1", true},
		{"one create", made, "POST", "ClinicalImpression", false},
		{"several changes", several, "POST", "", false},
	} {
		if err := c.op.Validate(); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		if m, tg := c.op.Kind.Method(), c.op.Target(); m != c.method || tg != c.target || c.op.Kind.SendsIfMatch() != c.ifMatch {
			t.Errorf("%s: %s %q (If-Match %v), want %s %q (%v)", c.name, m, tg, c.op.Kind.SendsIfMatch(), c.method, c.target, c.ifMatch)
		}
	}
	if create.IfNoneExist != "identifier=urn:ietf:rfc:3986|urn:uuid:u1" || made.IfNoneExist != "identifier=urn:ietf:rfc:3986|urn:uuid:ci" {
		t.Errorf("conditions %q, %q", create.IfNoneExist, made.IfNoneExist)
	}
	if one.IfMatch != "7" || several.ResourceType != "CarePlan" || several.ResourceID != "cp" || several.IfMatch != "3" {
		t.Errorf("change set ops %+v, %+v", one, several)
	}
	if _, err := ChangeSetOp(cs()); err == nil {
		t.Error("empty change set accepted")
	}
	if _, err := ChangeSetOp(cs(Change{ID: "x", New: raw})); err == nil {
		t.Error("change without a type accepted")
	}
	if Kind("post").Valid() || Kind("post").Method() != "" {
		t.Error("unknown kind valid")
	}
}
