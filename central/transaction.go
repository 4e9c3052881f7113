package central

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// entryError says which transaction entry failed.
type entryError struct {
	i   int
	err error
}

func (e *entryError) Error() string { return fmt.Sprintf("entry %d: %v", e.i, e.err) }
func (e *entryError) Unwrap() error { return e.err }

type txEntry struct {
	method, typ, id string
	ifNoneExist     string
	ifMatch         int64
	raw             []byte
	existing        bool // conditional create matched
	// continued: a Patient entry matched by CPR number to a record with
	// no active course that the caller cannot see (yet): the enrolment
	// continues that record, and must end with the caller seeing it.
	continued bool
}

// transaction runs a transaction Bundle: every entry (POST create, PUT
// update) in one database transaction, all or nothing. fullUrl
// "urn:uuid:..." references between entries are resolved to the ids the
// server assigns.
func (s *Server) transaction(w http.ResponseWriter, r *http.Request) {
	body, err := s.readBody(w, r)
	if err != nil {
		s.fail(w, err)
		return
	}
	b, err := fhir.Decode[*fhir.Bundle](body)
	if err != nil {
		s.fail(w, err)
		return
	}
	if b.Type != fhir.BundleTransaction {
		s.fail(w, errorf(http.StatusBadRequest, "not-supported", "only transaction Bundles may be posted to the base URL, not %q", b.Type))
		return
	}
	entries := make([]txEntry, len(b.Entry))
	for i, e := range b.Entry {
		if e.Request == nil || len(e.Resource) == 0 {
			s.fail(w, &entryError{i, errorf(http.StatusBadRequest, "required", "request and resource are required")})
			return
		}
		te := txEntry{method: e.Request.Method, ifNoneExist: e.Request.IfNoneExist, raw: e.Resource}
		te.typ, te.id, _ = strings.Cut(strings.Trim(e.Request.URL, "/"), "/")
		if err := checkType(te.typ); err != nil {
			s.fail(w, &entryError{i, err})
			return
		}
		switch {
		case te.method == http.MethodPost && te.id == "":
		case te.method == http.MethodPut && fhir.ValidID(te.id):
			if te.ifMatch, err = parseIfMatch(e.Request.IfMatch); err != nil {
				s.fail(w, &entryError{i, err})
				return
			}
		default:
			s.fail(w, &entryError{i, errorf(http.StatusBadRequest, "not-supported", "only POST Type and PUT Type/id are supported in a transaction")})
			return
		}
		entries[i] = te
	}
	p := principalOf(r)
	if err := refuseReadOnly(p); err != nil {
		s.fail(w, err)
		return
	}
	resp := &fhir.Bundle{Base: fhir.Base{ResourceType: "Bundle", ID: newID()}, Type: fhir.BundleTransactionResponse}
	err = s.store.inTx(r.Context(), func(t *tx) error {
		// Pass 1: ids for creates, so references can be resolved.
		refs := map[string]string{}
		for i := range entries {
			te := &entries[i]
			if te.method != http.MethodPost {
				continue
			}
			if te.ifNoneExist != "" {
				ids, err := t.conditional(p, te.typ, te.ifNoneExist)
				if err != nil {
					return &entryError{i, err}
				}
				if len(ids) == 1 {
					te.id, te.existing = ids[0], true
				}
				if len(ids) == 0 && te.typ == "Patient" {
					pid, err := t.endedRecord(p, te.ifNoneExist)
					if err != nil {
						return &entryError{i, err}
					}
					if pid != "" {
						te.id, te.existing, te.continued = pid, true, true
					}
				}
			}
			if te.id == "" {
				te.id = newID()
			}
			if full := b.Entry[i].FullURL; strings.HasPrefix(full, "urn:uuid:") {
				refs[full] = te.typ + "/" + te.id
			}
		}
		// Pass 2: rewrite references and apply.
		consented := map[string]bool{} // patients given a new Consent here
		for i, te := range entries {
			raw := te.raw
			for from, to := range refs {
				raw = bytes.ReplaceAll(raw, []byte(strconv.Quote(from)), []byte(strconv.Quote(to)))
			}
			res, err := decodeFor(te.typ, raw)
			if err != nil {
				return &entryError{i, err}
			}
			if c, ok := res.(*fhir.Consent); ok && te.method == http.MethodPost && c.Patient != nil {
				consented[patientOf(c.Patient)] = true
			}
			var st Stored
			var created bool
			if te.continued {
				st, err = t.current("Patient", te.id)
			} else if te.method == http.MethodPost {
				ine := te.ifNoneExist
				if !te.existing {
					ine = ""
				}
				st, created, err = s.createIn(t, p, res, ine, te.id)
			} else {
				if res.Header().ID != te.id {
					return &entryError{i, errorf(http.StatusBadRequest, "invalid", "the resource id %q does not match the request URL", res.Header().ID)}
				}
				st, created, err = s.updateIn(t, p, res, te.ifMatch)
			}
			if err != nil {
				return &entryError{i, err}
			}
			status := "200 OK"
			if created {
				status = "201 Created"
			}
			resp.Entry = append(resp.Entry, fhir.BundleEntry{
				FullURL:  baseURL(r) + "/" + st.Type + "/" + st.ID,
				Resource: json.RawMessage(st.JSON),
				Response: &fhir.BundleEntryResponse{Status: status, Location: fmt.Sprintf("%s/%s/_history/%d", st.Type, st.ID, st.VersionID),
					Etag: st.ETag(), LastModified: fhir.FormatInstant(st.LastUpdated)},
			})
		}
		for i, te := range entries {
			if !te.continued {
				continue
			}
			// The new course is a real enrolment: it gives the caller the
			// record, so it comes with the patient's consent.
			ok, err := t.canSee(p, te.id)
			if err != nil {
				return &entryError{i, err}
			}
			if !ok || !consented[te.id] {
				return &entryError{i, errAlreadyRegistered}
			}
		}
		return nil
	})
	if err != nil {
		var ee *entryError
		if errors.As(err, &ee) {
			status, code, msg := classify(ee.err)
			writeJSON(w, status, fhir.NewOperationOutcome("error", code, fmt.Sprintf("transaction rolled back: entry %d: %s", ee.i, msg)))
			return
		}
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}
