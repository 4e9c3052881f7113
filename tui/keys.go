package tui

import (
	"charm.land/bubbles/v2/key"
)

// keyMap holds every key binding of the console, shared by the components;
// each component's ShortHelp and FullHelp say which of them work there and
// now.
type keyMap struct {
	Up, Down, Move, Home, End, Open, Filter, Clear, Apply, All key.Binding
	Help, CloseHelp, Quit, ForceQuit, Back, SyncNow            key.Binding
	NextPane, PrevPane, Pane, PageUp, PageDown                 key.Binding
	// ArrowMove is Move without j/k, for where letters are text (the
	// worklist filter).
	ArrowMove key.Binding

	// Actions (shown and working only with Options.Actions set).
	Ack, AckAll, Reply, NewMsg, ReadToggle, Regime, Transfer, Note, Pause key.Binding
	History                                                               key.Binding
	// Confirm lines, forms and the composer.
	Yes, No, Save, Cancel, NextField, PrevField, Cycle, Canned, Insert key.Binding

	screenKeys
}

// screenKeys are the bindings of one screen or dialog each (KeyBindings
// lists them after the others).
type screenKeys struct {
	// SyncProblems opens the sync-problems screen (where the console has a
	// resolver).
	SyncProblems key.Binding
	// SyncKeepMine and SyncKeepTheirs settle a sync problem (their help
	// reads "retry" and "discard" for a failed change).
	SyncKeepMine, SyncKeepTheirs key.Binding
	// Enrol and EndedCourses are the worklist's course keys.
	Enrol, EndedCourses key.Binding
	// AccessReport opens the central's access report (with a Reporter).
	AccessReport key.Binding
	// Reevaluation and EndCourse are the patient view's course keys.
	Reevaluation, EndCourse key.Binding
	// ConfirmForm sends a short form with enter (ctrl+s works too).
	ConfirmForm key.Binding
	// BackToForm leaves the regime conflict for the form.
	BackToForm key.Binding
}

func newKeyMap(t *texts, lang string) keyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	sync := syncCatalog(lang)
	return keyMap{
		// Arrows and vim's j/k move. Acknowledging is x ("tick
		// off"), not k, so j/k stay free for movement. Text inputs and
		// confirm lines get their keys before these bindings are looked
		// at, so a typed j or k is a letter there, and j in a confirm
		// line is "ja" (Yes) and moves nothing.
		Up:        b([]string{"up", "k"}, "↑/k", t.KeyUp),
		Down:      b([]string{"down", "j"}, "↓/j", t.KeyDown),
		Move:      b([]string{"up", "down", "k", "j"}, "↑↓/jk", t.KeyMove),
		ArrowMove: b([]string{"up", "down"}, "↑↓", t.KeyMove),
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
		SyncNow:   b([]string{"ctrl+r"}, "ctrl+r", t.KeySync),
		Back:      b([]string{"esc", "q"}, "esc/q", t.KeyBack),
		NextPane:  b([]string{"tab"}, "tab", t.KeyNextPane),
		PrevPane:  b([]string{"shift+tab"}, "shift+tab", t.KeyPrevPane),
		Pane:      b([]string{"1", "2", "3", "4", "5", "6"}, "1–6", t.KeyPane),
		PageUp:    b([]string{"pgup", "b"}, "pgup", t.KeyPageUp),
		PageDown:  b([]string{"pgdown", "space", "f"}, "pgdn", t.KeyPageDown),

		Ack:        b([]string{"x"}, "x", t.Act.KeyAck),
		AckAll:     b([]string{"X"}, "X", t.Act.KeyAckAll),
		Reply:      b([]string{"r"}, "r", t.Act.KeyReply),
		NewMsg:     b([]string{"n"}, "n", t.Act.KeyNewMsg),
		ReadToggle: b([]string{"u"}, "u", t.Act.KeyRead),
		Regime:     b([]string{"e"}, "e", t.Act.KeyRegime),
		History:    b([]string{"v"}, "v", t.Act.KeyHistory),
		Transfer:   b([]string{"t"}, "t", t.Act.KeyTransfer),
		Note:       b([]string{"N"}, "N", t.Act.KeyNote),
		Pause:      b([]string{"p"}, "p", t.Act.KeyPause),
		Yes:        b([]string{"y", "j", "enter"}, "y/enter", t.Act.KeyYes),
		No:         b([]string{"n", "esc"}, "n/esc", t.Act.KeyNo),
		Save:       b([]string{"ctrl+s"}, "ctrl+s", t.Act.KeySave),
		Cancel:     b([]string{"esc"}, "esc", t.Act.KeyCancel),
		NextField:  b([]string{"tab"}, "tab", t.Act.KeyNextField),
		PrevField:  b([]string{"shift+tab"}, "shift+tab", t.Act.KeyPrevField),
		Cycle:      b([]string{"left", "right", "space"}, "←→/space", t.Act.KeyCycle),
		Canned:     b([]string{"ctrl+t"}, "ctrl+t", t.Act.KeyCanned),
		Insert:     b([]string{"enter"}, "enter", t.Act.KeyInsert),

		screenKeys: screenKeys{
			SyncProblems:   b([]string{"S"}, "S", sync.Key),
			SyncKeepMine:   b([]string{"m"}, "m", sync.KeepMine),
			SyncKeepTheirs: b([]string{"t"}, "t", sync.KeepTheirs),
			Enrol:          b([]string{"n"}, "n", t.Course.KeyEnrol),
			EndedCourses:   b([]string{"F"}, "F", t.Course.KeyEnded),
			AccessReport:   b([]string{"U"}, "U", t.Course.KeyAccessReport),
			Reevaluation:   b([]string{"R"}, "R", t.Course.KeyReeval),
			EndCourse:      b([]string{"A"}, "A", t.Course.KeyEnd),
			ConfirmForm:    b([]string{"enter", "ctrl+s"}, "enter", t.Act.KeyConfirm),
			BackToForm:     b([]string{"esc"}, "esc", t.Act.KeyBackToForm),
		},
	}
}
