package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// The shipped template file says what the programme's default says.
func TestBuiltInTemplateIsTheProgrammeDefault(t *testing.T) {
	got, err := LoadTemplate("")
	if err != nil {
		t.Fatal(err)
	}
	want := domain.DefaultRegimeTemplate()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("built-in template\n got %+v\nwant %+v", got, want)
	}
}

func TestClinicTemplateFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.yaml")
	src := `name: Opstart kort
startup_days: 7
reevaluation_days: 60
review_days: 0
questionnaires:
  - " http://example.org/Questionnaire/hf|2 "
measurements:
  - kind: weight
    frequency: weekdays
    days: [mon, wed, fri]
    by: "09:30"
thresholds:
  bp:
    red_high: 180
    yellow_high: 160
    diastolic:
      red_high: 110
`
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	tm, err := LoadTemplate(path)
	if err != nil {
		t.Fatal(err)
	}
	if tm.StartUpDays != 7 || len(tm.Schedules) != 1 || tm.Schedules[0].Freq.Kind != domain.OnWeekdays ||
		len(tm.Schedules[0].Freq.Weekdays) != 3 || tm.Schedules[0].Deadline.String() != "9h30m0s" {
		t.Errorf("template %+v", tm)
	}
	if bp := tm.Thresholds[domain.KindBloodPressure]; bp.Primary.RedHigh.V != 180 || bp.Secondary.RedHigh.V != 110 {
		t.Errorf("bp %+v", bp)
	}
	// The patient's regime names the questionnaire from the start.
	if r := tm.Regime(domain.Enrolment{ReferenceWeight: 80}, tmStart, nil); !reflect.DeepEqual(r.Questionnaires, []string{"http://example.org/Questionnaire/hf|2"}) {
		t.Errorf("the regime names questionnaires %q", r.Questionnaires)
	}
	for name, bad := range map[string]string{
		"unknown key":    "name: x\nstartup: 3\n",
		"unknown kind":   strings.Replace(src, "kind: weight", "kind: mood", 1),
		"bad frequency":  strings.Replace(src, "frequency: weekdays", "frequency: hourly", 1),
		"bad time":       strings.Replace(src, `by: "09:30"`, `by: "9.30"`, 1),
		"limits reverse": strings.Replace(src, "yellow_high: 160", "yellow_high: 190", 1),
		"empty":          "",
		"questionnaire":  strings.Replace(src, `" http://example.org/Questionnaire/hf|2 "`, `"hf spørgeskema"`, 1),
	} {
		if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadTemplate(path); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: want an error naming the file, got %v", name, err)
		}
	}
}

var tmStart = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
