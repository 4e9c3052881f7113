package domain

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// DefaultReevaluationDays is how far ahead the next re-evaluation is put by
// default: the programme re-evaluates with the patient every two to three
// months.
const DefaultReevaluationDays = 75

// DefaultReevaluation is the default next re-evaluation for a regime
// changed at from: DefaultReevaluationDays calendar days later.
func DefaultReevaluation(from time.Time) time.Time {
	return from.AddDate(0, 0, DefaultReevaluationDays)
}

// MaxRegimeText is the longest reason or physician name, in characters.
const MaxRegimeText = 500

// PlausibleRange is the range a threshold value of one kind must lie in:
// pulse 20–250 /min, weight −30..+30 kg relative to the reference weight,
// systolic 50–300 and diastolic 30–200 mmHg, SpO2 50–100 %, steps
// 0–MaxSteps. secondary selects the diastolic range for blood pressure.
func PlausibleRange(k Kind, secondary bool) (lo, hi float64) {
	switch k {
	case KindPulse:
		return 20, 250
	case KindWeight:
		return -30, 30
	case KindBloodPressure:
		if secondary {
			return 30, 200
		}
		return 50, 300
	case KindSpO2:
		return 50, 100
	case KindSteps:
		return 0, MaxSteps
	}
	return math.Inf(-1), math.Inf(1)
}

// LimitNames are the field-name suffixes of the four limits, in order.
var limitNames = [4]string{"red-low", "yellow-low", "yellow-high", "red-high"}

// LimitField is the form field name of one limit: "<kind>.<limit>", with
// kind "bp-dia" for the diastolic limits; i indexes RedLow, YellowLow,
// YellowHigh, RedHigh.
func LimitField(k Kind, secondary bool, i int) string {
	name := string(k)
	if secondary {
		name = "bp-dia"
	}
	return name + "." + limitNames[i]
}

// limitsArray returns the four limits in order.
func limitsArray(l Limits) [4]Limit { return [4]Limit{l.RedLow, l.YellowLow, l.YellowHigh, l.RedHigh} }

// RegimeChange is a new version of a patient's regime as the nurse (under
// delegated authority) or the physician saved it.
type RegimeChange struct {
	PatientID string
	// BaseVersion is the version the form was opened on. When the stored
	// current version differs, someone else changed the regime meanwhile:
	// the change must not overwrite theirs.
	BaseVersion string
	// Regime is the new version; its Author, Reason, Physician and
	// EffectiveFrom say who, why, under whose responsibility and from when.
	// New thresholds apply to readings taken from EffectiveFrom on.
	Regime Regime
	At     time.Time // when the change was made
}

// Validate checks the change before anything is saved, returning every
// problem found (a Problems). Fields: "author" (too long only), "reason", "physician",
// "effective-from", "start", "end", "reevaluation", "reference-weight",
// "schedule.<kind>", "<kind>.<limit>" and "bp-dia.<limit>" (see
// LimitField), "trend". Beyond Regime.Validate it requires plausible
// threshold values per kind (PlausibleRange), systolic limits above the
// diastolic ones and a re-evaluation after the start.
func (c RegimeChange) Validate() error {
	r := c.Regime
	var p Problems
	text := func(field, v string) {
		v = strings.TrimSpace(v)
		if v == "" {
			p.add(field, CodeRequired, "%s is required", field)
		} else if n := utf8.RuneCountInString(v); n > MaxRegimeText {
			p.add(field, CodeTooLong, "%s has %d characters, at most %d", field, n, MaxRegimeText).Max = MaxRegimeText
		}
	}
	// The author is not the form's to give: whoever writes the version
	// (the console acting as its signed-in practitioner) names it, so only
	// its length is checked here.
	if n := utf8.RuneCountInString(strings.TrimSpace(r.Author)); n > MaxRegimeText {
		p.add("author", CodeTooLong, "author has %d characters, at most %d", n, MaxRegimeText).Max = MaxRegimeText
	}
	text("reason", r.Reason)
	text("physician", r.Physician)
	if r.EffectiveFrom.IsZero() {
		p.add("effective-from", CodeRequired, "the date the change applies from is required")
	}
	if r.Start.IsZero() {
		p.add("start", CodeRequired, "the start of monitoring is required")
	}
	if !r.End.IsZero() && !r.Start.IsZero() && !r.End.After(r.Start) {
		p.add("end", CodeAfter, "end %s must be after start %s", r.End.Format(time.DateOnly), r.Start.Format(time.DateOnly)).Other = "start"
	}
	if !r.Reevaluation.IsZero() && !r.Start.IsZero() && !r.Reevaluation.After(r.Start) {
		p.add("reevaluation", CodeAfter, "re-evaluation %s must be after start %s", r.Reevaluation.Format(time.DateOnly), r.Start.Format(time.DateOnly)).Other = "start"
	}
	switch r.Phase {
	case PhaseStartUp, PhaseOngoing:
	default:
		p.add("phase", CodeInvalid, "unknown phase %q", r.Phase)
	}
	p = append(p, AsProblems(ValidateProRules(r.ProRules))...)
	p = append(p, scheduleProblems(r.Schedules)...)
	p = append(p, thresholdProblems(r.Thresholds)...)
	if tr := r.TrendRule; tr != nil {
		switch {
		case !(tr.GainKg > 0) || tr.GainKg > 10:
			p.add("trend", CodeRange, "trend gain %g kg must be above 0 and at most 10", tr.GainKg).Max = 10
		case tr.Days < 1 || tr.Days > 14:
			p.add("trend", CodeRange, "trend window of %d days must be 1–14", tr.Days).Max = 14
		case tr.Color != Yellow && tr.Color != Red:
			p.add("trend", CodeInvalid, "a trend gives yellow or red, not %s", tr.Color)
		}
	}
	// The shared rules are the last word: anything they reject that the
	// field checks above did not name is reported on the regime as a whole.
	if len(p) == 0 {
		if err := r.Validate(); err != nil {
			p.add("regime", CodeInvalid, "%v", err)
		}
	}
	return p.err()
}

// scheduleProblems checks each schedule: one per kind, a known kind, a time
// of day, a usable frequency.
func scheduleProblems(ss []Schedule) Problems {
	var p Problems
	seen := map[Kind]bool{}
	for _, s := range ss {
		f := "schedule." + string(s.Kind)
		if _, err := ParseKind(string(s.Kind)); err != nil {
			p.add(f, CodeInvalid, "%v", err)
			continue
		}
		if seen[s.Kind] {
			p.add(f, CodeInvalid, "%s is scheduled twice", s.Kind)
			continue
		}
		seen[s.Kind] = true
		if s.Deadline <= 0 || s.Deadline > 24*time.Hour {
			p.add(f, CodeRange, "deadline %s must be a time of day", s.Deadline)
			continue
		}
		switch s.Freq.Kind {
		case Daily:
		case Weekly:
			if len(s.Freq.Weekdays) > 1 {
				p.add(f, CodeInvalid, "weekly takes one weekday")
			}
		case TimesPerWeek:
			if s.Freq.N < 1 || s.Freq.N > 7 {
				e := p.add(f, CodeRange, "%d times a week must be 1–7", s.Freq.N)
				e.Min, e.Max = 1, 7
			}
		case OnWeekdays:
			if len(s.Freq.Weekdays) == 0 {
				p.add(f, CodeRequired, "choose at least one weekday")
			}
		default:
			p.add(f, CodeInvalid, "unknown frequency %q", s.Freq.Kind)
		}
		for _, wd := range s.Freq.Weekdays {
			if wd < time.Sunday || wd > time.Saturday {
				p.add(f, CodeInvalid, "%d is not a weekday", wd)
				break
			}
		}
	}
	return p
}

// thresholdProblems checks every limit for plausibility and order, and
// systolic limits above diastolic ones. At most one order problem is
// reported per set of limits, on the later of the two limits in conflict.
func thresholdProblems(t Thresholds) Problems {
	var p Problems
	for k := range t.ByKind {
		if _, err := ParseKind(string(k)); err != nil {
			p.add("thresholds", CodeInvalid, "%v", err)
		}
	}
	check := func(k Kind, secondary bool, l Limits) {
		lo, hi := PlausibleRange(k, secondary)
		arr := limitsArray(l)
		bad := false
		for i, v := range arr {
			if !v.OK {
				continue
			}
			if math.IsNaN(v.V) || v.V < lo || v.V > hi {
				e := p.add(LimitField(k, secondary, i), CodeRange, "%g is outside the plausible %g–%g", v.V, lo, hi)
				e.Min, e.Max = lo, hi
				bad = true
			}
		}
		if bad {
			return
		}
		for j := 1; j < 4; j++ {
			if !arr[j].OK {
				continue
			}
			for i := j - 1; i >= 0; i-- {
				if !arr[i].OK {
					continue
				}
				strict := i <= 1 && j >= 2
				if arr[i].V > arr[j].V || (strict && arr[i].V == arr[j].V) {
					p.add(LimitField(k, secondary, j), CodeOrder, "%s %g must be above %s %g", limitNames[j], arr[j].V, limitNames[i], arr[i].V).Other = LimitField(k, secondary, i)
					return
				}
			}
		}
	}
	for _, k := range kindOrder {
		kt, ok := t.ByKind[k]
		if !ok {
			continue
		}
		check(k, false, kt.Primary)
		if k == KindBloodPressure {
			check(k, true, kt.Secondary)
			s, d := limitsArray(kt.Primary), limitsArray(kt.Secondary)
			for i := range s {
				if s[i].OK && d[i].OK && s[i].V <= d[i].V {
					p.add(LimitField(k, true, i), CodeOrder, "diastolic %s %g must be below systolic %g", limitNames[i], d[i].V, s[i].V).Other = LimitField(k, false, i)
					break
				}
			}
		} else if !kt.Secondary.Empty() {
			p.add(LimitField(k, true, 0), CodeInvalid, "only blood pressure has diastolic limits")
		}
		if k == KindWeight && !kt.Primary.Empty() && !plausibleReference(t.ReferenceWeight) {
			e := p.add("reference-weight", CodeRange, "reference weight %g kg must be %d–%d", t.ReferenceWeight, MinWeightKg, MaxWeightKg)
			e.Min, e.Max = MinWeightKg, MaxWeightKg
		}
	}
	if rw := t.ReferenceWeight; rw != 0 && (rw < MinWeightKg || rw > MaxWeightKg) {
		if _, done := p.ByField()["reference-weight"]; !done {
			e := p.add("reference-weight", CodeRange, "reference weight %g kg must be %d–%d", rw, MinWeightKg, MaxWeightKg)
			e.Min, e.Max = MinWeightKg, MaxWeightKg
		}
	}
	return p
}

// RegimeDiff is one difference between two regime versions, with the old
// and new value in a neutral notation (dates YYYY-MM-DD, limits
// "redLow/yellowLow/yellowHigh/redHigh" with "–" for unset, decimals with a
// point). Field uses the names of RegimeChange.Validate, with "<kind>" and
// "bp-dia" for whole sets of limits and "pauses".
type RegimeDiff struct {
	Field    string
	Old, New string
}

// DiffRegimes lists what changed from old to new, in a fixed order: phase,
// dates, schedules, reference weight, limits per kind, trend rule, pauses,
// physician. Author and reason describe the change itself and are not
// compared.
//
// Dates are the UTC calendar day; use DiffRegimesIn for the days the clinic
// sees.
func DiffRegimes(old, new Regime) []RegimeDiff { return DiffRegimesIn(old, new, time.UTC) }

// DiffRegimesIn is DiffRegimes with dates as calendar days in loc
// (Europe/Copenhagen in the console): a regime starting at local midnight
// is that day, not the day before as in UTC. A pause is shown by its
// first and last day ("2026-03-10..2026-03-20"; its stored end is the
// exclusive next midnight).
func DiffRegimesIn(old, new Regime, loc *time.Location) []RegimeDiff {
	dateText := func(t time.Time) string { return dateIn(t, loc) }
	pausesText := func(ps []Period) string { return pausesIn(ps, loc) }
	var out []RegimeDiff
	cmp := func(field, a, b string) {
		if a != b {
			out = append(out, RegimeDiff{Field: field, Old: a, New: b})
		}
	}
	cmp("phase", string(old.Phase), string(new.Phase))
	cmp("effective-from", dateText(old.EffectiveFrom), dateText(new.EffectiveFrom))
	cmp("start", dateText(old.Start), dateText(new.Start))
	cmp("end", dateText(old.End), dateText(new.End))
	cmp("reevaluation", dateText(old.Reevaluation), dateText(new.Reevaluation))
	for _, k := range kindOrder {
		cmp("schedule."+string(k), ScheduleText(findSchedule(old.Schedules, k)), ScheduleText(findSchedule(new.Schedules, k)))
	}
	cmp("reference-weight", numText(old.Thresholds.ReferenceWeight), numText(new.Thresholds.ReferenceWeight))
	for _, k := range kindOrder {
		a, b := old.Thresholds.ByKind[k], new.Thresholds.ByKind[k]
		cmp(string(k), LimitsText(a.Primary), LimitsText(b.Primary))
		if k == KindBloodPressure {
			cmp("bp-dia", LimitsText(a.Secondary), LimitsText(b.Secondary))
		}
	}
	cmp("trend", trendText(old.TrendRule), trendText(new.TrendRule))
	cmp("pauses", pausesText(old.Pauses), pausesText(new.Pauses))
	cmp("pro", ProRulesText(old.ProRules), ProRulesText(new.ProRules))
	cmp("physician", old.Physician, new.Physician)
	return out
}

func findSchedule(ss []Schedule, k Kind) *Schedule {
	for i := range ss {
		if ss[i].Kind == k {
			return &ss[i]
		}
	}
	return nil
}

// ScheduleText is a neutral notation of a schedule: "daily 12:00",
// "3/week 20:00", "weekdays mon,thu 10:00", "weekly mon 24:00"; "" for
// none.
func ScheduleText(s *Schedule) string {
	if s == nil {
		return ""
	}
	dl := fmt.Sprintf("%02d:%02d", int(s.Deadline/time.Hour), int(s.Deadline%time.Hour/time.Minute))
	days := func() string {
		var d []string
		for _, wd := range s.Freq.Weekdays {
			if wd >= time.Sunday && wd <= time.Saturday {
				d = append(d, strings.ToLower(wd.String()[:3]))
			}
		}
		return strings.Join(d, ",")
	}
	switch s.Freq.Kind {
	case Daily:
		return "daily " + dl
	case TimesPerWeek:
		return strconv.Itoa(s.Freq.N) + "/week " + dl
	case OnWeekdays:
		return "weekdays " + days() + " " + dl
	case Weekly:
		d := days()
		if d == "" {
			d = "mon"
		}
		return "weekly " + d + " " + dl
	}
	return string(s.Freq.Kind) + " " + dl
}

// LimitsText is "redLow/yellowLow/yellowHigh/redHigh" with "–" for an unset
// limit, or "" when none is set.
func LimitsText(l Limits) string {
	if l.Empty() {
		return ""
	}
	a := limitsArray(l)
	parts := make([]string, 4)
	for i, v := range a {
		parts[i] = v.String()
	}
	return strings.Join(parts, "/")
}

// dateIn is t's calendar day in loc, YYYY-MM-DD; "" for the zero time.
func dateIn(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(time.DateOnly)
}

func numText(v float64) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func trendText(t *TrendRule) string {
	if t == nil {
		return ""
	}
	return fmt.Sprintf("+%g kg/%d d %s", t.GainKg, t.Days, t.Color)
}

// pausesIn lists pauses by their first and last local day.
func pausesIn(ps []Period, loc *time.Location) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		last := ""
		if !p.To.IsZero() {
			last = dateIn(p.To.Add(-time.Nanosecond), loc)
		}
		parts[i] = dateIn(p.From, loc) + ".." + last
	}
	return strings.Join(parts, ", ")
}

// ProRulesText is a neutral notation of questionnaire rules:
// "question=answer:red; ..." in the order given ("" for none).
func ProRulesText(rules []ProRule) string {
	parts := make([]string, 0, len(rules))
	for _, r := range rules {
		parts = append(parts, r.Question+"="+r.Answer+":"+r.Severity.String())
	}
	return strings.Join(parts, "; ")
}
