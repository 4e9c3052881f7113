package demo

import (
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// copenhagen is the clinic's time zone in tests.
func copenhagen(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatalf("load Europe/Copenhagen: %v", err)
	}
	return loc
}

// testNow is a Friday afternoon, after every story's morning and the late
// arrival.
func testNow(t testing.TB) time.Time {
	return time.Date(2025, 3, 14, 15, 5, 0, 0, copenhagen(t))
}

// collect runs Generate and returns every record.
func collect(t testing.TB, opts Options) []PatientRecord {
	t.Helper()
	var out []PatientRecord
	if err := Generate(opts, func(r PatientRecord) error {
		out = append(out, r)
		return nil
	}); err != nil {
		t.Fatalf("Generate(%+v): %v", opts, err)
	}
	return out
}

// byStory finds the record of story s.
func byStory(t *testing.T, recs []PatientRecord, s Story) PatientRecord {
	t.Helper()
	id := StoryPatientID(s)
	for _, r := range recs {
		if r.Patient.ID == id {
			if r.Story != s {
				t.Fatalf("%s has story %s, want %s", id, r.Story, s)
			}
			return r
		}
	}
	t.Fatalf("no patient %s for story %s", id, s)
	return PatientRecord{}
}

// openTasks are the record's tasks that are not done.
func openTasks(r PatientRecord) []domain.Task {
	var out []domain.Task
	for _, t := range r.Tasks {
		if !t.Done {
			out = append(out, t)
		}
	}
	return out
}

// openItems counts what the worklist would show for the record.
func openItems(r PatientRecord) domain.OpenItems {
	var o domain.OpenItems
	for _, t := range openTasks(r) {
		o.Add(t)
	}
	for _, m := range r.Messages {
		if m.FromPatient && !m.Read {
			o.Unread++
			o.Seen(m.Sent)
		}
	}
	return o
}

// lastOfKind is the newest reading of kind k.
func lastOfKind(t *testing.T, r PatientRecord, k domain.Kind) domain.Reading {
	t.Helper()
	for i := len(r.Readings) - 1; i >= 0; i-- {
		if r.Readings[i].Kind == k {
			return r.Readings[i]
		}
	}
	t.Fatalf("%s has no %s reading", r.Patient.ID, k)
	return domain.Reading{}
}

// taskFor finds the review task of a reading or questionnaire.
func taskFor(t *testing.T, r PatientRecord, focus string) domain.Task {
	t.Helper()
	for _, tk := range r.Tasks {
		if tk.FocusID == focus || tk.FocusID == domain.QuestionnaireFocus(focus) {
			return tk
		}
	}
	t.Fatalf("%s: no task for %s", r.Patient.ID, focus)
	return domain.Task{}
}
