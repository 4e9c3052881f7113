package domain

import "testing"

// The regime's questionnaire rules set an answer's severity (question and
// answer matched ignoring case and space); answers without a rule keep
// the questionnaire's; the response's colour follows.
func TestClassifyPro(t *testing.T) {
	p := ProResponse{Answers: []ProAnswer{
		{Question: "Åndenød", Answer: "Ved let aktivitet", Severity: Yellow},
		{Question: "Træthed", Answer: "Ingen", Severity: Green},
	}}
	rules := []ProRule{{Question: " åndenød", Answer: "ved let aktivitet ", Severity: Red}}
	got := ClassifyPro(p, rules)
	if got.Answers[0].Severity != Red || got.Answers[1].Severity != Green || got.Color() != Red {
		t.Errorf("classified %+v", got)
	}
	if p.Answers[0].Severity != Yellow {
		t.Error("the response given was changed")
	}
	if c := ClassifyPro(p, nil).Color(); c != Yellow {
		t.Errorf("without rules %v", c)
	}
	if err := ValidateProRules(rules); err != nil {
		t.Error(err)
	}
	bad := []ProRule{{Question: "Åndenød", Answer: "", Severity: Red}, {Question: "a", Answer: "b", Severity: Unclassified},
		{Question: "x", Answer: "y", Severity: Red}, {Question: "X", Answer: "Y ", Severity: Green}}
	fields := AsProblems(ValidateProRules(bad)).ByField()
	for _, f := range []string{"pro.0", "pro.1", "pro.3"} {
		if fields[f] == nil {
			t.Errorf("no problem on %s: %v", f, fields)
		}
	}
	if fields["pro.2"] != nil {
		t.Errorf("a good rule refused: %v", fields["pro.2"])
	}
}
