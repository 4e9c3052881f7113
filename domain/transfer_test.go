package domain_test

import (
	"errors"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

var (
	east = domain.Team{ID: "east", Name: "Klinik Øst"}
	west = domain.Team{ID: "west", Name: "Klinik Vest"}
	nord = domain.Team{ID: "nord", Name: "Klinik Nord"}
)

func day(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }

func TestHolderAtWithPlannedCovers(t *testing.T) {
	r := domain.Responsibility{
		Home:    east,
		Cover:   &domain.Cover{Team: nord, Period: domain.Period{From: day(3, 1), To: day(3, 5)}},
		Planned: []domain.Cover{{Team: west, Period: domain.Period{From: day(7, 7), To: day(7, 26)}}},
	}
	tests := []struct {
		at        time.Time
		team      string
		cover     bool
		next      string // next planned cover's team, "" for none
		nextStart time.Time
	}{
		{day(2, 28), "east", false, "nord", day(3, 1)},
		{day(3, 1), "nord", true, "west", day(7, 7)},
		{day(3, 5), "east", false, "west", day(7, 7)}, // the end is exclusive: back home by itself
		{day(7, 6), "east", false, "west", day(7, 7)},
		{day(7, 7), "west", true, "", time.Time{}},
		{day(7, 25).Add(23 * time.Hour), "west", true, "", time.Time{}},
		{day(7, 26), "east", false, "", time.Time{}},
	}
	for _, tt := range tests {
		team, cover := r.HolderAt(tt.at)
		if team.ID != tt.team || cover != tt.cover {
			t.Errorf("HolderAt(%s) = %s, %v; want %s, %v", tt.at, team.ID, cover, tt.team, tt.cover)
		}
		next, ok := r.NextCover(tt.at)
		if ok != (tt.next != "") || (ok && (next.Team.ID != tt.next || !next.Period.From.Equal(tt.nextStart))) {
			t.Errorf("NextCover(%s) = %+v, %v; want %s", tt.at, next, ok, tt.next)
		}
	}
	// Without any cover the home team holds it (the old behaviour).
	if team, cover := (domain.Responsibility{Home: east}).HolderAt(day(1, 1)); team.ID != "east" || cover {
		t.Errorf("no cover: %s %v", team.ID, cover)
	}
}

func TestTransferValidate(t *testing.T) {
	base := func() domain.Transfer {
		return domain.Transfer{PatientID: "p1", From: east, To: west, Note: "Flytter til Vest; vægt stabil.", By: "nurse", At: day(3, 10)}
	}
	tests := []struct {
		name   string
		change func(*domain.Transfer)
		field  string
	}{
		{"valid", func(*domain.Transfer) {}, ""},
		{"no receiving team", func(tr *domain.Transfer) { tr.To = domain.Team{} }, "to"},
		{"to the same team", func(tr *domain.Transfer) { tr.To = east }, "to"},
		{"no note", func(tr *domain.Transfer) { tr.Note = "  " }, "note"},
		{"note too long", func(tr *domain.Transfer) { tr.Note = string(make([]rune, domain.MaxHandoverNote+1)) + "x" }, "note"},
		{"no patient", func(tr *domain.Transfer) { tr.PatientID = "" }, "patient"},
		{"no user", func(tr *domain.Transfer) { tr.By = "" }, "by"},
		{"no time", func(tr *domain.Transfer) { tr.At = time.Time{} }, "at"},
	}
	for _, tt := range tests {
		tr := base()
		tt.change(&tr)
		checkField(t, tt.name, tr.Validate(), tt.field)
	}
}

func TestCoverPlanValidate(t *testing.T) {
	base := func() domain.CoverPlan {
		return domain.CoverPlan{Scope: domain.CoverTeam, Home: east, Covering: west, Period: domain.Period{From: day(7, 7), To: day(7, 26)}, By: "nurse", At: day(5, 1)}
	}
	existing := []domain.Cover{{Team: nord, Period: domain.Period{From: day(8, 1), To: day(8, 10)}}}
	tests := []struct {
		name   string
		change func(*domain.CoverPlan)
		field  string
	}{
		{"team cover", func(*domain.CoverPlan) {}, ""},
		{"one patient", func(c *domain.CoverPlan) { c.Scope, c.PatientID = domain.CoverPatient, "p1" }, ""},
		{"one patient without id", func(c *domain.CoverPlan) { c.Scope = domain.CoverPatient }, "patient"},
		{"unknown scope", func(c *domain.CoverPlan) { c.Scope = "region" }, "scope"},
		{"team scope without home", func(c *domain.CoverPlan) { c.Home = domain.Team{} }, "scope"},
		{"covering itself", func(c *domain.CoverPlan) { c.Covering = east }, "covering"},
		{"no covering team", func(c *domain.CoverPlan) { c.Covering = domain.Team{} }, "covering"},
		{"end before start", func(c *domain.CoverPlan) { c.Period.To = day(7, 1) }, "to"},
		{"end equals start", func(c *domain.CoverPlan) { c.Period.To = c.Period.From }, "to"},
		{"no end", func(c *domain.CoverPlan) { c.Period.To = time.Time{} }, "to"},
		{"no start", func(c *domain.CoverPlan) { c.Period.From = time.Time{} }, "from"},
		{"already over when planned", func(c *domain.CoverPlan) { c.At = day(8, 1) }, "to"},
		{"overlaps an existing cover", func(c *domain.CoverPlan) { c.Period.To = day(8, 2) }, "from"},
		{"ends as the next begins", func(c *domain.CoverPlan) { c.Period.To = day(8, 1) }, ""},
		{"starts as the last ends", func(c *domain.CoverPlan) { c.Period = domain.Period{From: day(8, 10), To: day(8, 20)} }, ""},
		{"inside an existing cover", func(c *domain.CoverPlan) { c.Period = domain.Period{From: day(8, 3), To: day(8, 4)} }, "from"},
		{"no user", func(c *domain.CoverPlan) { c.By = "" }, "by"},
		{"exactly 8 weeks", func(c *domain.CoverPlan) {
			c.Period = domain.Period{From: day(9, 1), To: day(9, 1).Add(domain.MaxCover)}
		}, ""},
		{"longer than 8 weeks", func(c *domain.CoverPlan) {
			c.Period = domain.Period{From: day(9, 1), To: day(9, 1).Add(domain.MaxCover + time.Minute)}
		}, "to"},
	}
	for _, tt := range tests {
		c := base()
		tt.change(&c)
		checkField(t, tt.name, c.Validate(existing), tt.field)
	}
	// A too long cover says how long one may be.
	c := base()
	c.Period.To = c.Period.From.AddDate(0, 3, 0)
	var ps domain.Problems
	if err := c.Validate(nil); !errors.As(err, &ps) {
		t.Fatalf("3 months: %v", err)
	}
	if p := ps.ByField()["to"]; p == nil || p.Code != domain.CodePeriodTooLong || p.Max != 8 {
		t.Errorf("3 months: %+v", p)
	}
	// An open-ended existing cover overlaps everything after its start.
	c = base()
	if err := c.Validate([]domain.Cover{{Team: nord, Period: domain.Period{From: day(7, 20)}}}); err == nil {
		t.Error("overlap with an open-ended cover accepted")
	}
	if got := c.Cover(); got.Team.ID != "west" || !got.Period.From.Equal(day(7, 7)) {
		t.Errorf("Cover() = %+v", got)
	}
}
