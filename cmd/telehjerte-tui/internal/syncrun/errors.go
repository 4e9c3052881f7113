// Package syncrun runs one reported sync round for `sync --once`, with what
// was pushed per resource type, and labels sync errors for the log. The
// console's background loop is the engine's own Run.
package syncrun

import (
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
)

// ErrorKind is a log-safe label of a sync error: its class and HTTP status,
// no text from the server or the data. It is the engine's own labelling, so
// the console's log and the engine's agree.
func ErrorKind(err error) string { return engine.ErrorKind(err) }

// Offline reports whether err means the central could not be reached (or
// did not answer properly), rather than refusing.
func Offline(err error) bool { return client.IsRetryable(err) }
