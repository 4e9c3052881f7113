package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseOffset reads a clock offset: a Go duration ("36h", "-90m"), whole
// days ("2d", "-7d"), or days followed by a duration ("1d12h"). A bare "0"
// (or nothing) is no offset.
func ParseOffset(v any) (time.Duration, error) {
	switch x := v.(type) {
	case nil:
		return 0, nil
	case time.Duration:
		return x, nil
	case int:
		if x == 0 {
			return 0, nil
		}
	case string:
		return parseOffsetText(x)
	}
	return 0, fmt.Errorf("%v is not a duration with a unit (e.g. 2d, -3h, 1d12h)", v)
}

func parseOffsetText(text string) (time.Duration, error) {
	s := strings.TrimSpace(text)
	if s == "" || s == "0" {
		return 0, nil
	}
	bad := fmt.Errorf("%q is not a duration (e.g. 2d, -3h, 1d12h)", text)
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	var days time.Duration
	if i := strings.IndexByte(s, 'd'); i >= 0 {
		n, err := strconv.ParseUint(s[:i], 10, 32)
		if err != nil || n > maxDays {
			return 0, bad
		}
		days, s = time.Duration(n)*24*time.Hour, s[i+1:]
	}
	var rest time.Duration
	if s != "" {
		if s[0] == '-' || s[0] == '+' {
			return 0, bad
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, bad
		}
		rest = d
	}
	d := days + rest
	if neg {
		d = -d
	}
	return d, nil
}

// FormatOffset writes an offset the way ParseOffset reads it, with its sign
// and whole days split off: "+2d", "-1d12h0m0s", "+30m0s"; "0" for none.
func FormatOffset(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	sign := "+"
	if d < 0 {
		sign, d = "-", -d
	}
	day := 24 * time.Hour
	var b strings.Builder
	b.WriteString(sign)
	if n := d / day; n > 0 {
		fmt.Fprintf(&b, "%dd", n)
		d -= n * day
	}
	if d > 0 {
		b.WriteString(d.String())
	}
	return b.String()
}

// DefaultCannedReplies are the composer's ready texts when messages.canned
// is not configured.
func DefaultCannedReplies() []string {
	return []string{
		"Ring venligst til klinikken i dag",
		"Tak for din besked. Vi kigger på dine målinger.",
		"Husk at veje dig i morgen før kl. 12",
	}
}

// cannedSep separates canned replies given as one text (in the
// environment).
const cannedSep = "|"

// cannedReplies reads messages.canned: a YAML list of texts, or one text
// with the replies separated by "|". Each reply must be non-empty, a
// single line without control characters and at most maxCannedLen
// characters; an empty list is allowed (no canned replies).
func cannedReplies(v any) ([]string, error) {
	var raw []string
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		if strings.TrimSpace(x) == "" {
			return nil, nil
		}
		raw = strings.Split(x, cannedSep)
	case []string:
		raw = x
	case []any:
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("reply %d must be text, not %T", i+1, e)
			}
			raw = append(raw, s)
		}
	default:
		return nil, fmt.Errorf("must be a list of texts, not %T", v)
	}
	if len(raw) > maxCanned {
		return nil, fmt.Errorf("%d replies; at most %d", len(raw), maxCanned)
	}
	out := make([]string, 0, len(raw))
	for i, s := range raw {
		s = strings.TrimSpace(s)
		switch {
		case s == "":
			return nil, fmt.Errorf("reply %d is empty", i+1)
		case hasControl(s):
			return nil, fmt.Errorf("reply %d contains control characters or line breaks", i+1)
		case len([]rune(s)) > maxCannedLen:
			return nil, fmt.Errorf("reply %d has %d characters; at most %d", i+1, len([]rune(s)), maxCannedLen)
		}
		out = append(out, s)
	}
	return out, nil
}

// ParsePeriod reads how far back a report goes: 6mo (30-day months), 90d,
// 2w, 1y (365 days) or a Go duration (4380h); it must be positive.
func ParsePeriod(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	day := 24 * time.Hour
	for _, u := range []struct {
		suffix string
		unit   time.Duration
	}{{"mo", 30 * day}, {"d", day}, {"w", 7 * day}, {"y", 365 * day}} {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			if k, err := strconv.ParseUint(n, 10, 16); err == nil && k > 0 {
				return time.Duration(k) * u.unit, nil
			}
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a period (e.g. 6mo, 90d, 2w, 1y or 4380h)", s)
	}
	return d, nil
}
