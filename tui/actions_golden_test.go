package tui

import (
	"context"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/telehjerte/telehjerte-tui/console"
)

// startActing runs the console with recordingActions at w×h.
func startActing(t *testing.T, w, h int) (*teatest.TestModel, *probe) {
	t.Helper()
	src := newClinic(t)
	opts := testOptions()
	opts.Actions = &recordingActions{src: src, errs: map[string]error{}}
	opts.History = src
	opts.CannedReplies = []string{"Ring venligst til klinikken i dag.", "Tak, vi har set dine målinger."}
	opts.Status = func() console.SyncStatus {
		return console.SyncStatus{Online: true, LastSync: ago(2 * 60 * 1e9), Pending: 2}
	}
	p := &probe{Model: New(context.Background(), src, opts)}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(w, h), teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	waitModel(t, tm, p, func(m *Model) bool { return m.worklist.loaded && !m.loading })
	return tm, p
}

func TestGoldenAckConfirm80x24(t *testing.T) {
	tm, p := startActing(t, 80, 24)
	press(tm, char('X'))
	waitModel(t, tm, p, func(m *Model) bool { _, ok := m.dialog.(*confirmLine); return ok })
	golden.RequireEqual(t, finalScreen(t, tm))
}

func TestGoldenComposer80x24(t *testing.T) {
	tm, p := startActing(t, 80, 24)
	openAnna(t, tm, p)
	press(tm, char('4'), char('r'))
	tm.Type("Tak. Ring venligst i dag.")
	press(tm, tea.KeyPressMsg{Code: 't', Mod: tea.ModCtrl})
	waitModel(t, tm, p, func(m *Model) bool { c, ok := m.dialog.(*composer); return ok && c.focus == compCanned })
	golden.RequireEqual(t, finalScreen(t, tm))
}

// The regime form after a one-word name typed as the physician: it says
// the name is saved as free text (it is no practitioner the console
// knows), not a reference.
func TestGoldenRegimeFormPhysicianText80x24(t *testing.T) {
	tm, p := startActing(t, 80, 24)
	openAnna(t, tm, p)
	press(tm, char('e'))
	waitModel(t, tm, p, func(m *Model) bool { _, ok := m.dialog.(formDialog); return ok })
	tm.Type("Ny læge")
	press(tm, keyTab, tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	tm.Type("Hansen")
	waitModel(t, tm, p, func(m *Model) bool {
		fd, ok := m.dialog.(formDialog)
		return ok && fd.field("physician").value() == "Hansen"
	})
	golden.RequireEqual(t, finalScreen(t, tm))
}

func TestGoldenRegimeForm80x24(t *testing.T) {
	tm, p := startActing(t, 80, 24)
	openAnna(t, tm, p)
	press(tm, char('e'))
	waitModel(t, tm, p, func(m *Model) bool { _, ok := m.dialog.(formDialog); return ok })
	tm.Type("Titrering")
	press(tm, keyTab, keyTab, keyTab, keyTab)
	tm.Type("x") // start date "15.01.2026x": not a date
	press(tm, tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	waitModel(t, tm, p, func(m *Model) bool { fd, ok := m.dialog.(formDialog); return ok && len(fd.errs) > 0 })
	golden.RequireEqual(t, finalScreen(t, tm))
}

func TestGoldenCoverForm80x24(t *testing.T) {
	tm, p := startActing(t, 80, 24)
	openAnna(t, tm, p)
	press(tm, char('t'))
	waitModel(t, tm, p, func(m *Model) bool { _, ok := m.dialog.(formDialog); return ok })
	press(tm, keyTab, tea.KeyPressMsg{Code: tea.KeyRight}, keyTab)
	tm.Type("07.07.2026")
	press(tm, keyTab)
	tm.Type("01.07.2026")
	press(tm, tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	waitModel(t, tm, p, func(m *Model) bool { fd, ok := m.dialog.(formDialog); return ok && len(fd.errs) > 0 })
	golden.RequireEqual(t, finalScreen(t, tm))
}
