package domain_test

import (
	"math"
	"testing"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// FuzzClassify: classification never panics, an implausible reading is never
// coloured, a plausible classifiable one always is, and BP without
// thresholds is never green.
func FuzzClassify(f *testing.F) {
	for _, s := range []struct {
		kind   uint8
		v, v2  float64
		ref    float64
		withBP bool
		yl, yh float64
	}{
		{0, 80, 0, 80, false, 0, 0},
		{1, 45, 0, 80, false, 0, 0},
		{2, 120, 80, 80, true, 90, 140},
		{2, 80, 120, 80, true, 90, 140},
		{2, 120, math.NaN(), 80, true, 90, 140},
		{0, math.NaN(), 0, 80, false, 0, 0},
		{0, 82, 0, math.NaN(), false, 0, 0},
		{1, math.Inf(1), 0, 80, false, 0, 0},
		{4, 101, 0, 80, false, 0, 0},
		{5, 1, 1, 0, false, 0, 0},
	} {
		f.Add(s.kind, s.v, s.v2, s.ref, s.withBP, s.yl, s.yh)
	}
	kinds := append(domain.Kinds(), "unknown")
	f.Fuzz(func(t *testing.T, kind uint8, v, v2, ref float64, withBP bool, yl, yh float64) {
		m := domain.Measurement{Kind: kinds[int(kind)%len(kinds)], Value: v, Value2: v2}
		th := domain.DefaultThresholds(ref)
		if withBP {
			th.ByKind[domain.KindBloodPressure] = domain.KindThresholds{
				Primary:   domain.Limits{YellowLow: domain.L(yl), YellowHigh: domain.L(yh)},
				Secondary: domain.Limits{YellowLow: domain.L(yl / 2), YellowHigh: domain.L(yh / 2)},
			}
		}
		c := domain.Classify(m, th)
		reason := domain.Implausible(m)
		if c.Implausible != reason {
			t.Fatalf("Classify implausible %q, Implausible %q", c.Implausible, reason)
		}
		if reason != "" && c.Color != domain.Unclassified {
			t.Fatalf("implausible %s %v/%v (%s) coloured %v", m.Kind, v, v2, reason, c.Color)
		}
		notFinite := func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }
		if c.Color != domain.Unclassified && (notFinite(v) || (m.Kind == domain.KindBloodPressure && notFinite(v2))) {
			t.Fatalf("non-finite %s %v/%v coloured %v", m.Kind, v, v2, c.Color)
		}
		if m.Kind == domain.KindBloodPressure && !withBP && c.Color != domain.Unclassified {
			t.Fatalf("BP without thresholds coloured %v", c.Color)
		}
		if reason == "" && m.Kind == domain.KindPulse && c.Color == domain.Unclassified {
			t.Fatalf("plausible pulse %v unclassified", v)
		}
		if reason == "" && m.Kind == domain.KindWeight && ref > 0 && ref <= domain.MaxWeightKg && c.Color == domain.Unclassified {
			t.Fatalf("plausible weight %v with reference %v unclassified", v, ref)
		}
		// Stored snapshots classify the same way.
		if again := domain.ClassifyAbsolute(m, c.Limits); c.Limits != (domain.KindThresholds{}) && again.Color != c.Color {
			t.Fatalf("snapshot classifies %v, live %v", again.Color, c.Color)
		}
	})
}
