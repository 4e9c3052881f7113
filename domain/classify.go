package domain

import (
	"fmt"
	"math"
	"time"
)

// Color is the triage colour of a reading. The zero value is Unclassified:
// a reading with no thresholds is never green.
type Color int

// Colours, ordered from least to most severe except Unclassified, which is
// not a severity at all.
const (
	Unclassified Color = iota
	Green
	Yellow
	Red
)

func (c Color) String() string {
	switch c {
	case Green:
		return "green"
	case Yellow:
		return "yellow"
	case Red:
		return "red"
	}
	return "unclassified"
}

// ParseColor is the inverse of Color.String.
func ParseColor(s string) (Color, error) {
	for _, c := range []Color{Unclassified, Green, Yellow, Red} {
		if c.String() == s {
			return c, nil
		}
	}
	return Unclassified, fmt.Errorf("unknown colour %q", s)
}

// Worse returns the more severe of a and b; Unclassified loses to any colour.
func Worse(a, b Color) Color {
	if b > a {
		return b
	}
	return a
}

// Measurement is one home reading.
type Measurement struct {
	ID        string
	PatientID string
	Kind      Kind
	Taken     time.Time // when the patient measured
	Received  time.Time // when it reached the central
	Value     float64   // weight, pulse, systolic, steps or SpO2
	Value2    float64   // diastolic, for blood pressure only
	Extra     bool      // sent beyond the regime's plan
}

// Plausibility bounds. Readings outside them are kept and flagged, never
// dropped.
const (
	// MinWeightKg: no adult in the programme weighs less; lower values are
	// scale errors (an empty scale, a child or a pet stepping on it).
	MinWeightKg  = 20
	MaxWeightKg  = 350
	MaxPulse     = 300
	MaxSystolic  = 300
	MaxDiastolic = 250
	MaxSteps     = 100000
)

// Implausible returns a non-empty reason when the reading cannot be a real
// measurement (weight below 20 or above 350 kg, pulse ≤ 0 or > 300, diastolic ≥
// systolic, ...). Such a reading is kept and shown for review. A value that
// is not a number (NaN) is implausible for every kind; so is a NaN diastolic.
func Implausible(m Measurement) string {
	if math.IsNaN(m.Value) || (m.Kind == KindBloodPressure && math.IsNaN(m.Value2)) {
		return fmt.Sprintf("%s value is not a number", m.Kind)
	}
	switch m.Kind {
	case KindWeight:
		if m.Value < MinWeightKg || m.Value > MaxWeightKg {
			return fmt.Sprintf("weight %g kg outside %d–%d", m.Value, MinWeightKg, MaxWeightKg)
		}
	case KindPulse:
		if m.Value <= 0 || m.Value > MaxPulse {
			return fmt.Sprintf("pulse %g outside 0–%d", m.Value, MaxPulse)
		}
	case KindBloodPressure:
		if m.Value <= 0 || m.Value > MaxSystolic || m.Value2 <= 0 || m.Value2 > MaxDiastolic {
			return fmt.Sprintf("blood pressure %g/%g outside plausible range", m.Value, m.Value2)
		}
		if m.Value2 >= m.Value {
			return fmt.Sprintf("diastolic %g not below systolic %g", m.Value2, m.Value)
		}
	case KindSteps:
		if m.Value < 0 || m.Value > MaxSteps {
			return fmt.Sprintf("steps %g outside 0–%d", m.Value, MaxSteps)
		}
	case KindSpO2:
		if m.Value <= 0 || m.Value > 100 {
			return fmt.Sprintf("SpO2 %g %% outside 0–100", m.Value)
		}
	default:
		return fmt.Sprintf("unknown kind %q", m.Kind)
	}
	return ""
}

// Classification is the result of classifying one reading.
type Classification struct {
	Color Color
	// Implausible is the reason the reading is implausible, or "".
	Implausible string
	// Limits are the absolute limits the reading was compared with (the
	// snapshot kept with the reading so history keeps its colour). Zero when
	// the kind had no thresholds.
	Limits KindThresholds
	// ByConsole: classified by the console because the central sent no
	// triage (see ConsoleTriageWindow); shown as such, never as the
	// central's.
	ByConsole bool
}

// ClassifyValue classifies one value against one set of absolute limits.
// Limits are inclusive. With no limit set the value is Unclassified.
func ClassifyValue(v float64, l Limits) Color {
	if l.Empty() {
		return Unclassified
	}
	switch {
	case l.RedHigh.OK && v >= l.RedHigh.V, l.RedLow.OK && v <= l.RedLow.V:
		return Red
	case l.YellowHigh.OK && v >= l.YellowHigh.V, l.YellowLow.OK && v <= l.YellowLow.V:
		return Yellow
	}
	return Green
}

// ClassifyAbsolute classifies m against a snapshot of absolute limits, as
// kept with a stored reading. A blood-pressure reading takes the worse colour
// of its systolic and diastolic values. An implausible reading gets no colour
// (Unclassified, with the reason in Implausible): a device error must not
// pass for a clinical red or green.
func ClassifyAbsolute(m Measurement, abs KindThresholds) Classification {
	c := Classification{Implausible: Implausible(m), Limits: abs}
	if c.Implausible != "" {
		return c
	}
	c.Color = ClassifyValue(m.Value, abs.Primary)
	if m.Kind == KindBloodPressure {
		c.Color = Worse(c.Color, ClassifyValue(m.Value2, abs.Secondary))
	}
	return c
}

// Classify classifies m against the thresholds in force when it was taken.
func Classify(m Measurement, t Thresholds) Classification {
	abs, ok := t.Absolute(m.Kind)
	if !ok {
		return Classification{Implausible: Implausible(m)}
	}
	return ClassifyAbsolute(m, abs)
}
