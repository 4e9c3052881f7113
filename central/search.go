package central

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// Search limits.
const (
	DefaultCount = 50
	MaxCount     = 1000
	// MaxListValues bounds the comma-separated values of all list
	// parameters (_id, patient, token parameters) of one search: each is an
	// SQL variable, and a longer list is a 400, not a database error.
	MaxListValues = 1000
)

// tokenParams are the token search parameters extracted by index.go.
var tokenParams = map[string]bool{
	"identifier": true, "status": true, "category": true, "code": true, "based-on": true,
	"focus": true, "owner": true, "priority": true, "team": true, "member": true, "url": true,
}

type cursor struct {
	T int64  `json:"t"`
	I string `json:"i"`
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursor, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil || c.I == "" {
		return c, errorf(http.StatusBadRequest, "invalid", "_cursor is not a cursor this server issued")
	}
	return c, nil
}

var prefixOps = map[string]string{"gt": ">", "ge": ">=", "lt": "<", "le": "<=", "eq": "="}

// searchResult is one page.
type searchResult struct {
	entries []Stored
	next    *cursor
	// elements, when set (_elements), is the set of top-level elements
	// each entry is cut down to.
	elements map[string]bool
}

// search runs a type-level search for principal p. Results are ordered by
// lastUpdated then id; a page ends with a cursor when more rows follow.
func (t *tx) search(p Principal, typ string, q url.Values) (searchResult, error) {
	var res searchResult
	where := []string{"r.type = ?"}
	args := []any{typ}
	if !publicTypes[typ] {
		vis, vargs := visibleClause(p, t.accessNow(), "r.patient_id")
		where = append(where, vis)
		args = append(args, vargs...)
	}
	if staff, sargs := staffOnlyClause(p, typ); staff != "" {
		where = append(where, staff)
		args = append(args, sargs...)
	}
	count := DefaultCount
	listValues := 0
	list := func(name, v string) ([]string, error) {
		vs := strings.Split(v, ",")
		listValues += len(vs)
		if listValues > MaxListValues {
			return nil, errorf(http.StatusBadRequest, "too-costly", "a search may list at most %d values (%s has more)", MaxListValues, name)
		}
		return vs, nil
	}
	// In the order of the names, so that the same parameters always make
	// the same SQL text (the read pool keeps it prepared).
	for _, name := range slices.Sorted(maps.Keys(q)) {
		vals := q[name]
		for _, v := range vals {
			switch {
			case name == "_count":
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 {
					return res, errorf(http.StatusBadRequest, "invalid", "_count must be a positive integer")
				}
				count = min(n, MaxCount)
			case name == "_sort":
				if v != "_lastUpdated" {
					return res, errorf(http.StatusBadRequest, "not-supported", "only _sort=_lastUpdated is supported")
				}
			case name == "_cursor":
				c, err := decodeCursor(v)
				if err != nil {
					return res, err
				}
				// The separate lower bound lets SQLite start the index range
				// at the cursor; with the OR alone it scans from the first
				// row of the type on every page (quadratic in a long pull).
				where = append(where, "r.last_updated >= ? AND (r.last_updated > ? OR (r.last_updated = ? AND r.id > ?))")
				args = append(args, c.T, c.T, c.T, c.I)
			case name == "_lastUpdated":
				op, val := "=", v
				if len(v) > 2 {
					if o, ok := prefixOps[v[:2]]; ok {
						op, val = o, v[2:]
					}
				}
				ts, err := time.Parse(time.RFC3339Nano, val)
				if err != nil {
					return res, errorf(http.StatusBadRequest, "invalid", "_lastUpdated %q: need gt|ge|lt|le|eq and an instant with time zone", v)
				}
				// Stored times have ms resolution: compare at ms, rounding a
				// finer bound so that gt/ge stay exact.
				ms := ts.UnixMilli()
				if ts.Sub(time.UnixMilli(ms)) > 0 && (op == ">=" || op == "<") {
					ms++
				}
				where = append(where, "r.last_updated "+op+" ?")
				args = append(args, ms)
			case name == "_id":
				vs, err := list(name, v)
				if err != nil {
					return res, err
				}
				ph, a := inList(vs, func(s string) string { return s })
				where = append(where, "r.id IN ("+ph+")")
				args = append(args, a...)
			case name == "patient" || name == "subject" || name == "for":
				vs, err := list(name, v)
				if err != nil {
					return res, err
				}
				ph, a := inList(vs, func(s string) string { return strings.TrimPrefix(s, "Patient/") })
				where = append(where, "r.patient_id IN ("+ph+")")
				args = append(args, a...)
			case tokenParams[name]:
				vs, err := list(name, v)
				if err != nil {
					return res, err
				}
				ph, a := inList(vs, func(s string) string { return s })
				where = append(where, "r.id IN (SELECT id FROM params WHERE type = ? AND name = ? AND value IN ("+ph+"))")
				args = append(append(args, typ, name), a...)
			case name == "_elements":
				keep, err := parseElements(vals)
				if err != nil {
					return res, err
				}
				res.elements = keep
			case name == "_format" || name == "_total":
				// _format: JSON is all we speak; _total: never computed.
			default:
				return res, errorf(http.StatusBadRequest, "not-supported", "search parameter %q is not supported for %s", name, typ)
			}
		}
	}
	sqlText := `SELECT ` + searchCols + ` FROM resources r WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY r.last_updated, r.id LIMIT ?`
	args = append(args, count+1)
	rows, err := t.query(sqlText, args...)
	if err != nil {
		return res, fmt.Errorf("search %s: %w", typ, err)
	}
	defer rows.Close()
	for rows.Next() {
		st, err := scanStored(rows)
		if err != nil {
			return res, fmt.Errorf("search %s: %w", typ, err)
		}
		res.entries = append(res.entries, st)
	}
	if err := rows.Err(); err != nil {
		return res, fmt.Errorf("search %s: %w", typ, err)
	}
	if len(res.entries) > count {
		res.entries = res.entries[:count]
		last := res.entries[count-1]
		res.next = &cursor{T: last.LastUpdated.UnixMilli(), I: last.ID}
	}
	return res, nil
}

func inList(vals []string, f func(string) string) (string, []any) {
	ph := make([]string, 0, len(vals))
	args := make([]any, 0, len(vals))
	for _, v := range vals {
		ph = append(ph, "?")
		args = append(args, f(v))
	}
	return strings.Join(ph, ", "), args
}

// searchCols are storedCols of resources r.
var searchCols = prefixed(storedCols, "r.")

func prefixed(cols, p string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

// searchBundle renders one page as a searchset Bundle; self and next links
// are built from base and the query.
func searchBundle(base, typ string, q url.Values, res searchResult) (*fhir.Bundle, error) {
	b := &fhir.Bundle{Base: fhir.Base{ResourceType: "Bundle", ID: newID()}, Type: fhir.BundleSearchset}
	self := url.Values{}
	for k, v := range q {
		self[k] = v
	}
	b.Link = append(b.Link, fhir.BundleLink{Relation: "self", URL: base + "/" + typ + "?" + self.Encode()})
	if res.next != nil {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("_cursor", res.next.encode())
		b.Link = append(b.Link, fhir.BundleLink{Relation: "next", URL: base + "/" + typ + "?" + nq.Encode()})
	}
	for _, st := range res.entries {
		raw := json.RawMessage(st.JSON)
		if res.elements != nil {
			// Never the whole resource instead: a list of ids is not
			// audited as a look-up.
			sub, err := subsetElements(raw, res.elements)
			if err != nil {
				return nil, fmt.Errorf("search %s: _elements of %s/%s: %w", typ, st.Type, st.ID, err)
			}
			raw = sub
		}
		b.Entry = append(b.Entry, fhir.BundleEntry{
			FullURL:  base + "/" + st.Type + "/" + st.ID,
			Resource: raw,
			Search:   &fhir.BundleEntrySearch{Mode: "match"},
		})
	}
	return b, nil
}
