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
		return console.SyncStatus{
			State: connState(s.State), Online: s.State == engine.StateOnline, Detail: s.Detail,
			LastSync: s.LastSync, LastAttempt: s.LastAttempt, Syncing: s.Syncing,
			FirstSync: s.FirstSync, Resources: s.Resources, Patients: s.Patients,
			Pending: s.Pending, Failed: s.Failed, Conflicts: s.Conflicts,
		}
	}
}

// connState maps the engine's connection state to the console's. A round
// that failed on this side (the cache) is not the central's fault, but the
// data are not being synced either: it is shown as an error, with the
// detail saying it is local.
func connState(s engine.State) console.ConnState {
	switch s {
	case engine.StateOnline:
		return console.ConnOnline
	case engine.StateOffline:
		return console.ConnOffline
	case engine.StateRefused:
		return console.ConnAuthRefused
	case engine.StateLoginExpired:
		return console.ConnLoginExpired
	case engine.StateServerError, engine.StateLocalError:
		return console.ConnServerError
	case engine.StateCertificate:
		return console.ConnCertProblem
	case engine.StateBusy:
		return console.ConnBusy
	}
	return console.ConnUnknown
}
