package central

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// conditional returns the ids matching an If-None-Exist query among what
// p may see (a match p may not see is no match: the query must not tell
// whether, say, a CPR number is enrolled elsewhere); only
// identifier=[system|]value is supported.
func (t *tx) conditional(p Principal, typ, query string) ([]string, error) {
	name, value, ok := strings.Cut(query, "=")
	if !ok || name != "identifier" || value == "" {
		return nil, errorf(http.StatusBadRequest, "not-supported", "If-None-Exist supports identifier=system|value only")
	}
	q, args := conditionalQuery(p, t.accessNow(), typ, value)
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("find %s by identifier: %w", typ, err)
	}
	ids, err := collectIDs(rows)
	if err != nil {
		return nil, fmt.Errorf("find %s by identifier: %w", typ, err)
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// conditionalQuery finds the resources of typ with the identifier token
// value that p may see: from the token's rows in params to each resource
// (CROSS JOIN keeps that order). Sorting and de-duplicating are left to
// the caller: asked for in SQL (DISTINCT … ORDER BY id), SQLite walks
// every resource of the type in id order instead, probing params for
// each.
func conditionalQuery(p Principal, now time.Time, typ, value string) (string, []any) {
	vis, vargs := visibleClause(p, now, "r.patient_id")
	where := []string{"x.type = ?", "x.name = 'identifier'", "x.value = ?", vis}
	args := append([]any{typ, value}, vargs...)
	if staff, sargs := staffOnlyClause(p, typ); staff != "" {
		where = append(where, staff)
		args = append(args, sargs...)
	}
	return `SELECT r.id FROM params x CROSS JOIN resources r ON r.type = x.type AND r.id = x.id
		WHERE ` + strings.Join(where, " AND "), args
}

// create stores a new resource (a fresh server id), triaging measurements
// and questionnaires on arrival. With ifNoneExist, an existing match is
// returned instead (created false).
// id is the server id to use; "" means a new UUID.
func (s *Server) createIn(t *tx, p Principal, r fhir.Resource, ifNoneExist, id string) (Stored, bool, error) {
	h := r.Header()
	// The server's id is known before authorisation, so the audit of a
	// new team or grant names it.
	if id == "" {
		id = newID()
	}
	h.ID = id
	// Authorise first: a conditional create must not tell a caller who may
	// not write this what exists.
	audit, err := t.authorizeWrite(p, r, nil)
	if err != nil {
		return Stored{}, false, err
	}
	if ifNoneExist != "" {
		ids, err := t.conditional(p, h.ResourceType, ifNoneExist)
		if err != nil {
			return Stored{}, false, err
		}
		if len(ids) > 1 {
			return Stored{}, false, errorf(http.StatusPreconditionFailed, "multiple-matches", "If-None-Exist matches %d resources", len(ids))
		}
		if len(ids) == 1 {
			st, err := t.current(h.ResourceType, ids[0])
			return st, false, err
		}
	}
	if err := t.checkEnrolment(p, r); err != nil {
		return Stored{}, false, err
	}
	h.Meta = nil
	now := s.now()
	extra := audit
	switch v := r.(type) {
	case *fhir.Observation:
		var more []fhir.Resource
		more, err = t.triageObservation(v, now)
		extra = append(extra, more...)
	case *fhir.QuestionnaireResponse:
		var more []fhir.Resource
		more, err = t.triageQuestionnaire(v, now)
		extra = append(extra, more...)
	case *fhir.Communication:
		if p.Patient != "" && v.Received == "" {
			v.Received = fhir.FormatInstant(now)
		}
	}
	if err != nil {
		return Stored{}, false, err
	}
	st, err := t.write(r, 0)
	if err != nil {
		return Stored{}, false, err
	}
	for _, x := range extra {
		if _, err := t.write(x, 0); err != nil {
			return Stored{}, false, err
		}
	}
	if o, ok := r.(*fhir.Observation); ok {
		late, err := t.resolveLate(patientOf(o.Subject), now, s.loc)
		if err != nil {
			return Stored{}, false, err
		}
		for _, x := range late {
			if _, err := t.write(x, 0); err != nil {
				return Stored{}, false, err
			}
		}
	}
	return st, true, nil
}

// immutable are types whose content never changes after submission; only
// marking them entered-in-error is allowed.
var immutable = map[string]bool{"Observation": true, "QuestionnaireResponse": true}

func statusOf(r fhir.Resource) string {
	switch v := r.(type) {
	case *fhir.Observation:
		return v.Status
	case *fhir.QuestionnaireResponse:
		return v.Status
	}
	return ""
}

// updateIn stores a new version of type/id. ifMatch > 0 demands that
// version be current. A missing resource is created (update as create)
// unless ifMatch is given. created reports which.
func (s *Server) updateIn(t *tx, p Principal, r fhir.Resource, ifMatch int64) (Stored, bool, error) {
	if err := refuseReadOnly(p); err != nil {
		return Stored{}, false, err
	}
	if p.Patient != "" {
		return Stored{}, false, errorf(http.StatusForbidden, "forbidden", "a patient may only create")
	}
	h := r.Header()
	cur, err := t.current(h.ResourceType, h.ID)
	exists := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Stored{}, false, err
	}
	if exists {
		ok, err := t.canSee(p, cur.PatientID)
		if err != nil {
			return Stored{}, false, err
		}
		if !ok {
			return Stored{}, false, errorf(http.StatusNotFound, "not-found", "%s/%s: not found", h.ResourceType, h.ID)
		}
		if immutable[h.ResourceType] {
			if statusOf(r) != "entered-in-error" {
				return Stored{}, false, errorf(http.StatusMethodNotAllowed, "business-rule", "%s is immutable once submitted; only status entered-in-error may be set", h.ResourceType)
			}
			same, err := sameExcept(cur.JSON, r, "status", "meta")
			if err != nil {
				return Stored{}, false, err
			}
			if !same {
				return Stored{}, false, errorf(http.StatusUnprocessableEntity, "business-rule", "%s is immutable once submitted: marking it entered-in-error may change its status only", h.ResourceType)
			}
		}
	}
	if !exists && immutable[h.ResourceType] {
		// A reading or an answer set is triaged on arrival: it comes by
		// POST, never by update-as-create, which would skip the triage and
		// the checks of its date.
		return Stored{}, false, errorf(http.StatusMethodNotAllowed, "business-rule", "a new %s is created with POST, not PUT", h.ResourceType)
	}
	var curp *Stored
	if exists {
		curp = &cur
	}
	audit, err := t.authorizeWrite(p, r, curp)
	if err != nil {
		return Stored{}, false, err
	}
	h.Meta = nil
	st, err := t.write(r, ifMatch)
	if err != nil {
		return Stored{}, false, err
	}
	for _, x := range audit {
		if _, err := t.write(x, 0); err != nil {
			return Stored{}, false, err
		}
	}
	return st, !exists, nil
}

// readIn returns the current version if p may see it (else not found).
func (t *tx) readIn(p Principal, typ, id string) (Stored, error) {
	st, err := t.current(typ, id)
	if err != nil {
		return st, err
	}
	if publicTypes[typ] {
		return st, nil
	}
	ok, err := t.canSee(p, st.PatientID)
	if err != nil {
		return st, err
	}
	if !ok {
		return Stored{}, errorf(http.StatusNotFound, "not-found", "%s/%s: not found", typ, id)
	}
	if err := hideStaffOnly(p, st); err != nil {
		return Stored{}, err
	}
	return st, nil
}

// sameExcept reports whether r has the stored content, apart from the
// top-level elements in except.
func sameExcept(stored []byte, r fhir.Resource, except ...string) (bool, error) {
	next, err := fhir.Encode(r)
	if err != nil {
		return false, err
	}
	var a, b map[string]any
	if err := json.Unmarshal(stored, &a); err != nil {
		return false, fmt.Errorf("stored %s: %w", r.Header().ResourceType, err)
	}
	if err := json.Unmarshal(next, &b); err != nil {
		return false, fmt.Errorf("compare %s: %w", r.Header().ResourceType, err)
	}
	for _, k := range except {
		delete(a, k)
		delete(b, k)
	}
	return reflect.DeepEqual(a, b), nil
}
