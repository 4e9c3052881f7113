package domain

import (
	"strings"
	"time"
)

// RegimeAt returns the regime version in force at t: the one with the latest
// EffectiveFrom at or before t. versions may be in any order; of two versions
// with the same EffectiveFrom the later one in the slice wins. It reports
// false when no version is in force at t.
func RegimeAt(versions []Regime, t time.Time) (Regime, bool) {
	best := -1
	for i, v := range versions {
		if v.EffectiveFrom.After(t) {
			continue
		}
		if best < 0 || !v.EffectiveFrom.Before(versions[best].EffectiveFrom) {
			best = i
		}
	}
	if best < 0 {
		return Regime{}, false
	}
	return versions[best], true
}

// Arrive is what happens when a reading reaches the central: it is classified
// against the thresholds of the regime version in force when it was taken
// (so later threshold changes never recolour history; with no version in
// force it is Unclassified, though still checked for plausibility), and an
// open review task is created for it.
//
// The task has ID "task-"+m.ID, Category TaskMeasurement, FocusID m.ID, the
// reading's colour and implausible flag, and is Created when the reading was
// received (when it was taken, if Received is zero).
func Arrive(m Measurement, versions []Regime) (Reading, Task) {
	var c Classification
	if reg, ok := RegimeAt(versions, m.Taken); ok {
		c = Classify(m, reg.Thresholds)
	} else {
		c = Classification{Implausible: Implausible(m)}
	}
	created := m.Received
	if created.IsZero() {
		created = m.Taken
	}
	return Reading{Measurement: m, Classification: c}, Task{
		ID:          "task-" + m.ID,
		PatientID:   m.PatientID,
		Category:    TaskMeasurement,
		FocusID:     m.ID,
		Color:       c.Color,
		Implausible: c.Implausible != "",
		Created:     created,
	}
}

// Informational reports whether readings of kind k are information only
// (step counts: "valgfri aktivitet"), not items a nurse must assess.
func (k Kind) Informational() bool { return k == KindSteps }

// ReviewNeeded reports whether a reading is an item for the nurse to
// assess (a review Task): every reading of a clinical kind, and an
// informational one (steps) only when the regime in force when it was taken
// asks for review of it by setting limits for its kind, or when it is
// implausible. Without that, steps are shown but never create a to-do that
// keeps a patient on the worklist after "all green".
func ReviewNeeded(r Reading, versions []Regime) bool {
	if !r.Kind.Informational() || r.Implausible != "" {
		return true
	}
	reg, ok := RegimeAt(versions, r.Taken)
	return ok && !reg.Thresholds.ByKind[r.Kind].Empty()
}

// ArriveQuestionnaire is the open review task for a submitted questionnaire:
// ID "task-"+q.ID, Category TaskMeasurement, FocusID
// QuestionnaireFocus(q.ID) (the reference a Task states, never a bare id,
// which means a reading), the colour of its worst answer, Created when it
// was taken.
func ArriveQuestionnaire(q ProResponse) Task {
	return Task{
		ID:        "task-" + q.ID,
		PatientID: q.PatientID,
		Category:  TaskMeasurement,
		FocusID:   QuestionnaireFocus(q.ID),
		Color:     q.Color(),
		Created:   q.Taken,
	}
}

// MissingTaskID is the deterministic id of the missing-measurement task for
// patient, kind and deadline due: "missing-<patient>-<kind>-<due>", the due
// time in UTC as compact RFC 3339 (20060102T150405Z). The central and every
// console derive the same id, so the task is created once.
func MissingTaskID(patientID string, k Kind, due time.Time) string {
	return "missing-" + patientID + "-" + string(k) + "-" + due.UTC().Format("20060102T150405Z")
}

// MissingTask is the worklist task for a slot that was missed: Category
// TaskMissing, id from MissingTaskID, Kind, Created and Due at the slot's
// deadline. For a SlotLate slot the task is already Done, by "late-arrival"
// at the time the slot was fulfilled, so history shows the measurement came
// late. For any other state no task arises and the zero Task is returned.
// The patient id is a parameter because a slot does not carry it.
func MissingTask(patientID string, s SlotResult) Task {
	if s.State != SlotMissing && s.State != SlotLate {
		return Task{}
	}
	t := Task{
		ID:        MissingTaskID(patientID, s.Kind, s.Due),
		PatientID: patientID,
		Category:  TaskMissing,
		Kind:      s.Kind,
		Created:   s.Due,
		Due:       s.Due,
	}
	if s.State == SlotLate {
		t.Done = true
		t.DoneBy = LateArrival
		t.DoneAt = s.Fulfilled
	}
	return t
}

// LateArrival is the DoneBy of a missing-measurement task that a late
// reading resolved.
const LateArrival = "late-arrival"

// ArriveWithTrend is Arrive with the weight-trend rule of the regime in
// force applied: a weight reading whose gain over the rule's window (against
// the patient's earlier weights) meets the rule takes the worse of its
// threshold colour and the rule's colour, so a gain of 2 kg in 3 days can
// raise a reading that is still inside the thresholds. Only a yellow or red
// trend raises a colour; an implausible reading stays uncoloured. earlier
// may hold readings of any kind and time; only plausible weights in the
// rule's window before m count.
func ArriveWithTrend(m Measurement, versions []Regime, earlier []Reading) (Reading, Task) {
	r, t := Arrive(m, versions)
	if m.Kind != KindWeight || r.Implausible != "" {
		return r, t
	}
	reg, ok := RegimeAt(versions, m.Taken)
	if !ok || reg.TrendRule == nil {
		return r, t
	}
	weights := append(earlier[:len(earlier):len(earlier)], r)
	if c := TrendColor(weights, *reg.TrendRule, m.Taken); c == Yellow || c == Red {
		r.Color = Worse(r.Color, c)
		t.Color = r.Color
	}
	return r, t
}

// ConsoleTriageWindow is how recent a reading the central sent without any
// triage must be for the console to put it on the worklist itself (older
// ones are still classified and coloured, but not listed as open: a first
// sync of a long history would otherwise list every reading ever taken).
const ConsoleTriageWindow = 7 * 24 * time.Hour

// ConsoleTriageID is the id of the worklist item the console makes for a
// reading or questionnaire answer the central did not triage, from the
// item's focus id (a reading's id, or QuestionnaireFocus of an answer's).
func ConsoleTriageID(focusID string) string { return "console-" + focusID }

// questionnaireFocusPrefix is how a server's review Task states its focus
// on a questionnaire answer (a reference; a bare focus id is a reading).
const questionnaireFocusPrefix = "QuestionnaireResponse/"

// QuestionnaireFocus is the focus id of a review task about the
// questionnaire answer id, as a server's Task states it:
// "QuestionnaireResponse/<id>".
func QuestionnaireFocus(id string) string { return questionnaireFocusPrefix + id }

// QuestionnaireOfFocus is the questionnaire answer a review task's focus
// names: the id in "QuestionnaireResponse/<id>", or a bare focus id (the
// caller tells it from a reading's).
func QuestionnaireOfFocus(focusID string) string {
	return strings.TrimPrefix(focusID, questionnaireFocusPrefix)
}
