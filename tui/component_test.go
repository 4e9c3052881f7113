package tui

import (
	"context"
	"slices"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
)

// The components stand alone: each is driven here through its own Update,
// View, SetSize and key map, without the root Model.

// keyNames are the bindings' names as the help shows them.
func keyNames(groups ...[]key.Binding) []string {
	var out []string
	for _, g := range groups {
		out = append(out, helpNames(g)...)
	}
	return out
}

// standaloneWorklist is a worklist over a shared context with rows loaded.
func standaloneWorklist(t *testing.T, opts Options, rows []domain.WorklistRow) *worklistScreen {
	t.Helper()
	s := newShared(context.Background(), staticSource{rows: rows}, opts)
	w := newWorklistScreen(s)
	w.SetSize(100, 20)
	next, cmd := w.Update(worklistMsg{rows: rows})
	if next != component(w) || cmd != nil || !w.loaded || len(w.visible) != len(rows) {
		t.Fatalf("load: next %T cmd %v loaded %v visible %d", next, cmd != nil, w.loaded, len(w.visible))
	}
	return w
}

func TestWorklistScreenAlone(t *testing.T) {
	w := standaloneWorklist(t, testOptions(), bigWorklist(5))
	if next, _ := w.Update(keyDown); next != component(w) || w.cursor != 1 {
		t.Fatalf("down: next %T cursor %d", next, w.cursor)
	}
	want := w.selectedID()
	next, cmd := w.Update(keyEnter)
	p, ok := next.(*patientScreen)
	if !ok || p.id != want || cmd == nil || !w.loading {
		t.Fatalf("enter: next %T (want the patient view of %s), cmd %v, loading %v", next, want, cmd != nil, w.loading)
	}
	if p.shared != w.shared {
		t.Error("the patient view does not share the worklist's context")
	}
	// The search takes letters as text: q is typed, not quit.
	w.Update(char('/'))
	if !w.capturesText() {
		t.Fatal("/ did not start the search")
	}
	if next, _ := w.Update(char('q')); next != component(w) || w.filter.Value() != "q" {
		t.Fatalf("q in the search: next %T value %q", next, w.filter.Value())
	}
	w.Update(keyEsc)
	if _, cmd := w.Update(char('q')); cmd == nil || !isQuit(cmd) {
		t.Fatal("q on the worklist does not quit")
	}
}

func isQuit(cmd tea.Cmd) bool {
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

// The worklist's key map lists exactly the bindings that work there: with
// actions the acknowledgements, without them (read-only) none of them, and
// an action key answered with why.
func TestWorklistKeyMapReadOnlyHidesActions(t *testing.T) {
	opts := testOptions()
	opts.Actions = &recordingActions{}
	acting := standaloneWorklist(t, opts, bigWorklist(3))
	k := acting.keys
	want := [][]key.Binding{{k.Up, k.Down, k.Home, k.End}, {k.Open, k.Filter, k.All, k.Ack, k.AckAll}, {k.Help, k.Quit, k.ForceQuit}}
	if got := acting.FullHelp(); !slices.Equal(keyNames(got...), keyNames(want...)) {
		t.Errorf("full help with actions = %v, want %v", keyNames(got...), keyNames(want...))
	}
	wantShort := []key.Binding{k.Move, k.Open, k.Filter, k.All, k.Ack, k.AckAll, k.Help, k.Quit}
	if got := acting.ShortHelp(); !slices.Equal(keyNames(got), keyNames(wantShort)) {
		t.Errorf("short help with actions = %v, want %v", keyNames(got), keyNames(wantShort))
	}

	opts.Actions, opts.ReadOnly = nil, true
	reading := standaloneWorklist(t, opts, bigWorklist(3))
	want = [][]key.Binding{{k.Up, k.Down, k.Home, k.End}, {k.Open, k.Filter, k.All}, {k.Help, k.Quit, k.ForceQuit}}
	if got := reading.FullHelp(); !slices.Equal(keyNames(got...), keyNames(want...)) {
		t.Errorf("read-only full help = %v, want %v", keyNames(got...), keyNames(want...))
	}
	next, _ := reading.Update(char('x'))
	n, ok := next.(*notice)
	if !ok || !strings.Contains(n.View(), "SE-ADGANG") {
		t.Fatalf("x read-only: %T, want the read-only notice", next)
	}
	if closed, _ := n.Update(keyEsc); closed != nil {
		t.Errorf("the notice does not close on a key: %T", closed)
	}
}

// standalonePatient is a patient view with its patient loaded.
func standalonePatient(t *testing.T, opts Options) *patientScreen {
	t.Helper()
	s := newShared(context.Background(), nil, opts)
	p := newPatientScreen(s, "p1")
	p.SetSize(100, 30)
	d := domain.PatientDetail{
		Patient:   domain.Patient{ID: "p1", Name: "Anna Andersen", CPR: "0101701234"},
		Regime:    domain.Regime{ID: "r1", Phase: domain.PhaseOngoing},
		OpenTasks: []domain.Task{{ID: "t1", PatientID: "p1", Category: domain.TaskMeasurement, Color: domain.Red}},
		Messages:  []domain.Message{{ID: "m1", FromPatient: true, Title: "Hej", Body: "Jeg har det skidt"}},
	}
	if next, _ := p.Update(patientMsg{id: "p1", detail: d}); next != component(p) || !p.loaded {
		t.Fatalf("load: next %T loaded %v", next, p.loaded)
	}
	return p
}

// The patient view's key map has the actions only when the console may
// act; read-only it has none of them.
func TestPatientKeyMapReadOnlyHidesActions(t *testing.T) {
	opts := testOptions()
	opts.Actions = &recordingActions{}
	acting := standalonePatient(t, opts)
	k := acting.keys
	actions := []key.Binding{k.Ack, k.AckAll, k.Reply, k.NewMsg, k.ReadToggle, k.Regime, k.Transfer, k.Note, k.Pause}
	acting.pane = paneMessages
	all := keyNames(acting.FullHelp()...)
	for _, b := range actions {
		if b.Help().Key == "x" {
			continue // x works in the open-items pane
		}
		if !slices.Contains(all, b.Help().Key) {
			t.Errorf("acting: %s (%s) missing from %v", b.Help().Key, b.Help().Desc, all)
		}
	}

	opts.Actions, opts.ReadOnly = nil, true
	reading := standalonePatient(t, opts)
	reading.pane = paneMessages
	all = keyNames(reading.FullHelp()...)
	want := keyNames([]key.Binding{k.NextPane, k.PrevPane, k.Pane}, []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown}, []key.Binding{k.Back, k.Help, k.ForceQuit})
	if !slices.Equal(all, want) {
		t.Errorf("read-only full help = %v, want %v", all, want)
	}
	for _, r := range []rune{'x', 'r', 'e'} {
		if next, _ := reading.Update(char(r)); !isNotice(next, "SE-ADGANG") {
			t.Errorf("%c read-only: %T, want the read-only notice", r, next)
		}
	}
	if next, _ := reading.Update(keyEsc); next != nil {
		t.Errorf("esc: %T, want the view closed (nil)", next)
	}
}

func isNotice(c component, text string) bool {
	n, ok := c.(*notice)
	return ok && strings.Contains(n.View(), text)
}

// An action key of the patient view opens its dialog over the view, on
// the same shared context.
func TestPatientActionOpensItsDialog(t *testing.T) {
	opts := testOptions()
	opts.Actions = &recordingActions{}
	p := standalonePatient(t, opts)
	next, _ := p.Update(char('n'))
	c, ok := next.(*composer)
	if !ok || c.shared != p.shared || c.patientID != "p1" {
		t.Fatalf("n: %T, want the composer for p1", next)
	}
	if got, want := keyNames(c.ShortHelp()), keyNames([]key.Binding{p.keys.Save, p.keys.NextField, p.keys.Cancel}); !slices.Equal(got, want) {
		t.Errorf("composer keys %v, want %v", got, want)
	}
	if closed, _ := c.Update(keyEsc); closed != nil {
		t.Errorf("esc on an empty message: %T, want closed", closed)
	}
}

// A load for another patient (the nurse went back and opened another) is
// not shown.
func TestPatientIgnoresAnotherPatientsLoad(t *testing.T) {
	p := standalonePatient(t, testOptions())
	p.Update(patientMsg{id: "p2", detail: domain.PatientDetail{Patient: domain.Patient{ID: "p2", Name: "Bo"}}})
	if p.detail.Patient.ID != "p1" {
		t.Errorf("showing %s after another patient's load", p.detail.Patient.ID)
	}
}

// A confirm line's hint is made from the confirm bindings, so it says what
// the keys are, in the console's language.
func TestConfirmHintFromKeyMap(t *testing.T) {
	s := newShared(context.Background(), nil, testOptions())
	asked := 0
	c := s.confirm("Kvitter?", func(*confirmLine) tea.Cmd { asked++; return nil })
	if v := c.View(); !strings.Contains(v, "(y/enter = ja, n/esc = nej)") {
		t.Errorf("hint: %q", v)
	}
	if got := keyNames(c.ShortHelp()); !slices.Equal(got, []string{"y/enter", "n/esc"}) {
		t.Errorf("confirm keys %v", got)
	}
	s.keys.Yes = key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "oui"))
	if v := c.View(); !strings.Contains(v, "(o = oui, n/esc = nej)") {
		t.Errorf("the hint does not follow the binding: %q", v)
	}
	if next, _ := c.Update(char('o')); next != component(c) || asked != 1 || !c.busy {
		t.Errorf("o: next %T asked %d busy %v", next, asked, c.busy)
	}

	en := newShared(context.Background(), nil, Options{Lang: "en"})
	f := en.newForm("Note")
	f.rows = []*formRow{{label: "Text", fields: []*field{newTextField("text", 20, "")}}}
	d := formDialog{f.start()}
	d.Update(char('a'))
	d.Update(keyEsc)
	d.SetSize(80, 10)
	if !d.confirmQuit || !strings.Contains(d.View(), "Discard what you typed? (y/enter = yes, n/esc = no)") {
		t.Errorf("discard question: %v\n%s", d.confirmQuit, d.View())
	}
	if got := keyNames(d.ShortHelp()); !slices.Equal(got, []string{"y/enter", "n/esc"}) {
		t.Errorf("discard keys %v", got)
	}
	if next, _ := d.Update(char('y')); next != nil {
		t.Errorf("y: %T, want the form closed", next)
	}
}

// The sync-problem view's keys name what they do: keep mine or theirs for
// a conflict, retry or discard for a failed change; settled elsewhere, the
// view goes back to the list.
func TestSyncDetailKeysAndSettled(t *testing.T) {
	s := newShared(context.Background(), nil, testOptions())
	list := &syncListView{shared: s}
	conflict := console.SyncProblem{UUID: "u1", State: console.SyncConflict}
	failed := console.SyncProblem{UUID: "u2", State: console.SyncFailed}
	list.set([]console.SyncProblem{conflict, failed})
	next, _ := list.Update(keyEnter)
	v, ok := next.(*syncDetailView)
	if !ok || v.p.UUID != "u1" {
		t.Fatalf("enter: %T", next)
	}
	st := syncCatalog("da")
	descs := func() []string {
		var out []string
		for _, b := range v.ShortHelp() {
			out = append(out, b.Help().Desc)
		}
		return out
	}
	if d := descs(); !slices.Contains(d, st.KeepMine) || !slices.Contains(d, st.KeepTheirs) {
		t.Errorf("conflict keys %v", d)
	}
	v.p = failed
	if d := descs(); !slices.Contains(d, st.Retry) || !slices.Contains(d, st.Discard) || slices.Contains(d, st.KeepMine) {
		t.Errorf("failed-change keys %v", d)
	}
	if s.keys.SyncKeepMine.Help().Desc != st.KeepMine {
		t.Error("the retry wording changed the shared binding")
	}
	v.Update(char('m'))
	v.SetSize(100, 20)
	if !strings.Contains(v.View(), "(y/enter = ja, n/esc = nej)") {
		t.Errorf("confirm hint missing:\n%s", v.View())
	}
	if next, _ := v.Update(syncProblemsMsg{problems: []console.SyncProblem{conflict}}); next != component(list) {
		t.Errorf("settled elsewhere: %T, want the list", next)
	}
}

// The help overlay shows the key map of the component under it.
func TestHelpOverlayShowsUnderlyingKeyMap(t *testing.T) {
	s := newShared(context.Background(), nil, testOptions())
	o := &helpOverlay{shared: s, under: s.confirm("?", nil)}
	o.SetSize(100, 30)
	v := o.View()
	if !strings.Contains(v, "y/enter") || strings.Contains(v, "tab") {
		t.Errorf("overlay over a confirm line:\n%s", v)
	}
	if next, _ := o.Update(keyEsc); next != nil {
		t.Errorf("esc: %T, want closed", next)
	}
}

// KeyBindings lists each binding once, the screens' own ones after the
// shared ones.
func TestKeyBindingsListsScreenKeysLast(t *testing.T) {
	bs := KeyBindings("da")
	seen := map[string]bool{}
	for _, b := range bs {
		if seen[b.Name] {
			t.Errorf("%s listed twice", b.Name)
		}
		seen[b.Name] = true
	}
	var tail []string
	for _, b := range bs[len(bs)-10:] {
		tail = append(tail, b.Name)
	}
	want := []string{"SyncProblems", "SyncKeepMine", "SyncKeepTheirs", "Enrol", "EndedCourses", "AccessReport", "Reevaluation", "EndCourse", "ConfirmForm", "BackToForm"}
	if !slices.Equal(tail, want) {
		t.Errorf("last bindings %v, want %v", tail, want)
	}
}

// The root opens what a load asks for only while the component that
// started the load is on top: acknowledging from the worklist whose tasks
// arrive after the nurse opened a patient asks nothing over the patient.
func TestRootDropsDialogOfComponentNotOnTop(t *testing.T) {
	m, act := actingModel(t, 100, 30)
	_, loadTasks := m.Update(char('x'))
	if loadTasks == nil || !m.loading {
		t.Fatal("x did not start loading the tasks")
	}
	send(m, keyEnter)
	if m.patient == nil || !m.patient.loaded {
		t.Fatalf("patient not opened: %q", m.err)
	}
	drive(m, loadTasks)
	if m.dialog != nil || m.patient == nil || m.loading {
		t.Fatalf("the worklist's confirm line opened over the patient view: dialog %T, loading %v", m.dialog, m.loading)
	}
	if calls := act.recorded(); len(calls) != 0 {
		t.Fatalf("actions run: %v", calls)
	}
	// On top, the same load asks.
	send(m, keyEsc)
	send(m, char('x'))
	if _, ok := m.dialog.(*confirmLine); !ok {
		t.Fatalf("x on the worklist: dialog %T", m.dialog)
	}
}
