package domain_test

import (
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

func TestParseCPR(t *testing.T) {
	today := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		in         string
		birth      time.Time
		female     bool
		substitute bool
		mod11      bool
	}{
		// 070761-4285: the weighted sum is 4·0+3·7+2·0+7·7+6·6+5·1+4·4+3·2+2·8+1·5 = 154 = 14·11.
		{"070761-4285", date(1961, 7, 7), false, false, true},
		{"0707614285", date(1961, 7, 7), false, false, true},
		{"070761 4285", date(1961, 7, 7), false, false, true},
		{"070761-4286", date(1961, 7, 7), true, false, false}, // modulus-11 fails: a warning only
		// The seventh digit and the year give the century; a birth date
		// after today is refused.
		{"010100-0000", date(1900, 1, 1), true, false, false},
		{"010136-4000", date(2036, 1, 1), true, false, false}, // 4 and 00-36: the 2000s, so after today: refused
		{"010137-4000", date(1937, 1, 1), true, false, false},
		{"010157-5000", date(2057, 1, 1), true, false, false}, // after today: refused
		{"010158-5000", date(1858, 1, 1), true, false, false},
		{"010199-9000", date(1999, 1, 1), true, false, false},
		{"010120-9000", date(2020, 1, 1), true, false, false},
		// Leap day.
		{"290200-4001", date(2000, 2, 29), false, false, true}, // 8+27+14+16+1 = 66
		// The day+60 form of substitute and fictitious numbers.
		{"670681-1235", date(1981, 6, 7), false, true, false},
		{"910181-1230", date(1981, 1, 31), true, true, false},
	} {
		got, err := domain.ParseCPR(c.in, today)
		if c.birth.After(today) {
			if err == nil {
				t.Errorf("ParseCPR(%q) accepted a birth date after today", c.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseCPR(%q): %v", c.in, err)
			continue
		}
		if !got.BirthDate.Equal(c.birth) || got.Female != c.female || got.Substitute != c.substitute || got.Modulus11 != c.mod11 {
			t.Errorf("ParseCPR(%q) = birth %s female %v substitute %v mod11 %v; want %s %v %v %v", c.in,
				got.BirthDate.Format(time.DateOnly), got.Female, got.Substitute, got.Modulus11,
				c.birth.Format(time.DateOnly), c.female, c.substitute, c.mod11)
		}
		if len(got.Number) != 10 {
			t.Errorf("ParseCPR(%q).Number = %q, want ten digits", c.in, got.Number)
		}
	}
}

func TestParseCPRRefuses(t *testing.T) {
	today := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct{ in, code string }{
		{"", domain.CodeRequired},
		{"   ", domain.CodeRequired},
		{"07076142", domain.CodeInvalid},     // too short
		{"070761-42850", domain.CodeInvalid}, // too long
		{"07O761-4285", domain.CodeInvalid},  // a letter O
		{"070761/4285", domain.CodeInvalid},  // not a dash
		{"320161-4285", domain.CodeInvalid},  // day 32
		{"000161-4285", domain.CodeInvalid},  // day 0
		{"311161-4285", domain.CodeInvalid},  // 31 November
		{"290201-4285", domain.CodeInvalid},  // 29 February 2001
		{"071361-4285", domain.CodeInvalid},  // month 13
		{"070061-4285", domain.CodeInvalid},  // month 0
		{"920181-1230", domain.CodeInvalid},  // day+60 beyond 31
		{"010130-4000", domain.CodeInvalid},  // 2030: after today
		{"011226-4000", domain.CodeInvalid},  // 1 December 2026: after today
	} {
		_, err := domain.ParseCPR(c.in, today)
		p := domain.AsProblems(err)
		if len(p) != 1 || p[0].Field != "cpr" || p[0].Code != c.code {
			t.Errorf("ParseCPR(%q) = %v, want one %q problem on cpr", c.in, err, c.code)
		}
	}
	// Born today is fine.
	if _, err := domain.ParseCPR("301126-4000", today); err != nil {
		t.Errorf("born today refused: %v", err)
	}
}
