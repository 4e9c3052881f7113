package domain

import (
	"strings"
	"time"
)

// CPR is a checked Danish personal identification number ("CPR-nummer").
type CPR struct {
	Number    string    // ten digits, no dash
	BirthDate time.Time // midnight UTC of the birth date the number encodes
	Female    bool      // an even last digit
	// Substitute marks the day+60 form (the day of birth plus 60), used for
	// substitute and fictitious numbers such as the demo's and training's.
	Substitute bool
	// Modulus11 reports whether the number passes the old modulus-11 check.
	// Numbers issued since 2007 need not pass it, so a failure is a warning
	// to show, never a reason to refuse.
	Modulus11 bool
}

// ParseCPR checks a CPR number written DDMMYYSSSS, DDMMYY-SSSS or with a
// space for the dash. It refuses what cannot be a CPR number: other
// characters or lengths, a day or month that does not exist (the day+60
// form is accepted as a substitute number), and a birth date after today.
// Errors are Problems on field "cpr". The century comes from the seventh
// digit and the year, as the CPR office assigns them.
func ParseCPR(s string, today time.Time) (CPR, error) {
	var p Problems
	d := strings.TrimSpace(s)
	if len(d) == 11 && (d[6] == '-' || d[6] == ' ') {
		d = d[:6] + d[7:]
	}
	if d == "" {
		p.add("cpr", CodeRequired, "a CPR number is required")
		return CPR{}, p.err()
	}
	if len(d) != 10 || strings.Trim(d, "0123456789") != "" {
		p.add("cpr", CodeInvalid, "a CPR number is ten digits, DDMMYY-SSSS")
		return CPR{}, p.err()
	}
	num := func(i int) int { return int(d[i]-'0')*10 + int(d[i+1]-'0') }
	day, month, yy := num(0), num(2), num(4)
	c := CPR{Number: d}
	if day > 60 {
		c.Substitute = true
		day -= 60
	}
	year, ok := cprCentury(int(d[6]-'0'), yy)
	if !ok {
		p.add("cpr", CodeInvalid, "digit 7 and the year do not give a century")
		return CPR{}, p.err()
	}
	birth := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if month < 1 || month > 12 || day < 1 || birth.Day() != day || birth.Month() != time.Month(month) {
		p.add("cpr", CodeInvalid, "%s is not a date", d[:6])
		return CPR{}, p.err()
	}
	y, m, dd := today.Date()
	if birth.After(time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)) {
		p.add("cpr", CodeInvalid, "the birth date %s lies in the future", birth.Format(time.DateOnly))
		return CPR{}, p.err()
	}
	c.BirthDate = birth
	c.Female = (d[9]-'0')%2 == 0
	c.Modulus11 = cprModulus11(d)
	return c, nil
}

// cprCentury gives the four-digit year of birth from the seventh digit of
// the number and the two-digit year.
func cprCentury(seventh, yy int) (int, bool) {
	switch {
	case seventh <= 3:
		return 1900 + yy, true
	case seventh == 4 || seventh == 9:
		if yy <= 36 {
			return 2000 + yy, true
		}
		return 1900 + yy, true
	case seventh <= 8:
		if yy <= 57 {
			return 2000 + yy, true
		}
		return 1800 + yy, true
	}
	return 0, false
}

// cprModulus11 is the classic check: the digits weighted 4 3 2 7 6 5 4 3 2 1
// sum to a multiple of 11.
func cprModulus11(d string) bool {
	weights := [10]int{4, 3, 2, 7, 6, 5, 4, 3, 2, 1}
	sum := 0
	for i, w := range weights {
		sum += int(d[i]-'0') * w
	}
	return sum%11 == 0
}
