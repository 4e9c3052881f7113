package fhir

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"
)

// MergeChange applies a change the console made to the server's JSON of a
// resource and returns the JSON to PUT: the server's resource with exactly
// the elements that differ between old and new changed, everything else
// (elements and extensions the console does not model, array elements it
// did not touch) kept as the server sent it.
//
// old and new are the console's own renderings of the resource (or of just
// the elements it changes) before and after the change; the server's JSON
// is whatever the server holds, with more in it. The rules:
//
//   - an object element present in old or new is merged key by key
//     (unchanged keys left alone, removed keys deleted, added or changed
//     keys set; nested objects recursively), so unknown keys survive;
//     an object whose reference changes (another practitioner, team, …)
//     is replaced whole, since nothing of the old one belongs to it;
//   - an array (extension lists included) is compared element by element:
//     elements of old that new no longer has are removed from the server's
//     array, elements new adds are inserted where the first removed one was
//     (else appended); every other element of the server's array stays,
//     in its order; an element new adds that the server's array already
//     holds (equal) is not added twice. An old element is found in the
//     server's array by
//     agreement on the keys both have (so extra server-side keys or
//     sub-extensions do not hide it), with instants compared as instants
//     and numbers as numbers;
//   - id, meta and resourceType always stay the server's.
//
// An element the console changes is replaced as a whole when it is an
// array element (a changed cover or threshold is a new element): that is
// the change, not a loss.
func MergeChange(server, old, new []byte) ([]byte, error) {
	s, err := decodeAny(server)
	if err != nil {
		return nil, fmt.Errorf("merge: server JSON: %w", err)
	}
	o, err := decodeAny(old)
	if err != nil {
		return nil, fmt.Errorf("merge: old: %w", err)
	}
	n, err := decodeAny(new)
	if err != nil {
		return nil, fmt.Errorf("merge: new: %w", err)
	}
	sm, ok1 := s.(map[string]any)
	om, ok2 := o.(map[string]any)
	nm, ok3 := n.(map[string]any)
	if !ok1 || !ok2 || !ok3 {
		return nil, errors.New("merge: server, old and new must be JSON objects")
	}
	for _, k := range []string{"id", "meta", "resourceType"} {
		delete(om, k)
		delete(nm, k)
	}
	out := mergeObject(sm, om, nm)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return nil, fmt.Errorf("merge: encode: %w", err)
	}
	return bytes.TrimSpace(buf.Bytes()), nil
}

func decodeAny(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("data after the JSON value")
	}
	return v, nil
}

// mergeObject returns s with the changes from o to n applied.
func mergeObject(s, o, n map[string]any) map[string]any {
	out := make(map[string]any, len(s)+len(n))
	for k, v := range s {
		out[k] = v
	}
	keys := map[string]bool{}
	for k := range o {
		keys[k] = true
	}
	for k := range n {
		keys[k] = true
	}
	for k := range keys {
		ov, inO := o[k]
		nv, inN := n[k]
		if inO && inN && jsonEqual(ov, nv) {
			continue
		}
		if !inN {
			if sv, ok := out[k]; ok {
				if rest, keep := removeOld(sv, ov); keep {
					out[k] = rest
				} else {
					delete(out, k)
				}
			}
			continue
		}
		out[k] = mergeValue(out[k], ov, nv)
	}
	return out
}

// removeOld is what stays of the server's value sv when the console no
// longer has ov: for an array, the server's elements that were not the
// console's; otherwise nothing.
func removeOld(sv, ov any) (any, bool) {
	sa, ok1 := sv.([]any)
	oa, ok2 := ov.([]any)
	if !ok1 || !ok2 {
		return nil, false
	}
	rest := mergeArray(sa, oa, nil)
	return rest, len(rest) > 0
}

// mergeValue is the server's value sv changed from ov to nv (nv present).
func mergeValue(sv, ov, nv any) any {
	switch n := nv.(type) {
	case map[string]any:
		s, ok := sv.(map[string]any)
		if !ok || !jsonEqual(s["reference"], n["reference"]) {
			// Another thing altogether (a reference to someone else):
			// nothing of the old one belongs to it.
			return n
		}
		o, _ := ov.(map[string]any)
		return mergeObject(s, o, n)
	case []any:
		s, ok := sv.([]any)
		if !ok {
			return n
		}
		o, _ := ov.([]any)
		return mergeArray(s, o, n)
	}
	return nv
}

// mergeArray applies the element changes from o to n to s.
func mergeArray(s, o, n []any) []any {
	// Pair equal elements of o and n: those did not change.
	usedN := make([]bool, len(n))
	var removed []any
	for _, ov := range o {
		found := false
		for j, nv := range n {
			if !usedN[j] && jsonEqual(ov, nv) {
				usedN[j], found = true, true
				break
			}
		}
		if !found {
			removed = append(removed, ov)
		}
	}
	var added []any
	for j, nv := range n {
		if !usedN[j] {
			added = append(added, nv)
		}
	}
	gone := make([]bool, len(s))
	first := -1
	for _, rv := range removed {
		for i, sv := range s {
			if !gone[i] && agrees(sv, rv) {
				gone[i] = true
				if first < 0 || i < first {
					first = i
				}
				break
			}
		}
	}
	// An element the server has already (the same change made twice, e.g.
	// kept on top of another's identical one) is not added again.
	fresh := added[:0:0]
	for _, av := range added {
		dup := false
		for i, sv := range s {
			if !gone[i] && jsonEqual(sv, av) {
				dup = true
				break
			}
		}
		if !dup {
			fresh = append(fresh, av)
		}
	}
	added = fresh
	out := make([]any, 0, len(s)+len(added))
	inserted := false
	for i, sv := range s {
		if i == first {
			out = append(out, added...)
			inserted = true
		}
		if !gone[i] {
			out = append(out, sv)
		}
	}
	if !inserted {
		out = append(out, added...)
	}
	return out
}

// agrees reports whether the server's element s is the console's element
// o: objects agree on every key both have (and share at least one, with
// reference and url, when o has them, present in s); arrays when every
// element of o agrees with some element of s; scalars when equal (instants
// as instants, numbers as numbers).
func agrees(s, o any) bool {
	switch ov := o.(type) {
	case map[string]any:
		sv, ok := s.(map[string]any)
		if !ok {
			return false
		}
		shared := 0
		for k, x := range ov {
			y, ok := sv[k]
			if !ok {
				if k == "reference" || k == "url" {
					return false
				}
				continue
			}
			if !agrees(y, x) {
				return false
			}
			shared++
		}
		return shared > 0 || len(ov) == 0
	case []any:
		sv, ok := s.([]any)
		if !ok {
			return false
		}
		for _, x := range ov {
			found := false
			for _, y := range sv {
				if agrees(y, x) {
					found = true
					break
				}
			}
			if !found {
				return false
			}
		}
		return true
	}
	return scalarEqual(s, o)
}

func scalarEqual(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		fx, ok1 := new(big.Float).SetString(x.String())
		fy, ok2 := new(big.Float).SetString(y.String())
		return ok1 && ok2 && fx.Cmp(fy) == 0
	case string:
		y, ok := b.(string)
		if !ok {
			return false
		}
		if x == y {
			return true
		}
		tx, err1 := time.Parse(time.RFC3339Nano, x)
		ty, err2 := time.Parse(time.RFC3339Nano, y)
		return err1 == nil && err2 == nil && tx.Equal(ty)
	}
	return a == b
}

// jsonEqual is deep equality of decoded JSON (numbers as numbers, instants
// as instants).
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !jsonEqual(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return scalarEqual(a, b)
}
