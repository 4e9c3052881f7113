package domain

import (
	"errors"
	"fmt"
	"math"
)

// Limit is one optional threshold value. The zero Limit is unset.
type Limit struct {
	V  float64
	OK bool
}

// L returns a set Limit with value v.
func L(v float64) Limit { return Limit{V: v, OK: true} }

func (l Limit) String() string {
	if !l.OK {
		return "–"
	}
	return fmt.Sprintf("%g", l.V)
}

// Limits are the four alarm limits for one value. Each is optional; the set
// ones must be ordered RedLow ≤ YellowLow < YellowHigh ≤ RedHigh. Limits are
// inclusive: a value at a limit takes that limit's colour.
type Limits struct {
	RedLow, YellowLow, YellowHigh, RedHigh Limit
}

// Empty reports whether no limit is set.
func (l Limits) Empty() bool {
	return !l.RedLow.OK && !l.YellowLow.OK && !l.YellowHigh.OK && !l.RedHigh.OK
}

// ErrThresholdOrder is wrapped by Validate when limits are out of order.
var ErrThresholdOrder = errors.New("thresholds out of order")

// Validate checks the order of the set limits. The error names the two limits
// that conflict.
func (l Limits) Validate() error {
	type named struct {
		name string
		lim  Limit
	}
	seq := []named{{"red low", l.RedLow}, {"yellow low", l.YellowLow}, {"yellow high", l.YellowHigh}, {"red high", l.RedHigh}}
	for _, s := range seq {
		if s.lim.OK && (math.IsNaN(s.lim.V) || math.IsInf(s.lim.V, 0)) {
			return fmt.Errorf("%w: %s %g is not a finite number", ErrThresholdOrder, s.name, s.lim.V)
		}
	}
	for i := 0; i < len(seq); i++ {
		if !seq[i].lim.OK {
			continue
		}
		for j := i + 1; j < len(seq); j++ {
			if !seq[j].lim.OK {
				continue
			}
			a, b := seq[i], seq[j]
			// Between a low and a high limit the order is strict: a value cannot be
			// both low and high. Within one side equal limits are allowed.
			strict := i <= 1 && j >= 2
			if a.lim.V > b.lim.V || (strict && a.lim.V == b.lim.V) {
				return fmt.Errorf("%w: %s %g must be below %s %g", ErrThresholdOrder, a.name, a.lim.V, b.name, b.lim.V)
			}
		}
	}
	return nil
}

// Shift returns the limits with d added to every set limit; it turns limits
// relative to a reference weight into absolute ones.
//
// Each sum is rounded to six decimals (1 mg for weight). Binary floating
// point makes e.g. 81.9+2 come out as 83.900000000000006, above the
// reading 83.9 that the patient's scale sent, which would then miss the
// inclusive yellow limit. Rounding to six decimals gives the float nearest to
// the decimal limit, i.e. exactly what parsing "83.9" gives, while keeping
// every limit a clinician could enter (weights have at most 2 decimals).
func (l Limits) Shift(d float64) Limits {
	sh := func(x Limit) Limit {
		if x.OK {
			x.V = roundMicro(x.V + d)
		}
		return x
	}
	return Limits{sh(l.RedLow), sh(l.YellowLow), sh(l.YellowHigh), sh(l.RedHigh)}
}

// KindThresholds are the limits for one measurement kind. For blood pressure
// Primary applies to the systolic and Secondary to the diastolic value; other
// kinds use Primary only. Weight limits are relative to the patient's
// reference weight (Thresholds.ReferenceWeight).
type KindThresholds struct {
	Primary   Limits
	Secondary Limits
}

// Empty reports whether no limit is set.
func (k KindThresholds) Empty() bool { return k.Primary.Empty() && k.Secondary.Empty() }

// Thresholds are a patient's individual thresholds, as in force from a given
// moment. Kinds absent from ByKind have no thresholds: their readings are
// unclassified.
type Thresholds struct {
	// ReferenceWeight (kg) is the base for the relative weight limits; 0 means
	// none, which leaves weight readings unclassified.
	ReferenceWeight float64
	ByKind          map[Kind]KindThresholds
}

// DefaultThresholds are the programme's preset thresholds for a new patient:
// pulse 100/90/45/40 and weight +3/+2/-2/-3 kg from the reference weight.
// Blood pressure has no default.
func DefaultThresholds(referenceWeight float64) Thresholds {
	return Thresholds{
		ReferenceWeight: referenceWeight,
		ByKind: map[Kind]KindThresholds{
			KindPulse:  {Primary: Limits{RedLow: L(40), YellowLow: L(45), YellowHigh: L(90), RedHigh: L(100)}},
			KindWeight: {Primary: Limits{RedLow: L(-3), YellowLow: L(-2), YellowHigh: L(2), RedHigh: L(3)}},
		},
	}
}

// roundMicro rounds x to six decimals. Values too large for that to be
// exact (and NaN, ±Inf) are returned unchanged.
func roundMicro(x float64) float64 {
	if math.Abs(x) >= 1e9 || math.IsNaN(x) {
		return x
	}
	return math.Round(x*1e6) / 1e6
}

// plausibleReference reports whether w can be a reference weight.
func plausibleReference(w float64) bool { return w > 0 && w <= MaxWeightKg }

// Validate checks every kind's limits, that the reference weight is plausible
// when weight limits are set, and, for blood pressure, that each systolic
// limit is above the corresponding diastolic one. Kinds are checked in
// display order, so the error reported is the same on every call.
func (t Thresholds) Validate() error {
	for k := range t.ByKind {
		if _, err := ParseKind(string(k)); err != nil {
			return fmt.Errorf("thresholds: %w", err)
		}
	}
	for _, k := range kindOrder {
		kt, ok := t.ByKind[k]
		if !ok {
			continue
		}
		if err := kt.Primary.Validate(); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		if err := kt.Secondary.Validate(); err != nil {
			return fmt.Errorf("%s diastolic: %w", k, err)
		}
		if k == KindWeight && !kt.Primary.Empty() && !plausibleReference(t.ReferenceWeight) {
			return fmt.Errorf("weight: reference weight %g kg is not plausible", t.ReferenceWeight)
		}
		if k == KindBloodPressure {
			s, d := kt.Primary, kt.Secondary
			pairs := []struct {
				name string
				a, b Limit
			}{{"red low", s.RedLow, d.RedLow}, {"yellow low", s.YellowLow, d.YellowLow}, {"yellow high", s.YellowHigh, d.YellowHigh}, {"red high", s.RedHigh, d.RedHigh}}
			for _, p := range pairs {
				if p.a.OK && p.b.OK && p.a.V <= p.b.V {
					return fmt.Errorf("%w: blood pressure %s: systolic %g must be above diastolic %g", ErrThresholdOrder, p.name, p.a.V, p.b.V)
				}
			}
		}
	}
	return nil
}

// Absolute returns the limits for kind k as absolute values (weight limits
// shifted by the reference weight) and whether the kind can be classified at
// all (weight cannot without a plausible reference weight, 0 < w ≤ 350 kg). This is the snapshot copied into a measurement when it arrives.
func (t Thresholds) Absolute(k Kind) (KindThresholds, bool) {
	kt, ok := t.ByKind[k]
	if !ok || kt.Empty() {
		return KindThresholds{}, false
	}
	if k == KindWeight {
		if !plausibleReference(t.ReferenceWeight) {
			return KindThresholds{}, false
		}
		kt.Primary = kt.Primary.Shift(t.ReferenceWeight)
	}
	return kt, true
}
