package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// Problem codes for input the console could not read (beside the domain's).
const (
	codeDate   = "format-date"
	codeTime   = "format-time"
	codeNumber = "format-number"
)

// parseDate reads a date typed as dd.mm.yyyy (also d.m.yyyy, dd-mm-yyyy or
// yyyy-mm-dd) as local midnight in loc.
func parseDate(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2.1.2006", "2-1-2006", "2006-01-02", "2/1/2006"} {
		if d, err := time.ParseInLocation(layout, s, loc); err == nil {
			return d, true
		}
	}
	return time.Time{}, false
}

// parseClock reads a time of day "HH:MM" (or "HH.MM", "HH") as a duration
// after midnight; 24:00 is allowed.
func parseClock(s string) (time.Duration, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ".", ":")
	h, mi, found := strings.Cut(s, ":")
	hh, err := strconv.Atoi(h)
	if err != nil {
		return 0, false
	}
	mm := 0
	if found {
		if mm, err = strconv.Atoi(mi); err != nil {
			return 0, false
		}
	}
	if hh < 0 || hh > 24 || mm < 0 || mm > 59 || (hh == 24 && mm != 0) {
		return 0, false
	}
	return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute, true
}

// clockText formats a time of day as HH:MM.
func clockText(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// parseNumber reads a decimal number with a comma or a point.
func parseNumber(s string) (float64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	s = strings.TrimPrefix(s, "+")
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != v {
		return 0, false
	}
	return v, true
}

// problem translates a validation problem for display next to its field.
func (t *texts) problem(e *domain.FieldError) string {
	a := &t.Act
	num := func(v float64) string { return t.number(v, decimalsFor(v)) }
	switch e.Code {
	case domain.CodeRequired:
		return a.ProbRequired
	case domain.CodeTooLong:
		return fmt.Sprintf(a.ProbTooLong, int(e.Max))
	case domain.CodeRange:
		return fmt.Sprintf(a.ProbRange, num(e.Min), num(e.Max))
	case domain.CodeOrder:
		return fmt.Sprintf(a.ProbOrder, t.fieldLabel(e.Other))
	case domain.CodeAfter:
		return fmt.Sprintf(a.ProbAfter, t.fieldLabel(e.Other))
	case domain.CodeOverlap:
		if o := e.Overlap; o != nil {
			s := fmt.Sprintf(a.ProbOverlapWith, safetext.Sanitize(o.Team.Name), t.periodText(o.Period, t.location()))
			if e.OverlapPatient != "" {
				s += " " + fmt.Sprintf(a.ProbOverlapFor, e.OverlapPatient)
			}
			return s
		}
		return a.ProbOverlap
	case domain.CodeSame:
		return a.ProbSame
	case domain.CodePeriodTooLong:
		return fmt.Sprintf(a.ProbPeriodTooLong, int(e.Max))
	case codeDate:
		return a.ProbDate
	case codeTime:
		return a.ProbTime
	case codeNumber:
		return a.ProbNumber
	case domain.CodeEnrolled:
		return fmt.Sprintf(t.Course.ProbEnrolled, safetext.Sanitize(e.Other))
	case domain.CodeConsent:
		return t.Course.ProbConsent
	case domain.CodeOpenItems:
		return fmt.Sprintf(t.Course.ProbOpen, int(e.Max))
	}
	return a.ProbInvalid
}

// fieldLabel names a field in a problem message ("gul høj puls").
func (t *texts) fieldLabel(id string) string {
	if l, ok := t.Act.FieldName[id]; ok {
		return l
	}
	kind, limit, ok := strings.Cut(id, ".")
	if !ok {
		return id
	}
	names := map[string]int{"red-low": 0, "yellow-low": 1, "yellow-high": 2, "red-high": 3}
	i, ok := names[limit]
	if !ok {
		return id
	}
	k := t.KindShort[domain.Kind(kind)]
	if kind == "bp-dia" {
		k = t.KindShort[domain.KindBloodPressure] + " dia"
	} else if kind == string(domain.KindBloodPressure) {
		k += " sys"
	}
	return t.LimitHead[i] + " (" + k + ")"
}
