package domain

import (
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// AckScopeKind is what a (bulk) acknowledgement ("kvittering") covers.
type AckScopeKind string

// Acknowledgement scopes.
const (
	AckOne      AckScopeKind = "one"       // one measurement or questionnaire task
	AckPatient  AckScopeKind = "patient"   // every open assessment task of one patient
	AckAllGreen AckScopeKind = "all-green" // every open green reading across the worklist
)

// MaxAckNote is the longest note (in characters) on an acknowledgement.
const MaxAckNote = 500

// ReceiptText is the receipt sent to the patient when the nurse asks for one.
const ReceiptText = "Dine målinger er set"

// AckScope says what to acknowledge. TaskID is used by AckOne, PatientID by
// AckPatient. Only limits AckAllGreen to the patients listed (the patients
// the nurse sees, e.g. under a search); empty means every patient.
type AckScope struct {
	Kind      AckScopeKind
	PatientID string
	TaskID    string
	Only      []string
}

// Covers reports whether the scope includes task t. Only open assessment
// tasks (TaskMeasurement) are ever covered: a missing measurement is
// resolved with a reason (see MissingResolution), never acknowledged in
// bulk. AckAllGreen covers green tasks only: red, yellow, unclassified and
// implausible ones need a look each.
func (s AckScope) Covers(t Task) bool {
	if t.Done || t.Category != TaskMeasurement {
		return false
	}
	switch s.Kind {
	case AckOne:
		return t.ID == s.TaskID && s.TaskID != ""
	case AckPatient:
		return t.PatientID == s.PatientID && s.PatientID != ""
	case AckAllGreen:
		return t.Color == Green && !t.Implausible && (len(s.Only) == 0 || slices.Contains(s.Only, t.PatientID))
	}
	return false
}

// Select returns the tasks the scope covers, in the order given.
func (s AckScope) Select(tasks []Task) []Task {
	var out []Task
	for _, t := range tasks {
		if s.Covers(t) {
			out = append(out, t)
		}
	}
	return out
}

// AckSummary counts what an acknowledgement covers, for the confirm line
// ("Kvitter 14 grønne målinger for 9 borgere?").
type AckSummary struct {
	Tasks    int
	Patients int
	ByColor  map[Color]int // implausible tasks are counted under Unclassified
}

// Describe counts the tasks the scope covers and the patients they belong to.
func (s AckScope) Describe(tasks []Task) AckSummary {
	sum := AckSummary{ByColor: map[Color]int{}}
	pats := map[string]bool{}
	for _, t := range s.Select(tasks) {
		sum.Tasks++
		pats[t.PatientID] = true
		c := t.Color
		if t.Implausible {
			c = Unclassified
		}
		sum.ByColor[c]++
	}
	sum.Patients = len(pats)
	return sum
}

// Acknowledgement is one acknowledgement as the nurse confirmed it: exactly
// the tasks listed in TaskIDs, nothing that arrived after the confirm line
// was shown.
type Acknowledgement struct {
	Scope      AckScope
	TaskIDs    []string // sorted
	PatientIDs []string // sorted, distinct
	Note       string   // optional, at most MaxAckNote characters
	// Receipt asks for ReceiptText to be sent to each patient.
	Receipt bool
	By      string // the user
	At      time.Time
}

// NewAcknowledgement computes the acknowledgement of scope over tasks (the
// open tasks as stored, not what is on screen). The result may cover no task;
// Validate rejects that.
func NewAcknowledgement(scope AckScope, tasks []Task, note string, receipt bool, by string, at time.Time) Acknowledgement {
	a := Acknowledgement{Scope: scope, Note: strings.TrimSpace(note), Receipt: receipt, By: by, At: at}
	pats := map[string]bool{}
	for _, t := range scope.Select(tasks) {
		a.TaskIDs = append(a.TaskIDs, t.ID)
		if !pats[t.PatientID] {
			pats[t.PatientID] = true
			a.PatientIDs = append(a.PatientIDs, t.PatientID)
		}
	}
	sort.Strings(a.TaskIDs)
	sort.Strings(a.PatientIDs)
	return a
}

// Validate checks the acknowledgement. Fields: "scope", "tasks", "note",
// "by", "at".
func (a Acknowledgement) Validate() error {
	var p Problems
	switch a.Scope.Kind {
	case AckOne:
		if a.Scope.TaskID == "" {
			p.add("scope", CodeRequired, "acknowledging one item needs its task id")
		}
	case AckPatient:
		if a.Scope.PatientID == "" {
			p.add("scope", CodeRequired, "acknowledging a patient's items needs the patient id")
		}
	case AckAllGreen:
	default:
		p.add("scope", CodeInvalid, "unknown scope %q", a.Scope.Kind)
	}
	if len(a.TaskIDs) == 0 {
		p.add("tasks", CodeRequired, "nothing to acknowledge")
	}
	if n := utf8.RuneCountInString(a.Note); n > MaxAckNote {
		e := p.add("note", CodeTooLong, "note has %d characters, at most %d", n, MaxAckNote)
		e.Max = MaxAckNote
	}
	if strings.TrimSpace(a.By) == "" {
		p.add("by", CodeRequired, "who acknowledges must be known")
	}
	if a.At.IsZero() {
		p.add("at", CodeRequired, "the time of acknowledgement must be set")
	}
	return p.err()
}
