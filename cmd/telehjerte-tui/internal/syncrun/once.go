package syncrun

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
)

// Result is one round as `sync --once` reports it.
type Result struct {
	Report engine.Report
	// Pushed counts, per resource type, the outbox entries that left the
	// outbox in this round (the central confirmed them, or they turned out
	// to be done already); Conflicts and Failed those newly marked so.
	Pushed, Conflicts, Failed map[string]int
	// Outbox is what is left in the outbox after the round.
	Outbox cache.OutboxCounts
	// Duration of the round.
	Duration time.Duration
}

// Once runs one full round (push, then pull) and reports it. Every pending
// outbox entry is tried now, whatever its retry backoff (engine.OnceNow).
// The error is the engine's: a round that could not finish.
func Once(ctx context.Context, eng *engine.Engine, store *cache.Store) (Result, error) {
	res := Result{Pushed: map[string]int{}, Conflicts: map[string]int{}, Failed: map[string]int{}}
	before, err := store.Outbox(ctx, "", time.Time{})
	if err != nil {
		return res, fmt.Errorf("sync: read outbox: %w", err)
	}
	start := time.Now()
	rep, runErr := eng.OnceNow(ctx)
	res.Report, res.Duration = rep, time.Since(start)
	if errors.Is(runErr, cache.ErrSyncBusy) {
		// Another process is syncing this cache: what leaves the outbox
		// meanwhile is its doing, not this round's.
		counts, err := store.OutboxCounts(ctx)
		if err == nil {
			res.Outbox = counts
		}
		return res, runErr
	}
	after, err := store.Outbox(ctx, "", time.Time{})
	if err != nil {
		return res, fmt.Errorf("sync: read outbox: %w", err)
	}
	state := make(map[string]string, len(after))
	for _, e := range after {
		state[e.UUID] = e.State
	}
	for _, e := range before {
		now, ok := state[e.UUID]
		switch {
		case !ok:
			res.Pushed[e.ResourceType]++
		case now == e.State:
		case now == cache.OutboxConflict:
			res.Conflicts[e.ResourceType]++
		case now == cache.OutboxFailed:
			res.Failed[e.ResourceType]++
		}
	}
	for _, e := range after {
		switch e.State {
		case cache.OutboxPending:
			res.Outbox.Pending++
		case cache.OutboxConflict:
			res.Outbox.Conflict++
		case cache.OutboxFailed:
			res.Outbox.Failed++
		}
	}
	return res, runErr
}

// Types returns the keys of counts in a stable order: the engine's pull
// order first, then any others alphabetically.
func Types(counts map[string]int) []string {
	rank := map[string]int{}
	for i, t := range engine.DefaultTypes {
		rank[t] = i + 1
	}
	out := make([]string, 0, len(counts))
	for t := range counts {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool {
		ri, rj := rank[out[i]], rank[out[j]]
		switch {
		case ri != 0 && rj != 0:
			return ri < rj
		case ri != 0 || rj != 0:
			return ri != 0
		}
		return out[i] < out[j]
	})
	return out
}
