package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/sync/engine"
)

// statusTexts are the status line's words.
type statusTexts struct {
	connecting, online, offline, syncError, lastSync, pending, conflicts, failed string
}

var statusCatalog = map[string]statusTexts{
	"da": {connecting: "◌ forbinder til central…", online: "● online", offline: "○ offline – viser lokal cache, prøver igen", syncError: "fejl ved synkronisering (se loggen)",
		lastSync: "synkroniseret", pending: "%d afventer", conflicts: "%d konflikter", failed: "%d afvist"},
	"en": {connecting: "◌ connecting to the central…", online: "● online", offline: "○ offline – showing the local cache, retrying", syncError: "sync error (see the log)",
		lastSync: "synced", pending: "%d pending", conflicts: "%d conflicts", failed: "%d refused"},
}

// statusLine returns a function that renders the engine's status as one
// line: online or offline, when last synced, and what waits in the outbox.
func statusLine(status func() engine.Status, lang string, loc *time.Location) func() string {
	t, ok := statusCatalog[lang]
	if !ok {
		t = statusCatalog["da"]
	}
	return func() string {
		return renderStatus(status(), t, loc)
	}
}

func renderStatus(s engine.Status, t statusTexts, loc *time.Location) string {
	var parts []string
	switch {
	case s.LastAttempt.IsZero():
		parts = append(parts, t.connecting)
	case s.Online && s.LastError != "":
		// The central answered but refused (e.g. a wrong token); its text
		// is not shown here, it may quote the server.
		parts = append(parts, t.online, t.syncError)
	case s.Online:
		parts = append(parts, t.online)
	default:
		parts = append(parts, t.offline)
	}
	if !s.LastSync.IsZero() {
		parts = append(parts, t.lastSync+" "+s.LastSync.In(loc).Format("15:04:05"))
	}
	if s.Pending > 0 {
		parts = append(parts, fmt.Sprintf(t.pending, s.Pending))
	}
	if s.Conflicts > 0 {
		parts = append(parts, fmt.Sprintf(t.conflicts, s.Conflicts))
	}
	if s.Failed > 0 {
		parts = append(parts, fmt.Sprintf(t.failed, s.Failed))
	}
	return " " + strings.Join(parts, " · ")
}
