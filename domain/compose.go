package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Message limits, in characters (runes).
const (
	MaxTitle = 100
	MaxBody  = 2000
)

// SyncState is how far a local change has come on its way to the central.
// The zero value means the item came from the central (nothing local).
type SyncState string

// Sync states of a local change.
const (
	SyncNone     SyncState = ""         // from the central, nothing pending
	SyncPending  SyncState = "pending"  // queued in the outbox
	SyncSent     SyncState = "sent"     // accepted by the central
	SyncFailed   SyncState = "failed"   // rejected; the nurse must look
	SyncConflict SyncState = "conflict" // someone else changed it first
)

// OutgoingMessage is a message the clinic writes to a patient.
type OutgoingMessage struct {
	ID        string // chosen by the client (a UUID), so a resend is idempotent
	PatientID string
	ThreadID  string // empty starts a new thread
	InReplyTo string // the message answered, if any
	Title     string
	Body      string
	Author    string
	Created   time.Time
}

// Validate checks the message before it is queued. Fields: "patient",
// "title" (required, at most MaxTitle characters, one line), "body" (1 to
// MaxBody characters, not only spaces), "author".
func (m OutgoingMessage) Validate() error {
	var p Problems
	if m.PatientID == "" {
		p.add("patient", CodeRequired, "the patient must be known")
	}
	title := strings.TrimSpace(m.Title)
	switch n := utf8.RuneCountInString(title); {
	case n == 0:
		p.add("title", CodeRequired, "a title is required")
	case n > MaxTitle:
		p.add("title", CodeTooLong, "title has %d characters, at most %d", n, MaxTitle).Max = MaxTitle
	case strings.ContainsAny(title, "\r\n"):
		p.add("title", CodeInvalid, "the title must be one line")
	}
	switch n := utf8.RuneCountInString(m.Body); {
	case strings.TrimSpace(m.Body) == "":
		p.add("body", CodeRequired, "the message is empty")
	case n > MaxBody:
		p.add("body", CodeTooLong, "message has %d characters, at most %d", n, MaxBody).Max = MaxBody
	}
	if strings.TrimSpace(m.Author) == "" {
		p.add("author", CodeRequired, "the author must be known")
	}
	return p.err()
}

// ReplyTitle is the title of a reply to a message titled title: "Sv: " is
// added once, and the result is cut to MaxTitle characters.
func ReplyTitle(title string) string {
	title = strings.TrimSpace(title)
	if !strings.HasPrefix(strings.ToLower(title), "sv:") {
		title = "Sv: " + title
	}
	if utf8.RuneCountInString(title) > MaxTitle {
		title = string([]rune(title)[:MaxTitle])
	}
	return strings.TrimSpace(title)
}
