package domain

import "time"

// TrendColor applies a weight-trend rule at time at: it takes the latest
// plausible weight reading taken at or before at and the lowest plausible
// weight taken in the rule.Days calendar days before it (from the same clock
// time Days days earlier, up to but not including the latest reading). A gain
// of at least rule.GainKg gives rule.Color, a smaller one Green. With no
// earlier weight in the window, or an invalid rule, the trend is
// Unclassified. Readings of other kinds are ignored; a reading is
// implausible if its stored classification or Implausible says so. The
// comparison is made on values rounded to 1e-6 kg, so that e.g. 80.1 → 82.1
// counts as a gain of exactly 2 kg despite binary floating point.
func TrendColor(weights []Reading, rule TrendRule, at time.Time) Color {
	if !(rule.GainKg > 0) || rule.Days < 1 {
		return Unclassified
	}
	plausible := func(r Reading) bool {
		return r.Kind == KindWeight && r.Classification.Implausible == "" && Implausible(r.Measurement) == ""
	}
	latest := -1
	for i, r := range weights {
		if !plausible(r) || r.Taken.After(at) {
			continue
		}
		if latest < 0 || r.Taken.After(weights[latest].Taken) {
			latest = i
		}
	}
	if latest < 0 {
		return Unclassified
	}
	last := weights[latest]
	since := last.Taken.AddDate(0, 0, -rule.Days)
	lowest, found := 0.0, false
	for i, r := range weights {
		if i == latest || !plausible(r) || r.Taken.Before(since) || !r.Taken.Before(last.Taken) {
			continue
		}
		if !found || r.Value < lowest {
			lowest, found = r.Value, true
		}
	}
	if !found {
		return Unclassified
	}
	if roundMicro(last.Value-lowest) >= roundMicro(rule.GainKg) {
		return rule.Color
	}
	return Green
}
