package engine

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
)

// Reconciliation: who may this user see now?
//
// The incremental pull only sees resources that changed. When a holiday
// cover begins or ends, or a patient is transferred, nothing changes on the
// server for the covering (or giving) console: visibility follows the
// server's clock and other teams' episodes. So the engine lists the
// patients the server lets us see (Patient search, _elements=id, every
// page, paged as the pull is, without relying on next links) and compares
// with the cache:
//
//   - a patient visible but not cached, or cached by the incremental pull
//     without her earlier records (she had just become visible, and her
//     Patient resource changed after its watermark: cache.UncachedPatients),
//     is pulled with its compartment:
//     Patient (by _id) and then each compartment type by patient=<ids>,
//     from the beginning, every page, applied as usual but without moving
//     the type's watermark (only some patients' resources were seen);
//   - a patient cached but not in the list is read once more (a list
//     taken while the server changes may miss one): only "forbidden" or
//     "not found" purges it, in one transaction per patient. Outbox
//     entries stay (the server judges them; a 403 makes them failed and
//     visible) and so does the audit log.
//
// Nothing is purged unless the list was complete: any error listing stops
// the step before it changes anything.
//
// Listing costs a request and a page per 200 patients, so it is not done
// every round but (visibility.due) when:
//
//   - this engine has not listed yet, or the last listing failed;
//   - a cached patient's earlier records are still to be pulled;
//   - the round pushed something (a transfer, a cover, a grant, an
//     enrolment change who sees whom), pulled a changed Patient,
//     EpisodeOfCare or CareTeam (team membership, se-adgang grants), or
//     parked a resource (typically of a patient not in the cache: one that
//     has just become visible);
//   - the clock has passed an instant at which a cover the cache knows of
//     begins or ends, or a se-adgang grant it holds begins or ends;
//   - Options.ReconcileEvery has passed since the last listing (or the
//     clock went back), or Options.ReconcileRounds rounds have: the safety
//     net for what no console can see coming, e.g. a colleague transferring
//     a patient away, another team's cover beginning, or a grant running
//     out by a server clock that differs from ours. With the defaults
//     (every 2 minutes, every 8th round: 2 minutes at the default 15 s
//     interval) such a change reaches the cache within about 2 minutes; the
//     server refuses every read and write the console makes meanwhile for
//     a patient no longer visible.

// visibility is when the engine last listed the visible patients and the
// next instant it knows visibility may change.
type visibility struct {
	listed    time.Time // Clock at the last complete listing; zero: none yet
	rounds    int       // rounds since that listing
	nextEdge  time.Time // zero: none known
	edgeStale bool      // nextEdge is still to be read (refreshEdge)
}

// due reports whether the round (rep, at now) must list the visible
// patients.
func (v visibility) due(now time.Time, every time.Duration, rounds int, rep *Report) bool {
	switch {
	case v.listed.IsZero(), now.Before(v.listed), now.Sub(v.listed) >= every, v.rounds >= rounds:
		return true
	case !v.nextEdge.IsZero() && !now.Before(v.nextEdge):
		return true
	case rep.Pushed > 0, rep.Parked > 0:
		return true
	}
	return rep.Pulled["Patient"]+rep.Pulled["EpisodeOfCare"]+rep.Pulled["CareTeam"] > 0
}

// compartmentTypes are pulled for a patient that appears, in this order
// (the cache's foreign keys want the episode first).
var compartmentTypes = []string{"EpisodeOfCare", "ServiceRequest", "CarePlan", "Observation",
	"QuestionnaireResponse", "Task", "Communication"}

// appearBatch is how many patient ids go into one patient=... query.
const appearBatch = 50

func (e *Engine) reconcile(ctx context.Context, rep *Report) error {
	if e.opts.NoReconcile || !slices.Contains(e.opts.Types, "Patient") {
		return nil
	}
	now := e.opts.Clock()
	e.vis.rounds++
	// The cache is asked only while a patient may be incomplete: not in
	// every round with nothing new.
	var incomplete map[string]bool
	if e.unfinished {
		var err error
		if incomplete, err = e.store.Incomplete(ctx); err != nil {
			return fmt.Errorf("reconcile: %w", err)
		}
		e.unfinished = len(incomplete) > 0
	}
	if !e.vis.due(now, e.opts.ReconcileEvery, e.opts.ReconcileRounds, rep) && len(incomplete) == 0 {
		return nil
	}
	if err := e.reconcileAll(ctx, rep, incomplete); err != nil {
		// Listed again next round.
		e.vis = visibility{}
		return err
	}
	// The edges are read once the round has also stored what it parked
	// (refreshEdge): a newly visible patient's episode may be among it.
	e.vis = visibility{listed: now, edgeStale: true}
	return nil
}

// refreshEdge reads the next visibility edge after a round that listed.
func (e *Engine) refreshEdge(ctx context.Context) error {
	if !e.vis.edgeStale {
		return nil
	}
	edge, err := e.nextVisibilityEdge(ctx, e.vis.listed)
	if err != nil {
		e.vis = visibility{}
		return fmt.Errorf("reconcile: %w", err)
	}
	e.vis.nextEdge, e.vis.edgeStale = edge, false
	return nil
}

// nextVisibilityEdge is the first instant after now at which a cover the
// cache knows of, or a se-adgang grant it holds, begins or ends (zero: none).
func (e *Engine) nextVisibilityEdge(ctx context.Context, now time.Time) (time.Time, error) {
	edges, err := e.store.CoverEdges(ctx, now)
	if err != nil {
		return time.Time{}, err
	}
	var next time.Time
	if len(edges) > 0 {
		next = edges[0]
	}
	grants, err := e.store.GrantsJSON(ctx)
	if err != nil {
		return time.Time{}, err
	}
	for _, g := range grants {
		ct, err := fhir.Decode[*fhir.CareTeam](g.JSON)
		if err != nil || ct.Period == nil {
			continue // kept raw as the server sent it; nothing to schedule
		}
		for _, s := range []string{ct.Period.Start, ct.Period.End} {
			t, err := fhir.ParseDateTime(s)
			if s == "" || err != nil || !t.After(now) {
				continue
			}
			if next.IsZero() || t.Before(next) {
				next = t
			}
		}
	}
	return next, nil
}

// reconcileAll lists the visible patients and brings the cache in line:
// a visible patient not in the cache, or in it without her earlier records
// (incomplete), is pulled with her records.
func (e *Engine) reconcileAll(ctx context.Context, rep *Report, incomplete map[string]bool) error {
	visible, err := e.visiblePatients(ctx)
	if err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	cached, err := e.store.PatientIDs(ctx)
	if err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	inCache := make(map[string]bool, len(cached))
	var gone []string
	for _, id := range cached {
		inCache[id] = true
		if !visible[id] {
			gone = append(gone, id)
		}
	}
	var appeared []string
	for id := range visible {
		if !inCache[id] || incomplete[id] {
			appeared = append(appeared, id)
		}
	}
	slices.Sort(appeared)
	for len(appeared) > 0 {
		n := min(len(appeared), appearBatch)
		if err := e.pullPatients(ctx, appeared[:n], rep); err != nil {
			return fmt.Errorf("reconcile: %w", err)
		}
		if err := e.store.MarkComplete(ctx, appeared[:n]); err != nil {
			return fmt.Errorf("reconcile: %w", err)
		}
		appeared = appeared[n:]
	}
	for _, id := range gone {
		if err := e.dropIfInvisible(ctx, id, rep); err != nil {
			return fmt.Errorf("reconcile: %w", err)
		}
	}
	return nil
}

// visiblePatients lists the ids of every Patient the server returns to a
// search. A server that refuses _elements is asked again without it.
func (e *Engine) visiblePatients(ctx context.Context) (map[string]bool, error) {
	ids := map[string]bool{}
	list := func(extra url.Values) error {
		return e.walk(ctx, "Patient", time.Time{}, extra, nil, nil, false, false, func(page *client.Page, _ []cache.Pulled, bound time.Time) (pageResult, error) {
			return collectIDs(page, bound, ids)
		})
	}
	err := list(url.Values{"_elements": {"id"}})
	if errors.Is(err, client.ErrBadRequest) {
		clear(ids)
		err = list(nil)
	}
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// collectIDs adds a page's Patient ids to ids; fresh counts the new ones.
func collectIDs(page *client.Page, bound time.Time, ids map[string]bool) (pageResult, error) {
	res := pageResult{n: len(page.Resources), allAt: !bound.IsZero() && len(page.Resources) > 0}
	for i, raw := range page.Resources {
		h, err := fhir.DecodeHeader(raw)
		if err != nil {
			return res, fmt.Errorf("patient list entry %d: %w: %s", i, client.ErrMalformed, client.Sanitize(err.Error()))
		}
		if h.ResourceType != "Patient" || !fhir.ValidID(h.ID) {
			return res, fmt.Errorf("patient list entry %d is not a Patient with a valid id: %w", i, client.ErrMalformed)
		}
		if !ids[h.ID] {
			ids[h.ID] = true
			res.fresh++
		}
		var lu time.Time
		if h.LastUpdated != "" {
			t, err := fhir.ParseDateTime(h.LastUpdated)
			if err != nil {
				return res, fmt.Errorf("patient list entry %d: lastUpdated: %w", i, client.ErrMalformed)
			}
			lu = t
		}
		if lu.After(res.maxLU) {
			res.maxLU = lu
		}
		if !lu.Equal(bound) {
			res.allAt = false
		}
	}
	return res, nil
}

// pullPatients pulls newly visible patients and their compartments.
func (e *Engine) pullPatients(ctx context.Context, ids []string, rep *Report) error {
	if err := e.pullSome(ctx, "Patient", url.Values{"_id": {strings.Join(ids, ",")}}, rep); err != nil {
		return err
	}
	stored, err := e.store.PatientIDs(ctx)
	if err != nil {
		return err
	}
	n := 0
	for _, id := range ids {
		if slices.Contains(stored, id) {
			n++
		}
	}
	rep.Appeared += n
	for _, typ := range compartmentTypes {
		if !slices.Contains(e.opts.Types, typ) {
			continue
		}
		if err := e.pullSome(ctx, typ, url.Values{"patient": {strings.Join(ids, ",")}}, rep); err != nil {
			return err
		}
	}
	return nil
}

// pullSome pulls typ?extra from the beginning, applying every page, without
// touching the watermark.
func (e *Engine) pullSome(ctx context.Context, typ string, extra url.Values, rep *Report) error {
	return e.walk(ctx, typ, time.Time{}, extra, nil, nil, true, false, func(page *client.Page, pulled []cache.Pulled, bound time.Time) (pageResult, error) {
		return e.applyPage(ctx, typ, page, pulled, bound, false, time.Time{}, rep)
	})
}

// dropIfInvisible reads a cached patient that was not in the list and
// purges it when the server says it is not ours to see (any more).
func (e *Engine) dropIfInvisible(ctx context.Context, id string, rep *Report) error {
	_, err := e.client.Read(ctx, "Patient", id)
	switch {
	case err == nil:
		return nil // listed a moment too early or late; still visible
	case errors.Is(err, client.ErrForbidden), errors.Is(err, client.ErrNotFound):
	default:
		return err
	}
	var purged bool
	err = e.store.Write(ctx, func(tx *cache.Tx) error {
		var err error
		purged, err = tx.PurgePatient(id)
		return err
	})
	if err != nil {
		return fmt.Errorf("purge a patient no longer visible: %w", err)
	}
	if purged {
		rep.Removed++
	}
	return nil
}
