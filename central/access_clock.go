package central

import "time"

// accessNow is the time access periods (holiday cover) are judged at: the
// Server's clock (Config.Now) when a Server uses this Store, so that moving
// the server's clock moves who sees what; else the Store's clock.
func (t *tx) accessNow() time.Time {
	if f := t.s.access.Load(); f != nil {
		return (*f)()
	}
	return t.s.now()
}

// useAccessClock makes now the clock of access periods.
func (s *Store) useAccessClock(now func() time.Time) { s.access.Store(&now) }
