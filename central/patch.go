package central

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// patchable are the types PATCH accepts: Task (status, owner, notes) and
// Communication (read state).
var patchable = map[string]bool{"Task": true, "Communication": true}

// patchOp is one RFC 6902 operation; add, replace, remove and test are
// supported.
type patchOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// maxPatchOps bounds the work one PATCH can ask for.
const maxPatchOps = 100

// applyPatch applies ops to a JSON document.
func applyPatch(doc []byte, patch []byte) ([]byte, error) {
	var ops []patchOp
	if err := json.Unmarshal(patch, &ops); err != nil {
		return nil, errorf(http.StatusBadRequest, "structure", "the body is not a JSON Patch array: %v", err)
	}
	if len(ops) == 0 || len(ops) > maxPatchOps {
		return nil, errorf(http.StatusBadRequest, "invalid", "a JSON Patch needs 1–%d operations", maxPatchOps)
	}
	var root any
	if err := json.Unmarshal(doc, &root); err != nil {
		return nil, fmt.Errorf("stored resource: %w", err)
	}
	for i, op := range ops {
		var val any
		if op.Op == "add" || op.Op == "replace" || op.Op == "test" {
			if len(op.Value) == 0 {
				return nil, errorf(http.StatusBadRequest, "invalid", "patch operation %d (%s) needs a value", i, op.Op)
			}
			if err := json.Unmarshal(op.Value, &val); err != nil {
				return nil, errorf(http.StatusBadRequest, "invalid", "patch operation %d: bad value", i)
			}
		}
		toks, err := pointer(op.Path)
		if err != nil || len(toks) == 0 {
			return nil, errorf(http.StatusBadRequest, "invalid", "patch operation %d: path %q is not a JSON pointer into the resource", i, op.Path)
		}
		if toks[0] == "id" || toks[0] == "resourceType" || toks[0] == "meta" {
			return nil, errorf(http.StatusUnprocessableEntity, "business-rule", "patch operation %d may not change %s", i, toks[0])
		}
		root, err = applyOp(root, toks, op.Op, val)
		if err != nil {
			return nil, errorf(http.StatusUnprocessableEntity, "processing", "patch operation %d (%s %s): %v", i, op.Op, op.Path, err)
		}
	}
	return json.Marshal(root)
}

func pointer(p string) ([]string, error) {
	if !strings.HasPrefix(p, "/") {
		return nil, fmt.Errorf("must start with /")
	}
	parts := strings.Split(p[1:], "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return parts, nil
}

// applyOp applies one operation below node and returns the new node.
func applyOp(node any, toks []string, op string, val any) (any, error) {
	key := toks[0]
	last := len(toks) == 1
	switch n := node.(type) {
	case map[string]any:
		if last {
			cur, exists := n[key]
			switch op {
			case "add":
				n[key] = val
			case "replace":
				if !exists {
					return nil, fmt.Errorf("%q does not exist", key)
				}
				n[key] = val
			case "remove":
				if !exists {
					return nil, fmt.Errorf("%q does not exist", key)
				}
				delete(n, key)
			case "test":
				if !exists || !reflect.DeepEqual(cur, val) {
					return nil, fmt.Errorf("test failed")
				}
			default:
				return nil, fmt.Errorf("operation %q is not supported", op)
			}
			return n, nil
		}
		child, ok := n[key]
		if !ok {
			return nil, fmt.Errorf("%q does not exist", key)
		}
		nc, err := applyOp(child, toks[1:], op, val)
		if err != nil {
			return nil, err
		}
		n[key] = nc
		return n, nil
	case []any:
		if last && key == "-" && op == "add" {
			return append(n, val), nil
		}
		i, err := strconv.Atoi(key)
		if err != nil || i < 0 || i > len(n) || (i == len(n) && !(last && op == "add")) {
			return nil, fmt.Errorf("index %q out of range", key)
		}
		if last {
			switch op {
			case "add":
				n = append(n[:i], append([]any{val}, n[i:]...)...)
			case "replace":
				n[i] = val
			case "remove":
				n = append(n[:i], n[i+1:]...)
			case "test":
				if !reflect.DeepEqual(n[i], val) {
					return nil, fmt.Errorf("test failed")
				}
			default:
				return nil, fmt.Errorf("operation %q is not supported", op)
			}
			return n, nil
		}
		nc, err := applyOp(n[i], toks[1:], op, val)
		if err != nil {
			return nil, err
		}
		n[i] = nc
		return n, nil
	}
	return nil, fmt.Errorf("%q is below a value that is not an object or array", key)
}

func (s *Server) patch(w http.ResponseWriter, r *http.Request) {
	typ, id := r.PathValue("type"), r.PathValue("id")
	if err := checkType(typ); err != nil {
		s.fail(w, err)
		return
	}
	if !patchable[typ] {
		s.fail(w, errorf(http.StatusMethodNotAllowed, "not-supported", "PATCH is supported for Task and Communication only"))
		return
	}
	ifMatch, err := parseIfMatch(r.Header.Get("If-Match"))
	if err != nil {
		s.fail(w, err)
		return
	}
	body, err := s.readBody(w, r)
	if err != nil {
		s.fail(w, err)
		return
	}
	p := principalOf(r)
	var st Stored
	err = s.store.inTx(r.Context(), func(t *tx) error {
		if err := refuseReadOnly(p); err != nil {
			return err
		}
		cur, err := t.readIn(p, typ, id)
		if err != nil {
			return err
		}
		if ifMatch > 0 && cur.VersionID != ifMatch {
			return fmt.Errorf("%s/%s is at version %d, not %d: %w", typ, id, cur.VersionID, ifMatch, ErrVersionConflict)
		}
		doc, err := applyPatch(cur.JSON, body)
		if err != nil {
			return err
		}
		res, err := fhir.DecodeResource(doc)
		if err != nil {
			return errorf(http.StatusUnprocessableEntity, "processing", "the patched resource is not valid: %v", err)
		}
		if ifMatch == 0 {
			ifMatch = cur.VersionID
		}
		st, _, err = s.updateIn(t, p, res, ifMatch)
		return err
	})
	if err != nil {
		s.fail(w, err)
		return
	}
	writeStored(w, r, http.StatusOK, st)
}
