package tui

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

func itoa(n int) string { return strconv.Itoa(n) }

// number formats v with the given decimals and the language's separator.
func (t *texts) number(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if t.Decimal != '.' {
		s = strings.Replace(s, ".", string(t.Decimal), 1)
	}
	return s
}

// signed formats a relative limit with an explicit sign.
func (t *texts) signed(v float64) string {
	s := t.number(v, decimalsFor(v))
	if v > 0 {
		s = "+" + s
	}
	return s
}

func decimalsFor(v float64) int {
	if v == math.Trunc(v) {
		return 0
	}
	return 1
}

// value formats a reading's value(s) without unit. An absurd magnitude
// (a device or input error: ±1e308, infinity) is written short
// ("-1e+308"), so the reading's symbol still fits next to it.
func (t *texts) value(k domain.Kind, v, v2 float64) string {
	if absurd(v) || (k == domain.KindBloodPressure && absurd(v2)) {
		s := t.short(v)
		if k == domain.KindBloodPressure {
			s += "/" + t.short(v2)
		}
		return s
	}
	switch k {
	case domain.KindWeight:
		return t.number(v, 1)
	case domain.KindBloodPressure:
		return t.number(v, 0) + "/" + t.number(v2, 0)
	}
	return t.number(v, 0)
}

// absurd reports a value no measurement can have, which the fixed-decimal
// notation would spell out in hundreds of digits.
func absurd(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) >= 1e6 }

// short formats v in three significant digits with the language's
// decimal separator.
func (t *texts) short(v float64) string {
	s := strconv.FormatFloat(v, 'g', 3, 64)
	if t.Decimal != '.' {
		s = strings.Replace(s, ".", string(t.Decimal), 1)
	}
	return s
}

// mark is the symbol that follows a reading's value: its colour's symbol, or
// the implausible mark.
func mark(c domain.Color, implausible bool) string {
	if implausible {
		return SymImplausible
	}
	return ColorSymbol(c)
}

// age formats how long ago t was: "45 min", "2 t", "3 d". Zero t gives "".
func (t *texts) age(since, now time.Time) string {
	if since.IsZero() {
		return ""
	}
	d := now.Sub(since)
	switch {
	case d < time.Hour:
		return itoa(max(0, int(d/time.Minute))) + " " + t.Minutes
	case d < 48*time.Hour:
		return itoa(int(d/time.Hour)) + " " + t.Hours
	}
	return itoa(int(d/(24*time.Hour))) + " " + t.Days
}

// openSummary says what is open: "3 nye · 1 mangler · 2 beskeder", zero
// parts left out; abbr gives "3n 1m 2✉".
func (t *texts) openSummary(o domain.OpenItems, abbr bool) string {
	var parts []string
	add := func(n int, long func(int) string, short string) {
		if n == 0 {
			return
		}
		if abbr {
			parts = append(parts, itoa(n)+short)
		} else {
			parts = append(parts, long(n))
		}
	}
	add(o.New(), t.New, t.NewAbbr)
	add(o.Missing, t.Missing, t.MissingAbbr)
	add(o.Unread, t.Messages, t.MsgAbbr)
	// Readings the central did not triage are counted in New too; the
	// marker says their colour is the console's.
	add(o.ByConsole, t.ByConsole, t.ByConsoleAbbr)
	if abbr {
		return strings.Join(parts, " ")
	}
	return strings.Join(parts, " · ")
}

// teamLabel names the team responsible now, with the covered team when it is
// holiday cover.
func (t *texts) teamLabel(r domain.Responsibility, now time.Time) string {
	team, cover := r.HolderAt(now)
	name := safetext.Sanitize(team.Name)
	if cover {
		name += " (" + fmt.Sprintf(t.Covering, safetext.Sanitize(r.Home.Name)) + ")"
	}
	return name
}

// date formats a day as "man 02.03".
func (t *texts) date(d time.Time) string {
	return t.weekday(d.Weekday()) + " " + d.Format("02.01")
}

// dateYear formats a date as "02.03.2026".
func dateYear(d time.Time) string { return d.Format("02.01.2006") }
