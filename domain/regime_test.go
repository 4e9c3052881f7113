package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

func validRegime() domain.Regime {
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	return domain.Regime{
		ID: "cp1", Version: "1", PatientID: "p1",
		EffectiveFrom: start, Start: start, End: start.AddDate(0, 3, 0),
		Phase: domain.PhaseStartUp,
		Schedules: []domain.Schedule{
			{Kind: domain.KindWeight, Freq: domain.Frequency{Kind: domain.Daily}, Deadline: 12 * time.Hour},
			{Kind: domain.KindPulse, Freq: domain.Frequency{Kind: domain.TimesPerWeek, N: 3}, Deadline: 20 * time.Hour},
			{Kind: domain.KindBloodPressure, Freq: domain.Frequency{Kind: domain.OnWeekdays, Weekdays: []time.Weekday{time.Monday, time.Thursday}}, Deadline: 10 * time.Hour},
			{Kind: domain.KindSteps, Freq: domain.Frequency{Kind: domain.Weekly}, Deadline: 24 * time.Hour},
		},
		Thresholds: domain.DefaultThresholds(80),
		TrendRule:  &domain.TrendRule{GainKg: 2, Days: 3, Color: domain.Yellow},
	}
}

func TestRegimeValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*domain.Regime)
		want   string // "" = valid, else a substring of the error
	}{
		{"valid", func(*domain.Regime) {}, ""},
		{"open-ended", func(r *domain.Regime) { r.End = time.Time{} }, ""},
		{"no schedules", func(r *domain.Regime) { r.Schedules = nil }, ""},
		{"no trend rule", func(r *domain.Regime) { r.TrendRule = nil }, ""},
		{"end equals start", func(r *domain.Regime) { r.End = r.Start }, "end"},
		{"end before start", func(r *domain.Regime) { r.End = r.Start.AddDate(0, 0, -1) }, "end"},
		{"bad thresholds", func(r *domain.Regime) { r.Thresholds.ReferenceWeight = 0 }, "thresholds"},
		{"unknown kind", func(r *domain.Regime) { r.Schedules[0].Kind = "glucose" }, "glucose"},
		{"deadline zero", func(r *domain.Regime) { r.Schedules[0].Deadline = 0 }, "deadline"},
		{"deadline negative", func(r *domain.Regime) { r.Schedules[0].Deadline = -time.Hour }, "deadline"},
		{"deadline 24h allowed", func(r *domain.Regime) { r.Schedules[0].Deadline = 24 * time.Hour }, ""},
		{"deadline beyond a day", func(r *domain.Regime) { r.Schedules[0].Deadline = 24*time.Hour + time.Minute }, "deadline"},
		{"times per week 0", func(r *domain.Regime) { r.Schedules[1].Freq.N = 0 }, "times a week"},
		{"times per week 8", func(r *domain.Regime) { r.Schedules[1].Freq.N = 8 }, "times a week"},
		{"times per week 7", func(r *domain.Regime) { r.Schedules[1].Freq.N = 7 }, ""},
		{"weekdays empty", func(r *domain.Regime) { r.Schedules[2].Freq.Weekdays = nil }, "weekday"},
		{"weekday out of range", func(r *domain.Regime) { r.Schedules[2].Freq.Weekdays = []time.Weekday{7} }, "weekday"},
		{"weekly weekday out of range", func(r *domain.Regime) { r.Schedules[3].Freq.Weekdays = []time.Weekday{-1} }, "weekday"},
		{"unknown frequency", func(r *domain.Regime) { r.Schedules[0].Freq.Kind = "hourly" }, "hourly"},
		{"trend gain zero", func(r *domain.Regime) { r.TrendRule.GainKg = 0 }, "trend"},
		{"trend days zero", func(r *domain.Regime) { r.TrendRule.Days = 0 }, "trend"},
	}
	for _, tt := range tests {
		r := validRegime()
		tt.change(&r)
		err := r.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: Validate() = %v, want nil", tt.name, err)
		case tt.want != "" && err == nil:
			t.Errorf("%s: Validate() = nil, want an error about %q", tt.name, tt.want)
		case tt.want != "" && !strings.Contains(err.Error(), tt.want):
			t.Errorf("%s: Validate() = %q, want it to mention %q", tt.name, err, tt.want)
		}
	}
}

func TestPeriodContains(t *testing.T) {
	from := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	p := domain.Period{From: from, To: from.AddDate(0, 0, 2)}
	for _, tt := range []struct {
		t    time.Time
		want bool
	}{
		{from.Add(-1), false}, {from, true}, {from.AddDate(0, 0, 2).Add(-1), true}, {from.AddDate(0, 0, 2), false},
	} {
		if got := p.Contains(tt.t); got != tt.want {
			t.Errorf("Contains(%s) = %v", tt.t, got)
		}
	}
	if !(domain.Period{From: from}).Contains(from.AddDate(10, 0, 0)) {
		t.Error("open-ended period does not contain a later time")
	}
}

func TestSlotStateString(t *testing.T) {
	want := map[domain.SlotState]string{domain.SlotPending: "pending", domain.SlotOnTime: "on-time", domain.SlotLate: "late", domain.SlotMissing: "missing", domain.SlotPaused: "paused", 9: "unknown", -1: "unknown"}
	for s, w := range want {
		if got := s.String(); got != w {
			t.Errorf("SlotState(%d).String() = %q, want %q", int(s), got, w)
		}
	}
}
