package tui

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// fakeCourse returns fixed course states.
type fakeCourse map[string]domain.CourseState

func (f fakeCourse) CourseStates(context.Context, time.Time, *time.Location) (map[string]domain.CourseState, error) {
	return f, nil
}

func (f fakeCourse) EndedCourses(context.Context, time.Time) ([]domain.EndedCourse, error) {
	return nil, nil
}

// lineOf is the screen line naming name ("" when none).
func lineOf(view, name string) string {
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, name) {
			return l
		}
	}
	return ""
}

// Course reminders show on the worklist rows in words; a patient with a
// reminder and nothing open is on the worklist of open items; an overdue
// re-evaluation is in the yellow group; the patient header repeats them.
func TestCourseRemindersOnTheWorklist(t *testing.T) {
	src := newClinic(t)
	rows, err := src.Worklist(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	// Two patients with nothing open in the fixture, if any; else any two.
	var quiet []domain.WorklistRow
	for _, r := range rows {
		if !r.Open.Any() {
			quiet = append(quiet, r)
		}
	}
	if len(quiet) < 1 {
		t.Skip("the fixture has no patient with nothing open")
	}
	now := testNow
	enrolled := now.AddDate(0, 0, -20)
	reg := domain.Regime{Phase: domain.PhaseStartUp, Reevaluation: now.AddDate(0, 0, -2), StartUpEnd: enrolled.AddDate(0, 0, 14)}
	course := fakeCourse{quiet[0].Patient.ID: {Regime: reg, Enrolled: enrolled, Opened: false, StartUpEnd: reg.StartUpEnd}}
	opts := testOptions()
	opts.Course = course
	m := New(context.Background(), src, opts)
	send(m, tea.WindowSizeMsg{Width: 160, Height: 50})
	drive(m, m.Init())
	view := m.View().Content
	line := lineOf(view, quiet[0].Patient.Name)
	if line == "" {
		t.Fatalf("the patient with a reminder is not on the worklist of open items:\n%s", view)
	}
	// Most pressing first: a narrow cell cuts the least pressing.
	for _, want := range []string{"revurdering 2 d over tid · opstart slut"} {
		if !strings.Contains(line, want) {
			t.Errorf("row lacks %q: %s", want, line)
		}
	}
	if !strings.Contains(line, GroupSymbol(domain.GroupYellow)) {
		t.Errorf("overdue re-evaluation not in the yellow group: %s", line)
	}
	// A refresh after a sync round keeps the reminders.
	send(m, RefreshMsg{})
	drive(m, m.refresh())
	if l := lineOf(m.View().Content, quiet[0].Patient.Name); !strings.Contains(l, "revurdering 2 d over tid") {
		t.Errorf("after a refresh: %q", l)
	}
	if len(quiet) > 1 && lineOf(view, quiet[1].Patient.Name) != "" {
		t.Errorf("a patient with nothing open and no reminder is on the worklist of open items")
	}
	if got := m.t.courseSummary([]domain.CourseFlag{{Kind: domain.FlagNewPatient}}); got != "ny borger" {
		t.Errorf("new patient: %q", got)
	}
	openPatient(t, m, quiet[0].Patient.ID)
	for _, r := range m.worklist.rows {
		if r.Patient.ID == quiet[0].Patient.ID && strings.Contains(m.t.courseSummary(r.Course), "ny borger") {
			t.Errorf("still a new patient after being opened: %v", r.Course)
		}
	}
	head := strings.Join(m.patient.patientHeader(), "\n")
	if !containsAll(head, "opstart slut: sæt individuelle grænser", "revurdering 2 d over tid") || strings.Contains(head, "ny borger") {
		t.Errorf("patient header:\n%s", head)
	}
}

// A row with nothing open but a course reminder leads with the reminder
// symbol (colour is never alone, and a blank status says nothing).
func TestReminderOnlyRowHasAStatusSymbol(t *testing.T) {
	src := newClinic(t)
	quiet := quietPatient(t, src)
	enrolled := testNow.Add(-time.Hour)
	opts := testOptions()
	opts.Course = fakeCourse{quiet.Patient.ID: {Regime: domain.Regime{Phase: domain.PhaseStartUp}, Enrolled: enrolled}}
	m := New(context.Background(), src, opts)
	send(m, tea.WindowSizeMsg{Width: 160, Height: 50})
	drive(m, m.Init())
	line := lineOf(ansi.Strip(m.View().Content), quiet.Patient.Name)
	if !strings.Contains(line, "ny borger") || !strings.HasPrefix(strings.TrimLeft(line, " >│"), SymReminder+" ") {
		t.Errorf("the reminder-only row has no status symbol: %q", line)
	}
	var b strings.Builder
	r := *quiet
	r.Course = []domain.CourseFlag{{Kind: domain.FlagNewPatient}}
	if err := WriteWorklistTable(&b, []domain.WorklistRow{r}, testOptions(), 120); err != nil {
		t.Fatal(err)
	}
	if l := lineOf(b.String(), quiet.Patient.Name); !strings.HasPrefix(strings.TrimLeft(l, " "), SymReminder+" ") {
		t.Errorf("the worklist table's row: %q", l)
	}
}

// The worklist header adds up: its group counts include the rows with
// only a course reminder (↻, named in the header), in the worklist of open
// items and in the whole list, where they are not counted as "nothing
// open".
func TestHeaderCountsAddUpWithReminderRows(t *testing.T) {
	src := newClinic(t)
	rows, err := src.Worklist(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	var quiet []domain.WorklistRow
	for _, r := range rows {
		if !r.Open.Any() {
			quiet = append(quiet, r)
		}
	}
	if len(quiet) < 1 {
		t.Fatal("the fixture needs a patient with nothing open")
	}
	opts := testOptions()
	opts.Course = fakeCourse{quiet[0].Patient.ID: {Regime: domain.Regime{Phase: domain.PhaseStartUp}, Enrolled: testNow.Add(-time.Hour)}}
	m := New(context.Background(), src, opts)
	send(m, tea.WindowSizeMsg{Width: 160, Height: 50})
	drive(m, m.Init())
	number := regexp.MustCompile(`\d+`)
	check := func(scope string) {
		t.Helper()
		view := ansi.Strip(m.View().Content)
		total := regexp.MustCompile(`(\d+) borgere`).FindStringSubmatch(view)
		counts := lineOf(view, "rød ")
		if total == nil || counts == "" {
			t.Fatalf("%s: no total or counts:\n%s", scope, view)
		}
		sum := 0
		for _, n := range number.FindAllString(counts, -1) {
			v, _ := strconv.Atoi(n)
			sum += v
		}
		if want, _ := strconv.Atoi(total[1]); sum != want {
			t.Errorf("%s: the group counts add up to %d, the header says %s borgere:\n%s", scope, sum, total[1], counts)
		}
		if !strings.Contains(counts, SymReminder+" påmindelse 1") {
			t.Errorf("%s: the reminder-only row is not named in the counts: %s", scope, counts)
		}
	}
	check("open items")
	send(m, char('a'))
	if !m.worklist.all {
		t.Fatal("a did not show every patient")
	}
	check("all")
}

// The look-up that ends the "new patient" reminder is audited before the
// patient's data is read. A nurse who goes back before that data arrives
// has looked her up all the same: the worklist she returns to drops the
// reminder when the load comes in. It kept saying "ny borger" until the
// next reload, which an idle clinic may not have for long.
func TestNewPatientReminderEndsWhenBackBeforeTheLoad(t *testing.T) {
	src := newClinic(t)
	quiet := quietPatient(t, src)
	opts := testOptions()
	opts.Course = fakeCourse{quiet.Patient.ID: {Regime: domain.Regime{Phase: domain.PhaseStartUp}, Enrolled: testNow.Add(-time.Hour)}}
	m := New(context.Background(), src, opts)
	send(m, tea.WindowSizeMsg{Width: 160, Height: 50})
	drive(m, m.Init())
	if !strings.Contains(lineOf(ansi.Strip(m.View().Content), quiet.Patient.Name), "ny borger") {
		t.Fatalf("no reminder to start with:\n%s", ansi.Strip(m.View().Content))
	}
	selectPatient(t, m, quiet.Patient.ID)
	_, load := m.Update(keyEnter) // the audited load, not run yet
	if m.patient == nil {
		t.Fatal("enter opened no patient view")
	}
	send(m, keyEsc) // back before it arrives
	if m.patient != nil {
		t.Fatal("esc did not go back to the worklist")
	}
	drive(m, load)
	if l := lineOf(ansi.Strip(m.View().Content), quiet.Patient.Name); strings.Contains(l, "ny borger") {
		t.Errorf("the worklist still announces a new patient she has looked up: %q", l)
	}
}

// quietPatient is a patient of src's clinic with nothing open.
func quietPatient(t *testing.T, src *recordingSource) *domain.WorklistRow {
	t.Helper()
	rows, err := src.Worklist(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		if !rows[i].Open.Any() {
			return &rows[i]
		}
	}
	t.Fatal("the fixture has no patient with nothing open")
	return nil
}
