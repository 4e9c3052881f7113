package tui

import (
	"charm.land/bubbles/v2/key"
)

// keyMap holds every key binding of the console; which of them work depends
// on the state (see Model.activeKeys).
type keyMap struct {
	Up, Down, Move, Home, End, Open, Filter, Clear, Apply, All key.Binding
	Help, CloseHelp, Quit, ForceQuit, Back                     key.Binding
	NextPane, PrevPane, Pane, PageUp, PageDown                 key.Binding
}

func newKeyMap(t *texts) keyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return keyMap{
		Up:        b([]string{"up", "k"}, "↑/k", t.KeyUp),
		Down:      b([]string{"down", "j"}, "↓/j", t.KeyDown),
		Move:      b([]string{"up", "down", "k", "j"}, "↑↓", t.KeyMove),
		Home:      b([]string{"g", "home"}, "g", t.KeyHome),
		End:       b([]string{"G", "end"}, "G", t.KeyEnd),
		Open:      b([]string{"enter"}, "enter", t.KeyOpen),
		Filter:    b([]string{"/"}, "/", t.KeyFilter),
		Clear:     b([]string{"esc"}, "esc", t.KeyClear),
		Apply:     b([]string{"enter"}, "enter", t.KeyApply),
		All:       b([]string{"a"}, "a", t.KeyAll),
		Help:      b([]string{"?"}, "?", t.KeyHelp),
		CloseHelp: b([]string{"?", "esc", "q"}, "?/esc", t.KeyCloseHelp),
		Quit:      b([]string{"q"}, "q", t.KeyQuit),
		ForceQuit: b([]string{"ctrl+c"}, "ctrl+c", t.KeyForceQuit),
		Back:      b([]string{"esc", "q"}, "esc/q", t.KeyBack),
		NextPane:  b([]string{"tab"}, "tab", t.KeyNextPane),
		PrevPane:  b([]string{"shift+tab"}, "shift+tab", t.KeyPrevPane),
		Pane:      b([]string{"1", "2", "3", "4", "5"}, "1–5", t.KeyPane),
		PageUp:    b([]string{"pgup", "b"}, "pgup", t.KeyPageUp),
		PageDown:  b([]string{"pgdown", "space", "f"}, "pgdn", t.KeyPageDown),
	}
}

// helpKeys adapts a set of active bindings to help.KeyMap.
type helpKeys struct {
	short []key.Binding
	full  [][]key.Binding
}

func (h helpKeys) ShortHelp() []key.Binding  { return h.short }
func (h helpKeys) FullHelp() [][]key.Binding { return h.full }
