package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// MissingReason is why a missing measurement is closed.
type MissingReason string

// Reasons for resolving a missing measurement.
const (
	MissingContacted MissingReason = "contacted" // the nurse contacted the patient
	MissingAdmitted  MissingReason = "admitted"  // the patient is admitted to hospital
	MissingHoliday   MissingReason = "holiday"
	MissingDevice    MissingReason = "device" // a device or app problem
	MissingOther     MissingReason = "other"  // Text says what
)

// MissingReasons lists the reasons in display order.
func MissingReasons() []MissingReason {
	return []MissingReason{MissingContacted, MissingAdmitted, MissingHoliday, MissingDevice, MissingOther}
}

// MaxReasonText is the longest free-text reason, in characters.
const MaxReasonText = 500

// MissingResolution closes one missing-measurement task with a reason.
type MissingResolution struct {
	TaskID    string
	PatientID string
	Reason    MissingReason
	Text      string // required for MissingOther, optional otherwise
	By        string
	At        time.Time
}

// Validate checks the resolution. Fields: "task", "reason", "text", "by".
func (r MissingResolution) Validate() error {
	var p Problems
	if r.TaskID == "" {
		p.add("task", CodeRequired, "the missing measurement must be chosen")
	}
	known := false
	for _, k := range MissingReasons() {
		known = known || k == r.Reason
	}
	if !known {
		p.add("reason", CodeInvalid, "unknown reason %q", r.Reason)
	}
	text := strings.TrimSpace(r.Text)
	if r.Reason == MissingOther && text == "" {
		p.add("text", CodeRequired, "say why when the reason is other")
	}
	if n := utf8.RuneCountInString(text); n > MaxReasonText {
		p.add("text", CodeTooLong, "reason has %d characters, at most %d", n, MaxReasonText).Max = MaxReasonText
	}
	if strings.TrimSpace(r.By) == "" {
		p.add("by", CodeRequired, "who resolves must be known")
	}
	return p.err()
}

// PauseReason is why monitoring pauses.
type PauseReason string

// Reasons for a pause.
const (
	PauseHospital PauseReason = "hospital" // hospital stay
	PauseHoliday  PauseReason = "holiday"
	PauseOther    PauseReason = "other"
)

// PauseReasons lists the reasons in display order.
func PauseReasons() []PauseReason { return []PauseReason{PauseHospital, PauseHoliday, PauseOther} }

// NewPause validates and builds the period of a pause: [from, to), with the
// reason stored as "hospital", "holiday" or "other: <text>". Fields: "from",
// "to", "reason", "text".
func NewPause(from, to time.Time, reason PauseReason, text string) (Period, error) {
	var p Problems
	if from.IsZero() {
		p.add("from", CodeRequired, "a pause needs a start")
	}
	if to.IsZero() {
		p.add("to", CodeRequired, "a pause needs an end")
	} else if !from.IsZero() && !to.After(from) {
		p.add("to", CodeAfter, "end %s must be after start %s", to.Format(time.DateOnly), from.Format(time.DateOnly)).Other = "from"
	}
	text = strings.TrimSpace(text)
	switch reason {
	case PauseHospital, PauseHoliday:
	case PauseOther:
		if text == "" {
			p.add("text", CodeRequired, "say why when the reason is other")
		}
	default:
		p.add("reason", CodeInvalid, "unknown reason %q", reason)
	}
	if n := utf8.RuneCountInString(text); n > MaxReasonText {
		p.add("text", CodeTooLong, "reason has %d characters, at most %d", n, MaxReasonText).Max = MaxReasonText
	}
	if err := p.err(); err != nil {
		return Period{}, err
	}
	r := string(reason)
	if text != "" {
		r += ": " + text
	}
	return Period{From: from, To: to, Reason: r}, nil
}

// WithPause returns a copy of r with p added to its pauses (r itself and its
// Pauses slice are not modified). EvaluateSlots then reports the slots due
// in p as paused, so no missing-measurement alarm arises there.
func (r Regime) WithPause(p Period) Regime {
	r.Pauses = append(append([]Period(nil), r.Pauses...), p)
	return r
}
