package domain_test

import (
	"math"
	"strings"
	"testing"

	"github.com/telehjerte/telehjerte-tui/domain"
)

func TestColorStringRoundTrip(t *testing.T) {
	for _, c := range []domain.Color{domain.Unclassified, domain.Green, domain.Yellow, domain.Red} {
		got, err := domain.ParseColor(c.String())
		if err != nil || got != c {
			t.Errorf("ParseColor(%q) = %v, %v; want %v", c.String(), got, err, c)
		}
	}
	if _, err := domain.ParseColor("purple"); err == nil || !strings.Contains(err.Error(), "purple") {
		t.Errorf("ParseColor(purple) error = %v, want one naming the input", err)
	}
	if s := domain.Color(42).String(); s != "unclassified" {
		t.Errorf("Color(42).String() = %q", s)
	}
}

func TestWorse(t *testing.T) {
	U, G, Y, R := domain.Unclassified, domain.Green, domain.Yellow, domain.Red
	tests := []struct{ a, b, want domain.Color }{
		{U, U, U}, {U, G, G}, {G, U, G}, {G, Y, Y}, {Y, G, Y}, {Y, R, R}, {R, Y, R}, {R, U, R}, {U, R, R}, {G, G, G},
	}
	for _, tt := range tests {
		if got := domain.Worse(tt.a, tt.b); got != tt.want {
			t.Errorf("Worse(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestClassifyValuePartialLimits(t *testing.T) {
	L := domain.L
	tests := []struct {
		name string
		l    domain.Limits
		v    float64
		want domain.Color
	}{
		{"no limits", domain.Limits{}, 50, domain.Unclassified},
		{"red high only, below", domain.Limits{RedHigh: L(100)}, 99, domain.Green},
		{"red high only, at", domain.Limits{RedHigh: L(100)}, 100, domain.Red},
		{"yellow low only, at", domain.Limits{YellowLow: L(45)}, 45, domain.Yellow},
		{"yellow low only, above", domain.Limits{YellowLow: L(45)}, 45.01, domain.Green},
		{"red low equals yellow low: red wins", domain.Limits{RedLow: L(40), YellowLow: L(40)}, 40, domain.Red},
		{"yellow high equals red high: red wins", domain.Limits{YellowHigh: L(90), RedHigh: L(90)}, 90, domain.Red},
		{"negative limits", domain.Limits{RedLow: L(-3), RedHigh: L(3)}, -3, domain.Red},
	}
	for _, tt := range tests {
		if got := domain.ClassifyValue(tt.v, tt.l); got != tt.want {
			t.Errorf("%s: ClassifyValue(%g) = %v, want %v", tt.name, tt.v, got, tt.want)
		}
	}
}

func TestDefaultPulseBoundaries(t *testing.T) {
	th := domain.DefaultThresholds(80)
	tests := []struct {
		bpm  float64
		want domain.Color
	}{
		{39, domain.Red}, {40, domain.Red}, {41, domain.Yellow}, {44, domain.Yellow}, {45, domain.Yellow},
		{46, domain.Green}, {89, domain.Green}, {90, domain.Yellow}, {99, domain.Yellow},
		{100, domain.Red}, {101, domain.Red},
	}
	for _, tt := range tests {
		c := domain.Classify(domain.Measurement{Kind: domain.KindPulse, Value: tt.bpm}, th)
		if c.Color != tt.want || c.Implausible != "" {
			t.Errorf("pulse %g: %v (implausible %q), want %v", tt.bpm, c.Color, c.Implausible, tt.want)
		}
	}
}

// TestDefaultWeightBoundaries checks the relative weight limits for a range
// of reference weights in steps of 10 g. Readings are the decimal value the
// scale sends (the float nearest to it), so 81.9 + 2.0 must be yellow.
func TestDefaultWeightBoundaries(t *testing.T) {
	offsets := []struct {
		hundredths int
		want       domain.Color
	}{
		{-310, domain.Red}, {-300, domain.Red}, {-290, domain.Yellow}, {-200, domain.Yellow}, {-190, domain.Green},
		{190, domain.Green}, {200, domain.Yellow}, {290, domain.Yellow}, {300, domain.Red}, {310, domain.Red},
	}
	bad := 0
	for ref := 4000; ref <= 20000; ref++ { // 40.00 .. 200.00 kg
		th := domain.DefaultThresholds(float64(ref) / 100)
		for _, o := range offsets {
			v := float64(ref+o.hundredths) / 100
			c := domain.Classify(domain.Measurement{Kind: domain.KindWeight, Value: v}, th)
			if c.Color != o.want {
				if bad++; bad <= 10 {
					t.Errorf("reference %.2f, weight %.2f (%+.1f): %v, want %v", float64(ref)/100, v, float64(o.hundredths)/100, c.Color, o.want)
				}
			}
		}
	}
	if bad > 10 {
		t.Errorf("... %d failures in all", bad)
	}
}

func TestShiftedWeightLimitsAreExactDecimals(t *testing.T) {
	abs, ok := domain.DefaultThresholds(81.9).Absolute(domain.KindWeight)
	if !ok {
		t.Fatal("weight with reference 81.9 not classifiable")
	}
	p := abs.Primary
	if p.RedLow.V != 78.9 || p.YellowLow.V != 79.9 || p.YellowHigh.V != 83.9 || p.RedHigh.V != 84.9 {
		t.Errorf("absolute limits = %v/%v/%v/%v, want 78.9/79.9/83.9/84.9", p.RedLow, p.YellowLow, p.YellowHigh, p.RedHigh)
	}
}

func TestClassifyBloodPressure(t *testing.T) {
	L := domain.L
	th := domain.Thresholds{ByKind: map[domain.Kind]domain.KindThresholds{
		domain.KindBloodPressure: {
			Primary:   domain.Limits{RedLow: L(85), YellowLow: L(95), YellowHigh: L(140), RedHigh: L(160)},
			Secondary: domain.Limits{RedLow: L(40), YellowLow: L(50), YellowHigh: L(90), RedHigh: L(100)},
		},
	}}
	tests := []struct {
		sys, dia float64
		want     domain.Color
	}{
		{120, 70, domain.Green},
		{140, 70, domain.Yellow}, // systolic yellow
		{120, 90, domain.Yellow}, // diastolic yellow
		{165, 70, domain.Red},    // systolic red
		{120, 100, domain.Red},   // diastolic red
		{145, 100, domain.Red},   // yellow and red: the worse
		{90, 45, domain.Yellow},  // both yellow low
		{84, 39, domain.Red},     // both red low
	}
	for _, tt := range tests {
		c := domain.Classify(domain.Measurement{Kind: domain.KindBloodPressure, Value: tt.sys, Value2: tt.dia}, th)
		if c.Color != tt.want {
			t.Errorf("BP %g/%g: %v, want %v", tt.sys, tt.dia, c.Color, tt.want)
		}
		if c.Limits.Primary.RedHigh.V != 160 || c.Limits.Secondary.RedHigh.V != 100 {
			t.Errorf("BP %g/%g: limits snapshot %+v not kept", tt.sys, tt.dia, c.Limits)
		}
	}
}

func TestClassifyUnclassified(t *testing.T) {
	L := domain.L
	tests := []struct {
		name string
		m    domain.Measurement
		th   domain.Thresholds
	}{
		{"BP with default thresholds (none for BP)", domain.Measurement{Kind: domain.KindBloodPressure, Value: 120, Value2: 80}, domain.DefaultThresholds(80)},
		{"BP with empty entry", domain.Measurement{Kind: domain.KindBloodPressure, Value: 120, Value2: 80},
			domain.Thresholds{ByKind: map[domain.Kind]domain.KindThresholds{domain.KindBloodPressure: {}}}},
		{"weight without reference weight", domain.Measurement{Kind: domain.KindWeight, Value: 80}, domain.DefaultThresholds(0)},
		{"weight with NaN reference weight", domain.Measurement{Kind: domain.KindWeight, Value: 80}, domain.DefaultThresholds(math.NaN())},
		{"weight with implausible reference weight", domain.Measurement{Kind: domain.KindWeight, Value: 80}, domain.DefaultThresholds(400)},
		{"steps (no thresholds)", domain.Measurement{Kind: domain.KindSteps, Value: 4000}, domain.DefaultThresholds(80)},
		{"SpO2 (no thresholds)", domain.Measurement{Kind: domain.KindSpO2, Value: 95}, domain.DefaultThresholds(80)},
		{"nil map", domain.Measurement{Kind: domain.KindPulse, Value: 70}, domain.Thresholds{}},
		{"pulse limits on Secondary only", domain.Measurement{Kind: domain.KindPulse, Value: 70},
			domain.Thresholds{ByKind: map[domain.Kind]domain.KindThresholds{domain.KindPulse: {Secondary: domain.Limits{RedHigh: L(100)}}}}},
	}
	for _, tt := range tests {
		c := domain.Classify(tt.m, tt.th)
		if c.Color != domain.Unclassified || c.Implausible != "" {
			t.Errorf("%s: got %v (implausible %q), want unclassified and plausible", tt.name, c.Color, c.Implausible)
		}
	}
}

func TestImplausible(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		m    domain.Measurement
		want bool
	}{
		{domain.Measurement{Kind: domain.KindWeight, Value: 0}, true},
		{domain.Measurement{Kind: domain.KindWeight, Value: -1}, true},
		{domain.Measurement{Kind: domain.KindWeight, Value: 0.4}, true},
		{domain.Measurement{Kind: domain.KindWeight, Value: 19.99}, true},
		{domain.Measurement{Kind: domain.KindWeight, Value: 20}, false},
		{domain.Measurement{Kind: domain.KindWeight, Value: 350}, false},
		{domain.Measurement{Kind: domain.KindWeight, Value: 350.01}, true},
		{domain.Measurement{Kind: domain.KindWeight, Value: nan}, true},
		{domain.Measurement{Kind: domain.KindWeight, Value: inf}, true},
		{domain.Measurement{Kind: domain.KindWeight, Value: -inf}, true},
		{domain.Measurement{Kind: domain.KindPulse, Value: 0}, true},
		{domain.Measurement{Kind: domain.KindPulse, Value: 1}, false},
		{domain.Measurement{Kind: domain.KindPulse, Value: 300}, false},
		{domain.Measurement{Kind: domain.KindPulse, Value: 301}, true},
		{domain.Measurement{Kind: domain.KindPulse, Value: nan}, true},
		{domain.Measurement{Kind: domain.KindBloodPressure, Value: 120, Value2: 80}, false},
		{domain.Measurement{Kind: domain.KindBloodPressure, Value: 80, Value2: 80}, true},
		{domain.Measurement{Kind: domain.KindBloodPressure, Value: 70, Value2: 80}, true},
		{domain.Measurement{Kind: domain.KindBloodPressure, Value: 120, Value2: 0}, true},
		{domain.Measurement{Kind: domain.KindBloodPressure, Value: 0, Value2: -5}, true},
		{domain.Measurement{Kind: domain.KindBloodPressure, Value: 301, Value2: 80}, true},
		{domain.Measurement{Kind: domain.KindBloodPressure, Value: 300, Value2: 250}, false},
		{domain.Measurement{Kind: domain.KindBloodPressure, Value: 300, Value2: 251}, true},
		{domain.Measurement{Kind: domain.KindBloodPressure, Value: 120, Value2: nan}, true},
		{domain.Measurement{Kind: domain.KindBloodPressure, Value: nan, Value2: 80}, true},
		{domain.Measurement{Kind: domain.KindSteps, Value: 0}, false},
		{domain.Measurement{Kind: domain.KindSteps, Value: -1}, true},
		{domain.Measurement{Kind: domain.KindSteps, Value: 100000}, false},
		{domain.Measurement{Kind: domain.KindSteps, Value: 100001}, true},
		{domain.Measurement{Kind: domain.KindSteps, Value: nan}, true},
		{domain.Measurement{Kind: domain.KindSpO2, Value: 100}, false},
		{domain.Measurement{Kind: domain.KindSpO2, Value: 100.5}, true},
		{domain.Measurement{Kind: domain.KindSpO2, Value: 0}, true},
		{domain.Measurement{Kind: domain.KindSpO2, Value: 88}, false},
		{domain.Measurement{Kind: "glucose", Value: 5}, true},
		{domain.Measurement{}, true},
	}
	for _, tt := range tests {
		if got := domain.Implausible(tt.m) != ""; got != tt.want {
			t.Errorf("Implausible(%s %g/%g) = %q, want implausible=%v", tt.m.Kind, tt.m.Value, tt.m.Value2, domain.Implausible(tt.m), tt.want)
		}
	}
}

// TestImplausibleNeverColoured: whatever the thresholds, a device error is
// flagged and gets no colour, even when the value is beyond a red limit.
func TestImplausibleNeverColoured(t *testing.T) {
	L := domain.L
	th := domain.DefaultThresholds(80)
	th.ByKind[domain.KindBloodPressure] = domain.KindThresholds{
		Primary:   domain.Limits{YellowHigh: L(140), RedHigh: L(160)},
		Secondary: domain.Limits{YellowHigh: L(90), RedHigh: L(100)},
	}
	th.ByKind[domain.KindSpO2] = domain.KindThresholds{Primary: domain.Limits{RedLow: L(85), YellowLow: L(90)}}
	for _, m := range []domain.Measurement{
		{Kind: domain.KindWeight, Value: 0},
		{Kind: domain.KindWeight, Value: 400},
		{Kind: domain.KindWeight, Value: math.NaN()},
		{Kind: domain.KindPulse, Value: -3},
		{Kind: domain.KindPulse, Value: 350},
		{Kind: domain.KindBloodPressure, Value: 90, Value2: 120},
		{Kind: domain.KindBloodPressure, Value: 200, Value2: math.NaN()},
		{Kind: domain.KindSpO2, Value: 104},
		{Kind: "glucose", Value: 5},
	} {
		c := domain.Classify(m, th)
		if c.Implausible == "" || c.Color != domain.Unclassified {
			t.Errorf("%s %g/%g: colour %v, implausible %q; want unclassified and flagged", m.Kind, m.Value, m.Value2, c.Color, c.Implausible)
		}
	}
}

func TestClassifyAbsoluteUsesSnapshot(t *testing.T) {
	snap := domain.KindThresholds{Primary: domain.Limits{YellowHigh: domain.L(83.9), RedHigh: domain.L(84.9)}}
	c := domain.ClassifyAbsolute(domain.Measurement{Kind: domain.KindWeight, Value: 83.9}, snap)
	if c.Color != domain.Yellow || c.Limits != snap {
		t.Errorf("got %v with limits %+v, want yellow with the snapshot", c.Color, c.Limits)
	}
}
