package tui

import (
	"strings"
	"testing"
)

// A read-only user (se-adgang) has no action keys in the help, and an
// action key she presses, on the worklist or the patient view, is
// answered with why nothing happens; nothing is queued.
func TestReadOnlyUserIsToldWhy(t *testing.T) {
	opts := testOptions()
	opts.Actions, opts.Enroller, opts.ReadOnly = nil, nil, true
	m, _ := loaded(t, opts, 100, 30)
	for _, k := range helpNames(m.activeKeys().short) {
		if k == "x" || k == "X" || k == "n" {
			t.Errorf("worklist help offers action key %q", k)
		}
	}
	for _, full := range m.activeKeys().full {
		for _, k := range helpNames(full) {
			if k == "x" || k == "X" || k == "n" {
				t.Errorf("full worklist help offers action key %q", k)
			}
		}
	}
	for _, c := range []rune{'x', 'X', 'n'} {
		send(m, char(c))
		if v := m.View().Content; !strings.Contains(v, "SE-ADGANG: du har kun læseadgang") {
			t.Errorf("%c on the worklist: no explanation:\n%s", c, v)
		}
		send(m, keyEsc)
		if m.dlg != nil {
			t.Fatalf("the explanation does not close")
		}
	}
	send(m, keyDown, keyEnter)
	if !m.pv.loaded {
		t.Fatal("patient view not loaded")
	}
	for _, c := range []rune{'x', 'X', 'r', 'n', 'u', 'e', 't', 'N', 'p'} {
		send(m, char(c))
		if !strings.Contains(m.View().Content, "SE-ADGANG") {
			t.Errorf("%c on the patient view: no explanation", c)
		}
		send(m, keyEsc)
	}
}
