package engine

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
)

// The incremental pull of one resource type.
//
// Query: _lastUpdated=ge<bound>&_sort=_lastUpdated&_count=<n>, bound being
// the stored watermark (minus Options.Overlap), or no _lastUpdated at all
// on the first pull. "ge", not "gt": resources that share the watermark's
// lastUpdated are read again and recognised by id + versionId (Known), so
// one that shares a timestamp with the last page's end is never skipped.
//
// Each page is applied in one cache transaction, and that transaction also
// moves the watermark to the greatest lastUpdated on the page: the
// watermark never covers anything that is not committed. A next link is
// followed when given, but neither it nor total is needed:
//
//   - after a page (or a chain of next-linked pages) that brought something
//     new, a fresh query starts from the new watermark;
//   - a page that brought nothing new ends the pull of the type;
//   - a second search in a row that brings something new on a page the
//     server did not fill (resources arriving while we read: a burst)
//     ends the pull of the type for this round; the round says so
//     (Report.More) and Run starts the next one soon (BurstInterval), so
//     a round never chases a stream of arrivals while the nurse's screen
//     waits for it;
//   - a full page without a next link whose resources all share the query's
//     lower bound cannot be paged past by timestamp: _count is doubled (up to
//     MaxPageSize) and the query repeated; if even the largest page is
//     full of that one timestamp, the pull stops with an error and the
//     watermark stays, so nothing is skipped;
//   - a full page without a next link that does reach past the bound moves
//     the bound to its greatest lastUpdated, new or not.
//
// So every step either brings something new (finitely many: a stream of
// arrivals ends the round, above), raises the bound, or raises _count
// (bounded); MaxPagesPerType caps a round regardless. A page
// that is too large for the client's body limit halves _count.
func (e *Engine) pullAll(ctx context.Context, rep *Report) (err error) {
	wms, err := e.store.Watermarks(ctx)
	if err != nil {
		return err
	}
	e.partial = false
	for _, typ := range compartmentTypes {
		if slices.Contains(e.opts.Types, typ) && !wms[typ].IsZero() {
			e.partial = true
		}
	}
	// Each type's outcome (last success, last error) is recorded for all
	// types at once when the pull ends, however it ends.
	var outcomes []cache.PullOutcome
	defer func() {
		if rerr := e.store.RecordPulls(ctx, e.opts.Clock(), outcomes); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}()
	firsts, stop := e.searchAll(ctx, wms)
	defer stop()
	var errs []error
	for i, typ := range e.opts.Types {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := e.pullType(ctx, typ, wms[typ], firsts[i], rep)
		if err != nil && optionalTypes[typ] && notServed(err) {
			e.log.Info("the server does not serve this type", "type", typ, "error_kind", ErrorKind(err))
			err = nil
		}
		text := ""
		if err != nil {
			text = err.Error()
		}
		outcomes = append(outcomes, cache.PullOutcome{Type: typ, Error: text})
		if err != nil {
			e.log.Warn("pull failed", "type", typ, "error_kind", ErrorKind(err))
			if isOffline(err) || errors.Is(err, client.ErrUnauthorized) {
				// Nothing else will get through either.
				return err
			}
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// searchAll starts the first search of every type's pull at once, at most
// Options.Fetches of them in flight, each decoded by the goroutine that
// fetched it: a round's searches are independent of each other, and
// their round trips (and the server's work, its audit commits included)
// overlap instead of adding up. The pages are still stored one type
// after the other in the order of Types. stop cancels what is still
// running and waits for it. With Fetches 1 nothing is started: each type
// asks when its turn comes, as walk does without first.
//
// Asking for the types referred to at the same time as, or after, the
// types that refer to them changes nothing a sequential pull could not
// meet: a resource whose referent is not in the cache yet is parked and
// stored once it is (RetryParked), and each type's watermark moves only
// by what its own pages held.
//
// A first page that walk will follow with a search from its greatest
// lastUpdated if it brings anything new (followFrom) has that search
// started as soon as it is decoded, not after it is stored; walk uses it
// only if its next search is exactly that one. When the page brought
// nothing new after all, the answer is dropped: the server has recorded a
// look-up the console did not need.
func (e *Engine) searchAll(ctx context.Context, wms map[string]time.Time) ([]*prefetch, func()) {
	firsts := make([]*prefetch, len(e.opts.Types))
	if e.opts.Fetches <= 1 {
		return firsts, func() {} // each type asks when its turn comes
	}
	fctx, cancel := context.WithCancel(ctx)
	slots := make(chan struct{}, e.opts.Fetches)
	for i, typ := range e.opts.Types {
		bound, after := e.startBound(typ, wms[typ])
		firsts[i] = e.searchAhead(fctx, slots, typ, bound, after, true)
	}
	return firsts, func() {
		cancel()
		for _, f := range firsts {
			f.abandon()
		}
	}
}

// searchAhead starts the search typ from bound (PageSize; past bound,
// with after) in the background once one of slots is free, and decodes
// its page; with follow, also the search followFrom calls for.
func (e *Engine) searchAhead(ctx context.Context, slots chan struct{}, typ string, bound time.Time, after, follow bool) *prefetch {
	fctx, cancel := context.WithCancel(ctx)
	f := &prefetch{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(f.done)
		select {
		case slots <- struct{}{}:
		case <-fctx.Done():
			f.err = fctx.Err()
			return
		}
		defer func() { <-slots }()
		search := e.client.SearchSince
		if after {
			search = e.client.SearchAfter
		}
		f.page, f.err = search(fctx, typ, bound, e.opts.PageSize, nil)
		if f.err != nil {
			return
		}
		f.pulled = decodePage(f.page)
		if from, ok := followFrom(f.page, f.pulled, bound, e.opts.PageSize); ok && follow {
			// Under ctx, not fctx: walk's wait for this page cancels fctx.
			f.follow, f.followFrom = e.searchAhead(ctx, slots, typ, from, false, false), from
		}
	}()
	return f
}

// followFrom tells whether walk, should this page (the first of a search
// from bound asking count) bring something new, searches again from the
// page's greatest lastUpdated, and from when: a page neither full nor
// followed by a next link that reaches past bound. False also when a
// resource on it did not decode (walk decides then).
func followFrom(page *client.Page, pulled []cache.Pulled, bound time.Time, count int) (time.Time, bool) {
	if page.Next != "" || len(page.Resources) >= count || len(pulled) == 0 {
		return time.Time{}, false
	}
	var maxLU time.Time
	for _, p := range pulled {
		lu := p.LastUpdated()
		if lu.IsZero() {
			return time.Time{}, false
		}
		if lu.After(maxLU) {
			maxLU = lu
		}
	}
	return maxLU, maxLU.After(bound)
}

// pageResult is what applying one page did.
type pageResult struct {
	n, fresh int
	maxLU    time.Time
	allAt    bool // every resource had lastUpdated == the bound
}

// pullType pulls typ from its watermark wm on; first, when not nil, is its
// first search (startBound, PageSize), already under way.
func (e *Engine) pullType(ctx context.Context, typ string, wm time.Time, first *prefetch, rep *Report) error {
	bound, after := e.startBound(typ, wm)
	if after && first == nil {
		// walk asks with ge; a search past the watermark is started here
		// (alone: Fetches is 1).
		first = e.searchAhead(ctx, make(chan struct{}, 1), typ, bound, true, false)
	}
	// last is the bound of the walk's last search, top the watermark the
	// pages leave (the greatest lastUpdated stored, or wm).
	last, top := bound, wm
	err := e.walk(ctx, typ, bound, nil, first, &rep.Pages, true, true, func(page *client.Page, pulled []cache.Pulled, bound time.Time) (pageResult, error) {
		res, err := e.applyPage(ctx, typ, page, pulled, bound, true, wm, rep)
		last = bound
		if res.maxLU.After(top) {
			top = res.maxLU
		}
		return res, err
	})
	e.noteSettling(typ, err, last, top)
	if errors.Is(err, errStillArriving) {
		rep.More = true
		return nil
	}
	return err
}

// errStillArriving ends an incremental pull whose type's resources kept
// arriving while it read (walk with live).
var errStillArriving = errors.New("resources still arriving")

// walk runs the search typ?extra from bound on, as described above, giving
// every page to visit; pages, when not nil, counts the pages fetched.
// With live (an incremental pull, which the next round continues from its
// watermark), walk ends with errStillArriving when a second search in a
// row after a page the server did not fill brings something new again;
// without it (a list or a patient's records, which must be whole) it
// reads on until nothing new comes.
// With decode, visit also gets the page's resources decoded (cache.Decode),
// for a page fetched ahead decoded by the goroutine that fetched it, so
// that fetching and decoding the next page overlap storing this one.
// Without, the client leaves them raw too (SearchSinceRaw): a list of ids
// does not pay for decoding every resource.
// first, when not nil, is the walk's first search (bound, PageSize,
// extra), started beforehand; walk waits for it instead of asking.
func (e *Engine) walk(ctx context.Context, typ string, bound time.Time, extra url.Values, first *prefetch, counter *int, decode, live bool,
	visit func(page *client.Page, pulled []cache.Pulled, bound time.Time) (pageResult, error)) error {
	count := e.opts.PageSize
	pages := 0
	// follow is the search first started from followFrom (searchAhead),
	// until walk uses or abandons it.
	var follow *prefetch
	var followFrom time.Time
	// chased: a search was asked after a page the server did not fill
	// had brought something new.
	chased := false
	defer func() {
		if follow != nil {
			follow.abandon()
		}
	}()
	for {
		var page *client.Page
		var pulled []cache.Pulled
		var err error
		began := time.Now()
		switch {
		case first != nil:
			page, pulled, err = first.wait()
			follow, followFrom = first.follow, first.followFrom
			first = nil
		case follow != nil && bound.Equal(followFrom) && count == e.opts.PageSize && extra == nil:
			page, pulled, err = follow.wait()
			follow = nil
		default:
			if follow != nil {
				follow.abandon()
				follow = nil
			}
			if decode {
				page, err = e.client.SearchSince(ctx, typ, bound, count, extra)
				if err == nil {
					pulled = decodePage(page)
				}
			} else {
				page, err = e.client.SearchSinceRaw(ctx, typ, bound, count, extra)
			}
		}
		e.waited += time.Since(began)
		if errors.Is(err, client.ErrTooLarge) && count > 1 {
			count /= 2
			continue
		}
		if err != nil {
			return fmt.Errorf("pull %s: %w", typ, err)
		}
		pages++
		if counter != nil {
			*counter++
		}
		// The next page is fetched while this one is applied (one page
		// ahead, never past MaxPagesPerType); whatever ends the walk early
		// cancels that fetch and waits for it.
		var ahead *prefetch
		fetchAhead := func(p *client.Page) {
			if p.Next != "" && pages < e.opts.MaxPagesPerType {
				ahead = e.prefetch(ctx, p.Next, decode)
			}
		}
		abandon := func() {
			if ahead != nil {
				ahead.abandon()
				ahead = nil
			}
		}
		fetchAhead(page)
		res, err := visit(page, pulled, bound)
		if err != nil {
			abandon()
			return err
		}
		fresh, maxLU := res.fresh, res.maxLU
		last := page
		lastRes := res
		// Follow next links while the server gives them.
		for last.Next != "" {
			if pages >= e.opts.MaxPagesPerType {
				abandon()
				return fmt.Errorf("pull %s: more than %d pages in one round; continuing next round", typ, e.opts.MaxPagesPerType)
			}
			var next *client.Page
			began := time.Now()
			if ahead != nil {
				next, pulled, err = ahead.wait()
				ahead = nil
			} else {
				next, err = e.next(ctx, last.Next, decode)
				if err == nil && decode {
					pulled = decodePage(next)
				}
			}
			e.waited += time.Since(began)
			if err != nil {
				return fmt.Errorf("pull %s: %w", typ, err)
			}
			pages++
			if counter != nil {
				*counter++
			}
			fetchAhead(next)
			lastRes, err = visit(next, pulled, bound)
			if err != nil {
				abandon()
				return err
			}
			fresh += lastRes.fresh
			if lastRes.maxLU.After(maxLU) {
				maxLU = lastRes.maxLU
			}
			last = next
		}
		chained := last != page
		if pages >= e.opts.MaxPagesPerType {
			return fmt.Errorf("pull %s: more than %d pages in one round; continuing next round", typ, e.opts.MaxPagesPerType)
		}
		full := !chained && lastRes.n >= count
		switch {
		case full && lastRes.allAt:
			if count >= e.opts.MaxPageSize {
				return fmt.Errorf("pull %s: more than %d resources share lastUpdated %s and the server gives no next link",
					typ, count, bound.UTC().Format(time.RFC3339Nano))
			}
			count = min(count*2, e.opts.MaxPageSize)
		case full && maxLU.After(bound):
			bound = maxLU
		case fresh == 0:
			return nil
		case live && chased:
			// Something new again, on a page the server did not fill:
			// resources are arriving while we read (a burst of readings).
			// The rest is left to the next round, which Run starts after
			// BurstInterval (Report.More): a round that chased the stream
			// would keep the nurse's screen waiting until the burst
			// ended. The watermark covers what was stored, so nothing is
			// skipped.
			return errStillArriving
		default:
			// A page the server did not fill ends the results it had when
			// it answered, unless it cuts pages short without a next
			// link: one more search from the new bound tells.
			chased = chased || !full
			if maxLU.After(bound) {
				bound = maxLU
			}
		}
	}
}

// decodePage gives each resource of page decoded: as the client decoded
// it while reading the page, or decoded now.
func decodePage(page *client.Page) []cache.Pulled {
	pulled := make([]cache.Pulled, len(page.Resources))
	decoded := len(page.Decoded) == len(page.Resources) && len(page.DecodeErrs) == len(page.Resources)
	for i, raw := range page.Resources {
		if decoded {
			pulled[i] = cache.Decoded(raw, page.Decoded[i], page.DecodeErrs[i])
		} else {
			pulled[i] = cache.Decode(raw)
		}
	}
	return pulled
}

// prefetch is a next page being fetched (and decoded) in the background.
type prefetch struct {
	cancel context.CancelFunc
	done   chan struct{}
	page   *client.Page
	pulled []cache.Pulled
	err    error
	// follow, set by searchAhead before done closes, is the search from
	// followFrom that walk asks next if this page brings something new.
	follow     *prefetch
	followFrom time.Time
}

// prefetch starts fetching the page at next, and decoding it with decode.
func (e *Engine) prefetch(ctx context.Context, next string, decode bool) *prefetch {
	fctx, cancel := context.WithCancel(ctx)
	f := &prefetch{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(f.done)
		f.page, f.err = e.next(fctx, next, decode)
		if f.err == nil && decode {
			f.pulled = decodePage(f.page)
		}
	}()
	return f
}

// next fetches the page at a next link, its resources decoded with decode
// and left raw without (a walk that reads only ids).
func (e *Engine) next(ctx context.Context, next string, decode bool) (*client.Page, error) {
	if decode {
		return e.client.Next(ctx, next)
	}
	return e.client.NextRaw(ctx, next)
}

// wait returns the fetched page and its decoded resources.
func (f *prefetch) wait() (*client.Page, []cache.Pulled, error) {
	<-f.done
	f.cancel()
	return f.page, f.pulled, f.err
}

// abandon cancels the fetch, and its follow, and waits until they have
// stopped.
func (f *prefetch) abandon() {
	f.cancel()
	<-f.done
	if f.follow != nil {
		f.follow.abandon()
	}
}

// applyPage stores one page in one transaction together with the new
// watermark.
// A compartment pull (watermark false) applies the page but leaves the
// type's watermark alone: it saw only one patient's resources.
// A page none of whose resources was updated after held (the type's
// watermark when the round began; zero: none) may hold only versions the
// cache has: it is checked first (cache.KnownPage) and, if so, not
// stored. Any other page is new, at least in part, and goes straight to
// the writer.
func (e *Engine) applyPage(ctx context.Context, typ string, page *client.Page, pulled []cache.Pulled, bound time.Time, watermark bool, held time.Time, rep *Report) (pageResult, error) {
	res := pageResult{n: len(page.Resources), allAt: !bound.IsZero() && len(page.Resources) > 0}
	if len(page.Resources) == 0 {
		return res, nil // nothing to store, no watermark to move
	}
	applied, parked, known := 0, 0, 0
	// count tallies what storing the page did, on res and the counts.
	count := func(results []cache.ApplyResult) error {
		applied, parked, known = 0, 0, 0
		res.fresh, res.maxLU = 0, time.Time{}
		for _, r := range results {
			if r.Type != typ && r.Outcome != cache.Parked {
				// A server answering a search with other types is not to be
				// believed about watermarks either.
				return fmt.Errorf("pull %s: the server returned a %s", typ, r.Type)
			}
			switch r.Outcome {
			case cache.Applied:
				applied++
				res.fresh++
			case cache.Parked:
				parked++
				res.fresh++
			default:
				known++
			}
			if r.LastUpdated.After(res.maxLU) {
				res.maxLU = r.LastUpdated
			}
			if !r.LastUpdated.Equal(bound) {
				res.allAt = false
			}
		}
		return nil
	}
	// A page of versions the cache holds, with the watermark past it
	// already (a round with nothing new), changes nothing: no write
	// transaction for it.
	var results []cache.ApplyResult
	unchanged := false
	var err error
	if !held.IsZero() && !updatedAfter(pulled, held) {
		results, unchanged, err = e.store.KnownPage(ctx, typ, pulled, watermark)
	}
	if err == nil && unchanged {
		err = count(results)
	} else if err == nil {
		err = e.store.Write(ctx, func(tx *cache.Tx) error {
			// A patient the pull stores for the first time while her
			// records' watermarks are set is to have her earlier records
			// pulled (reconcile).
			var uncached []string
			if typ == "Patient" && watermark && e.partial {
				var err error
				if uncached, err = tx.UncachedPatients(pulled); err != nil {
					return err
				}
			}
			results, err := tx.ApplyPage(typ, pulled)
			if err != nil {
				return err
			}
			if err := count(results); err != nil {
				return err
			}
			var incomplete []string
			for _, r := range results {
				if r.Outcome == cache.Applied && r.Type == "Patient" && slices.Contains(uncached, r.ID) {
					incomplete = append(incomplete, r.ID)
				}
			}
			if err := tx.MarkIncomplete(incomplete); err != nil {
				return err
			}
			e.unfinished = e.unfinished || len(incomplete) > 0
			if watermark && !res.maxLU.IsZero() {
				return tx.AdvanceWatermark(typ, res.maxLU)
			}
			return nil
		})
	}
	if err != nil {
		return res, fmt.Errorf("pull %s: store page: %w", typ, err)
	}
	rep.Pulled[typ] += applied
	rep.Parked += parked
	rep.Known += known
	if applied > 0 {
		e.setStatus(func(s *Status) {
			if s.FirstSync {
				s.Resources += applied
				if typ == "Patient" {
					s.Patients += applied
				}
			}
		})
	}
	return res, nil
}

// updatedAfter tells whether a resource of pulled was updated after t, or
// has no lastUpdated that says otherwise.
func updatedAfter(pulled []cache.Pulled, t time.Time) bool {
	for _, p := range pulled {
		if lu := p.LastUpdated(); lu.IsZero() || lu.After(t) {
			return true
		}
	}
	return false
}

// notServed reports whether err is a server's answer that it has no such
// type for us (not found, not supported, not allowed).
func notServed(err error) bool {
	return errors.Is(err, client.ErrNotFound) || errors.Is(err, client.ErrBadRequest) || errors.Is(err, client.ErrForbidden)
}
