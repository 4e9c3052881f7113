package domain

import (
	"strconv"
	"strings"
	"time"
)

// Patient is a citizen ("borger") in home monitoring.
type Patient struct {
	ID        string
	CPR       string // 10 digits, no dash
	Name      string
	BirthDate time.Time
	// Programmes the patient is enrolled in, e.g. "heart-failure", "copd".
	Programmes []string
	// Synthetic marks demo and training patients; they never mix with real ones.
	Synthetic bool
}

// Programme names.
const (
	ProgrammeHeartFailure = "heart-failure"
	ProgrammeCOPD         = "copd"
)

// MaskCPR shows a CPR number as DDMMYY-xxxx: enough to tell patients apart on
// screen without exposing the full number. Anything that is not ten digits,
// written DDMMYYXXXX or DDMMYY-XXXX, is masked entirely.
func MaskCPR(cpr string) string {
	d := cpr
	if len(d) == 11 && d[6] == '-' {
		d = d[:6] + d[7:]
	}
	if len(d) != 10 || strings.Trim(d, "0123456789") != "" {
		return "xxxxxx-xxxx"
	}
	return d[:6] + "-xxxx"
}

// Age in whole years on the given day, comparing calendar dates (each in its
// own location). Someone born on 29 February becomes a year older on 1 March
// in common years. Zero for an unknown birth date or a day before birth.
func Age(birth, on time.Time) int {
	if birth.IsZero() {
		return 0
	}
	by, bm, bd := birth.Date()
	oy, om, od := on.Date()
	y := oy - by
	if om < bm || (om == bm && od < bd) {
		y--
	}
	return max(y, 0)
}

// Team is a care team, e.g. the monitoring nurses of one heart-failure
// clinic ("hjertesvigtsklinik").
type Team struct {
	ID      string
	Name    string
	OrgID   string
	OrgName string
}

// Responsibility says who holds monitoring responsibility for a patient now,
// and any planned change.
type Responsibility struct {
	Home Team // the team that holds responsibility outside cover
	// Cover, when set, is a holiday cover: Cover.Team monitors the patient
	// during Cover.Period on behalf of Home.
	Cover *Cover
	// Planned are further covers, e.g. planned ahead for the summer; Cover
	// is normally the current or the next one. All of them count in
	// HolderAt.
	Planned []Cover
}

// Cover is holiday cover ("ferieafløsning") by another team.
type Cover struct {
	Team   Team
	Period Period
}

// HolderAt returns the team responsible at time t and whether it is cover:
// the team of the cover (Cover or one of Planned) whose period contains t,
// else Home. Of overlapping covers (which CoverPlan.Validate refuses) the
// one that started last wins.
func (r Responsibility) HolderAt(t time.Time) (Team, bool) {
	if c, ok := r.CoverAt(t); ok {
		return c.Team, true
	}
	return r.Home, false
}

// Message is one message in a patient's thread ("besked").
type Message struct {
	ID          string
	PatientID   string
	ThreadID    string
	FromPatient bool
	Sender      string
	Title       string
	Body        string
	Sent        time.Time
	Read        bool
	// Sync is the state of a message written here (or of a local change of
	// its read state) on its way to the central.
	Sync SyncState
}

// ProAnswer is one answer in a symptom questionnaire (PRO), with the
// significance the questionnaire gives it.
type ProAnswer struct {
	Question string
	Answer   string
	Severity Color
}

// ProResponse is one submitted questionnaire.
type ProResponse struct {
	ID        string
	PatientID string
	Taken     time.Time
	Answers   []ProAnswer
	// Questionnaire is the canonical reference (url|version) of the
	// questionnaire answered, "" when the response names none.
	Questionnaire string
}

// Color of a questionnaire is its worst answer.
func (p ProResponse) Color() Color {
	c := Unclassified
	for _, a := range p.Answers {
		c = Worse(c, a.Severity)
	}
	return c
}

// Reading is a stored measurement with the classification it got on arrival
// (against the thresholds then in force).
type Reading struct {
	Measurement
	Classification
	Acknowledged bool
}

// TaskCategory is what a review task is about.
type TaskCategory string

// Task categories, after the eHealth Infrastructure's Task categories.
const (
	TaskMeasurement TaskCategory = "MeasurementForAssessment"
	TaskMissing     TaskCategory = "MissingMeasurementResolving"
)

// Task is an open or closed item on the nurse's worklist.
type Task struct {
	ID          string
	PatientID   string
	Category    TaskCategory
	FocusID     string // the reading or questionnaire, for TaskMeasurement
	Kind        Kind   // for TaskMissing: the kind that did not arrive
	Color       Color
	Implausible bool
	Created     time.Time // when the item arose (arrival, or the missed deadline)
	Due         time.Time // for TaskMissing: the deadline that passed
	Done        bool
	DoneBy      string
	DoneAt      time.Time
	Note        string
	// ByConsole: the central sent no triage for the reading (or
	// questionnaire answer), so the console classified it itself (against
	// the thresholds or answer rules in force when it was taken) and made
	// this worklist item; the central has no Task for it. The read models
	// give false once the central's triage of the reading has arrived
	// (the item stays the console's own; acknowledging it goes by that).
	ByConsole bool
}

// PatientDetail is everything the patient view shows.
type PatientDetail struct {
	Patient        Patient
	Responsibility Responsibility
	Regime         Regime        // the version in force now
	Readings       []Reading     // oldest first, the requested window
	Questionnaires []ProResponse // oldest first
	Messages       []Message     // oldest first
	OpenTasks      []Task        // oldest first
	Notes          []Note        // handover notes, oldest first
	// ProDefinitions are the definitions of the questionnaires the patient
	// answers (named by her regime and her responses) that the console
	// knows; ProUnknown the references it has no definition for.
	ProDefinitions []Questionnaire
	ProUnknown     []string
}

// ProRule is the severity of one answer to one question of the symptom
// questionnaire for one patient, set in her regime (the physician decides
// the thresholds of PRO, as of the measurements).
type ProRule struct {
	Question, Answer string
	Severity         Color // Green, Yellow or Red
}

// proKey is how a rule matches an answer: question and answer, ignoring
// case and surrounding space.
func proKey(q, a string) string {
	return strings.ToLower(strings.TrimSpace(q)) + "\x00" + strings.ToLower(strings.TrimSpace(a))
}

// Matches reports whether the rule is for this question and answer.
func (r ProRule) Matches(question, answer string) bool {
	return proKey(r.Question, r.Answer) == proKey(question, answer)
}

// ProRuleFor is the severity the first of rules for this question and
// answer gives, false when none is for it.
func ProRuleFor(rules []ProRule, question, answer string) (Color, bool) {
	for _, r := range rules {
		if r.Matches(question, answer) {
			return r.Severity, true
		}
	}
	return Unclassified, false
}

// ClassifyPro gives each answer the severity of the regime's rule for it,
// when there is one; an answer without a rule keeps the severity the
// questionnaire gave it. The response's colour (Color) is its worst answer.
func ClassifyPro(p ProResponse, rules []ProRule) ProResponse {
	if len(rules) == 0 {
		return p
	}
	out := p
	out.Answers = make([]ProAnswer, len(p.Answers))
	for i, a := range p.Answers {
		if sev, ok := ProRuleFor(rules, a.Question, a.Answer); ok {
			a.Severity = sev
		}
		out.Answers[i] = a
	}
	return out
}

// MaxProRules bounds a regime's questionnaire rules.
const MaxProRules = 200

// ValidateProRules checks rules: a question and an answer each, a
// severity of green, yellow or red, no answer twice. Fields: "pro.<i>".
func ValidateProRules(rules []ProRule) error {
	var p Problems
	if len(rules) > MaxProRules {
		p.add("pro", CodeTooLong, "at most %d questionnaire rules", MaxProRules).Max = MaxProRules
	}
	seen := map[string]bool{}
	for i, r := range rules {
		field := "pro." + strconv.Itoa(i)
		switch {
		case strings.TrimSpace(r.Question) == "" || strings.TrimSpace(r.Answer) == "":
			p.add(field, CodeRequired, "a questionnaire rule needs its question and answer")
		case r.Severity != Green && r.Severity != Yellow && r.Severity != Red:
			p.add(field, CodeInvalid, "a questionnaire answer is green, yellow or red")
		case seen[proKey(r.Question, r.Answer)]:
			p.add(field, CodeInvalid, "the answer %q to %q has two severities", r.Answer, r.Question)
		}
		seen[proKey(r.Question, r.Answer)] = true
	}
	return p.err()
}
