package domain

import "fmt"

// Kind is a type of home measurement.
type Kind string

// The measurement kinds the console knows. KindSpO2 is used by patients who
// are also in the COPD programme (TeleKOL).
const (
	KindWeight        Kind = "weight" // kg
	KindPulse         Kind = "pulse"  // beats per minute
	KindBloodPressure Kind = "bp"     // systolic/diastolic mmHg: Value and Value2
	KindSteps         Kind = "steps"  // steps per day
	KindSpO2          Kind = "spo2"   // oxygen saturation, %
)

// kindOrder lists every measurement kind in display order (never modified).
var kindOrder = [...]Kind{KindWeight, KindPulse, KindBloodPressure, KindSteps, KindSpO2}

// Kinds returns every measurement kind in display order.
func Kinds() []Kind { return append([]Kind(nil), kindOrder[:]...) }

// ParseKind returns the Kind named s or an error naming s.
func ParseKind(s string) (Kind, error) {
	for _, k := range kindOrder {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown measurement kind %q", s)
}

// Unit is the UCUM unit of the kind's values.
func (k Kind) Unit() string {
	switch k {
	case KindWeight:
		return "kg"
	case KindPulse:
		return "/min"
	case KindBloodPressure:
		return "mm[Hg]"
	case KindSteps:
		return "/d"
	case KindSpO2:
		return "%"
	}
	return ""
}
