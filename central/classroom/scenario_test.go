package classroom

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/demo"
)

func TestShippedScenariosLoad(t *testing.T) {
	names := Shipped()
	if len(names) < 3 {
		t.Fatalf("shipped scenarios %v, want at least 3", names)
	}
	for _, n := range names {
		s, err := LoadShipped(n)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		for i, p := range s.Patients {
			cpr := p.CPR(i)
			if cpr[0] < '6' {
				t.Errorf("%s %s: CPR %s is not in the day+60 form", n, p.Key, cpr)
			}
			b, err := demo.CPRBirthDate(cpr)
			if err != nil || !b.Equal(p.Birth()) {
				t.Errorf("%s %s: CPR %s decodes to %v (%v), want %v", n, p.Key, cpr, b, err, p.Birth())
			}
		}
	}
}

// The CPR numbers depend on the scenario only: loading it again (on any
// day) gives the same.
func TestCPRStable(t *testing.T) {
	a, _ := LoadShipped("forste-dag")
	b, _ := LoadShipped("forste-dag")
	for i := range a.Patients {
		if a.Patients[i].CPR(i) != b.Patients[i].CPR(i) {
			t.Fatal("CPR changed between loads")
		}
	}
	if got := a.Patients[0].CPR(0); got != "7704490001" {
		t.Errorf("Bent Olsen's CPR %s, want 7704490001 (born 1949-04-17, man)", got)
	}
}

const good = `name: t
title: T
team: {name: Team}
patients:
  - key: a
    name: A A
    born: 1950-01-02
    sex: K
    weight: 70
    measure: [weight]
events:
  - {id: e, at: +10m, patient: a, reading: {weight: 75}}
cases:
  - id: c
    title: C
    instruction: Do it
    check: {patient: a, acknowledged: true}
`

func TestParseErrorsNameTheLine(t *testing.T) {
	if _, err := Parse([]byte(good), "good.yaml"); err != nil {
		t.Fatalf("valid scenario: %v", err)
	}
	cases := []struct {
		name, from, to string
		line           int
		want           string
	}{
		{"yaml syntax", "title: T", "title: T: x", 2, "not allowed"},
		{"unknown key", "    sex: K", "    sex: K\n    colour: blue", 9, `unknown key "colour"`},
		{"wrong type", "    weight: 70", "    weight: heavy", 9, `"heavy" is not a number`},
		{"bad date", "1950-01-02", "1950-13-02", 5, "not a date"},
		{"bad sex", "sex: K", "sex: X", 5, "must be K or M"},
		{"unknown kind", "measure: [weight]", "measure: [weight, sugar]", 5, "sugar"},
		{"unknown patient in event", "patient: a, reading", "patient: b, reading", 12, `patient "b" is not in the scenario`},
		{"bad offset", "at: +10m", "at: soon", 12, "not an offset"},
		{"negative timed event", "at: +10m", "at: -10m", 12, "must not be negative"},
		{"two things in one event", "reading: {weight: 75}}", "reading: {weight: 75}, missed: weight}", 12, "exactly one of"},
		{"duplicate key", "    name: A A", "    name: A A\n    name: B", 7, "given twice"},
		{"case without check", "    check: {patient: a, acknowledged: true}\n", "", 14, "needs a check"},
		{"check asks nothing", "acknowledged: true}", "acknowledged: false}", 17, "asks for nothing"},
		{"thresholds out of order", "    measure: [weight]", "    measure: [weight]\n    thresholds:\n      weight: {red-high: 1, yellow-high: 2}", 12, "out of order"},
		{"missing name", "name: t\n", "", 1, "needs a name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(good, c.from, c.to, 1)
			if src == good {
				t.Fatalf("the test's replacement of %q changed nothing", c.from)
			}
			_, err := Parse([]byte(src), "s.yaml")
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("error %v is not a LineError", err)
			}
			if le.Line != c.line || !strings.Contains(le.Error(), c.want) || !strings.HasPrefix(le.Error(), "s.yaml:") {
				t.Errorf("error %q (line %d), want line %d containing %q", le.Error(), le.Line, c.line, c.want)
			}
		})
	}
}

func TestSessionStart(t *testing.T) {
	s, _ := Parse([]byte(good), "g")
	loc, _ := time.LoadLocation("Europe/Copenhagen")
	got := s.SessionStart(time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC), loc)
	if want := time.Date(2026, 3, 10, 9, 0, 0, 0, loc); !got.Equal(want) {
		t.Errorf("session start %v, want %v", got, want)
	}
}
