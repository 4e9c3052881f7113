package fhir

import (
	"fmt"
	"strings"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// Task statuses used by TeleHjerte.
const (
	TaskStatusReady     = "ready"
	TaskStatusCompleted = "completed"
	TaskStatusCancelled = "cancelled"
)

// focusRef turns a domain focus id into a reference: a bare id is an
// Observation; "Type/id" is used as given (e.g. a QuestionnaireResponse).
func focusRef(id string) *Reference {
	if id == "" {
		return nil
	}
	if strings.Contains(id, "/") {
		return &Reference{Reference: id}
	}
	return Ref("Observation", id)
}

func focusID(r *Reference) string {
	if id, ok := RefID(r, "Observation"); ok {
		return id
	}
	if r != nil {
		return r.Reference
	}
	return ""
}

// TaskToFHIR maps a worklist item to a Task: category in the
// ehealth-task-category extension, priority from the colour, focus on the
// reading, owner and executionPeriod.end for who completed it and when, the
// missed deadline (missing measurements) in restriction.period.end.
func TaskToFHIR(t domain.Task) *Task {
	cat := Concept(SystemTaskCategory, string(t.Category), "")
	ft := &Task{
		Base:       Base{ResourceType: "Task", ID: t.ID, Extension: []Extension{{URL: ExtTaskCategory, ValueCodeableConcept: &cat}}},
		Status:     TaskStatusReady,
		Intent:     "order",
		Priority:   PriorityForColour(t.Color, t.Implausible),
		Focus:      focusRef(t.FocusID),
		For:        Ref("Patient", t.PatientID),
		AuthoredOn: FormatInstant(t.Created),
	}
	ft.Extension = append(ft.Extension, codeExt(ExtColour, t.Color.String()))
	if t.Implausible {
		ft.Extension = append(ft.Extension, boolExt(ExtImplausible, true))
	}
	if t.Kind != "" {
		ft.Extension = append(ft.Extension, codeExt(ExtMeasurementKind, string(t.Kind)))
	}
	if !t.Due.IsZero() {
		ft.Restriction = &TaskRestriction{Period: &Period{End: FormatInstant(t.Due)}}
	}
	if t.Done {
		ft.Status = TaskStatusCompleted
	}
	ft.Owner = personRef("Practitioner", t.DoneBy)
	if !t.DoneAt.IsZero() {
		ft.ExecutionPeriod = &Period{End: FormatInstant(t.DoneAt)}
	}
	if t.Note != "" {
		ft.Note = []Annotation{{Text: t.Note}}
	}
	return ft
}

// TaskCategoryOf returns the category code of a Task.
func TaskCategoryOf(t *Task) string {
	if e := FindExtension(t.Extension, ExtTaskCategory); e != nil && e.ValueCodeableConcept != nil {
		code, _ := e.ValueCodeableConcept.CodeIn(SystemTaskCategory)
		return code
	}
	return ""
}

// TaskFromFHIR is the inverse of TaskToFHIR. A Task without the colour
// extension gets its colour from priority (asap red, urgent yellow, routine
// green).
func TaskFromFHIR(ft *Task) (domain.Task, error) {
	var t domain.Task
	pid, ok := RefID(ft.For, "Patient")
	if !ok {
		return t, malformed("Task %s: for is not a Patient", ft.ID)
	}
	t = domain.Task{ID: ft.ID, PatientID: pid, Category: domain.TaskCategory(TaskCategoryOf(ft)), FocusID: focusID(ft.Focus),
		Kind: domain.Kind(extString(ft.Extension, ExtMeasurementKind)), Implausible: extBool(ft.Extension, ExtImplausible),
		Done: ft.Status == TaskStatusCompleted, DoneBy: personOf(ft.Owner, "Practitioner")}
	if t.Category == "" {
		return t, malformed("Task %s: no task category", ft.ID)
	}
	var err error
	if c := extString(ft.Extension, ExtColour); c != "" {
		if t.Color, err = domain.ParseColor(c); err != nil {
			return t, malformed("Task %s: %v", ft.ID, err)
		}
	} else {
		switch ft.Priority {
		case "asap", "stat":
			t.Color = domain.Red
		case "urgent":
			t.Color = domain.Yellow
		default:
			t.Color = domain.Green
		}
	}
	if t.Created, err = ParseDateTime(ft.AuthoredOn); err != nil {
		return t, fmt.Errorf("Task %s authoredOn: %w", ft.ID, err)
	}
	if ft.Restriction != nil && ft.Restriction.Period != nil {
		if t.Due, err = ParseDateTime(ft.Restriction.Period.End); err != nil {
			return t, fmt.Errorf("Task %s restriction: %w", ft.ID, err)
		}
	}
	if ft.ExecutionPeriod != nil {
		if t.DoneAt, err = ParseDateTime(ft.ExecutionPeriod.End); err != nil {
			return t, fmt.Errorf("Task %s executionPeriod: %w", ft.ID, err)
		}
	}
	if len(ft.Note) > 0 {
		t.Note = ft.Note[0].Text
	}
	return t, nil
}
