package engine

import "time"

// Searching past a settled watermark.
//
// A round searches each type from its watermark with ge (pull.go), so the
// resources whose lastUpdated is the watermark come back every round,
// though the cache holds them: on an idle clinic that is a resource or
// two of every type, every round, each answer recorded by the server as
// a disclosure (the central's access log grew by some 28 records a
// minute for one idle console).
//
// ge is there for resources that share the watermark's lastUpdated and
// were not yet visible when the page was read. The same premise that lets
// the pull start at the watermark at all (without Options.Overlap: a
// server's lastUpdated order is its commit order) bounds how long that can
// be: once a search from the watermark has brought nothing new, and
// another one from the same watermark at least Options.Settle later has
// brought nothing new either, everything updated at the watermark has been
// read, and the rounds search with gt the watermark until it moves. With
// Overlap, or Settle negative, they never do.
//
// The state is kept in memory only: after a restart the first rounds
// search with ge again, as before. Each type's state is for one watermark
// value; any other watermark (it moved, or the cache was rebuilt) starts
// over.

// settling is what the rounds know of one type's watermark.
type settling struct {
	wm      time.Time // the watermark the searches were from
	quiet   time.Time // when a pull first ended with nothing new from wm (time.Now)
	settled bool      // a pull at least Settle after quiet ended so too
}

// startBound is where a type's pull with watermark wm starts, and whether
// it searches past it (gt) rather than from it (ge).
func (e *Engine) startBound(typ string, wm time.Time) (bound time.Time, after bool) {
	if !wm.IsZero() && e.opts.Overlap > 0 {
		return wm.Add(-e.opts.Overlap), false
	}
	s, ok := e.settle[typ]
	return wm, ok && s.settled && !wm.IsZero() && s.wm.Equal(wm)
}

// noteSettling records how typ's pull ended: err, the bound of its last
// search and the watermark it left (top).
func (e *Engine) noteSettling(typ string, err error, last, top time.Time) {
	if err != nil || e.opts.Overlap > 0 || e.opts.Settle < 0 || top.IsZero() || !last.Equal(top) {
		delete(e.settle, typ)
		return
	}
	now := time.Now()
	s, ok := e.settle[typ]
	switch {
	case !ok || !s.wm.Equal(top):
		e.settle[typ] = settling{wm: top, quiet: now}
	case !s.settled && now.Sub(s.quiet) >= e.opts.Settle:
		s.settled = true
		e.settle[typ] = s
	}
}
