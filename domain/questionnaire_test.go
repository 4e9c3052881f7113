package domain

import (
	"reflect"
	"testing"
)

func symptomDef(version string, answers ...string) Questionnaire {
	q := Questionnaire{ID: "pro-" + version, URL: "http://example.org/Questionnaire/pro", Version: version, Status: "active"}
	qu := Question{LinkID: "q1", Text: "Er du forpustet?"}
	for i, a := range answers {
		qu.Options = append(qu.Options, AnswerOption{Text: a, Severity: []Color{Green, Yellow, Red}[i%3]})
	}
	q.Questions = []Question{qu, {LinkID: "q2", Text: "Træt?", Options: []AnswerOption{{Code: "no", Text: "Nej"}, {Code: "yes", Text: "Ja"}}}}
	return q
}

// The form's answers: every option of the definition in its order, also
// those nobody has given, then rules and answers given that the
// definition does not offer; each answer once, whatever its case or
// spacing; the regime's rule as Severity, the questionnaire's own as
// Default.
func TestProOptions(t *testing.T) {
	def := symptomDef("1", "Nej", "Ja, ved anstrengelse", "Ja, i hvile")
	rules := []ProRule{
		{Question: "er du forpustet? ", Answer: "ja, i hvile", Severity: Yellow},
		{Question: "Svimmel?", Answer: "Ja", Severity: Red}, // an old rule, no longer in the definition
	}
	given := []ProResponse{{Answers: []ProAnswer{
		{Question: "Er du forpustet?", Answer: "Nej", Severity: Green},
		{Question: "Træt?", Answer: "Lidt", Severity: Yellow}, // not an option (an older version)
		{Question: "", Answer: "x"},
	}}}
	got := ProOptions([]Questionnaire{def}, rules, given)
	want := []ProOption{
		{Question: "Er du forpustet?", Answer: "Nej", Default: Green},
		{Question: "Er du forpustet?", Answer: "Ja, ved anstrengelse", Default: Yellow},
		{Question: "Er du forpustet?", Answer: "Ja, i hvile", Severity: Yellow, Default: Red},
		{Question: "Træt?", Answer: "Nej"},
		{Question: "Træt?", Answer: "Ja"},
		{Question: "Træt?", Answer: "Lidt"},
		{Question: "Svimmel?", Answer: "Ja", Severity: Red},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ProOptions =\n%+v\nwant\n%+v", got, want)
	}
	// Without a definition: the rules and the answers given, as before.
	got = ProOptions(nil, rules[:1], given)
	want = []ProOption{
		{Question: "er du forpustet? ", Answer: "ja, i hvile", Severity: Yellow},
		{Question: "Er du forpustet?", Answer: "Nej"},
		{Question: "Træt?", Answer: "Lidt"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ProOptions without a definition =\n%+v\nwant\n%+v", got, want)
	}
}

func TestResolveQuestionnaires(t *testing.T) {
	v1, v2 := symptomDef("1", "Nej"), symptomDef("2", "Nej", "Ja")
	other := Questionnaire{ID: "kol", URL: "http://example.org/Questionnaire/kol", Status: "active"}
	defs := []Questionnaire{v1, v2, other}
	for _, tc := range []struct {
		name    string
		refs    []string
		found   []Questionnaire
		missing []string
	}{
		{"version named", []string{v1.URL + "|1"}, []Questionnaire{v1}, nil},
		{"no version: the last", []string{v1.URL}, []Questionnaire{v2}, nil},
		{"each once, in the order named", []string{v2.URL + "|2", other.URL, v1.URL, " " + v2.URL + "|2 "}, []Questionnaire{v2, other}, nil},
		{"unknown version", []string{v1.URL + "|3", v1.URL + "|3"}, nil, []string{v1.URL + "|3"}},
		{"unknown url", []string{"http://example.org/Questionnaire/x", ""}, nil, []string{"http://example.org/Questionnaire/x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			found, missing := ResolveQuestionnaires(tc.refs, defs)
			if !reflect.DeepEqual(found, tc.found) || !reflect.DeepEqual(missing, tc.missing) {
				t.Errorf("ResolveQuestionnaires(%q) = %v, %q; want %v, %q", tc.refs, found, missing, tc.found, tc.missing)
			}
		})
	}
	if u, v := SplitCanonical("http://x/Q|2#frag"); u != "http://x/Q" || v != "2" {
		t.Errorf("SplitCanonical = %q, %q", u, v)
	}
}
