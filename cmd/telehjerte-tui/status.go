package main

import (
	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
)

// syncStatus adapts the engine's status for the console's status bar. It
// is called on every redraw; engine.Status is a copy under a mutex.
func syncStatus(status func() engine.Status) func() console.SyncStatus {
	return func() console.SyncStatus {
		s := status()
		return console.SyncStatus{Online: s.Online, LastSync: s.LastSync, Pending: s.Pending,
			Failed: s.Failed, Conflicts: s.Conflicts}
	}
}
