package engine

import (
	"context"
	"encoding/json"
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
// server's clock and other teams' episodes. So each round lists the
// patients the server lets us see (Patient search, _elements=id, every
// page, paged as the pull is, without relying on next links) and compares
// with the cache:
//
//   - a patient visible but not cached is pulled with its compartment:
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
		if !inCache[id] {
			appeared = append(appeared, id)
		}
	}
	slices.Sort(appeared)
	for len(appeared) > 0 {
		n := min(len(appeared), appearBatch)
		if err := e.pullPatients(ctx, appeared[:n], rep); err != nil {
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
		return e.walk(ctx, "Patient", time.Time{}, extra, nil, false, func(page *client.Page, _ []cache.Pulled, bound time.Time) (pageResult, error) {
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
		var h struct {
			ResourceType string `json:"resourceType"`
			ID           string `json:"id"`
			Meta         *struct {
				LastUpdated string `json:"lastUpdated"`
			} `json:"meta"`
		}
		if err := json.Unmarshal(raw, &h); err != nil {
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
		if h.Meta != nil && h.Meta.LastUpdated != "" {
			t, err := fhir.ParseDateTime(h.Meta.LastUpdated)
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
	return e.walk(ctx, typ, time.Time{}, extra, nil, true, func(page *client.Page, pulled []cache.Pulled, bound time.Time) (pageResult, error) {
		return e.applyPage(ctx, typ, page, pulled, bound, false, rep)
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
