package tui

import (
	"strings"
	"testing"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// A reading the central did not triage, classified by the console, is
// marked as such on the worklist in both languages, long and abbreviated:
// its colour must never pass for the central's.
func TestOpenSummaryMarksReadingsClassifiedByTheConsole(t *testing.T) {
	o := domain.OpenItems{}
	o.Add(domain.Task{Category: domain.TaskMeasurement, Color: domain.Red, ByConsole: true})
	o.Add(domain.Task{Category: domain.TaskMeasurement, Color: domain.Green})
	for _, tc := range []struct {
		t          *texts
		long, abbr string
	}{
		{danishTexts(), "2 nye · 1 klassificeret af konsollen", "2n 1k"},
		{englishTexts(), "2 new · 1 classified by the console", "2n 1c"},
	} {
		if got := tc.t.openSummary(o, false); got != tc.long {
			t.Errorf("long = %q, want %q", got, tc.long)
		}
		if got := tc.t.openSummary(o, true); got != tc.abbr {
			t.Errorf("abbreviated = %q, want %q", got, tc.abbr)
		}
		if !strings.Contains(tc.t.ByConsoleNote, "console") && !strings.Contains(tc.t.ByConsoleNote, "konsollen") {
			t.Errorf("item note = %q", tc.t.ByConsoleNote)
		}
	}
	if o.Group() != domain.GroupRed {
		t.Errorf("group = %v, want red", o.Group())
	}
}
