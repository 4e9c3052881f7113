package domain_test

import (
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

func TestMaskCPR(t *testing.T) {
	tests := map[string]string{
		"0101801234":    "010180-xxxx",
		"010180-1234":   "010180-xxxx",
		"":              "xxxxxx-xxxx",
		"010180123":     "xxxxxx-xxxx",
		"01018012345":   "xxxxxx-xxxx",
		"0101801-234":   "xxxxxx-xxxx", // dash in the wrong place
		"01-01-80-1234": "xxxxxx-xxxx",
		"01018O1234":    "xxxxxx-xxxx", // letter O
		"010180 1234":   "xxxxxx-xxxx",
		" 0101801234":   "xxxxxx-xxxx",
		"０１０１８０１２３４":    "xxxxxx-xxxx", // full-width digits
		"010180-123a":   "xxxxxx-xxxx",
		"-0101801234":   "xxxxxx-xxxx",
	}
	for in, want := range tests {
		if got := domain.MaskCPR(in); got != want {
			t.Errorf("MaskCPR(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAge(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name      string
		birth, on time.Time
		want      int
	}{
		{"day before birthday", d(1950, 6, 15), d(2026, 6, 14), 75},
		{"on birthday", d(1950, 6, 15), d(2026, 6, 15), 76},
		{"day after birthday", d(1950, 6, 15), d(2026, 6, 16), 76},
		{"month before", d(1950, 6, 15), d(2026, 5, 20), 75},
		{"new year's eve birth, day before", d(1950, 12, 31), d(2026, 12, 30), 75},
		{"new year's eve birth, on it", d(1950, 12, 31), d(2026, 12, 31), 76},
		{"1 March birth, on 29 Feb of a leap year", d(2001, 3, 1), d(2004, 2, 29), 2},
		{"1 March birth, on 1 March of a leap year", d(2001, 3, 1), d(2004, 3, 1), 3},
		{"leap-day birth, 28 Feb in a common year", d(2000, 2, 29), d(2001, 2, 28), 0},
		{"leap-day birth, 1 Mar in a common year", d(2000, 2, 29), d(2001, 3, 1), 1},
		{"leap-day birth, 29 Feb four years on", d(2000, 2, 29), d(2004, 2, 29), 4},
		{"31 Dec birth in leap year, 30 Dec next year", d(2000, 12, 31), d(2001, 12, 30), 0},
		{"unknown birth date", time.Time{}, d(2026, 1, 1), 0},
		{"before birth", d(2026, 6, 1), d(2026, 1, 1), 0},
		{"on the day of birth", d(2026, 6, 1), d(2026, 6, 1), 0},
	}
	for _, tt := range tests {
		if got := domain.Age(tt.birth, tt.on); got != tt.want {
			t.Errorf("%s: Age = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestHolderAt(t *testing.T) {
	home := domain.Team{ID: "aarhus", Name: "Hjertesvigtsklinik Aarhus"}
	cover := domain.Team{ID: "viborg", Name: "Hjertesvigtsklinik Viborg"}
	from := time.Date(2026, 7, 6, 0, 0, 0, 0, time.UTC)
	to := time.Date(2026, 7, 27, 0, 0, 0, 0, time.UTC)
	r := domain.Responsibility{Home: home, Cover: &domain.Cover{Team: cover, Period: domain.Period{From: from, To: to, Reason: "summer"}}}
	tests := []struct {
		name      string
		r         domain.Responsibility
		t         time.Time
		want      domain.Team
		wantCover bool
	}{
		{"before cover", r, from.Add(-time.Nanosecond), home, false},
		{"cover starts (inclusive)", r, from, cover, true},
		{"inside cover", r, from.Add(10 * 24 * time.Hour), cover, true},
		{"last instant of cover", r, to.Add(-time.Nanosecond), cover, true},
		{"cover ends (exclusive)", r, to, home, false},
		{"no cover", domain.Responsibility{Home: home}, from, home, false},
		{"open-ended cover, far later", domain.Responsibility{Home: home, Cover: &domain.Cover{Team: cover, Period: domain.Period{From: from}}}, to.AddDate(5, 0, 0), cover, true},
	}
	for _, tt := range tests {
		got, isCover := tt.r.HolderAt(tt.t)
		if got.ID != tt.want.ID || isCover != tt.wantCover {
			t.Errorf("%s: HolderAt = %s, %v; want %s, %v", tt.name, got.ID, isCover, tt.want.ID, tt.wantCover)
		}
	}
}

func TestProResponseColor(t *testing.T) {
	a := func(c domain.Color) domain.ProAnswer { return domain.ProAnswer{Severity: c} }
	tests := []struct {
		answers []domain.ProAnswer
		want    domain.Color
	}{
		{nil, domain.Unclassified},
		{[]domain.ProAnswer{a(domain.Unclassified)}, domain.Unclassified},
		{[]domain.ProAnswer{a(domain.Green), a(domain.Unclassified)}, domain.Green},
		{[]domain.ProAnswer{a(domain.Green), a(domain.Yellow), a(domain.Green)}, domain.Yellow},
		{[]domain.ProAnswer{a(domain.Red), a(domain.Yellow)}, domain.Red},
	}
	for i, tt := range tests {
		if got := (domain.ProResponse{Answers: tt.answers}).Color(); got != tt.want {
			t.Errorf("case %d: Color() = %v, want %v", i, got, tt.want)
		}
	}
}
