package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

func TestNoteDueAndFlagged(t *testing.T) {
	now := time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name         string
		n            domain.Note
		due, flagged bool
	}{
		{"plain", domain.Note{}, false, false},
		{"important", domain.Note{Important: true}, false, true},
		{"reminder ahead", domain.Note{Remind: now.Add(time.Hour)}, false, false},
		{"reminder now", domain.Note{Remind: now}, true, true},
		{"reminder passed", domain.Note{Remind: now.Add(-time.Hour)}, true, true},
	}
	for _, tt := range tests {
		if got := domain.NoteDue(tt.n, now); got != tt.due {
			t.Errorf("%s: NoteDue = %v, want %v", tt.name, got, tt.due)
		}
		if got := domain.NoteFlagged(tt.n, now); got != tt.flagged {
			t.Errorf("%s: NoteFlagged = %v, want %v", tt.name, got, tt.flagged)
		}
	}
}

func TestNoteValidate(t *testing.T) {
	now := time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)
	base := func() domain.Note {
		return domain.Note{ID: "n1", PatientID: "p1", Author: "nurse", Text: "Ring til datter ved rød.", Created: now}
	}
	tests := []struct {
		name   string
		change func(*domain.Note)
		field  string
	}{
		{"valid", func(*domain.Note) {}, ""},
		{"reminder ahead", func(n *domain.Note) { n.Remind = now.AddDate(0, 0, 3) }, ""},
		{"reminder in the past", func(n *domain.Note) { n.Remind = now.AddDate(0, 0, -1) }, "remind"},
		{"empty", func(n *domain.Note) { n.Text = " \n" }, "text"},
		{"too long", func(n *domain.Note) { n.Text = strings.Repeat("å", domain.MaxNote+1) }, "text"},
		{"no patient", func(n *domain.Note) { n.PatientID = "" }, "patient"},
		{"no author", func(n *domain.Note) { n.Author = "" }, "author"},
	}
	for _, tt := range tests {
		n := base()
		tt.change(&n)
		checkField(t, tt.name, n.Validate(), tt.field)
	}
}
