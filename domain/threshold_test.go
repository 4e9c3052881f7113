package domain_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/telehjerte/telehjerte-tui/domain"
)

func TestLimitString(t *testing.T) {
	if s := (domain.Limit{}).String(); s != "–" {
		t.Errorf("unset limit = %q", s)
	}
	if s := domain.L(83.9).String(); s != "83.9" {
		t.Errorf("L(83.9) = %q", s)
	}
}

func TestLimitsValidate(t *testing.T) {
	L := domain.L
	var u domain.Limit
	tests := []struct {
		name           string
		rl, yl, yh, rh domain.Limit
		ok             bool
		names          string // both conflicting limit names appear in the error
	}{
		{"none set", u, u, u, u, true, ""},
		{"all ordered", L(40), L(45), L(90), L(100), true, ""},
		{"red low only", L(40), u, u, u, true, ""},
		{"yellow high only", u, u, L(90), u, true, ""},
		{"highs only", u, u, L(90), L(100), true, ""},
		{"lows only", L(40), L(45), u, u, true, ""},
		{"red low and red high", L(40), u, u, L(100), true, ""},
		{"yellow low and red high", u, L(45), u, L(100), true, ""},
		{"red low and yellow high", L(40), u, L(90), u, true, ""},
		{"red low == yellow low allowed", L(45), L(45), L(90), L(100), true, ""},
		{"yellow high == red high allowed", L(40), L(45), L(100), L(100), true, ""},
		{"red low > yellow low", L(46), L(45), L(90), L(100), false, "red low|yellow low"},
		{"yellow high > red high", L(40), L(45), L(101), L(100), false, "yellow high|red high"},
		{"yellow low == yellow high rejected", L(40), L(60), L(60), L(100), false, "yellow low|yellow high"},
		{"yellow low > yellow high", L(40), L(70), L(60), L(100), false, "yellow low|yellow high"},
		{"red low == red high rejected", L(50), u, u, L(50), false, "red low|red high"},
		{"red low == yellow high rejected", L(50), u, L(50), u, false, "red low|yellow high"},
		{"yellow low == red high rejected", u, L(50), u, L(50), false, "yellow low|red high"},
		{"red low above red high, gaps", L(120), u, u, L(100), false, "red low|red high"},
		{"NaN limit", L(math.NaN()), u, u, u, false, "red low"},
		{"infinite limit", u, u, u, L(math.Inf(1)), false, "red high"},
		{"negative relative limits", L(-3), L(-2), L(2), L(3), true, ""},
	}
	for _, tt := range tests {
		err := domain.Limits{RedLow: tt.rl, YellowLow: tt.yl, YellowHigh: tt.yh, RedHigh: tt.rh}.Validate()
		if (err == nil) != tt.ok {
			t.Errorf("%s: Validate() = %v, want ok=%v", tt.name, err, tt.ok)
			continue
		}
		if err != nil {
			if !errors.Is(err, domain.ErrThresholdOrder) {
				t.Errorf("%s: %v does not wrap ErrThresholdOrder", tt.name, err)
			}
			for _, n := range strings.Split(tt.names, "|") {
				if !strings.Contains(err.Error(), n) {
					t.Errorf("%s: error %q does not name %q", tt.name, err, n)
				}
			}
		}
	}
}

// TestLimitsValidateEverySubset: any subset of an ordered set of limits is
// valid, and classification against it never colours a value between the
// yellow limits.
func TestLimitsValidateEverySubset(t *testing.T) {
	full := [4]float64{40, 45, 90, 100}
	for mask := 0; mask < 16; mask++ {
		var ls [4]domain.Limit
		for i := range ls {
			if mask&(1<<i) != 0 {
				ls[i] = domain.L(full[i])
			}
		}
		l := domain.Limits{RedLow: ls[0], YellowLow: ls[1], YellowHigh: ls[2], RedHigh: ls[3]}
		if err := l.Validate(); err != nil {
			t.Errorf("subset %04b: %v", mask, err)
		}
		want := domain.Green
		if mask == 0 {
			want = domain.Unclassified
		}
		if got := domain.ClassifyValue(70, l); got != want {
			t.Errorf("subset %04b: ClassifyValue(70) = %v, want %v", mask, got, want)
		}
	}
}

func TestLimitsEmptyAndShift(t *testing.T) {
	if !(domain.Limits{}).Empty() {
		t.Error("zero Limits not empty")
	}
	if (domain.Limits{RedHigh: domain.L(0)}).Empty() {
		t.Error("a limit at 0 counts as unset")
	}
	s := domain.Limits{YellowLow: domain.L(-2), RedHigh: domain.L(3)}.Shift(80.1)
	if s.RedLow.OK || s.YellowHigh.OK {
		t.Errorf("Shift set unset limits: %+v", s)
	}
	if s.YellowLow != domain.L(78.1) || s.RedHigh != domain.L(83.1) {
		t.Errorf("Shift(80.1) = %+v, want 78.1 and 83.1", s)
	}
	if (domain.KindThresholds{}).Empty() != true || (domain.KindThresholds{Secondary: domain.Limits{RedHigh: domain.L(1)}}).Empty() {
		t.Error("KindThresholds.Empty wrong")
	}
}

func TestThresholdsValidate(t *testing.T) {
	L := domain.L
	bp := func(sys, dia domain.Limits) domain.Thresholds {
		return domain.Thresholds{ByKind: map[domain.Kind]domain.KindThresholds{domain.KindBloodPressure: {Primary: sys, Secondary: dia}}}
	}
	withWeight := func(ref float64) domain.Thresholds { return domain.DefaultThresholds(ref) }
	tests := []struct {
		name  string
		th    domain.Thresholds
		ok    bool
		order bool   // error wraps ErrThresholdOrder
		want  string // substring of the error
	}{
		{"defaults", withWeight(80), true, false, ""},
		{"empty", domain.Thresholds{}, true, false, ""},
		{"weight limits, no reference", withWeight(0), false, false, "reference weight"},
		{"weight limits, negative reference", withWeight(-70), false, false, "reference weight"},
		{"weight limits, reference 351", withWeight(351), false, false, "reference weight"},
		{"weight limits, reference 350", withWeight(350), true, false, ""},
		{"weight limits, NaN reference", withWeight(math.NaN()), false, false, "reference weight"},
		{"no weight limits, no reference", domain.Thresholds{ByKind: map[domain.Kind]domain.KindThresholds{domain.KindPulse: {Primary: domain.Limits{RedHigh: L(100)}}}}, true, false, ""},
		{"unknown kind", domain.Thresholds{ByKind: map[domain.Kind]domain.KindThresholds{"glucose": {}}}, false, false, "glucose"},
		{"pulse out of order", domain.Thresholds{ByKind: map[domain.Kind]domain.KindThresholds{domain.KindPulse: {Primary: domain.Limits{YellowHigh: L(100), RedHigh: L(90)}}}}, false, true, "pulse"},
		{"BP ok", bp(domain.Limits{YellowHigh: L(140), RedHigh: L(160)}, domain.Limits{YellowHigh: L(90), RedHigh: L(100)}), true, false, ""},
		{"BP systolic == diastolic", bp(domain.Limits{YellowHigh: L(90), RedHigh: L(160)}, domain.Limits{YellowHigh: L(90), RedHigh: L(100)}), false, true, "yellow high"},
		{"BP systolic below diastolic", bp(domain.Limits{RedLow: L(40)}, domain.Limits{RedLow: L(50)}), false, true, "red low"},
		{"BP pairs only compared when both set", bp(domain.Limits{RedHigh: L(160)}, domain.Limits{YellowLow: L(170)}), true, false, ""},
		{"BP diastolic out of order", bp(domain.Limits{}, domain.Limits{YellowHigh: L(100), RedHigh: L(90)}), false, true, "diastolic"},
	}
	for _, tt := range tests {
		err := tt.th.Validate()
		if (err == nil) != tt.ok {
			t.Errorf("%s: Validate() = %v, want ok=%v", tt.name, err, tt.ok)
			continue
		}
		if err == nil {
			continue
		}
		if errors.Is(err, domain.ErrThresholdOrder) != tt.order {
			t.Errorf("%s: %v wraps ErrThresholdOrder = %v, want %v", tt.name, err, !tt.order, tt.order)
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %q does not mention %q", tt.name, err, tt.want)
		}
	}
}

// TestThresholdsValidateDeterministic: with several bad kinds the same one is
// reported every time (map order must not leak into the message).
func TestThresholdsValidateDeterministic(t *testing.T) {
	bad := domain.Limits{YellowHigh: domain.L(10), RedHigh: domain.L(5)}
	th := domain.Thresholds{ReferenceWeight: 80, ByKind: map[domain.Kind]domain.KindThresholds{
		domain.KindWeight: {Primary: bad}, domain.KindPulse: {Primary: bad}, domain.KindSpO2: {Primary: bad}, domain.KindSteps: {Primary: bad},
	}}
	first := th.Validate().Error()
	for range 50 {
		if got := th.Validate().Error(); got != first {
			t.Fatalf("Validate reported %q, then %q", first, got)
		}
	}
	if !strings.HasPrefix(first, "weight") {
		t.Errorf("first error %q, want the weight one (display order)", first)
	}
}

func TestThresholdsAbsolute(t *testing.T) {
	th := domain.DefaultThresholds(75.5)
	w, ok := th.Absolute(domain.KindWeight)
	if !ok || w.Primary.RedLow.V != 72.5 || w.Primary.RedHigh.V != 78.5 {
		t.Errorf("weight absolute = %+v, %v", w, ok)
	}
	if th.ByKind[domain.KindWeight].Primary.RedHigh.V != 3 {
		t.Error("Absolute modified the relative thresholds")
	}
	p, ok := th.Absolute(domain.KindPulse)
	if !ok || p.Primary.RedHigh.V != 100 {
		t.Errorf("pulse absolute = %+v, %v", p, ok)
	}
	if _, ok := th.Absolute(domain.KindBloodPressure); ok {
		t.Error("BP classifiable without thresholds")
	}
	if _, ok := domain.DefaultThresholds(0).Absolute(domain.KindWeight); ok {
		t.Error("weight classifiable without reference weight")
	}
}

func TestShiftKeepsHugeAndNaNValues(t *testing.T) {
	s := domain.Limits{RedHigh: domain.L(1)}.Shift(1e12)
	if s.RedHigh.V != 1e12+1 {
		t.Errorf("Shift(1e12) = %v", s.RedHigh.V)
	}
	if s := (domain.Limits{RedHigh: domain.L(1)}).Shift(math.NaN()); !math.IsNaN(s.RedHigh.V) {
		t.Errorf("Shift(NaN) = %v", s.RedHigh.V)
	}
}
