package domain_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// ackTasks is a worklist's open tasks: p1 has red, green and a missing
// measurement; p2 two greens and an implausible one; p3 one green, one
// done green and one unclassified; p4 yellow only.
func ackTasks() []domain.Task {
	m := func(id, pid string, c domain.Color) domain.Task {
		return domain.Task{ID: id, PatientID: pid, Category: domain.TaskMeasurement, Color: c}
	}
	impl := m("t6", "p2", domain.Unclassified)
	impl.Implausible = true
	implGreen := m("t6b", "p2", domain.Green) // a stored colour with the flag: still not green
	implGreen.Implausible = true
	done := m("t8", "p3", domain.Green)
	done.Done = true
	return []domain.Task{
		m("t1", "p1", domain.Red), m("t2", "p1", domain.Green),
		{ID: "t3", PatientID: "p1", Category: domain.TaskMissing, Kind: domain.KindWeight},
		m("t4", "p2", domain.Green), m("t5", "p2", domain.Green), impl, implGreen,
		m("t7", "p3", domain.Green), done, m("t9", "p3", domain.Unclassified),
		m("t10", "p4", domain.Yellow),
	}
}

func TestAckScopeSelect(t *testing.T) {
	tests := []struct {
		name  string
		scope domain.AckScope
		want  []string
	}{
		{"one", domain.AckScope{Kind: domain.AckOne, TaskID: "t1"}, []string{"t1"}},
		{"one missing is never acknowledged", domain.AckScope{Kind: domain.AckOne, TaskID: "t3"}, nil},
		{"one done", domain.AckScope{Kind: domain.AckOne, TaskID: "t8"}, nil},
		{"one without id", domain.AckScope{Kind: domain.AckOne}, nil},
		{"patient p1: red and green, not missing", domain.AckScope{Kind: domain.AckPatient, PatientID: "p1"}, []string{"t1", "t2"}},
		{"patient p2 includes implausible", domain.AckScope{Kind: domain.AckPatient, PatientID: "p2"}, []string{"t4", "t5", "t6", "t6b"}},
		{"patient without id", domain.AckScope{Kind: domain.AckPatient}, nil},
		{"all green", domain.AckScope{Kind: domain.AckAllGreen}, []string{"t2", "t4", "t5", "t7"}},
		{"all green of the patients shown", domain.AckScope{Kind: domain.AckAllGreen, Only: []string{"p2", "p4"}}, []string{"t4", "t5"}},
		{"unknown kind", domain.AckScope{Kind: "everything"}, nil},
	}
	for _, tt := range tests {
		var got []string
		for _, task := range tt.scope.Select(ackTasks()) {
			got = append(got, task.ID)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: Select = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestAckScopeDescribe(t *testing.T) {
	tests := []struct {
		scope           domain.AckScope
		tasks, patients int
		byColor         map[domain.Color]int
	}{
		{domain.AckScope{Kind: domain.AckAllGreen}, 4, 3, map[domain.Color]int{domain.Green: 4}},
		{domain.AckScope{Kind: domain.AckPatient, PatientID: "p2"}, 4, 1, map[domain.Color]int{domain.Green: 2, domain.Unclassified: 2}},
		{domain.AckScope{Kind: domain.AckPatient, PatientID: "nobody"}, 0, 0, map[domain.Color]int{}},
	}
	for _, tt := range tests {
		got := tt.scope.Describe(ackTasks())
		if got.Tasks != tt.tasks || got.Patients != tt.patients || !reflect.DeepEqual(got.ByColor, tt.byColor) {
			t.Errorf("%+v: Describe = %+v, want %d tasks, %d patients, %v", tt.scope, got, tt.tasks, tt.patients, tt.byColor)
		}
	}
}

func TestNewAcknowledgement(t *testing.T) {
	at := time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)
	a := domain.NewAcknowledgement(domain.AckScope{Kind: domain.AckAllGreen}, ackTasks(), "  set  ", true, "nurse", at)
	if !reflect.DeepEqual(a.TaskIDs, []string{"t2", "t4", "t5", "t7"}) || !reflect.DeepEqual(a.PatientIDs, []string{"p1", "p2", "p3"}) {
		t.Fatalf("acknowledgement covers %v of %v", a.TaskIDs, a.PatientIDs)
	}
	if a.Note != "set" || !a.Receipt || a.By != "nurse" || !a.At.Equal(at) {
		t.Fatalf("fields not kept: %+v", a)
	}
	if err := a.Validate(); err != nil {
		t.Fatalf("valid acknowledgement: %v", err)
	}
}

func TestAcknowledgementValidate(t *testing.T) {
	at := time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)
	base := func() domain.Acknowledgement {
		return domain.NewAcknowledgement(domain.AckScope{Kind: domain.AckOne, TaskID: "t1"}, ackTasks(), "", false, "nurse", at)
	}
	tests := []struct {
		name   string
		change func(*domain.Acknowledgement)
		field  string // "" = valid
	}{
		{"valid", func(*domain.Acknowledgement) {}, ""},
		{"note at the limit", func(a *domain.Acknowledgement) { a.Note = strings.Repeat("æ", domain.MaxAckNote) }, ""},
		{"note too long", func(a *domain.Acknowledgement) { a.Note = strings.Repeat("æ", domain.MaxAckNote+1) }, "note"},
		{"nothing covered", func(a *domain.Acknowledgement) { a.TaskIDs = nil }, "tasks"},
		{"no task id", func(a *domain.Acknowledgement) { a.Scope.TaskID = "" }, "scope"},
		{"patient scope without id", func(a *domain.Acknowledgement) { a.Scope = domain.AckScope{Kind: domain.AckPatient} }, "scope"},
		{"unknown scope", func(a *domain.Acknowledgement) { a.Scope.Kind = "x" }, "scope"},
		{"no user", func(a *domain.Acknowledgement) { a.By = " " }, "by"},
		{"no time", func(a *domain.Acknowledgement) { a.At = time.Time{} }, "at"},
	}
	for _, tt := range tests {
		a := base()
		tt.change(&a)
		checkField(t, tt.name, a.Validate(), tt.field)
	}
}

// checkField asserts err is nil (field "") or a Problems naming field.
func checkField(t *testing.T, name string, err error, field string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Errorf("%s: got %v, want valid", name, err)
		}
		return
	}
	var p domain.Problems
	if !errors.As(err, &p) {
		t.Errorf("%s: got %v, want a problem with %q", name, err, field)
		return
	}
	if _, ok := p.ByField()[field]; !ok {
		t.Errorf("%s: problems %v do not name %q", name, p, field)
	}
}
