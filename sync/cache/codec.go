package cache

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// strictUnmarshal decodes stored JSON and refuses unknown fields, so a
// format it does not understand is an error, never silently empty limits.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data after JSON value")
	}
	return nil
}

// ms converts t to unix milliseconds UTC; the zero time becomes NULL.
func ms(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

// fromMs is the inverse of ms: NULL becomes the zero time.
func fromMs(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}

// msOrZero is the last_updated encoding: 0 for "no server version".
func msOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMsOrZero(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func parseColor(s string) (domain.Color, error) {
	c, err := domain.ParseColor(s)
	if err != nil {
		return domain.Unclassified, fmt.Errorf("stored colour: %w", err)
	}
	return c, nil
}

// limitsJSON is the stored form of domain.Limits, compact because every
// reading keeps a copy: [red_low, yellow_low, yellow_high, red_high], null
// for an unset limit (so a limit of 0 survives the round trip).
type limitsJSON [4]*float64

// kindThresholdsJSON is the stored form of domain.KindThresholds: "p" the
// primary (or systolic) limits, "s" the secondary (diastolic) ones; an
// empty set is left out.
type kindThresholdsJSON struct {
	Primary   *limitsJSON `json:"p,omitempty"`
	Secondary *limitsJSON `json:"s,omitempty"`
}

func limitToJSON(l domain.Limit) *float64 {
	if !l.OK {
		return nil
	}
	v := l.V
	return &v
}

func limitFromJSON(p *float64) domain.Limit {
	if p == nil {
		return domain.Limit{}
	}
	return domain.L(*p)
}

func toLimitsJSON(l domain.Limits) *limitsJSON {
	if l.Empty() {
		return nil
	}
	return &limitsJSON{limitToJSON(l.RedLow), limitToJSON(l.YellowLow), limitToJSON(l.YellowHigh), limitToJSON(l.RedHigh)}
}

func (l *limitsJSON) domain() domain.Limits {
	if l == nil {
		return domain.Limits{}
	}
	return domain.Limits{
		RedLow: limitFromJSON(l[0]), YellowLow: limitFromJSON(l[1]),
		YellowHigh: limitFromJSON(l[2]), RedHigh: limitFromJSON(l[3]),
	}
}

func toKindThresholdsJSON(k domain.KindThresholds) kindThresholdsJSON {
	return kindThresholdsJSON{Primary: toLimitsJSON(k.Primary), Secondary: toLimitsJSON(k.Secondary)}
}

func (k kindThresholdsJSON) domain() domain.KindThresholds {
	return domain.KindThresholds{Primary: k.Primary.domain(), Secondary: k.Secondary.domain()}
}

// encodeLimits stores a reading's limits snapshot; no limits is NULL.
func encodeLimits(k domain.KindThresholds) (sql.NullString, error) {
	if k.Empty() {
		return sql.NullString{}, nil
	}
	b, err := json.Marshal(toKindThresholdsJSON(k))
	if err != nil {
		return sql.NullString{}, fmt.Errorf("encode limits: %w", err)
	}
	return sql.NullString{String: string(b), Valid: true}, nil
}

func decodeLimits(s sql.NullString) (domain.KindThresholds, error) {
	if !s.Valid {
		return domain.KindThresholds{}, nil
	}
	var k kindThresholdsJSON
	if err := strictUnmarshal([]byte(s.String), &k); err != nil {
		return domain.KindThresholds{}, fmt.Errorf("decode stored limits: %w", err)
	}
	return k.domain(), nil
}

// scheduleJSON is the stored form of domain.Schedule. The deadline (time of
// day, local) is kept in milliseconds after midnight.
type scheduleJSON struct {
	Kind       string `json:"kind"`
	Freq       string `json:"freq"`
	N          int    `json:"n,omitempty"`
	Weekdays   []int  `json:"weekdays,omitempty"`
	DeadlineMs int64  `json:"deadline_ms"`
}

type trendJSON struct {
	GainKg float64 `json:"gain_kg"`
	Days   int     `json:"days"`
	Color  string  `json:"color"`
}

type periodJSON struct {
	From   *int64 `json:"from,omitempty"`
	To     *int64 `json:"to,omitempty"`
	Reason string `json:"reason,omitempty"`
}

func msPtr(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	v := t.UnixMilli()
	return &v
}

func fromMsPtr(p *int64) time.Time {
	if p == nil {
		return time.Time{}
	}
	return time.UnixMilli(*p).UTC()
}

// regimeJSON holds the JSON columns of one regimes row.
type regimeJSON struct {
	schedules, thresholds, pauses, proRules, questionnaires string
	trend                                                   sql.NullString
}

func encodeRegime(r domain.Regime) (regimeJSON, error) {
	var out regimeJSON
	scheds := make([]scheduleJSON, 0, len(r.Schedules))
	for _, s := range r.Schedules {
		sj := scheduleJSON{Kind: string(s.Kind), Freq: string(s.Freq.Kind), N: s.Freq.N, DeadlineMs: s.Deadline.Milliseconds()}
		for _, d := range s.Freq.Weekdays {
			sj.Weekdays = append(sj.Weekdays, int(d))
		}
		scheds = append(scheds, sj)
	}
	byKind := make(map[string]kindThresholdsJSON, len(r.Thresholds.ByKind))
	for k, kt := range r.Thresholds.ByKind {
		byKind[string(k)] = toKindThresholdsJSON(kt)
	}
	pauses := make([]periodJSON, 0, len(r.Pauses))
	for _, p := range r.Pauses {
		pauses = append(pauses, periodJSON{From: msPtr(p.From), To: msPtr(p.To), Reason: p.Reason})
	}
	for _, x := range []struct {
		v   any
		dst *string
	}{{scheds, &out.schedules}, {byKind, &out.thresholds}, {pauses, &out.pauses}, {proRulesJSON(r.ProRules), &out.proRules}, {nonNil(r.Questionnaires), &out.questionnaires}} {
		b, err := json.Marshal(x.v)
		if err != nil {
			return out, fmt.Errorf("encode regime: %w", err)
		}
		*x.dst = string(b)
	}
	if r.TrendRule != nil {
		b, err := json.Marshal(trendJSON{GainKg: r.TrendRule.GainKg, Days: r.TrendRule.Days, Color: r.TrendRule.Color.String()})
		if err != nil {
			return out, fmt.Errorf("encode regime trend rule: %w", err)
		}
		out.trend = sql.NullString{String: string(b), Valid: true}
	}
	return out, nil
}

// decodeRegime fills the JSON-held fields of r.
func decodeRegime(r *domain.Regime, j regimeJSON) error {
	var scheds []scheduleJSON
	if err := strictUnmarshal([]byte(j.schedules), &scheds); err != nil {
		return fmt.Errorf("decode stored schedules: %w", err)
	}
	r.Schedules = nil
	for _, sj := range scheds {
		s := domain.Schedule{
			Kind:     domain.Kind(sj.Kind),
			Freq:     domain.Frequency{Kind: domain.FreqKind(sj.Freq), N: sj.N},
			Deadline: time.Duration(sj.DeadlineMs) * time.Millisecond,
		}
		for _, d := range sj.Weekdays {
			s.Freq.Weekdays = append(s.Freq.Weekdays, time.Weekday(d))
		}
		r.Schedules = append(r.Schedules, s)
	}
	var byKind map[string]kindThresholdsJSON
	if err := strictUnmarshal([]byte(j.thresholds), &byKind); err != nil {
		return fmt.Errorf("decode stored thresholds: %w", err)
	}
	r.Thresholds.ByKind = nil
	if len(byKind) > 0 {
		r.Thresholds.ByKind = make(map[domain.Kind]domain.KindThresholds, len(byKind))
		for k, kt := range byKind {
			r.Thresholds.ByKind[domain.Kind(k)] = kt.domain()
		}
	}
	var pauses []periodJSON
	if err := strictUnmarshal([]byte(j.pauses), &pauses); err != nil {
		return fmt.Errorf("decode stored pauses: %w", err)
	}
	r.Pauses = nil
	for _, p := range pauses {
		r.Pauses = append(r.Pauses, domain.Period{From: fromMsPtr(p.From), To: fromMsPtr(p.To), Reason: p.Reason})
	}
	r.ProRules = nil
	if j.proRules != "" {
		var rules []proAnswerJSON
		if err := strictUnmarshal([]byte(j.proRules), &rules); err != nil {
			return fmt.Errorf("decode stored questionnaire rules: %w", err)
		}
		for _, x := range rules {
			c, err := parseColor(x.Severity)
			if err != nil {
				return err
			}
			r.ProRules = append(r.ProRules, domain.ProRule{Question: x.Question, Answer: x.Answer, Severity: c})
		}
	}
	r.Questionnaires = nil
	if j.questionnaires != "" {
		if err := strictUnmarshal([]byte(j.questionnaires), &r.Questionnaires); err != nil {
			return fmt.Errorf("decode stored questionnaire references: %w", err)
		}
		if len(r.Questionnaires) == 0 {
			r.Questionnaires = nil
		}
	}
	r.TrendRule = nil
	if j.trend.Valid {
		var t trendJSON
		if err := strictUnmarshal([]byte(j.trend.String), &t); err != nil {
			return fmt.Errorf("decode stored trend rule: %w", err)
		}
		c, err := parseColor(t.Color)
		if err != nil {
			return err
		}
		r.TrendRule = &domain.TrendRule{GainKg: t.GainKg, Days: t.Days, Color: c}
	}
	return nil
}

// proAnswerJSON is the stored form of one questionnaire answer.
type proAnswerJSON struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
	Severity string `json:"severity"`
}

func encodeAnswers(as []domain.ProAnswer) (string, error) {
	out := make([]proAnswerJSON, 0, len(as))
	for _, a := range as {
		out = append(out, proAnswerJSON{Question: a.Question, Answer: a.Answer, Severity: a.Severity.String()})
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", fmt.Errorf("encode answers: %w", err)
	}
	return string(b), nil
}

func decodeAnswers(s string) ([]domain.ProAnswer, error) {
	var in []proAnswerJSON
	if err := strictUnmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("decode stored answers: %w", err)
	}
	var out []domain.ProAnswer
	for _, a := range in {
		c, err := parseColor(a.Severity)
		if err != nil {
			return nil, err
		}
		out = append(out, domain.ProAnswer{Question: a.Question, Answer: a.Answer, Severity: c})
	}
	return out, nil
}

// proRulesJSON is the stored form of a regime's questionnaire rules.
func proRulesJSON(rules []domain.ProRule) []proAnswerJSON {
	out := make([]proAnswerJSON, 0, len(rules))
	for _, r := range rules {
		out = append(out, proAnswerJSON{Question: r.Question, Answer: r.Answer, Severity: r.Severity.String()})
	}
	return out
}

// nonNil is s, or an empty list for none (stored as [] rather than null).
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// questionJSON is the stored form of one question of a questionnaire
// definition.
type questionJSON struct {
	LinkID  string       `json:"linkId"`
	Text    string       `json:"text"`
	Options []optionJSON `json:"options"`
}

type optionJSON struct {
	Code     string `json:"code,omitempty"`
	Text     string `json:"text"`
	Severity string `json:"severity"`
}

func encodeQuestions(qs []domain.Question) (string, error) {
	out := make([]questionJSON, 0, len(qs))
	for _, q := range qs {
		qj := questionJSON{LinkID: q.LinkID, Text: q.Text, Options: make([]optionJSON, 0, len(q.Options))}
		for _, o := range q.Options {
			qj.Options = append(qj.Options, optionJSON{Code: o.Code, Text: o.Text, Severity: o.Severity.String()})
		}
		out = append(out, qj)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", fmt.Errorf("encode questions: %w", err)
	}
	return string(b), nil
}

func decodeQuestions(s string) ([]domain.Question, error) {
	var in []questionJSON
	if err := strictUnmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("decode stored questions: %w", err)
	}
	var out []domain.Question
	for _, qj := range in {
		q := domain.Question{LinkID: qj.LinkID, Text: qj.Text}
		for _, o := range qj.Options {
			c, err := parseColor(o.Severity)
			if err != nil {
				return nil, err
			}
			q.Options = append(q.Options, domain.AnswerOption{Code: o.Code, Text: o.Text, Severity: c})
		}
		out = append(out, q)
	}
	return out, nil
}
