package domain

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Enrolment ("opret borger"): a patient is included at the heart-failure
// clinic against the programme's criteria, with informed consent recorded,
// and starts on a start-up regime made from a template (RegimeTemplate).

// CodeConsent is the problem code of an enrolment without informed consent.
const CodeConsent = "consent"

// CodeEnrolled is the problem code of a CPR number that is already enrolled.
const CodeEnrolled = "enrolled"

// Inclusion is the programme's inclusion checklist. Every item must be
// ticked for an enrolment.
type Inclusion struct {
	ReducedEF    bool // heart failure with ejection fraction ≤ 40 %
	Titration    bool // on medication titration at the clinic
	AbleOrHelped bool // able to use the app and devices, or help is arranged
	Consent      bool // informed consent given
}

// Enrolment is what the nurse enters to enrol a patient.
type Enrolment struct {
	ID        string // client-made id (a UUID) of the enrolment
	CPR       string // as typed; Validate parses it
	Name      string
	Contact   string // phone or other contact, optional
	Team      Team   // the monitoring team
	Physician string // the responsible physician
	// ReferenceWeight (kg) is the base of the relative weight thresholds.
	ReferenceWeight float64
	Inclusion       Inclusion
	// ConsentDate is the day informed consent was given.
	ConsentDate time.Time
	By          string    // who recorded the enrolment and the consent
	At          time.Time // when
}

// Enrolment field limits.
const (
	MaxNameLen    = 200
	MaxContactLen = 200
)

// Validate checks an enrolment at today: a valid CPR number (a failing
// modulus-11 check is not a problem, see CPR.Modulus11), a name, a team,
// a responsible physician, a plausible reference weight, every inclusion
// criterion ticked and a consent date not in the future. Informed consent
// not given is a problem on field "consent" with CodeConsent: enrolment
// without it is refused. Field names: cpr, name, contact, team, physician,
// refweight, ef, titration, able, consent, consent-date. It returns the
// parsed CPR number.
func (e Enrolment) Validate(today time.Time) (CPR, error) {
	var p Problems
	c, err := ParseCPR(e.CPR, today)
	if err != nil {
		p = append(p, AsProblems(err)...)
	}
	name := strings.TrimSpace(e.Name)
	switch {
	case name == "":
		p.add("name", CodeRequired, "the patient's name is required")
	case len([]rune(name)) > MaxNameLen:
		p.add("name", CodeTooLong, "at most %d characters", MaxNameLen).Max = MaxNameLen
	}
	if len([]rune(strings.TrimSpace(e.Contact))) > MaxContactLen {
		p.add("contact", CodeTooLong, "at most %d characters", MaxContactLen).Max = MaxContactLen
	}
	if strings.TrimSpace(e.Team.ID) == "" {
		p.add("team", CodeRequired, "choose the monitoring team")
	}
	if strings.TrimSpace(e.Physician) == "" {
		p.add("physician", CodeRequired, "the responsible physician is required")
	} else if len([]rune(e.Physician)) > MaxNameLen {
		p.add("physician", CodeTooLong, "at most %d characters", MaxNameLen).Max = MaxNameLen
	}
	if w := e.ReferenceWeight; !(w >= MinReferenceKg && w <= MaxWeightKg) || math.IsNaN(w) {
		fe := p.add("refweight", CodeRange, "the reference weight must be %g–%g kg", float64(MinReferenceKg), float64(MaxWeightKg))
		fe.Min, fe.Max = MinReferenceKg, MaxWeightKg
	}
	if !e.Inclusion.ReducedEF {
		p.add("ef", CodeRequired, "the programme includes heart failure with EF ≤ 40 %% only")
	}
	if !e.Inclusion.Titration {
		p.add("titration", CodeRequired, "the programme includes patients on titration at the clinic only")
	}
	if !e.Inclusion.AbleOrHelped {
		p.add("able", CodeRequired, "the patient must be able to use the app and devices, or have help arranged")
	}
	if !e.Inclusion.Consent {
		p.add("consent", CodeConsent, "informed consent must be given and recorded before enrolment")
	}
	if e.Inclusion.Consent {
		y, m, d := today.Date()
		switch {
		case e.ConsentDate.IsZero():
			p.add("consent-date", CodeRequired, "the date consent was given is required")
		case e.ConsentDate.After(time.Date(y, m, d, 23, 59, 59, 0, today.Location())):
			p.add("consent-date", CodeInvalid, "consent cannot be given in the future")
		}
	}
	if err := p.err(); err != nil {
		return CPR{}, err
	}
	return c, nil
}

// MinReferenceKg is the least plausible reference weight of an adult.
const MinReferenceKg = 20

// RegimeTemplate is the data a start-up regime is made from at enrolment.
// Clinics keep it in a file they can edit; the programme's default is
// shipped with the console.
type RegimeTemplate struct {
	Name      string
	Schedules []Schedule
	// Thresholds are the default limits; weight limits are relative to the
	// reference weight entered at enrolment. A kind without limits (blood
	// pressure until set individually) stays unclassified.
	Thresholds map[Kind]KindThresholds
	// StartUpDays is the length of the start-up period (1–2 weeks).
	StartUpDays int
	// ReevaluationDays is how far ahead the first re-evaluation is planned.
	ReevaluationDays int
	// ReviewDays is the agreed review interval; 0 means none.
	ReviewDays int
	// Questionnaires are the canonical references (url, or url|version)
	// of the questionnaires the patient answers (the regime names them,
	// so her PRO severities can be set before she answers).
	Questionnaires []string
}

// Validate checks a template: schedules that make sense, limits in order,
// a start-up of 1–28 days and a re-evaluation after it.
func (t RegimeTemplate) Validate() error {
	if strings.TrimSpace(t.Name) == "" {
		return fmt.Errorf("regime template: a name is required")
	}
	if len(t.Schedules) == 0 {
		return fmt.Errorf("regime template %q: at least one measurement is required", t.Name)
	}
	if t.StartUpDays < 1 || t.StartUpDays > 28 {
		return fmt.Errorf("regime template %q: start-up of %d days must be 1–28", t.Name, t.StartUpDays)
	}
	if t.ReevaluationDays <= t.StartUpDays || t.ReevaluationDays > 366 {
		return fmt.Errorf("regime template %q: re-evaluation after %d days must come after the start-up and within a year", t.Name, t.ReevaluationDays)
	}
	if t.ReviewDays < 0 || t.ReviewDays > 366 {
		return fmt.Errorf("regime template %q: review interval %d days must be 0–366", t.Name, t.ReviewDays)
	}
	if len(t.Questionnaires) > MaxQuestionnaires {
		return fmt.Errorf("regime template %q: at most %d questionnaires", t.Name, MaxQuestionnaires)
	}
	for _, q := range t.Questionnaires {
		if u, _ := SplitCanonical(q); u == "" || strings.ContainsAny(q, " \t\n") {
			return fmt.Errorf("regime template %q: questionnaire %q is not a canonical url (url or url|version)", t.Name, q)
		}
	}
	r := t.Regime(Enrolment{ReferenceWeight: 80}, time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC), time.UTC)
	if err := r.Validate(); err != nil {
		return fmt.Errorf("regime template %q: %w", t.Name, err)
	}
	return nil
}

// Regime is the start-up regime of an enrolment starting at start: the
// template's schedules and thresholds (weight relative to e's reference
// weight), phase start-up, open-ended, the start-up end StartUpDays and the
// re-evaluation ReevaluationDays local calendar days after start (at the same
// wall-clock time, so a DST change moves neither).
func (t RegimeTemplate) Regime(e Enrolment, start time.Time, loc *time.Location) Regime {
	if loc == nil {
		loc = time.UTC
	}
	by := make(map[Kind]KindThresholds, len(t.Thresholds))
	for k, v := range t.Thresholds {
		if !v.Empty() {
			by[k] = v
		}
	}
	scheds := append([]Schedule(nil), t.Schedules...)
	local := start.In(loc)
	return Regime{
		PatientID:      "",
		EffectiveFrom:  start,
		Start:          start,
		Phase:          PhaseStartUp,
		Schedules:      scheds,
		Thresholds:     Thresholds{ReferenceWeight: e.ReferenceWeight, ByKind: by},
		Reevaluation:   local.AddDate(0, 0, t.ReevaluationDays).UTC(),
		StartUpEnd:     local.AddDate(0, 0, t.StartUpDays).UTC(),
		ReviewDays:     t.ReviewDays,
		Questionnaires: append([]string(nil), t.Questionnaires...),
		Author:         e.By,
		Physician:      strings.TrimSpace(e.Physician),
		Reason:         "enrolment: " + t.Name,
	}
}

// DefaultRegimeTemplate is the programme's start-up regime: weight, pulse
// and blood pressure every morning (by 11:00), the default pulse and weight
// thresholds (DefaultThresholds), no blood-pressure thresholds, a 14-day
// start-up, re-evaluation after 90 days and a weekly review. The console
// ships the same as data (a YAML file); this is its meaning in code, for
// tests and as the last resort.
func DefaultRegimeTemplate() RegimeTemplate {
	morning := 11 * time.Hour
	daily := Frequency{Kind: Daily}
	return RegimeTemplate{
		Name: "Opstart hjertesvigt",
		Schedules: []Schedule{
			{Kind: KindWeight, Freq: daily, Deadline: morning},
			{Kind: KindPulse, Freq: daily, Deadline: morning},
			{Kind: KindBloodPressure, Freq: daily, Deadline: morning},
		},
		Thresholds:       DefaultThresholds(0).ByKind,
		StartUpDays:      StartUpDays,
		ReevaluationDays: 90,
		ReviewDays:       7,
		Questionnaires:   []string{SymptomQuestionnaire},
	}
}

// SymptomQuestionnaire is the canonical URL of the programme's symptom
// questionnaire (PRO) as the reference central serves it; no version: the
// newest the central has.
const SymptomQuestionnaire = "http://telehjerte.example/fhir/Questionnaire/hjertesvigt-symptomer"

// MaxQuestionnaires bounds the questionnaires a template names.
const MaxQuestionnaires = 20
