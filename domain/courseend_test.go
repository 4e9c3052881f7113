package domain

import (
	"testing"
	"time"
)

func TestReevaluationValidate(t *testing.T) {
	today := time.Date(2026, 5, 10, 9, 0, 0, 0, time.UTC)
	ok := Reevaluation{PatientID: "p", Outcome: ReevalContinue, Next: today.AddDate(0, 3, 0)}
	if err := ok.Validate(today); err != nil {
		t.Fatal(err)
	}
	if err := (Reevaluation{PatientID: "p", Outcome: ReevalEnd}).Validate(today); err != nil {
		t.Fatalf("end needs no date: %v", err)
	}
	for name, c := range map[string]struct {
		r     Reevaluation
		field string
	}{
		"no date":       {Reevaluation{PatientID: "p", Outcome: ReevalChange}, "next"},
		"today":         {Reevaluation{PatientID: "p", Outcome: ReevalContinue, Next: today}, "next"},
		"two years":     {Reevaluation{PatientID: "p", Outcome: ReevalContinue, Next: today.AddDate(2, 0, 0)}, "next"},
		"unknown":       {Reevaluation{PatientID: "p", Outcome: "maybe"}, "outcome"},
		"no patient":    {Reevaluation{Outcome: ReevalEnd}, "patient"},
		"note too long": {Reevaluation{PatientID: "p", Outcome: ReevalEnd, Note: string(make([]rune, MaxCourseNote+1))}, "note"},
	} {
		if p := AsProblems(c.r.Validate(today)).ByField()[c.field]; p == nil {
			t.Errorf("%s: no problem on %s", name, c.field)
		}
	}
}

func TestCourseEndValidate(t *testing.T) {
	today := time.Date(2026, 5, 10, 9, 0, 0, 0, time.UTC)
	start := today.AddDate(0, -4, 0)
	ok := CourseEnd{PatientID: "p", Reason: EndStable, End: today, After: AfterGP}
	if err := ok.Validate(today, start); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		edit  func(*CourseEnd)
		field string
		code  string
	}{
		"no reason":        {func(e *CourseEnd) { e.Reason = "" }, "reason", CodeRequired},
		"other needs note": {func(e *CourseEnd) { e.Reason = EndOtherReason }, "note", CodeRequired},
		"before start":     {func(e *CourseEnd) { e.End = start.AddDate(0, 0, -1) }, "end", CodeAfter},
		"in the future":    {func(e *CourseEnd) { e.End = today.AddDate(0, 0, 1) }, "end", CodeInvalid},
		"no after-care":    {func(e *CourseEnd) { e.After = "" }, "after", CodeRequired},
		"open items":       {func(e *CourseEnd) { e.OpenItems = 2 }, "open", CodeOpenItems},
	} {
		e := ok
		c.edit(&e)
		p := AsProblems(e.Validate(today, start)).ByField()[c.field]
		if p == nil || p.Code != c.code {
			t.Errorf("%s: want %s/%s, got %v", name, c.field, c.code, e.Validate(today, start))
		}
	}
	sameDay := CourseEnd{PatientID: "p", Reason: EndStable, End: time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC), After: AfterGP}
	if err := sameDay.Validate(today, today.Add(-time.Hour)); err != nil {
		t.Errorf("ending on the day the course began: %v", err)
	}
	closing := ok
	closing.OpenItems, closing.CloseOpen = 2, true
	if err := closing.Validate(today, start); err != nil {
		t.Errorf("open items closed with the end: %v", err)
	}
	other := ok
	other.Reason, other.Note = EndOtherReason, "Overgår til palliativt team"
	if err := other.Validate(today, start); err != nil {
		t.Errorf("other with a note: %v", err)
	}
}

func TestCourseEndAt(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Copenhagen")
	now := time.Date(2026, 5, 10, 14, 0, 0, 0, loc)
	today := CourseEnd{End: time.Date(2026, 5, 10, 0, 0, 0, 0, loc)}
	if got := today.EndAt(now, loc); !got.Equal(now) {
		t.Errorf("ending today: %s", got)
	}
	earlier := CourseEnd{End: time.Date(2026, 5, 7, 0, 0, 0, 0, loc)}
	if got := earlier.EndAt(now, loc); !got.Equal(time.Date(2026, 5, 8, 0, 0, 0, 0, loc)) {
		t.Errorf("ended on the 7th: %s", got)
	}
}
