// Package outbox is the protocol between the nurse actions that queue
// changes (sync/actions) and the engine that sends them (sync/engine):
// what an outbox entry asks of the central (an Op: its kind, which fixes
// the HTTP method and the form of the target, the target resource and the
// preconditions) and the change sets made on the server's own JSON at push
// time. It does no I/O and stands below sync/cache, which stores Ops, so
// that neither side imports the other for it.
package outbox

import (
	"fmt"
	"net/http"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// Kind is what an entry asks of the central. Each kind is one HTTP
// interaction with one method, and says what the payload is.
type Kind string

const (
	// Create is a conditional create: POST [type] with If-None-Exist (the
	// entry's client-made identifier), so a retry finds the resource the
	// first attempt made instead of making another. Payload: the resource.
	Create Kind = "create"
	// Update is PUT [type]/[id] with If-Match. Payload: the resource.
	Update Kind = "update"
	// Patch is PATCH [type]/[id] with If-Match. Payload: a JSON Patch.
	Patch Kind = "patch"
	// Transaction is POST [base]. Payload: a transaction Bundle, applied
	// by the server all or nothing; each Bundle entry carries its own
	// preconditions.
	Transaction Kind = "transaction"
	// MergeUpdate is PUT [type]/[id] with If-Match. Payload: a ChangeSet
	// of that one change, made on the server's JSON of the resource at
	// push time (fhir.MergeChange).
	MergeUpdate Kind = "merge-update"
	// MergeCreate is POST [type], conditional when the change has an
	// identifier. Payload: a ChangeSet of that one create.
	MergeCreate Kind = "merge-create"
	// MergeTransaction is POST [base]. Payload: a ChangeSet of several
	// changes, each made on the server's JSON and sent as one transaction
	// Bundle whose entries carry each change's preconditions.
	MergeTransaction Kind = "merge-transaction"
)

// Kinds lists every kind.
var Kinds = []Kind{Create, Update, Patch, Transaction, MergeUpdate, MergeCreate, MergeTransaction}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if k == x {
			return true
		}
	}
	return false
}

// Method is the HTTP method k is sent with.
func (k Kind) Method() string {
	switch k {
	case Update, MergeUpdate:
		return http.MethodPut
	case Patch:
		return http.MethodPatch
	case Create, MergeCreate, Transaction, MergeTransaction:
		return http.MethodPost
	}
	return ""
}

// Merges reports whether k's payload is a ChangeSet.
func (k Kind) Merges() bool { return k == MergeUpdate || k == MergeCreate || k == MergeTransaction }

// ToBase reports whether k is posted to the server's base URL (a
// transaction) rather than to a resource type or instance.
func (k Kind) ToBase() bool { return k == Transaction || k == MergeTransaction }

// SendsIfMatch reports whether k's request carries If-Match itself (a
// transaction's preconditions are inside its Bundle, one per entry).
func (k Kind) SendsIfMatch() bool { return k == Update || k == Patch || k == MergeUpdate }

// Op is what one outbox entry asks of the central: the kind of request,
// the resource it writes and its preconditions.
type Op struct {
	Kind Kind
	// ResourceType and ResourceID name the resource the entry writes. For
	// an update, a patch or a merge-update they are the request's target
	// [type]/[id]. A create is posted to [type]; its ResourceID, if any,
	// is the placeholder id of the row the console made locally until the
	// central answers with its own id. A transaction is posted to the
	// base; they name the resource a conflict is shown against (e.g. the
	// CarePlan of a regime change, the Patient of an enrolment).
	ResourceType string
	ResourceID   string
	// IfMatch is the versionId (opaque) of the resource the change was
	// made against. Update, Patch and MergeUpdate send it as If-Match (an
	// empty one sends none); for a transaction it is what the nurse's side
	// of a conflict shows.
	IfMatch string
	// IfNoneExist is the search a create is conditional on (sent as
	// If-None-Exist; see fhir.ClientIdentifierCondition). Only creates have one.
	IfNoneExist string
}

// Target is the request's target relative to the server's base URL:
// "[type]/[id]", "[type]" for a create, "" for a transaction.
func (o Op) Target() string {
	switch {
	case o.Kind.ToBase():
		return ""
	case o.Kind == Create || o.Kind == MergeCreate:
		return o.ResourceType
	}
	return o.ResourceType + "/" + o.ResourceID
}

// Validate checks that o can be sent: a known kind, a resource type, an
// id for the kinds that write one instance, a condition for a create, and
// no precondition a kind does not send.
func (o Op) Validate() error {
	if !o.Kind.Valid() {
		return fmt.Errorf("outbox op: unknown kind %q", o.Kind)
	}
	if o.ResourceType == "" {
		return fmt.Errorf("outbox op %s: no resource type", o.Kind)
	}
	switch o.Kind {
	case Update, Patch, MergeUpdate:
		if o.ResourceID == "" {
			return fmt.Errorf("outbox op %s %s: no resource id", o.Kind, o.ResourceType)
		}
	case Create:
		if o.IfNoneExist == "" {
			return fmt.Errorf("outbox op create %s: no If-None-Exist condition", o.ResourceType)
		}
	}
	if o.IfNoneExist != "" && o.Kind != Create && o.Kind != MergeCreate {
		return fmt.Errorf("outbox op %s %s: If-None-Exist is only for a create", o.Kind, o.ResourceType)
	}
	return nil
}

// CreateOp is a conditional create of a typ whose payload carries the
// client-made identifier uuid (the entry's UUID).
func CreateOp(typ, uuid string) Op {
	return Op{Kind: Create, ResourceType: typ, IfNoneExist: fhir.ClientIdentifierCondition(uuid)}
}

// TransactionOp is a transaction Bundle about typ/id (id may be empty,
// e.g. a Patient being enrolled).
func TransactionOp(typ, id string) Op {
	return Op{Kind: Transaction, ResourceType: typ, ResourceID: id}
}

// ChangeSetOp is the Op that sends cs: one change to an existing resource
// is a MergeUpdate with the change's If-Match, one create a MergeCreate
// (conditional on its identifier), several a MergeTransaction named after
// the first change.
func ChangeSetOp(cs ChangeSet) (Op, error) {
	if err := cs.Validate(); err != nil {
		return Op{}, err
	}
	first := cs.Changes[0]
	op := Op{Kind: MergeTransaction, ResourceType: first.ResourceType, ResourceID: first.ID, IfMatch: first.IfMatch}
	if len(cs.Changes) > 1 {
		return op, nil
	}
	if first.ID != "" {
		op.Kind = MergeUpdate
		return op, nil
	}
	op.Kind = MergeCreate
	if first.Identifier != "" {
		op.IfNoneExist = fhir.ClientIdentifierCondition(first.Identifier)
	}
	return op, nil
}
