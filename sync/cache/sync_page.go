package cache

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// Pulled is one resource of a search page, decoded before the transaction
// that stores it: the sync decodes the next page while the cache stores
// the current one.
type Pulled struct {
	raw []byte
	r   fhir.Resource // nil when decoding failed
	err error         // why decoding failed
}

// Decode decodes a pulled resource (FHIR JSON from the server) for
// ApplyPage. It never fails: a resource that does not decode is parked
// when applied, with the reason.
func Decode(raw []byte) Pulled {
	r, err := fhir.DecodeResource(raw)
	return Pulled{raw: raw, r: r, err: err}
}

// Decoded is a pulled resource decoded already: r is raw decoded by
// fhir.DecodeResource or in the same way (fhir.DecodeSearchset), or nil
// with err saying why it does not decode.
func Decoded(raw []byte, r fhir.Resource, err error) Pulled {
	if r == nil && err == nil {
		return Decode(raw)
	}
	return Pulled{raw: raw, r: r, err: err}
}

// pageHints are the look-ups of a whole page of one type, read with one
// statement per table instead of one per resource. They describe the
// cache as it was before the page: every resource of the page that is not
// simply stored or known (parked, of another type, seen twice in the page)
// makes ApplyPage store the page again resource by resource, without
// them.
type pageHints struct {
	typ     string
	known   map[string]storedVersion
	parked  map[string]string // id -> parked version_id
	ack     map[string]bool   // Observation pages: acknowledged reading, or a completed review task for it
	touched map[string]bool   // ids stored by this page so far
	// regimes: Observation and QuestionnaireResponse pages, which store no
	// regime: each patient's centralRegimeHistory, kept once read.
	regimes map[string][]domain.Regime
	// defs: QuestionnaireResponse pages, which store no definition: the
	// definition each canonical reference names (questionnaireDef), kept
	// once read.
	defs map[string]questionnaireLookup
	// latest: Observation pages: for each patient and kind, the newest
	// (by taken, then id) plausible reading the page stored that the
	// cache did not hold before; latest_readings takes it once, when the
	// page is stored (flushLatest), instead of once per reading.
	latest map[latestKey]latestCandidate
	// noConsoleItems: Task pages: the cache holds no item of the console's
	// own (domain.ConsoleTriageID), so none is to be deleted for a review
	// Task of the central.
	noConsoleItems bool
}

type latestKey struct{ patient, kind string }

type latestCandidate struct {
	id string
	r  domain.Reading
}

// deferLatest keeps reading r (stored as id) as its patient's and kind's
// candidate for latest_readings when it is newer than the one kept.
func (h *pageHints) deferLatest(id string, r domain.Reading) {
	k := latestKey{r.PatientID, string(r.Kind)}
	c, ok := h.latest[k]
	// The order of upsertLatest's guard: taken in milliseconds, then id.
	t, ct := r.Taken.UnixMilli(), c.r.Taken.UnixMilli()
	if !ok || t > ct || t == ct && id >= c.id {
		h.latest[k] = latestCandidate{id: id, r: r}
	}
}

// flushLatest gives latest_readings the page's candidates: the same
// guarded upsert PutReading runs per reading, so the newest wins as if
// each had been written in turn.
func (tx *Tx) flushLatest(h *pageHints) error {
	for _, c := range h.latest {
		r := c.r
		if _, err := tx.exec(upsertLatest, r.PatientID, string(r.Kind), c.id, r.Taken.UnixMilli(), r.Value, r.Value2,
			r.Color.String(), b2i(r.Implausible != "")); err != nil {
			return fmt.Errorf("latest reading of %s: %w", c.id, err)
		}
	}
	return nil
}

type storedVersion struct {
	vid string
	lu  int64
}

// covers tells whether the stored version v makes res known: it is that
// very version, or one updated later (by last_updated).
func (v storedVersion) covers(res ApplyResult) bool {
	return v.lu > 0 && (v.vid == res.VersionID && res.VersionID != "" || v.lu > msOrZero(res.LastUpdated))
}

// errSlowPath stops the fast, per-page store of a page: it is rolled back
// and stored again one resource at a time, each in its own savepoint.
var errSlowPath = errors.New("cache: page needs the per-resource path")

// ApplyPage stores the resources of one search page of resource type typ,
// in this transaction, as ApplyResource would one by one, and returns what
// became of each, in order. The look-ups the version check needs are made
// once for the page, and the page is stored inside one savepoint; when a
// resource in it cannot be stored as it is (it would be parked), is of
// another type or comes twice, that savepoint is rolled back and the page
// is stored again one resource at a time, each in its own savepoint as
// ApplyResource does, so the outcome is the same either way. The returned
// error is only for failures of the database itself. Needs PrepareSync.
func (tx *Tx) ApplyPage(typ string, page []Pulled) ([]ApplyResult, error) {
	if len(page) > 1 && (replicaTables[typ] != "" || rawType(typ)) {
		out, ok, err := tx.applyPageFast(typ, page)
		if err != nil || ok {
			return out, err
		}
	}
	out := make([]ApplyResult, 0, len(page))
	for _, p := range page {
		r, err := tx.applyPulled(p)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// applyPageFast stores the page under one savepoint with the page's
// look-ups; false when the page has to take the per-resource path (nothing
// of it is then left stored).
func (tx *Tx) applyPageFast(typ string, page []Pulled) ([]ApplyResult, bool, error) {
	if _, err := tx.tx.ExecContext(tx.ctx, `SAVEPOINT apply_page`); err != nil {
		return nil, false, fmt.Errorf("apply %s page: savepoint: %w", typ, classify(err))
	}
	h, err := tx.loadHints(typ, page)
	if err != nil {
		return nil, false, err
	}
	tx.hints = h
	out := make([]ApplyResult, 0, len(page))
	for _, p := range page {
		var r ApplyResult
		r, err = tx.applyPulled(p)
		if err != nil {
			break
		}
		out = append(out, r)
	}
	tx.hints = nil
	if err == nil && len(h.latest) > 0 {
		if err = tx.flushLatest(h); err != nil && !isDatabaseFailure(err) {
			err = errSlowPath
		}
	}
	if errors.Is(err, errSlowPath) {
		if _, rerr := tx.tx.ExecContext(tx.ctx, `ROLLBACK TO apply_page`); rerr != nil {
			return nil, false, fmt.Errorf("apply %s page: rollback to savepoint: %w", typ, classify(rerr))
		}
		err = nil
		out = nil
	}
	if _, rerr := tx.tx.ExecContext(tx.ctx, `RELEASE apply_page`); rerr != nil {
		return nil, false, errors.Join(err, fmt.Errorf("apply %s page: release savepoint: %w", typ, classify(rerr)))
	}
	if err != nil {
		return nil, false, err
	}
	return out, out != nil, nil
}

// loadHints reads the stored and parked versions of the page's ids (and,
// for readings, whether each is acknowledged).
func (tx *Tx) loadHints(typ string, page []Pulled) (*pageHints, error) {
	h := &pageHints{typ: typ, known: map[string]storedVersion{}, parked: map[string]string{}, touched: map[string]bool{}}
	ids := make([]string, 0, len(page))
	for _, p := range page {
		if p.r == nil {
			continue
		}
		if hd := p.r.Header(); hd.ResourceType == typ && hd.ID != "" {
			ids = append(ids, hd.ID)
		}
	}
	for _, q := range versionQueries(typ) {
		err := tx.eachIn(q, ids, func(sc scanner) error {
			var id string
			var v storedVersion
			if err := sc.Scan(&id, &v.vid, &v.lu); err != nil {
				return err
			}
			// The first table wins, as in knownVersion.
			if _, ok := h.known[id]; !ok {
				h.known[id] = v
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("known %s: %w", typ, err)
		}
	}
	err := tx.eachIn(`SELECT id, version_id FROM sync_parked WHERE resource_type = '`+typ+`' AND id IN `, ids, func(sc scanner) error {
		var id, vid string
		if err := sc.Scan(&id, &vid); err != nil {
			return err
		}
		h.parked[id] = vid
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("parked %s: %w", typ, err)
	}
	if typ == "Observation" || typ == "QuestionnaireResponse" {
		h.regimes = map[string][]domain.Regime{}
	}
	if typ == "QuestionnaireResponse" {
		h.defs = map[string]questionnaireLookup{}
	}
	if typ == "Task" {
		// Their ids share a prefix: a range of the primary key.
		prefix := domain.ConsoleTriageID("")
		st, err := tx.stmt(`SELECT EXISTS (SELECT 1 FROM tasks WHERE id >= ? AND id < ? AND by_console = 1)`)
		if err != nil {
			return nil, err
		}
		var exists bool
		if err := st.QueryRowContext(tx.ctx, prefix, prefix[:len(prefix)-1]+string(prefix[len(prefix)-1]+1)).Scan(&exists); err != nil {
			return nil, fmt.Errorf("console items: %w", classify(err))
		}
		h.noConsoleItems = !exists
	}
	if typ == "Observation" {
		h.latest = map[latestKey]latestCandidate{}
		h.ack = map[string]bool{}
		mark := func(sc scanner) error {
			var id string
			if err := sc.Scan(&id); err != nil {
				return err
			}
			h.ack[id] = true
			return nil
		}
		if err := tx.eachIn(`SELECT id FROM observations WHERE acknowledged <> 0 AND id IN `, ids, mark); err != nil {
			return nil, fmt.Errorf("acknowledged readings: %w", err)
		}
		// The review task may have been pulled before its reading.
		if err := tx.eachIn(`SELECT focus_id FROM tasks WHERE status = 'completed' AND category = '`+
			string(domain.TaskMeasurement)+`' AND focus_id IN `, ids, mark); err != nil {
			return nil, fmt.Errorf("acknowledged readings: %w", err)
		}
	}
	return h, nil
}

// versionTable is a table that holds versions of a type: where, when
// not empty, picks the type's rows in it.
type versionTable struct{ table, where string }

// versionTables are where typ's stored versions are, in the order
// knownVersion looks: a row found in an earlier table wins.
func versionTables(typ string) []versionTable {
	switch {
	case rawType(typ):
		return []versionTable{{"sync_resources", "resource_type = '" + typ + "'"}}
	case typ == "CareTeam":
		return []versionTable{{"care_teams", ""}, {"sync_resources", "resource_type = 'CareTeam'"}}
	case typ == "Communication":
		return []versionTable{{"communications", ""}, {"notes", ""}}
	}
	return []versionTable{{replicaTables[typ], ""}}
}

// versionQueries read the stored id, version_id and last_updated of typ's
// resources whose ids follow (each query ends in "IN "), one query per
// table of versionTables.
func versionQueries(typ string) []string {
	var out []string
	for _, t := range versionTables(typ) {
		where := ""
		if t.where != "" {
			where = t.where + " AND "
		}
		out = append(out, `SELECT id, version_id, last_updated FROM `+t.table+` WHERE `+where+`id IN `)
	}
	return out
}

// eachIn runs query (ending in "IN ") for ids, calling fn for each row.
// The ids are bound as one JSON array, so the statement is the same
// whatever their number and is prepared once (Tx.stmt).
func (tx *Tx) eachIn(query string, ids []string, fn func(scanner) error) error {
	if len(ids) == 0 {
		return nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return fmt.Errorf("ids: %w", err)
	}
	st, err := tx.stmt(query + "(SELECT value FROM json_each(?))")
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(tx.ctx, string(list))
	if err != nil {
		return classify(err)
	}
	for rows.Next() {
		if err := fn(rows); err != nil {
			rows.Close()
			return err
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return classify(err)
	}
	return nil
}

// hinted is the page's look-ups when res is covered by them: a resource of
// the page's type not stored before by the same page.
func (tx *Tx) hinted(res ApplyResult) *pageHints {
	if h := tx.hints; h != nil && res.Type == h.typ && !h.touched[res.ID] {
		return h
	}
	return nil
}
