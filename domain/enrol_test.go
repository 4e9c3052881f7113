package domain

import (
	"testing"
	"time"
)

func validEnrolment() Enrolment {
	return Enrolment{
		ID: "e1", CPR: "010180-1234", Name: "Inge Test", Contact: "12 34 56 78",
		Team: Team{ID: "team-1", Name: "Hjertesvigt"}, Physician: "Dr. Hansen", ReferenceWeight: 82.5,
		Inclusion:   Inclusion{ReducedEF: true, Titration: true, AbleOrHelped: true, Consent: true},
		ConsentDate: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), By: "nurse-a",
	}
}

func TestEnrolmentValidate(t *testing.T) {
	today := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	if _, err := validEnrolment().Validate(today); err != nil {
		t.Fatalf("valid enrolment refused: %v", err)
	}
	cases := []struct {
		name  string
		edit  func(*Enrolment)
		field string
		code  string
	}{
		{"no consent is refused", func(e *Enrolment) { e.Inclusion.Consent = false }, "consent", CodeConsent},
		{"EF above 40 is not included", func(e *Enrolment) { e.Inclusion.ReducedEF = false }, "ef", CodeRequired},
		{"not on titration", func(e *Enrolment) { e.Inclusion.Titration = false }, "titration", CodeRequired},
		{"cannot use the devices", func(e *Enrolment) { e.Inclusion.AbleOrHelped = false }, "able", CodeRequired},
		{"bad CPR date", func(e *Enrolment) { e.CPR = "320180-1234" }, "cpr", CodeInvalid},
		{"no CPR", func(e *Enrolment) { e.CPR = "" }, "cpr", CodeRequired},
		{"no name", func(e *Enrolment) { e.Name = "  " }, "name", CodeRequired},
		{"no team", func(e *Enrolment) { e.Team = Team{} }, "team", CodeRequired},
		{"no physician", func(e *Enrolment) { e.Physician = "" }, "physician", CodeRequired},
		{"no reference weight", func(e *Enrolment) { e.ReferenceWeight = 0 }, "refweight", CodeRange},
		{"absurd reference weight", func(e *Enrolment) { e.ReferenceWeight = 900 }, "refweight", CodeRange},
		{"consent without a date", func(e *Enrolment) { e.ConsentDate = time.Time{} }, "consent-date", CodeRequired},
		{"consent in the future", func(e *Enrolment) { e.ConsentDate = today.AddDate(0, 0, 1) }, "consent-date", CodeInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := validEnrolment()
			c.edit(&e)
			_, err := e.Validate(today)
			p := AsProblems(err)
			fe, ok := p.ByField()[c.field]
			if !ok || fe.Code != c.code {
				t.Fatalf("want %s/%s, got %v", c.field, c.code, err)
			}
		})
	}
}

// A CPR number failing the modulus-11 check is accepted (numbers issued
// since 2007 need not pass it): the caller shows the flag as a warning.
func TestEnrolmentModulus11IsOnlyAWarning(t *testing.T) {
	today := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	e := validEnrolment()
	e.CPR = "0101801233"
	c1, err := e.Validate(today)
	if err != nil {
		t.Fatalf("refused: %v", err)
	}
	e.CPR = "0101801234"
	c2, _ := e.Validate(today)
	if c1.Modulus11 == c2.Modulus11 {
		t.Fatalf("the two numbers should differ in the modulus-11 check: %v %v", c1.Modulus11, c2.Modulus11)
	}
}

func TestDefaultTemplateRegime(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatal(err)
	}
	tmpl := DefaultRegimeTemplate()
	if err := tmpl.Validate(); err != nil {
		t.Fatal(err)
	}
	// Enrolled on 20 March 2025 at 09:30, before the switch to summer time
	// on 30 March: the start-up ends 3 April at 09:30 local time.
	start := time.Date(2025, 3, 20, 9, 30, 0, 0, loc)
	r := tmpl.Regime(validEnrolment(), start, loc)
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := r.StartUpEnd.In(loc); got.Format("2006-01-02 15:04") != "2025-04-03 09:30" {
		t.Errorf("start-up end %s, want 2025-04-03 09:30 local", got)
	}
	if got := r.Reevaluation.In(loc); got.Format("2006-01-02 15:04") != "2025-06-18 09:30" {
		t.Errorf("re-evaluation %s, want 2025-06-18 09:30 local", got)
	}
	if r.Phase != PhaseStartUp || r.ReviewDays != 7 || r.Physician != "Dr. Hansen" {
		t.Errorf("regime %+v", r)
	}
	if _, ok := r.Thresholds.ByKind[KindBloodPressure]; ok {
		t.Error("blood pressure must have no thresholds until set individually")
	}
	kinds := map[Kind]bool{}
	for _, s := range r.Schedules {
		kinds[s.Kind] = s.Freq.Kind == Daily && s.Deadline == 11*time.Hour
	}
	if !kinds[KindWeight] || !kinds[KindPulse] || !kinds[KindBloodPressure] {
		t.Errorf("want daily morning weight, pulse and BP: %+v", r.Schedules)
	}
	// Under the template thresholds pulse 101 is red, weight +2 yellow, BP
	// unclassified (never green).
	at := start.Add(24 * time.Hour)
	if c := Classify(Measurement{Kind: KindPulse, Value: 101, Taken: at}, r.Thresholds); c.Color != Red {
		t.Errorf("pulse 101: %v, want red", c.Color)
	}
	if c := Classify(Measurement{Kind: KindWeight, Value: 84.5, Taken: at}, r.Thresholds); c.Color != Yellow {
		t.Errorf("weight +2: %v, want yellow", c.Color)
	}
	if c := Classify(Measurement{Kind: KindBloodPressure, Value: 120, Value2: 80, Taken: at}, r.Thresholds); c.Color != Unclassified {
		t.Errorf("BP: %v, want unclassified", c.Color)
	}
}

func TestRegimeTemplateValidate(t *testing.T) {
	for name, edit := range map[string]func(*RegimeTemplate){
		"no name":                  func(t *RegimeTemplate) { t.Name = "" },
		"no schedules":             func(t *RegimeTemplate) { t.Schedules = nil },
		"start-up too long":        func(t *RegimeTemplate) { t.StartUpDays = 60 },
		"re-evaluation in startup": func(t *RegimeTemplate) { t.ReevaluationDays = 10 },
		"limits out of order": func(t *RegimeTemplate) {
			t.Thresholds = map[Kind]KindThresholds{KindPulse: {Primary: Limits{YellowHigh: L(100), RedHigh: L(90)}}}
		},
	} {
		tm := DefaultRegimeTemplate()
		edit(&tm)
		if tm.Validate() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
