package domain_test

import (
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

func TestArriveWithTrend(t *testing.T) {
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	withRule := domain.Regime{ID: "cp", Version: "1", EffectiveFrom: start.AddDate(0, 0, -30),
		Thresholds: domain.DefaultThresholds(80),
		TrendRule:  &domain.TrendRule{GainKg: 2, Days: 3, Color: domain.Yellow}}
	noRule := withRule
	noRule.TrendRule = nil
	redRule := withRule
	redRule.TrendRule = &domain.TrendRule{GainKg: 2, Days: 3, Color: domain.Red}

	weight := func(id string, day int, v float64) domain.Measurement {
		return domain.Measurement{ID: id, PatientID: "p", Kind: domain.KindWeight, Taken: start.AddDate(0, 0, day), Value: v}
	}
	history := func(versions []domain.Regime, ms ...domain.Measurement) []domain.Reading {
		var out []domain.Reading
		for _, m := range ms {
			r, _ := domain.Arrive(m, versions)
			out = append(out, r)
		}
		return out
	}
	base := []domain.Measurement{weight("w0", 0, 79.0), weight("w1", 1, 79.5), weight("w2", 2, 80.2)}

	tests := []struct {
		name    string
		regime  domain.Regime
		earlier []domain.Measurement
		m       domain.Measurement
		want    domain.Color
	}{
		// 81.0 is green by the thresholds (ref 80, yellow at +2), but 2.0 kg
		// above the lowest weight of the last three days.
		{"gain meets rule within thresholds", withRule, base, weight("w3", 3, 81.0), domain.Yellow},
		{"gain just under rule", withRule, base, weight("w3", 3, 80.99), domain.Green},
		{"no rule: thresholds only", noRule, base, weight("w3", 3, 81.0), domain.Green},
		{"lowest weight outside the window", withRule, []domain.Measurement{weight("w0", -1, 79.0), weight("w2", 2, 80.2)}, weight("w3", 3, 81.0), domain.Green},
		{"red rule raises green to red", redRule, base, weight("w3", 3, 81.0), domain.Red},
		{"threshold red beats yellow trend", withRule, base, weight("w3", 3, 83.0), domain.Red},
		{"no earlier weights", withRule, nil, weight("w3", 3, 81.0), domain.Green},
		{"implausible stays uncoloured", withRule, base, weight("w3", 3, 0.4), domain.Unclassified},
		{"pulse is not a weight", withRule, base, domain.Measurement{ID: "p1", PatientID: "p", Kind: domain.KindPulse, Taken: start.AddDate(0, 0, 3), Value: 70}, domain.Green},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			versions := []domain.Regime{tt.regime}
			r, task := domain.ArriveWithTrend(tt.m, versions, history(versions, tt.earlier...))
			if r.Color != tt.want || task.Color != tt.want {
				t.Errorf("reading %v, task %v; want %v", r.Color, task.Color, tt.want)
			}
		})
	}
}

func TestArriveWithTrendKeepsEarlierSlice(t *testing.T) {
	reg := domain.Regime{Thresholds: domain.DefaultThresholds(80), TrendRule: &domain.TrendRule{GainKg: 2, Days: 3, Color: domain.Yellow}}
	earlier := make([]domain.Reading, 1, 4)
	earlier[0], _ = domain.Arrive(domain.Measurement{ID: "a", Kind: domain.KindWeight, Taken: time.Unix(0, 0), Value: 79}, []domain.Regime{reg})
	domain.ArriveWithTrend(domain.Measurement{ID: "b", Kind: domain.KindWeight, Taken: time.Unix(86400, 0), Value: 81}, []domain.Regime{reg}, earlier)
	if got := earlier[:2][1].ID; got != "" {
		t.Errorf("ArriveWithTrend wrote into the caller's backing array: %q", got)
	}
}
