package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

func TestOutgoingMessageValidate(t *testing.T) {
	base := func() domain.OutgoingMessage {
		return domain.OutgoingMessage{ID: "u1", PatientID: "p1", Title: "Sv: Svimmel", Body: "Ring venligst til klinikken i dag.", Author: "nurse", Created: time.Unix(0, 0)}
	}
	tests := []struct {
		name   string
		change func(*domain.OutgoingMessage)
		field  string
	}{
		{"valid", func(*domain.OutgoingMessage) {}, ""},
		{"title at 100 runes", func(m *domain.OutgoingMessage) { m.Title = strings.Repeat("ø", 100) }, ""},
		{"title 101 runes", func(m *domain.OutgoingMessage) { m.Title = strings.Repeat("ø", 101) }, "title"},
		{"title empty", func(m *domain.OutgoingMessage) { m.Title = "" }, "title"},
		{"title spaces", func(m *domain.OutgoingMessage) { m.Title = "   " }, "title"},
		{"title two lines", func(m *domain.OutgoingMessage) { m.Title = "a\nb" }, "title"},
		{"body 2000 runes of æ (4000 bytes)", func(m *domain.OutgoingMessage) { m.Body = strings.Repeat("æ", 2000) }, ""},
		{"body 1 rune", func(m *domain.OutgoingMessage) { m.Body = "k" }, ""},
		{"body 2001 runes", func(m *domain.OutgoingMessage) { m.Body = strings.Repeat("a", 2001) }, "body"},
		{"body 3000 characters", func(m *domain.OutgoingMessage) { m.Body = strings.Repeat("a", 3000) }, "body"},
		{"body empty", func(m *domain.OutgoingMessage) { m.Body = "" }, "body"},
		{"body only blank lines", func(m *domain.OutgoingMessage) { m.Body = " \n\n " }, "body"},
		{"no patient", func(m *domain.OutgoingMessage) { m.PatientID = "" }, "patient"},
		{"no author", func(m *domain.OutgoingMessage) { m.Author = "" }, "author"},
	}
	for _, tt := range tests {
		m := base()
		tt.change(&m)
		checkField(t, tt.name, m.Validate(), tt.field)
	}
	// Every problem is reported at once, with its limit.
	m := base()
	m.Title, m.Body = "", strings.Repeat("a", 3000)
	p := domain.AsProblems(m.Validate())
	if len(p) != 2 || p.ByField()["body"].Code != domain.CodeTooLong || p.ByField()["body"].Max != 2000 {
		t.Errorf("problems = %v, want title required and body too long (max 2000)", p)
	}
}

func TestReplyTitle(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Svimmel", "Sv: Svimmel"},
		{"Sv: Svimmel", "Sv: Svimmel"},
		{"SV: x", "SV: x"},
		{"  ", "Sv:"},
		{strings.Repeat("a", 100), "Sv: " + strings.Repeat("a", 96)},
	}
	for _, tt := range tests {
		if got := domain.ReplyTitle(tt.in); got != tt.want {
			t.Errorf("ReplyTitle(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
