// Package classroom runs training sessions for super-users: a scenario file
// (YAML, see README.md) describes a team, its patients, timed events and
// cases with a check of their outcome; Seed puts a copy of the scenario's
// patients on a training central for each trainee, Check reads how each
// trainee's cases went.
package classroom

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/domain"
)

// Scenario is one training session's data.
type Scenario struct {
	Name  string `yaml:"name"`
	Title string `yaml:"title"`
	// Shared puts every trainee on one team with one copy of the patients
	// (for practising cover and transfer between each other); otherwise
	// each trainee has her own team and her own copy.
	Shared bool `yaml:"shared"`
	// Start is the session clock's start time of day (local, "09:00").
	Start     string     `yaml:"start"`
	Team      TeamSpec   `yaml:"team"`
	CoverTeam *TeamSpec  `yaml:"cover-team"`
	Patients  []*Patient `yaml:"patients"`
	Events    []*Event   `yaml:"events"`
	Cases     []*Case    `yaml:"cases"`

	startOfDay time.Duration
}

// TeamSpec names a team and its organisation.
type TeamSpec struct {
	Name string `yaml:"name"`
	Org  string `yaml:"org"`
	Line int    `yaml:"-"`
}

// Patient is one scenario patient.
type Patient struct {
	Key       string   `yaml:"key"`
	Name      string   `yaml:"name"`
	Born      string   `yaml:"born"` // YYYY-MM-DD, fixed: the CPR number follows from it
	Sex       string   `yaml:"sex"`  // K or M
	Diagnosis []string `yaml:"diagnosis"`
	// Weight is the reference weight (kg) the weight limits are relative to.
	Weight     float64                   `yaml:"weight"`
	Measure    []string                  `yaml:"measure"`  // kinds measured daily
	Deadline   string                    `yaml:"deadline"` // time of day, default 12:00
	Thresholds map[string]*ThresholdSpec `yaml:"thresholds"`
	// Baseline: readings every morning for Days days before the session,
	// already reviewed.
	Baseline *Baseline `yaml:"baseline"`
	// History: readings, messages and questionnaires before the session
	// start, not yet reviewed.
	History []*Event `yaml:"history"`
	Line    int      `yaml:"-"`

	birth time.Time
	sex   string
}

// ThresholdSpec are the four limits of one kind (weight relative to the
// reference weight).
type ThresholdSpec struct {
	RedHigh    *float64 `yaml:"red-high"`
	YellowHigh *float64 `yaml:"yellow-high"`
	YellowLow  *float64 `yaml:"yellow-low"`
	RedLow     *float64 `yaml:"red-low"`
	Line       int      `yaml:"-"`
}

// Baseline is a run of reviewed morning readings before the session.
type Baseline struct {
	Days   int                `yaml:"days"`
	Values map[string]float64 `yaml:"values"`
	Line   int                `yaml:"-"`
}

// Event is something that happens to a patient: in a patient's history
// (At before the session start) or timed on the session clock.
type Event struct {
	ID      string `yaml:"id"`
	At      string `yaml:"at"` // offset from the session start, e.g. +10m, -1d, 1d
	Patient string `yaml:"patient"`
	// Exactly one of:
	Reading       map[string]float64 `yaml:"reading"` // kind → value; bp as "bp: 120" with "bp-diastolic"
	Message       *MessageSpec       `yaml:"message"`
	Questionnaire []*AnswerSpec      `yaml:"questionnaire"`
	Missed        string             `yaml:"missed"` // a kind not measured that morning (nothing arrives)
	Line          int                `yaml:"-"`

	offset time.Duration
}

// MessageSpec is a message from the patient.
type MessageSpec struct {
	Title string `yaml:"title"`
	Body  string `yaml:"body"`
	Line  int    `yaml:"-"`
}

// AnswerSpec is one questionnaire answer and its significance.
type AnswerSpec struct {
	Question string `yaml:"question"`
	Answer   string `yaml:"answer"`
	Colour   string `yaml:"colour"` // green, yellow, red
	Line     int    `yaml:"-"`
}

// Case is one exercise.
type Case struct {
	ID          string `yaml:"id"`
	Title       string `yaml:"title"`
	Instruction string `yaml:"instruction"`
	Check       *Check `yaml:"check"`
	Line        int    `yaml:"-"`
}

// Check is the outcome a case asks for on the central: every set part
// must hold.
type Check struct {
	Patient string `yaml:"patient"`
	// Acknowledged: the patient's open red and yellow items are done.
	Acknowledged bool `yaml:"acknowledged"`
	// WithNote: an acknowledgement carries a note.
	WithNote bool `yaml:"with-note"`
	// MessageSent: a message from the clinic to the patient after the
	// session start.
	MessageSent bool `yaml:"message-sent"`
	// MessagesRead: the patient's messages are marked read.
	MessagesRead bool `yaml:"messages-read"`
	// MissingResolved: the missing-measurement items are done.
	MissingResolved bool `yaml:"missing-resolved"`
	// CoverBy: a cover by this team ("cover-team" or "team") is planned.
	CoverBy string `yaml:"cover-by"`
	// Threshold: the regime in force has this limit, e.g.
	// {kind: pulse, limit: red-high, value: 110}.
	Threshold *ThresholdCheck `yaml:"threshold"`
	Line      int             `yaml:"-"`
}

// ThresholdCheck asks for one limit of the regime in force.
type ThresholdCheck struct {
	Kind  string  `yaml:"kind"`
	Limit string  `yaml:"limit"`
	Value float64 `yaml:"value"`
	Line  int     `yaml:"-"`
}

//go:embed scenarios/*.yaml
var shipped embed.FS

// Shipped lists the scenarios that ship with the project, by name.
func Shipped() []string {
	ents, _ := fs.ReadDir(shipped, "scenarios")
	var out []string
	for _, e := range ents {
		out = append(out, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	return out
}

// LoadShipped loads a shipped scenario by name.
func LoadShipped(name string) (*Scenario, error) {
	b, err := shipped.ReadFile("scenarios/" + name + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("scenario %q is not shipped (shipped: %s)", name, strings.Join(Shipped(), ", "))
	}
	return Parse(b, name+".yaml")
}

// LineError is a scenario error at a line of its file.
type LineError struct {
	File string
	Line int
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Parse reads and validates a scenario; file names it in errors. Every
// error names the line it is about.
func Parse(b []byte, file string) (*Scenario, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&root); err != nil {
		return nil, yamlError(file, err)
	}
	if len(root.Content) == 0 {
		return nil, &LineError{File: file, Line: 1, Msg: "the file is empty"}
	}
	var s Scenario
	if err := decodeStrict(root.Content[0], &s); err != nil {
		return nil, withFile(file, err)
	}
	if err := s.validate(root.Content[0].Line); err != nil {
		return nil, withFile(file, err)
	}
	return &s, nil
}

func withFile(file string, err error) error {
	var le *LineError
	if errors.As(err, &le) {
		le.File = file
		return le
	}
	return yamlError(file, err)
}

// yamlError turns yaml's "yaml: line N: ..." into a LineError.
func yamlError(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	var line int
	if n, _ := fmt.Sscanf(msg, "line %d:", &line); n == 1 {
		_, rest, _ := strings.Cut(msg, ":")
		return &LineError{File: file, Line: line, Msg: strings.TrimSpace(rest)}
	}
	return &LineError{File: file, Line: 1, Msg: msg}
}

// decodeStrict decodes a mapping node into out (a pointer to a struct),
// refusing keys the struct does not have, recording the node's line in a
// Line field, and recursing into struct, pointer and slice fields so every
// nested item gets its line too.
func decodeStrict(n *yaml.Node, out any) error {
	v := reflect.ValueOf(out).Elem()
	return decodeValue(n, v)
}

func decodeValue(n *yaml.Node, v reflect.Value) error {
	switch v.Kind() {
	case reflect.Pointer:
		if n.Tag == "!!null" {
			return nil
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		return decodeValue(n, v.Elem())
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return &LineError{Line: n.Line, Msg: fmt.Sprintf("expected a mapping (key: value lines), got %s", describe(n))}
		}
		fields := map[string]int{}
		t := v.Type()
		for i := range t.NumField() {
			tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
			if tag != "" && tag != "-" {
				fields[tag] = i
			}
		}
		if f, ok := t.FieldByName("Line"); ok && f.Type.Kind() == reflect.Int {
			v.FieldByName("Line").SetInt(int64(n.Line))
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			idx, ok := fields[k.Value]
			if !ok {
				return &LineError{Line: k.Line, Msg: fmt.Sprintf("unknown key %q (known: %s)", k.Value, strings.Join(sortedKeys(fields), ", "))}
			}
			if seen[k.Value] {
				return &LineError{Line: k.Line, Msg: fmt.Sprintf("key %q given twice", k.Value)}
			}
			seen[k.Value] = true
			if err := decodeValue(val, v.Field(idx)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice:
		if n.Tag == "!!null" {
			return nil
		}
		if n.Kind != yaml.SequenceNode {
			if v.Type().Elem().Kind() == reflect.String && n.Kind == yaml.ScalarNode {
				v.Set(reflect.Append(reflect.MakeSlice(v.Type(), 0, 1), reflect.ValueOf(n.Value)))
				return nil
			}
			return &LineError{Line: n.Line, Msg: fmt.Sprintf("expected a list (lines starting with -), got %s", describe(n))}
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			if err := decodeValue(c, s.Index(i)); err != nil {
				return err
			}
		}
		v.Set(s)
		return nil
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return &LineError{Line: n.Line, Msg: fmt.Sprintf("expected a mapping (key: value lines), got %s", describe(n))}
		}
		m := reflect.MakeMap(v.Type())
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if m.MapIndex(reflect.ValueOf(k.Value)).IsValid() {
				return &LineError{Line: k.Line, Msg: fmt.Sprintf("key %q given twice", k.Value)}
			}
			ev := reflect.New(v.Type().Elem()).Elem()
			if err := decodeValue(val, ev); err != nil {
				return err
			}
			m.SetMapIndex(reflect.ValueOf(k.Value), ev)
		}
		v.Set(m)
		return nil
	default:
		if n.Kind != yaml.ScalarNode {
			return &LineError{Line: n.Line, Msg: fmt.Sprintf("expected a single value, got %s", describe(n))}
		}
		if err := n.Decode(v.Addr().Interface()); err != nil {
			return &LineError{Line: n.Line, Msg: fmt.Sprintf("%q is not a %s", n.Value, kindName(v.Kind()))}
		}
		return nil
	}
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		return fmt.Sprintf("%q", n.Value)
	}
}

func kindName(k reflect.Kind) string {
	switch k {
	case reflect.Bool:
		return "yes/no value (true or false)"
	case reflect.Float64, reflect.Int:
		return "number"
	default:
		return k.String()
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func lerr(line int, format string, a ...any) error {
	return &LineError{Line: line, Msg: fmt.Sprintf(format, a...)}
}

// validate checks what the types cannot: required fields, references
// between patients, events and cases, dates, offsets and limits.
func (s *Scenario) validate(line int) error {
	if s.Name == "" {
		return lerr(line, "the scenario needs a name")
	}
	if s.Title == "" {
		return lerr(line, "the scenario needs a title")
	}
	if s.Start == "" {
		s.Start = "09:00"
	}
	tod, err := timeOfDay(s.Start)
	if err != nil {
		return lerr(line, "start: %v", err)
	}
	s.startOfDay = tod
	if s.Team.Name == "" {
		return lerr(line, "the scenario needs a team with a name")
	}
	if s.CoverTeam != nil && s.CoverTeam.Name == "" {
		return lerr(s.CoverTeam.Line, "cover-team needs a name")
	}
	if len(s.Patients) == 0 {
		return lerr(line, "the scenario needs at least one patient")
	}
	keys := map[string]*Patient{}
	for i, p := range s.Patients {
		if err := p.validate(i); err != nil {
			return err
		}
		if keys[p.Key] != nil {
			return lerr(p.Line, "patient key %q is used twice (first at line %d)", p.Key, keys[p.Key].Line)
		}
		keys[p.Key] = p
	}
	ids := map[string]int{}
	for _, e := range s.Events {
		if err := e.validate(keys, false); err != nil {
			return err
		}
		if e.ID == "" {
			return lerr(e.Line, "a timed event needs an id (the instructor fires it by id)")
		}
		if l, ok := ids[e.ID]; ok {
			return lerr(e.Line, "event id %q is used twice (first at line %d)", e.ID, l)
		}
		ids[e.ID] = e.Line
	}
	if len(s.Cases) == 0 {
		return lerr(line, "the scenario needs at least one case")
	}
	cases := map[string]int{}
	for _, c := range s.Cases {
		if c.ID == "" || c.Title == "" || c.Instruction == "" {
			return lerr(c.Line, "a case needs an id, a title and an instruction")
		}
		if l, ok := cases[c.ID]; ok {
			return lerr(c.Line, "case id %q is used twice (first at line %d)", c.ID, l)
		}
		cases[c.ID] = c.Line
		if c.Check == nil {
			return lerr(c.Line, "case %q needs a check of its outcome", c.ID)
		}
		if err := c.Check.validate(keys, s); err != nil {
			return err
		}
	}
	return nil
}

func (p *Patient) validate(i int) error {
	if p.Key == "" || !validKey(p.Key) {
		return lerr(p.Line, "patient %d needs a key of lower-case letters, digits and dashes (got %q)", i+1, p.Key)
	}
	if p.Name == "" {
		return lerr(p.Line, "patient %q needs a name", p.Key)
	}
	b, err := time.Parse(time.DateOnly, p.Born)
	if err != nil {
		return lerr(p.Line, "patient %q: born %q is not a date YYYY-MM-DD", p.Key, p.Born)
	}
	if b.Year() < 1900 || b.Year() > 2007 {
		return lerr(p.Line, "patient %q: born %s: the programme is for adults born 1900–2007", p.Key, p.Born)
	}
	p.birth = b
	switch strings.ToUpper(p.Sex) {
	case "K", "F":
		p.sex = "K"
	case "M":
		p.sex = "M"
	default:
		return lerr(p.Line, "patient %q: sex %q must be K or M", p.Key, p.Sex)
	}
	if len(p.Diagnosis) == 0 {
		p.Diagnosis = []string{domain.ProgrammeHeartFailure}
	}
	for _, d := range p.Diagnosis {
		if d != domain.ProgrammeHeartFailure && d != domain.ProgrammeCOPD {
			return lerr(p.Line, "patient %q: diagnosis %q must be %s or %s", p.Key, d, domain.ProgrammeHeartFailure, domain.ProgrammeCOPD)
		}
	}
	if len(p.Measure) == 0 {
		return lerr(p.Line, "patient %q: measure lists no kinds (weight, pulse, bp, steps, spo2)", p.Key)
	}
	for _, k := range p.Measure {
		if _, err := domain.ParseKind(k); err != nil {
			return lerr(p.Line, "patient %q: measure: %v", p.Key, err)
		}
	}
	if p.Deadline == "" {
		p.Deadline = "12:00"
	}
	if _, err := timeOfDay(p.Deadline); err != nil {
		return lerr(p.Line, "patient %q: deadline: %v", p.Key, err)
	}
	if p.Weight <= 0 && contains(p.Measure, string(domain.KindWeight)) {
		return lerr(p.Line, "patient %q measures weight: give the reference weight (weight: kg)", p.Key)
	}
	if _, err := p.thresholds(); err != nil {
		return err
	}
	if p.Baseline != nil {
		if p.Baseline.Days < 1 || p.Baseline.Days > 60 {
			return lerr(p.Baseline.Line, "patient %q: baseline days %d must be 1–60", p.Key, p.Baseline.Days)
		}
		for k := range p.Baseline.Values {
			if _, err := domain.ParseKind(k); err != nil {
				return lerr(p.Baseline.Line, "patient %q: baseline: %v", p.Key, err)
			}
		}
	}
	keys := map[string]*Patient{p.Key: p}
	for _, e := range p.History {
		if e.Patient != "" && e.Patient != p.Key {
			return lerr(e.Line, "a history item belongs to its patient; leave out patient: %q", e.Patient)
		}
		e.Patient = p.Key
		if err := e.validate(keys, true); err != nil {
			return err
		}
	}
	return nil
}

// thresholds are the patient's limits: the programme's defaults, with the
// kinds the scenario gives replaced.
func (p *Patient) thresholds() (domain.Thresholds, error) {
	th := domain.DefaultThresholds(p.Weight)
	for k, spec := range p.Thresholds {
		kind, err := domain.ParseKind(k)
		if err != nil {
			return th, lerr(p.Line, "patient %q: thresholds: %v", p.Key, err)
		}
		if spec == nil {
			return th, lerr(p.Line, "patient %q: thresholds for %s are empty", p.Key, k)
		}
		lim := func(f *float64) domain.Limit {
			if f == nil {
				return domain.Limit{}
			}
			return domain.L(*f)
		}
		l := domain.Limits{RedLow: lim(spec.RedLow), YellowLow: lim(spec.YellowLow), YellowHigh: lim(spec.YellowHigh), RedHigh: lim(spec.RedHigh)}
		if err := l.Validate(); err != nil {
			return th, lerr(spec.Line, "patient %q: thresholds for %s: %v", p.Key, k, err)
		}
		th.ByKind[kind] = domain.KindThresholds{Primary: l}
	}
	return th, nil
}

func (e *Event) validate(patients map[string]*Patient, history bool) error {
	if e.Patient == "" {
		return lerr(e.Line, "the event needs a patient")
	}
	p, ok := patients[e.Patient]
	if !ok {
		return lerr(e.Line, "patient %q is not in the scenario", e.Patient)
	}
	off, err := config.ParseOffset(e.At)
	if err != nil || e.At == "" {
		return lerr(e.Line, "at %q is not an offset from the session start such as +10m, -1d or 1d2h", e.At)
	}
	if history && off >= 0 {
		return lerr(e.Line, "a history item is before the session start: at %q must be negative, e.g. -1h", e.At)
	}
	if !history && off < 0 {
		return lerr(e.Line, "a timed event happens during the session: at %q must not be negative (put it in the patient's history)", e.At)
	}
	e.offset = off
	n := 0
	if len(e.Reading) > 0 {
		n++
		for k, v := range e.Reading {
			if k == "bp-diastolic" {
				if _, ok := e.Reading["bp"]; !ok {
					return lerr(e.Line, "bp-diastolic without bp")
				}
				continue
			}
			if _, err := domain.ParseKind(k); err != nil {
				return lerr(e.Line, "reading: %v", err)
			}
			if v != v {
				return lerr(e.Line, "reading %s is not a number", k)
			}
		}
		if _, ok := e.Reading["bp"]; ok {
			if _, ok := e.Reading["bp-diastolic"]; !ok {
				return lerr(e.Line, "a bp reading needs bp-diastolic too")
			}
		}
	}
	if e.Message != nil {
		n++
		if strings.TrimSpace(e.Message.Body) == "" {
			return lerr(e.Message.Line, "the message needs a body")
		}
	}
	if len(e.Questionnaire) > 0 {
		n++
		for _, a := range e.Questionnaire {
			if a.Question == "" || a.Answer == "" {
				return lerr(a.Line, "a questionnaire answer needs a question and an answer")
			}
			if _, err := colour(a.Colour); err != nil {
				return lerr(a.Line, "%v", err)
			}
		}
	}
	if e.Missed != "" {
		n++
		if history {
			return lerr(e.Line, "a missed measurement is a timed event, not history")
		}
		if !contains(p.Measure, e.Missed) {
			return lerr(e.Line, "patient %q does not measure %q, so it cannot be missed", p.Key, e.Missed)
		}
	}
	if n != 1 {
		return lerr(e.Line, "an event is exactly one of reading, message, questionnaire or missed (got %d)", n)
	}
	return nil
}

func (c *Check) validate(patients map[string]*Patient, s *Scenario) error {
	if c.Patient == "" {
		return lerr(c.Line, "the check needs a patient")
	}
	p, ok := patients[c.Patient]
	if !ok {
		return lerr(c.Line, "patient %q is not in the scenario", c.Patient)
	}
	if !c.Acknowledged && !c.MessageSent && !c.MessagesRead && !c.MissingResolved && c.CoverBy == "" && c.Threshold == nil {
		return lerr(c.Line, "the check asks for nothing (acknowledged, with-note, message-sent, messages-read, missing-resolved, cover-by, threshold)")
	}
	if c.WithNote && !c.Acknowledged {
		return lerr(c.Line, "with-note belongs to acknowledged: true")
	}
	switch c.CoverBy {
	case "":
	case "cover-team":
		if s.CoverTeam == nil {
			return lerr(c.Line, "cover-by: cover-team, but the scenario has no cover-team")
		}
	case "team":
		if !s.Shared {
			return lerr(c.Line, "cover-by: team needs shared: true (a trainee covers for the shared team)")
		}
	default:
		return lerr(c.Line, "cover-by %q must be cover-team or team", c.CoverBy)
	}
	if t := c.Threshold; t != nil {
		if _, err := domain.ParseKind(t.Kind); err != nil {
			return lerr(t.Line, "threshold: %v", err)
		}
		if !contains(p.Measure, t.Kind) {
			return lerr(t.Line, "patient %q does not measure %q", p.Key, t.Kind)
		}
		switch t.Limit {
		case "red-high", "yellow-high", "yellow-low", "red-low":
		default:
			return lerr(t.Line, "threshold limit %q must be red-high, yellow-high, yellow-low or red-low", t.Limit)
		}
	}
	return nil
}

func colour(s string) (domain.Color, error) {
	switch s {
	case "green", "grøn":
		return domain.Green, nil
	case "yellow", "gul":
		return domain.Yellow, nil
	case "red", "rød":
		return domain.Red, nil
	}
	return 0, fmt.Errorf("colour %q must be green, yellow or red", s)
}

func timeOfDay(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a time of day HH:MM", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

func validKey(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Offset is the event's offset from the session start.
func (e *Event) Offset() time.Duration { return e.offset }

// Birth is the patient's fixed birth date.
func (p *Patient) Birth() time.Time { return p.birth }

// CPR is the patient's fictitious CPR number: the day field is the day of
// birth plus 60 (so it can never be a real person's), the seventh digit
// follows the century rules for the birth year, the serial is the
// patient's place in the scenario and the last digit is odd for a man and
// even for a woman. It depends on nothing but the scenario, so the same
// scenario gives the same numbers on any day.
func (p *Patient) CPR(index int) string {
	b := p.birth
	d7 := 0
	if b.Year() >= 2000 {
		d7 = 4
	}
	last := 2 * (index % 5)
	if p.sex == "M" {
		last++
	}
	return fmt.Sprintf("%02d%02d%02d%d%02d%d", b.Day()+60, int(b.Month()), b.Year()%100, d7, (index/5)%100, last)
}

// ShippedSource is a shipped scenario's file text.
func ShippedSource(name string) ([]byte, error) {
	return shipped.ReadFile("scenarios/" + name + ".yaml")
}
