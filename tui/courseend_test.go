package tui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

type recordingKeeper struct {
	mu      sync.Mutex
	reevals []domain.Reevaluation
	ends    []domain.CourseEnd
}

func (r *recordingKeeper) RecordReevaluation(_ context.Context, x domain.Reevaluation) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reevals = append(r.reevals, x)
	return nil
}

func (r *recordingKeeper) EndCourse(_ context.Context, e domain.CourseEnd) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ends = append(r.ends, e)
	return nil
}

type endedCourses struct {
	fakeCourse
	ended []domain.EndedCourse
}

func (e endedCourses) EndedCourses(context.Context, time.Time) ([]domain.EndedCourse, error) {
	return e.ended, nil
}

// A on the patient view ends the course: with open items it refuses until
// the nurse ticks closing them, then acknowledges the readings, closes the
// missing measurements and ends the course with reason, day and who holds
// treatment responsibility afterwards.
func TestEndCourseForm(t *testing.T) {
	m, act := actingModel(t, 120, 40)
	keeper := &recordingKeeper{}
	m.opts.Keeper = keeper
	openPatient(t, m, "p-anna")
	if len(m.patient.detail.OpenTasks) == 0 {
		t.Fatal("the fixture patient has no open items")
	}
	send(m, char('A'))
	fd, ok := m.dialog.(formDialog)
	if !ok || !strings.Contains(fd.title, "Afslut forløb") {
		t.Fatalf("dialog %T", m.dialog)
	}
	send(m, keyCtrl('s'))
	if len(keeper.ends) != 0 || !strings.Contains(fd.errs["open"], "åbne opgaver skal kvitteres eller lukkes") {
		t.Fatalf("ended with open items: %v errs %v general %q", keeper.ends, fd.errs, fd.general)
	}
	fd.field("open").on = true
	fd.field("after").sel = 1
	fd.field("note").in.SetValue("Forlænget pga. svær titrering")
	send(m, keyCtrl('s'))
	if len(keeper.ends) != 1 {
		t.Fatalf("not ended: %v %q", fd.errs, fd.general)
	}
	e := keeper.ends[0]
	if e.PatientID != "p-anna" || e.Reason != domain.EndStable || e.After != domain.AfterClinic || !e.CloseOpen {
		t.Errorf("end %+v", e)
	}
	calls := act.recorded()
	if len(calls) == 0 {
		t.Fatal("open items were not closed")
	}
	for _, c := range calls {
		switch v := c.(type) {
		case domain.Acknowledgement:
			if v.Note != "Lukket ved afslutning af forløb" {
				t.Errorf("ack note %q", v.Note)
			}
		case domain.MissingResolution:
			if v.Reason != domain.MissingOther {
				t.Errorf("missing %+v", v)
			}
		default:
			t.Errorf("unexpected call %T", c)
		}
	}
	if !strings.Contains(m.flash, "Forløb afsluttet") {
		t.Errorf("flash %q", m.flash)
	}
}

// R records a re-evaluation: continue with the next date 90 days ahead by
// default; a date of today is refused.
func TestReevaluationForm(t *testing.T) {
	m, _ := actingModel(t, 120, 40)
	keeper := &recordingKeeper{}
	m.opts.Keeper = keeper
	openPatient(t, m, "p-anna")
	send(m, char('R'))
	fd := m.dialog.(formDialog)
	fd.field("next").in.SetValue(dateYear(testNow.In(cph)))
	send(m, keyCtrl('s'))
	if len(keeper.reevals) != 0 || fd.errs["next"] == "" {
		t.Fatalf("re-evaluation today accepted: %v", keeper.reevals)
	}
	fd.field("next").in.SetValue(dateYear(testNow.In(cph).AddDate(0, 0, 90)))
	send(m, keyCtrl('s'))
	if len(keeper.reevals) != 1 || keeper.reevals[0].Outcome != domain.ReevalContinue || keeper.reevals[0].Next.IsZero() {
		t.Fatalf("re-evaluation %+v", keeper.reevals)
	}
}

// R with the outcome "change the regime" records the re-evaluation and
// then opens the regime form of that patient, on the version the
// re-evaluation made (after the reload).
func TestReevaluationChangeOpensTheRegimeForm(t *testing.T) {
	m, _ := actingModel(t, 120, 40)
	keeper := &recordingKeeper{}
	m.opts.Keeper = keeper
	openPatient(t, m, "p-anna")
	send(m, char('R'))
	fd := m.dialog.(formDialog)
	fd.field("outcome").sel = 1 // change the regime
	if fd.field("outcome").value() != string(domain.ReevalChange) {
		t.Fatalf("outcome %q", fd.field("outcome").value())
	}
	fd.field("next").in.SetValue(dateYear(testNow.In(cph).AddDate(0, 0, 60)))
	_, cmd := m.Update(keyCtrl('s'))
	driveAll(m, cmd) // the action, then the reloads it asks for
	if len(keeper.reevals) != 1 || keeper.reevals[0].Outcome != domain.ReevalChange {
		t.Fatalf("re-evaluation %+v", keeper.reevals)
	}
	rf, ok := m.dialog.(formDialog)
	if !ok || !strings.Contains(rf.title, "Måleregime for") || rf.patientID != "p-anna" {
		t.Fatalf("after the change outcome the dialog is %T %v, want the regime form of p-anna", m.dialog, m.dialog)
	}
	// Continue does not open it.
	send(m, keyEsc)
	send(m, char('R'))
	_, cmd = m.Update(keyCtrl('s'))
	driveAll(m, cmd)
	if len(keeper.reevals) != 2 || m.dialog != nil {
		t.Errorf("continue: %+v, dialog %T", keeper.reevals, m.dialog)
	}
}

// F on the worklist lists the ended courses; enter opens one.
func TestEndedCoursesList(t *testing.T) {
	m, _ := actingModel(t, 120, 40)
	rows, _ := m.src.Worklist(context.Background(), true)
	p := rows[0].Patient
	m.opts.Course = endedCourses{fakeCourse: fakeCourse{}, ended: []domain.EndedCourse{{Patient: p, End: testNow, Reason: "afsluttet: stable"}}}
	send(m, char('F'))
	drive(m, m.worklist.startEnded())
	if _, ok := m.dialog.(*endedList); !ok {
		t.Fatalf("dialog %T (%q)", m.dialog, m.err)
	}
	m.dialog.SetSize(120, 30)
	view := m.dialog.View()
	if !containsAll(view, "Afsluttede forløb", domain.MaskCPR(p.CPR), "afsluttet: stable") || strings.Contains(view, "\x1b]0;") {
		t.Fatalf("list (%q):\n%s", p.Name, view)
	}
	send(m, keyEnter)
	if m.patient == nil || m.patient.id != p.ID {
		t.Fatalf("enter did not open the patient: %v %q", m.patient != nil, m.patient.id)
	}
}
