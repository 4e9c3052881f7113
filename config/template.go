package config

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// KeyEnrolTemplate names the start-up regime template file used at
// enrolment; empty means the built-in one (DefaultTemplateYAML).
const KeyEnrolTemplate = "enrol.template"

// DefaultTemplateYAML is the built-in start-up regime template, shipped as
// data in the same format a clinic's own file uses.
//
//go:embed startup-template.yaml
var DefaultTemplateYAML []byte

// maxTemplateBytes bounds a template file.
const maxTemplateBytes = 64 << 10

type templateFile struct {
	Name             string                    `yaml:"name"`
	StartUpDays      int                       `yaml:"startup_days"`
	ReevaluationDays int                       `yaml:"reevaluation_days"`
	ReviewDays       int                       `yaml:"review_days"`
	Questionnaires   []string                  `yaml:"questionnaires"`
	Measurements     []templateMeasurement     `yaml:"measurements"`
	Thresholds       map[string]templateLimits `yaml:"thresholds"`
}

type templateMeasurement struct {
	Kind      string   `yaml:"kind"`
	Frequency string   `yaml:"frequency"`
	Days      []string `yaml:"days"`
	N         int      `yaml:"n"`
	By        string   `yaml:"by"`
}

type templateLimits struct {
	RedLow     *float64 `yaml:"red_low"`
	YellowLow  *float64 `yaml:"yellow_low"`
	YellowHigh *float64 `yaml:"yellow_high"`
	RedHigh    *float64 `yaml:"red_high"`
	// Systolic/diastolic limits for blood pressure.
	Diastolic *templateLimits `yaml:"diastolic"`
}

// LoadTemplate reads the start-up regime template at path; "" gives the
// built-in one. Unknown keys, unknown kinds and frequencies and limits out of
// order are errors naming the file.
func LoadTemplate(path string) (domain.RegimeTemplate, error) {
	if path == "" {
		t, err := ParseTemplate(DefaultTemplateYAML)
		if err != nil {
			return t, fmt.Errorf("built-in regime template: %w", err)
		}
		return t, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return domain.RegimeTemplate{}, fmt.Errorf("regime template: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxTemplateBytes+1))
	if err != nil {
		return domain.RegimeTemplate{}, fmt.Errorf("regime template %s: %w", path, err)
	}
	if len(b) > maxTemplateBytes {
		return domain.RegimeTemplate{}, fmt.Errorf("regime template %s: larger than %d bytes", path, maxTemplateBytes)
	}
	t, err := ParseTemplate(b)
	if err != nil {
		return t, fmt.Errorf("regime template %s: %w", path, err)
	}
	return t, nil
}

// ParseTemplate decodes and validates a template in YAML.
func ParseTemplate(b []byte) (domain.RegimeTemplate, error) {
	var tf templateFile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&tf); err != nil {
		if errors.Is(err, io.EOF) {
			return domain.RegimeTemplate{}, errors.New("the template is empty")
		}
		return domain.RegimeTemplate{}, err
	}
	t := domain.RegimeTemplate{Name: strings.TrimSpace(tf.Name), StartUpDays: tf.StartUpDays,
		ReevaluationDays: tf.ReevaluationDays, ReviewDays: tf.ReviewDays, Thresholds: map[domain.Kind]domain.KindThresholds{}}
	for _, q := range tf.Questionnaires {
		t.Questionnaires = append(t.Questionnaires, strings.TrimSpace(q))
	}
	for i, m := range tf.Measurements {
		s, err := m.schedule()
		if err != nil {
			return t, fmt.Errorf("measurements[%d]: %w", i, err)
		}
		t.Schedules = append(t.Schedules, s)
	}
	for name, l := range tf.Thresholds {
		k, err := domain.ParseKind(name)
		if err != nil {
			return t, fmt.Errorf("thresholds: %w", err)
		}
		kt := domain.KindThresholds{Primary: l.limits()}
		if l.Diastolic != nil {
			if k != domain.KindBloodPressure {
				return t, fmt.Errorf("thresholds: %s has no diastolic value", k)
			}
			kt.Secondary = l.Diastolic.limits()
		}
		t.Thresholds[k] = kt
	}
	if err := t.Validate(); err != nil {
		return t, err
	}
	return t, nil
}

func (l templateLimits) limits() domain.Limits {
	lim := func(p *float64) domain.Limit {
		if p == nil {
			return domain.Limit{}
		}
		return domain.L(*p)
	}
	return domain.Limits{RedLow: lim(l.RedLow), YellowLow: lim(l.YellowLow), YellowHigh: lim(l.YellowHigh), RedHigh: lim(l.RedHigh)}
}

var weekdays = map[string]time.Weekday{"mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday, "sun": time.Sunday}

func (m templateMeasurement) schedule() (domain.Schedule, error) {
	k, err := domain.ParseKind(m.Kind)
	if err != nil {
		return domain.Schedule{}, err
	}
	s := domain.Schedule{Kind: k, Deadline: 24 * time.Hour}
	if m.By != "" {
		by, err := time.Parse("15:04", m.By)
		if err != nil {
			return s, fmt.Errorf("%s: by %q is not a time of day HH:MM", k, m.By)
		}
		s.Deadline = time.Duration(by.Hour())*time.Hour + time.Duration(by.Minute())*time.Minute
		if s.Deadline == 0 {
			s.Deadline = 24 * time.Hour
		}
	}
	for _, d := range m.Days {
		wd, ok := weekdays[strings.ToLower(strings.TrimSpace(d))]
		if !ok {
			return s, fmt.Errorf("%s: %q is not a weekday (mon … sun)", k, d)
		}
		s.Freq.Weekdays = append(s.Freq.Weekdays, wd)
	}
	switch m.Frequency {
	case "daily":
		s.Freq.Kind = domain.Daily
	case "weekdays":
		s.Freq.Kind = domain.OnWeekdays
	case "weekly":
		s.Freq.Kind = domain.Weekly
	case "times-per-week":
		s.Freq.Kind, s.Freq.N = domain.TimesPerWeek, m.N
	default:
		return s, fmt.Errorf("%s: frequency %q is not daily, weekdays, weekly or times-per-week", k, m.Frequency)
	}
	return s, nil
}
