package domain_test

import (
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

func TestTrendColor(t *testing.T) {
	d := func(day, hh int) time.Time { return time.Date(2026, 3, day, hh, 0, 0, 0, time.UTC) }
	w := func(id string, day int, kg float64) domain.Reading {
		return domain.Reading{Measurement: domain.Measurement{ID: id, Kind: domain.KindWeight, Value: kg, Taken: d(day, 8)}}
	}
	rule := domain.TrendRule{GainKg: 2, Days: 3, Color: domain.Yellow}
	implausible := w("bad", 3, 10)
	implausible.Classification.Implausible = "scale error"
	pulse := domain.Reading{Measurement: domain.Measurement{ID: "p", Kind: domain.KindPulse, Value: 50, Taken: d(3, 8)}}
	tests := []struct {
		name     string
		readings []domain.Reading
		rule     domain.TrendRule
		at       time.Time
		want     domain.Color
	}{
		{"no readings", nil, rule, d(10, 0), domain.Unclassified},
		{"one reading", []domain.Reading{w("a", 5, 80)}, rule, d(10, 0), domain.Unclassified},
		{"gain of exactly 2 kg in 3 days", []domain.Reading{w("a", 2, 80.1), w("b", 5, 82.1)}, rule, d(6, 0), domain.Yellow},
		{"gain of 1.9 kg", []domain.Reading{w("a", 2, 80.2), w("b", 5, 82.1)}, rule, d(6, 0), domain.Green},
		{"lowest in window counts, not the first", []domain.Reading{w("a", 2, 81), w("b", 3, 79.5), w("c", 4, 80), w("d", 5, 81.6)}, rule, d(6, 0), domain.Yellow},
		{"low reading outside window ignored", []domain.Reading{w("a", 1, 78), w("b", 3, 80.5), w("c", 5, 82)}, rule, d(6, 0), domain.Green},
		{"window start is inclusive", []domain.Reading{w("a", 2, 80), w("b", 5, 82)}, rule, d(5, 8), domain.Yellow},
		{"readings after 'at' are ignored", []domain.Reading{w("a", 2, 80), w("b", 4, 80.5), w("c", 5, 90)}, rule, d(4, 12), domain.Green},
		{"weight loss is green", []domain.Reading{w("a", 3, 84), w("b", 5, 80)}, rule, d(6, 0), domain.Green},
		{"implausible low reading ignored", []domain.Reading{w("a", 2, 81), implausible, w("c", 5, 82)}, rule, d(6, 0), domain.Green},
		{"implausible value ignored", []domain.Reading{w("a", 2, 81), w("zero", 3, 0), w("c", 5, 82)}, rule, d(6, 0), domain.Green},
		{"implausible latest: latest plausible used", []domain.Reading{w("a", 2, 80), w("b", 4, 82.5), w("z", 5, 400)}, rule, d(6, 0), domain.Yellow},
		{"other kinds ignored", []domain.Reading{pulse, w("c", 5, 82)}, rule, d(6, 0), domain.Unclassified},
		{"red rule", []domain.Reading{w("a", 4, 80), w("b", 5, 83)}, domain.TrendRule{GainKg: 3, Days: 1, Color: domain.Red}, d(6, 0), domain.Red},
		{"invalid rule: no gain", []domain.Reading{w("a", 4, 80), w("b", 5, 83)}, domain.TrendRule{Days: 2, Color: domain.Red}, d(6, 0), domain.Unclassified},
		{"invalid rule: no days", []domain.Reading{w("a", 4, 80), w("b", 5, 83)}, domain.TrendRule{GainKg: 1, Color: domain.Red}, d(6, 0), domain.Unclassified},
	}
	for _, tt := range tests {
		if got := domain.TrendColor(tt.readings, tt.rule, tt.at); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
