package central

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

func (s *Server) read(w http.ResponseWriter, r *http.Request) {
	typ, id := r.PathValue("type"), r.PathValue("id")
	if err := checkType(typ); err != nil {
		s.fail(w, err)
		return
	}
	var st Stored
	err := s.store.readTx(r.Context(), func(t *tx) error {
		var err error
		st, err = t.readIn(principalOf(r), typ, id)
		return err
	})
	if err == nil {
		err = s.audit(r, "read", typ, typ+"/"+id, nil, patientsOf([]Stored{st}))
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	writeStored(w, r, http.StatusOK, st)
}

func (s *Server) vread(w http.ResponseWriter, r *http.Request) {
	typ, id := r.PathValue("type"), r.PathValue("id")
	if err := checkType(typ); err != nil {
		s.fail(w, err)
		return
	}
	vid, err := strconv.ParseInt(r.PathValue("vid"), 10, 64)
	if err != nil || vid < 1 {
		s.fail(w, errorf(http.StatusBadRequest, "invalid", "version id must be a positive integer"))
		return
	}
	var st Stored
	err = s.store.readTx(r.Context(), func(t *tx) error {
		if _, err := t.readIn(principalOf(r), typ, id); err != nil {
			return err
		}
		var err error
		st, err = t.version(typ, id, vid)
		return err
	})
	if err == nil {
		err = s.audit(r, "vread", typ, fmt.Sprintf("%s/%s/_history/%d", typ, id, vid), nil, patientsOf([]Stored{st}))
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	writeStored(w, r, http.StatusOK, st)
}

func (s *Server) searchType(w http.ResponseWriter, r *http.Request) {
	typ := r.PathValue("type")
	if err := checkType(typ); err != nil {
		s.fail(w, err)
		return
	}
	q := r.URL.Query()
	var res searchResult
	err := s.store.readTx(r.Context(), func(t *tx) error {
		// The role is read here, in the search's snapshot: a look-up of
		// its own on the read pool before was a tenth of the central's
		// CPU in a sync round with nothing new.
		p, err := t.withRole(principalOf(r))
		if err != nil {
			return err
		}
		res, err = t.search(p, typ, q)
		return err
	})
	// A list of ids (the console's check of which patients it may still
	// see, every sync round) shows no patient data: logging it would bury
	// the look-ups.
	if err == nil && !idsOnly(res.elements) {
		err = s.audit(r, "search-type", typ, "", q, patientsOf(res.entries))
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	b, err := searchBundle(baseURL(r), typ, q, res)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeBundle(w, http.StatusOK, b)
}

// decodeFor decodes a body that must be a typ resource.
func decodeFor(typ string, body []byte) (fhir.Resource, error) {
	res, err := fhir.DecodeResource(body)
	if err != nil {
		return nil, err
	}
	if got := res.Header().ResourceType; got != typ {
		return nil, errorf(http.StatusBadRequest, "invalid", "body is a %s, not a %s", got, typ)
	}
	return res, nil
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	typ := r.PathValue("type")
	if err := checkType(typ); err != nil {
		s.fail(w, err)
		return
	}
	body, err := s.readBody(w, r)
	if err != nil {
		s.fail(w, err)
		return
	}
	res, err := decodeFor(typ, body)
	if err != nil {
		s.fail(w, err)
		return
	}
	var st Stored
	var created bool
	err = s.store.inTx(r.Context(), func(t *tx) error {
		var err error
		st, created, err = s.createIn(t, principalOf(r), res, r.Header.Get("If-None-Exist"), "")
		return err
	})
	if err != nil {
		s.fail(w, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeStored(w, r, status, st)
}

func (s *Server) update(w http.ResponseWriter, r *http.Request) {
	typ, id := r.PathValue("type"), r.PathValue("id")
	if err := checkType(typ); err != nil {
		s.fail(w, err)
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
	res, err := decodeFor(typ, body)
	if err != nil {
		s.fail(w, err)
		return
	}
	if res.Header().ID != id {
		s.fail(w, errorf(http.StatusBadRequest, "invalid", "the body's id %q does not match the URL's %q", res.Header().ID, id))
		return
	}
	s.storeUpdate(w, r, res, ifMatch)
}

func (s *Server) storeUpdate(w http.ResponseWriter, r *http.Request, res fhir.Resource, ifMatch int64) {
	var st Stored
	var created bool
	err := s.store.inTx(r.Context(), func(t *tx) error {
		var err error
		st, created, err = s.updateIn(t, principalOf(r), res, ifMatch)
		return err
	})
	if err != nil {
		s.fail(w, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeStored(w, r, status, st)
}
