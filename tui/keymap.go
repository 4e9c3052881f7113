package tui

import (
	"reflect"

	"charm.land/bubbles/v2/key"
)

// KeyBinding is one key binding of the console, for the README's key table
// and the end-to-end check that every binding is exercised on the real
// binary.
type KeyBinding struct {
	// Name identifies the binding: the key map's field (e.g. "Ack") or, for
	// a binding made where it is used, its screen's name (e.g.
	// "SyncKeepMine").
	Name string
	// Keys are the keys that trigger it.
	Keys []string
	// Help is the key as the help screen shows it; Desc what it does, in
	// the console's language.
	Help, Desc string
}

// KeyBindings lists every key binding of the console in lang ("da" or
// "en"): the key map's, in its order, then those made where they are used
// (the sync problems screen, enrolment, the form's confirm, the regime
// conflict). Which of them work depends on the screen (see the help, ?).
func KeyBindings(lang string) []KeyBinding {
	m := &Model{opts: Options{Lang: lang}, t: catalog(lang)}
	m.keys = newKeyMap(m.t)
	var out []KeyBinding
	add := func(name string, b key.Binding) {
		out = append(out, KeyBinding{Name: name, Keys: b.Keys(), Help: b.Help().Key, Desc: b.Help().Desc})
	}
	v := reflect.ValueOf(m.keys)
	for i := range v.NumField() {
		if b, ok := v.Field(i).Interface().(key.Binding); ok {
			add(v.Type().Field(i).Name, b)
		}
	}
	add("SyncProblems", m.syncKey())
	sv := &syncDetailView{}
	add("SyncKeepMine", sv.mineKey(m))
	add("SyncKeepTheirs", sv.theirsKey(m))
	add("Enrol", m.enrolKey())
	add("EndedCourses", m.endedKey())
	add("Reevaluation", m.reevalKey())
	add("EndCourse", m.endKey())
	fd := formDialog{&form{enterSubmits: true}}
	add("ConfirmForm", fd.keys(m).short[0])
	cv := &conflictView{}
	add("BackToForm", cv.keys(m).short[0])
	return out
}
