package tui

import (
	"reflect"
	"regexp"
	"testing"
)

// catalogueStrings is every string of a catalogue: fields, maps, slices,
// arrays and nested structs (functions, e.g. plurals, are left out).
func catalogueStrings(v reflect.Value, out *[]string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			catalogueStrings(v.Elem(), out)
		}
	case reflect.String:
		*out = append(*out, v.String())
	case reflect.Struct:
		for i := range v.NumField() {
			catalogueStrings(v.Field(i), out)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			catalogueStrings(v.Index(i), out)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			catalogueStrings(it.Value(), out)
		}
	}
}

// One word for the re-evaluation with the patient in each language: the
// programme's "revurdering" in Danish (the worklist, the R key and the
// form say it; the patient header said "Reevaluering"), "re-evaluation"
// in English.
func TestOneWordForReevaluation(t *testing.T) {
	for _, c := range []struct {
		lang string
		bad  *regexp.Regexp
	}{
		{"da", regexp.MustCompile(`(?i)re-?evaluer`)},
		{"en", regexp.MustCompile(`(?i)reevaluat|revision|reassess`)},
	} {
		var all []string
		catalogueStrings(reflect.ValueOf(catalog(c.lang)), &all)
		if len(all) < 100 {
			t.Fatalf("%s: only %d strings found in the catalogue", c.lang, len(all))
		}
		for _, s := range all {
			if c.bad.MatchString(s) {
				t.Errorf("%s: %q does not use the catalogue's word for the re-evaluation", c.lang, s)
			}
		}
	}
}
