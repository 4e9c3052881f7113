package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// addWeightTasks gives Anna n more open yellow weight readings, one a day
// further back, so her open items do not fit the pane at 80×24.
func addWeightTasks(t *testing.T, m *Model, n int) {
	t.Helper()
	st := m.src.(*recordingSource).Store
	err := st.Write(context.Background(), func(tx *cache.Tx) error {
		for i := 0; i < n; i++ {
			id := "p-anna-extra-" + itoa(i)
			taken := daysAgo(1+i%12, 6).Add(time.Duration(i) * time.Minute)
			r := domain.Reading{
				Measurement:    domain.Measurement{ID: id, PatientID: "p-anna", Kind: domain.KindWeight, Taken: taken, Value: 90 + float64(i)/10},
				Classification: domain.Classification{Color: domain.Yellow},
			}
			if err := tx.PutReading(r, meta); err != nil {
				return err
			}
			if err := tx.PutTask(domain.Task{ID: "p-anna-extra-task-" + itoa(i), PatientID: "p-anna", Category: domain.TaskMeasurement, FocusID: id, Color: domain.Yellow, Created: taken}, meta); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// highlightedTask is the open-items line drawn with the cursor mark.
func highlightedTask(t *testing.T, m *Model) string {
	t.Helper()
	var found []string
	for _, l := range strings.Split(ansi.Strip(m.View().Content), "\n") {
		if strings.HasPrefix(l, "> ") {
			found = append(found, l)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want exactly one highlighted item on screen, got %q\n%s", found, m.View().Content)
	}
	return found[0]
}

// The item x acts on is always the one highlighted on screen, whatever key
// moved the pane (the defect: G scrolled the pane but left the
// cursor on an old, hidden row, and x acknowledged that one).
func TestTaskCursorFollowsEveryMovementKey(t *testing.T) {
	m, act := actingModel(t, 80, 24)
	addWeightTasks(t, m, 30)
	openPatient(t, m, "p-anna")
	send(m, char('5'))
	tasks := m.patient.detail.OpenTasks
	if len(tasks) < 30 || m.patient.paneHeight() >= len(tasks) {
		t.Fatalf("the open items must not fit the pane: %d items, pane %d", len(tasks), m.patient.paneHeight())
	}
	steps := []struct {
		name string
		key  tea.KeyPressMsg
		want int // index of the item under the cursor
	}{
		{"G", char('G'), len(tasks) - 1},
		{"g", char('g'), 0},
		{"end", tea.KeyPressMsg{Code: tea.KeyEnd}, len(tasks) - 1},
		{"pgup", tea.KeyPressMsg{Code: tea.KeyPgUp}, len(tasks) - 1 - m.patient.paneHeight()},
		{"home", tea.KeyPressMsg{Code: tea.KeyHome}, 0},
		{"pgdown", tea.KeyPressMsg{Code: tea.KeyPgDown}, m.patient.paneHeight()},
		{"space", char(' '), min(2*m.patient.paneHeight(), len(tasks)-1)},
		{"b", char('b'), min(2*m.patient.paneHeight(), len(tasks)-1) - m.patient.paneHeight()},
		{"k", char('k'), min(2*m.patient.paneHeight(), len(tasks)-1) - m.patient.paneHeight() - 1},
	}
	for _, s := range steps {
		send(m, s.key)
		if m.patient.taskCursor != s.want {
			t.Fatalf("%s: cursor on item %d, want %d", s.name, m.patient.taskCursor, s.want)
		}
		hl := highlightedTask(t, m)
		task := m.patient.selectedTask()
		// The highlighted line names the selected item's reading.
		var val string
		for _, r := range m.patient.detail.Readings {
			if r.ID == task.FocusID {
				val = m.t.readingText(r)
			}
		}
		if val == "" || !strings.Contains(hl, val) {
			t.Fatalf("%s: highlighted %q, but the cursor is on %s (%q)", s.name, hl, task.ID, val)
		}
	}
	// x acknowledges exactly the highlighted item, and says which it is.
	send(m, char('G'))
	last := m.patient.detail.OpenTasks[len(tasks)-1]
	send(m, char('x'))
	fd, ok := m.dialog.(formDialog)
	if !ok {
		t.Fatalf("dialog = %T", m.dialog)
	}
	if want := m.patient.taskSubject(last); !strings.Contains(fd.title, want) {
		t.Fatalf("confirm %q does not name the highlighted item %q", fd.title, want)
	}
	send(m, keyEnter)
	a := act.recorded()[0].(domain.Acknowledgement)
	if len(a.TaskIDs) != 1 || a.TaskIDs[0] != last.ID {
		t.Fatalf("acknowledged %v, want the highlighted %s", a.TaskIDs, last.ID)
	}
}

// The confirmation of one item names its kind, value and time; of several,
// the exact count per colour.
func TestAckConfirmationNamesWhat(t *testing.T) {
	m, _ := actingModel(t, 100, 30)
	openPatient(t, m, "p-anna")
	send(m, char('5'), char('x'))
	fd := m.dialog.(formDialog)
	if fd.title != "Kvitter Vægt 84,3! (tir 10.03 07:00) for Anna Andersen?" {
		t.Fatalf("one item: %q", fd.title)
	}
	send(m, keyEsc)
	send(m, char('X'))
	fd = m.dialog.(formDialog)
	if fd.title != "Kvitter 2 målinger (1 rød, 1 gul) for Anna Andersen?" {
		t.Fatalf("all of the patient's: %q", fd.title)
	}
}

// A questionnaire item is named by the questionnaire's worst answer, in
// the open-items pane and in the confirmation, whether its focus is the
// bare id (as domain.ArriveQuestionnaire gives it) or the reference a
// server's Task states and the console's own item for an untriaged answer
// uses ("QuestionnaireResponse/<id>"; before, such an item was shown as an
// anonymous measurement). The console's own item says the central did not
// triage the answers (not "the measurement").
func TestQuestionnaireTaskNamed(t *testing.T) {
	for _, tc := range []struct {
		focus     string
		byConsole bool
	}{{"q-anna-1", false}, {domain.QuestionnaireFocus("q-anna-1"), false}, {domain.QuestionnaireFocus("q-anna-1"), true}} {
		t.Run(fmt.Sprintf("%s/%v", tc.focus, tc.byConsole), func(t *testing.T) {
			m, _ := actingModel(t, 200, 30)
			st := m.src.(*recordingSource).Store
			if err := st.Write(context.Background(), func(tx *cache.Tx) error {
				return tx.PutTask(domain.Task{ID: "p-anna-q-task", PatientID: "p-anna", Category: domain.TaskMeasurement, FocusID: tc.focus, Color: domain.Red,
					Created: daysAgo(0, 7).Add(5 * time.Minute), ByConsole: tc.byConsole}, meta)
			}); err != nil {
				t.Fatal(err)
			}
			openPatient(t, m, "p-anna")
			send(m, char('5'), char('G'))
			hl := highlightedTask(t, m)
			if !strings.Contains(hl, "Spørgeskema !! Er du mere forpustet end før?: Ja, ved let aktivitet") {
				t.Fatalf("questionnaire item: %q", hl)
			}
			if note := "centralen har ikke triageret besvarelsen"; tc.byConsole != strings.Contains(hl, note) || strings.Contains(hl, "målingen") {
				t.Fatalf("questionnaire item: %q; want the note %q only on the console's own item", hl, note)
			}
			send(m, char('x'))
			fd := m.dialog.(formDialog)
			if !strings.Contains(fd.title, "Spørgeskema !! Er du mere forpustet end før?: Ja, ved let aktivitet (tir 10.03 07:05)") {
				t.Fatalf("confirm: %q", fd.title)
			}
		})
	}
}

// In the thread, g/G move the message cursor too: u and r act on the
// message that is highlighted.
func TestMessageCursorFollowsHomeEnd(t *testing.T) {
	m, act := actingModel(t, 100, 30)
	openPatient(t, m, "p-anna")
	send(m, char('4'), char('g'))
	if m.patient.msgCursor != 0 {
		t.Fatalf("g: message cursor %d", m.patient.msgCursor)
	}
	send(m, char('u'))
	rc := act.recorded()[0].(readCall)
	if rc.id != m.patient.detail.Messages[0].ID || rc.read {
		t.Fatalf("u after g marked %+v, want the first message unread", rc)
	}
	send(m, char('G'))
	if m.patient.msgCursor != len(m.patient.detail.Messages)-1 {
		t.Fatalf("G: message cursor %d", m.patient.msgCursor)
	}
}
