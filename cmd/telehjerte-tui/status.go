package main

import (
	"github.com/telehjerte/telehjerte-tui/sync/engine"
	"github.com/telehjerte/telehjerte-tui/tui"
)

// syncStatus adapts the engine's status for the console's status bar. It
// is called on every redraw; engine.Status is a copy under a mutex.
func syncStatus(status func() engine.Status) func() tui.SyncStatus {
	return func() tui.SyncStatus {
		s := status()
		return tui.SyncStatus{Online: s.Online, LastSync: s.LastSync, Pending: s.Pending,
			Failed: s.Failed, Conflicts: s.Conflicts}
	}
}
