package tui

import (
	"reflect"

	"charm.land/bubbles/v2/key"
)

// KeyBinding is one key binding of the console, for the README's key table
// and the end-to-end check that every binding is exercised on the real
// binary.
type KeyBinding struct {
	// Name identifies the binding: the key map's field (e.g. "Ack",
	// "SyncKeepMine").
	Name string
	// Keys are the keys that trigger it.
	Keys []string
	// Help is the key as the help screen shows it; Desc what it does, in
	// the console's language.
	Help, Desc string
}

// KeyBindings lists every key binding of the console in lang ("da" or
// "en"): the key map's, in its order, then those of one screen each (the
// sync problems screen, enrolment, the course, the form's confirm, the
// regime conflict). Which of them work depends on the screen (see the
// help, ?).
func KeyBindings(lang string) []KeyBinding {
	keys := newKeyMap(catalog(lang), lang)
	var out []KeyBinding
	add := func(v reflect.Value) {
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				continue // the embedded screenKeys, listed after
			}
			if b, ok := v.Field(i).Interface().(key.Binding); ok {
				out = append(out, KeyBinding{Name: v.Type().Field(i).Name, Keys: b.Keys(), Help: b.Help().Key, Desc: b.Help().Desc})
			}
		}
	}
	add(reflect.ValueOf(keys))
	add(reflect.ValueOf(keys.screenKeys))
	return out
}
