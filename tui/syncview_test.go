package tui

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"

	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
)

// resolvingActions is recordingActions with sync problems: it records
// every ResolveConflict and serves a fixed list until one is resolved.
type resolvingActions struct {
	*recordingActions
	mu       sync.Mutex
	problems []console.SyncProblem
	resolved []string
}

func (r *resolvingActions) SyncProblems(context.Context) ([]console.SyncProblem, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]console.SyncProblem(nil), r.problems...), nil
}

func (r *resolvingActions) ResolveConflict(_ context.Context, uuid string, keepMine bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	how := "theirs"
	if keepMine {
		how = "mine"
	}
	r.resolved = append(r.resolved, uuid+":"+how)
	var left []console.SyncProblem
	for _, p := range r.problems {
		if p.UUID != uuid {
			left = append(left, p)
		}
	}
	r.problems = left
	return nil
}

var syncT0 = time.Date(2026, 3, 10, 8, 14, 0, 0, time.UTC)

func syncRegime(weight float64, redHigh float64, author, version string) *domain.Regime {
	th := domain.DefaultThresholds(weight)
	pt := th.ByKind[domain.KindPulse]
	pt.Primary.RedHigh = domain.L(redHigh)
	th.ByKind[domain.KindPulse] = pt
	return &domain.Regime{ID: "cp-p1", Version: version, PatientID: "p1", Author: author, Reason: "titrering",
		Phase: domain.PhaseOngoing, EffectiveFrom: syncT0, Thresholds: th}
}

func syncFixture() *resolvingActions {
	return &resolvingActions{recordingActions: &recordingActions{}, problems: []console.SyncProblem{
		{UUID: "u1", State: console.SyncConflict, Change: console.SyncChangeRegime, ResourceType: "CarePlan", PatientID: "p1",
			PatientName: "Anna \x1b[31mHansen", At: syncT0,
			Mine:   console.SyncVersion{Version: "1", Regime: syncRegime(85, 120, "Jens Berg", "2")},
			Theirs: console.SyncVersion{Version: "2", Author: "Karen Holm", Regime: syncRegime(80, 110, "Karen Holm", "2")}},
		{UUID: "u2", State: console.SyncAlreadyDone, Change: console.SyncChangeAck, ResourceType: "Task", PatientID: "p2",
			PatientName: "Bo Ibsen", Kind: domain.KindPulse, Value: 92, HasValue: true, At: syncT0, By: "Karen Holm", DoneAt: syncT0},
	}}
}

// run applies msg and every command it leads to, synchronously.
func run(m *Model, msg tea.Msg) {
	queue := []tea.Msg{msg}
	for len(queue) > 0 {
		_, cmd := m.Update(queue[0])
		queue = queue[1:]
		queue = append(queue, drain(cmd)...)
	}
}

func drain(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, drain(c)...)
		}
		return out
	}
	if msg == nil {
		return nil
	}
	return []tea.Msg{msg}
}

func newSyncModel(t *testing.T, a *resolvingActions) *Model {
	t.Helper()
	m := New(context.Background(), newClinic(t), Options{Actions: a, Resolver: a, Now: func() time.Time { return syncT0 }, Loc: time.UTC})
	run(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	run(m, syncProblemsMsg{}) // the start-up load: nothing flashed
	return m
}

func TestSyncProblemsKeepMineAsksFirst(t *testing.T) {
	a := syncFixture()
	m := newSyncModel(t, a)
	run(m, char('S'))
	l, ok := m.dialog.(*syncListView)
	if !ok || len(l.problems) != 2 {
		t.Fatalf("after S dialog = %T %+v", m.dialog, m.dialog)
	}
	run(m, tea.KeyPressMsg{Code: tea.KeyEnter})
	if _, ok := m.dialog.(*syncDetailView); !ok {
		t.Fatalf("after enter dialog = %T", m.dialog)
	}
	run(m, char('m'))
	if len(a.resolved) != 0 {
		t.Fatal("resolved before confirming")
	}
	run(m, char('n'))
	run(m, char('m'))
	run(m, char('y'))
	if len(a.resolved) != 1 || a.resolved[0] != "u1:mine" {
		t.Fatalf("resolved = %v; want u1:mine", a.resolved)
	}
	if l, ok := m.dialog.(*syncListView); !ok || len(l.problems) != 1 {
		t.Errorf("after resolving: %T; want the list with one left", m.dialog)
	}
	run(m, tea.KeyPressMsg{Code: tea.KeyEscape})
	if m.dialog != nil {
		t.Errorf("esc left %T open", m.dialog)
	}
}

func TestSyncProblemsKeepTheirsAndAlreadyDoneHasNoChoice(t *testing.T) {
	a := syncFixture()
	m := newSyncModel(t, a)
	run(m, char('S'))
	run(m, tea.KeyPressMsg{Code: tea.KeyDown})
	run(m, tea.KeyPressMsg{Code: tea.KeyEnter})
	run(m, char('t'))
	run(m, char('y'))
	if len(a.resolved) != 0 {
		t.Errorf("an already-done outcome was resolved: %v", a.resolved)
	}
	run(m, tea.KeyPressMsg{Code: tea.KeyEscape})
	run(m, tea.KeyPressMsg{Code: tea.KeyUp})
	run(m, tea.KeyPressMsg{Code: tea.KeyEnter})
	run(m, char('t'))
	run(m, char('y'))
	if len(a.resolved) != 1 || a.resolved[0] != "u1:theirs" {
		t.Errorf("resolved = %v; want u1:theirs", a.resolved)
	}
}

func TestAlreadyDoneFlashesOnceAfterRefresh(t *testing.T) {
	a := syncFixture()
	first := a.problems[1]
	a.problems = a.problems[:1]
	m := New(context.Background(), newClinic(t), Options{Actions: a, Resolver: a, Now: func() time.Time { return syncT0 }, Loc: time.UTC})
	run(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	for _, msg := range drain(m.Init()) {
		run(m, msg)
	}
	if m.flash != "" {
		t.Fatalf("flash at start = %q", m.flash)
	}
	a.problems = append(a.problems, first)
	run(m, RefreshMsg{})
	if m.flash != "Allerede kvitteret af Karen Holm kl. 08:14" {
		t.Errorf("flash = %q", m.flash)
	}
	m.flash = ""
	run(m, RefreshMsg{})
	if m.flash != "" {
		t.Errorf("flashed twice: %q", m.flash)
	}
}

func TestGoldenSyncConflict80x24(t *testing.T) {
	m := newSyncModel(t, syncFixture())
	run(m, char('S'))
	run(m, tea.KeyPressMsg{Code: tea.KeyEnter})
	var buf bytes.Buffer
	w := &colorprofile.Writer{Forward: &buf, Profile: colorprofile.Ascii}
	if _, err := w.WriteString(m.View().Content); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if bytes.Contains(buf.Bytes(), []byte("\x1b[31mHansen")) {
		t.Error("raw escape from the server shown")
	}
	golden.RequireEqual(t, out)
}

// A background refresh while the nurse reads a conflict keeps her on it
// (and the list's cursor on the same change), instead of throwing her back
// to the list where her next key lands elsewhere; a confirmation pending
// against a version that changed meanwhile is asked again.
func TestSyncDetailSurvivesRefresh(t *testing.T) {
	a := syncFixture()
	m := newSyncModel(t, a)
	run(m, char('S'))
	run(m, tea.KeyPressMsg{Code: tea.KeyEnter})
	d, ok := m.dialog.(*syncDetailView)
	if !ok || d.p.UUID != "u1" {
		t.Fatalf("detail = %T", m.dialog)
	}
	// Another change comes in ahead of it.
	a.mu.Lock()
	a.problems = append([]console.SyncProblem{{UUID: "u0", State: console.SyncFailed, Change: console.SyncChangeNote, PatientName: "Cai Dam", At: syncT0}}, a.problems...)
	a.mu.Unlock()
	run(m, RefreshMsg{})
	if d2, ok := m.dialog.(*syncDetailView); !ok || d2.p.UUID != "u1" {
		t.Fatalf("after a refresh: %T, want the detail of u1", m.dialog)
	}
	if l := d.list; l.problems[l.cursor].UUID != "u1" {
		t.Errorf("list cursor moved to %s", l.problems[l.cursor].UUID)
	}
	// t asks; the central's version changes before y: asked again.
	run(m, char('t'))
	a.mu.Lock()
	a.problems[1].Theirs.Version = "3"
	a.mu.Unlock()
	run(m, RefreshMsg{})
	run(m, char('y'))
	if len(a.resolved) != 0 {
		t.Fatalf("settled against a version that changed: %v", a.resolved)
	}
	run(m, char('t'))
	run(m, char('y'))
	if len(a.resolved) != 1 || a.resolved[0] != "u1:theirs" {
		t.Fatalf("resolved = %v, want u1:theirs", a.resolved)
	}
}
