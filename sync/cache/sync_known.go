package cache

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// KnownPage tells, without a write transaction, whether storing page (a
// search page of typ) with ApplyPage, and then moving typ's watermark to
// the page's greatest lastUpdated when watermark is true, would change
// nothing in the cache: every resource on it decoded, is a typ with an
// id, comes once, and is a version the cache holds (or one it holds a
// newer version of, or has parked at that very version), and the
// watermark is at or past the page's end already. Then it returns what
// ApplyPage would (every resource Known) and true. Otherwise false, and
// the page is to be stored as usual; false is always safe.
//
// The look-ups are one statement on the read pool, so the answer is that
// of one moment of the cache: as if the page had been stored, changing nothing,
// at that moment. Versions held only move forward, so a later write of
// the console's own (an acknowledgement, a purge in the same engine's
// round excepted) cannot make such a page new.
//
// A sync round with nothing new gets back, on every type's first page,
// the resources that share the watermark (the pull searches with "ge"):
// this spares each of them a write transaction and its commit.
func (s *Store) KnownPage(ctx context.Context, typ string, page []Pulled, watermark bool) ([]ApplyResult, bool, error) {
	if len(page) == 0 || (replicaTables[typ] == "" && !rawType(typ)) {
		return nil, false, nil
	}
	if err := s.check(); err != nil {
		return nil, false, err
	}
	out := make([]ApplyResult, 0, len(page))
	ids := make([]string, 0, len(page))
	seen := make(map[string]bool, len(page))
	var maxLU int64
	for _, p := range page {
		res, ok := knownCandidate(typ, p)
		if !ok || seen[res.ID] {
			return nil, false, nil
		}
		seen[res.ID] = true
		ids = append(ids, res.ID)
		out = append(out, res)
		maxLU = max(maxLU, msOrZero(res.LastUpdated))
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, false, fmt.Errorf("cache: known page: ids: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	tables := versionTables(typ)
	st, done, err := s.rstmts.onDB(ctx, s.r, knownPageQuery(tables))
	if err != nil {
		return nil, false, fmt.Errorf("cache: known %s page: %w", typ, classify(err))
	}
	defer done()
	// One statement, so one snapshot of the cache without a transaction
	// of its own; run without the context's cancellation (the driver
	// would watch it with a goroutine), which was checked above.
	nctx := context.WithoutCancel(ctx)
	rows, err := st.QueryContext(nctx, typ, string(list))
	if err != nil {
		return nil, false, fmt.Errorf("cache: known %s page: %w", typ, classify(err))
	}
	defer rows.Close()
	type look struct {
		stored   storedVersion
		storedOK bool
		parked   sql.NullString
	}
	looks := make(map[string]*look, len(ids))
	var wm sql.NullInt64
	for rows.Next() {
		var id string
		vids := make([]sql.NullString, len(tables))
		lus := make([]sql.NullInt64, len(tables))
		var parked sql.NullString
		dest := []any{&id}
		for i := range tables {
			dest = append(dest, &vids[i], &lus[i])
		}
		dest = append(dest, &parked, &wm)
		if err := rows.Scan(dest...); err != nil {
			return nil, false, fmt.Errorf("cache: known %s page: %w", typ, classify(err))
		}
		if looks[id] != nil {
			continue // the first row of an id wins
		}
		l := &look{parked: parked}
		for i := range tables {
			// The first table that holds the id wins, as in knownVersion.
			if vids[i].Valid {
				l.stored, l.storedOK = storedVersion{vid: vids[i].String, lu: lus[i].Int64}, true
				break
			}
		}
		looks[id] = l
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("cache: known %s page: %w", typ, classify(err))
	}
	if watermark && maxLU != 0 && (!wm.Valid || wm.Int64 < maxLU) {
		return nil, false, nil // the page moves the watermark
	}
	for _, res := range out {
		// knownVersion's test, on the same look-ups.
		l := looks[res.ID]
		if l == nil {
			return nil, false, nil
		}
		if l.storedOK && l.stored.covers(res) { // res.VersionID is never empty here (knownCandidate)
			continue
		}
		if l.parked.Valid && l.parked.String == res.VersionID {
			continue
		}
		return nil, false, nil
	}
	return out, true, nil
}

// knownCandidate is what applying p as a resource of typ gives when it
// turns out to be known (Outcome Known); false when p cannot be judged
// without storing it (it did not decode, is of another type, has no id
// or no versionId).
func knownCandidate(typ string, p Pulled) (ApplyResult, bool) {
	if p.err != nil || p.r == nil {
		return ApplyResult{}, false
	}
	hd := p.r.Header()
	if hd.ResourceType != typ || hd.ID == "" || hd.Meta == nil || hd.Meta.VersionID == "" {
		return ApplyResult{}, false
	}
	res := ApplyResult{Type: typ, ID: hd.ID, VersionID: hd.Meta.VersionID, Outcome: Known}
	if t, err := fhir.ParseDateTime(hd.Meta.LastUpdated); err == nil {
		res.LastUpdated = t
	}
	return res, true
}

// knownPageQuery reads, for each id of a JSON array (?2) of resources of
// type ?1, its version and lastUpdated in each of tables (NULL: not
// there), the version it is parked at (NULL: not parked) and the type's
// watermark (NULL: none yet).
func knownPageQuery(tables []versionTable) string {
	var cols, joins strings.Builder
	for i, t := range tables {
		fmt.Fprintf(&cols, ", v%d.version_id, v%d.last_updated", i, i)
		fmt.Fprintf(&joins, " LEFT JOIN %s v%d ON v%d.id = j.value", t.table, i, i)
		if t.where != "" {
			fmt.Fprintf(&joins, " AND v%d.%s", i, t.where)
		}
	}
	return `SELECT j.value` + cols.String() + `, p.version_id, (SELECT watermark FROM sync_state WHERE resource_type = ?1)
FROM json_each(?2) j` + joins.String() + `
LEFT JOIN sync_parked p ON p.resource_type = ?1 AND p.id = j.value`
}
