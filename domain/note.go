package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// MaxNote is the longest handover note text, in characters.
const MaxNote = 1000

// Note is a per-patient note for colleagues and covering nurses.
type Note struct {
	ID        string // chosen by the client, for idempotency
	PatientID string
	Author    string
	Text      string
	Important bool
	Remind    time.Time // optional: from then on the note is due
	Created   time.Time
	Sync      SyncState
}

// NoteDue reports whether n's reminder has come (Remind set and not after now).
func NoteDue(n Note, now time.Time) bool { return !n.Remind.IsZero() && !n.Remind.After(now) }

// NoteFlagged reports whether n is shown on the worklist: it is important or
// its reminder is due.
func NoteFlagged(n Note, now time.Time) bool { return n.Important || NoteDue(n, now) }

// Validate checks the note. Fields: "patient", "text", "remind", "author".
// A reminder must lie after the note's creation.
func (n Note) Validate() error {
	var p Problems
	if n.PatientID == "" {
		p.add("patient", CodeRequired, "the patient must be known")
	}
	text := strings.TrimSpace(n.Text)
	if text == "" {
		p.add("text", CodeRequired, "the note is empty")
	} else if c := utf8.RuneCountInString(text); c > MaxNote {
		p.add("text", CodeTooLong, "note has %d characters, at most %d", c, MaxNote).Max = MaxNote
	}
	if !n.Remind.IsZero() && !n.Created.IsZero() && !n.Remind.After(n.Created) {
		p.add("remind", CodeAfter, "the reminder %s must be after now", n.Remind.Format(time.DateOnly)).Other = "now"
	}
	if strings.TrimSpace(n.Author) == "" {
		p.add("author", CodeRequired, "the author must be known")
	}
	return p.err()
}
