package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

func TestMissingResolutionValidate(t *testing.T) {
	base := func() domain.MissingResolution {
		return domain.MissingResolution{TaskID: "m1", PatientID: "p1", Reason: domain.MissingContacted, By: "nurse", At: time.Unix(0, 0)}
	}
	tests := []struct {
		name   string
		change func(*domain.MissingResolution)
		field  string
	}{
		{"contacted", func(*domain.MissingResolution) {}, ""},
		{"every listed reason but other is valid without text", func(r *domain.MissingResolution) { r.Reason = domain.MissingDevice }, ""},
		{"other with text", func(r *domain.MissingResolution) { r.Reason, r.Text = domain.MissingOther, "vægten er i stykker" }, ""},
		{"other without text", func(r *domain.MissingResolution) { r.Reason, r.Text = domain.MissingOther, "  " }, "text"},
		{"text too long", func(r *domain.MissingResolution) { r.Text = strings.Repeat("x", domain.MaxReasonText+1) }, "text"},
		{"unknown reason", func(r *domain.MissingResolution) { r.Reason = "forgot" }, "reason"},
		{"no task", func(r *domain.MissingResolution) { r.TaskID = "" }, "task"},
		{"no user", func(r *domain.MissingResolution) { r.By = "" }, "by"},
	}
	for _, tt := range tests {
		r := base()
		tt.change(&r)
		checkField(t, tt.name, r.Validate(), tt.field)
	}
	if got := len(domain.MissingReasons()); got != 5 {
		t.Errorf("MissingReasons has %d entries, want 5", got)
	}
}

func TestNewPause(t *testing.T) {
	from := time.Date(2026, 7, 7, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 0, 18)
	tests := []struct {
		name       string
		from, to   time.Time
		reason     domain.PauseReason
		text       string
		field      string
		wantReason string
	}{
		{"holiday", from, to, domain.PauseHoliday, "", "", "holiday"},
		{"hospital with text", from, to, domain.PauseHospital, " AUH ", "", "hospital: AUH"},
		{"other with text", from, to, domain.PauseOther, "flytter", "", "other: flytter"},
		{"other without text", from, to, domain.PauseOther, "", "text", ""},
		{"to before from", from, from.AddDate(0, 0, -1), domain.PauseHoliday, "", "to", ""},
		{"to equals from", from, from, domain.PauseHoliday, "", "to", ""},
		{"no end", from, time.Time{}, domain.PauseHoliday, "", "to", ""},
		{"no start", time.Time{}, to, domain.PauseHoliday, "", "from", ""},
		{"unknown reason", from, to, "bored", "", "reason", ""},
	}
	for _, tt := range tests {
		p, err := domain.NewPause(tt.from, tt.to, tt.reason, tt.text)
		checkField(t, tt.name, err, tt.field)
		if tt.field == "" && (p.Reason != tt.wantReason || !p.From.Equal(tt.from) || !p.To.Equal(tt.to)) {
			t.Errorf("%s: pause = %+v, want reason %q", tt.name, p, tt.wantReason)
		}
	}
}

// A pause applied to a regime suppresses the missing alarms inside it, and
// only there; the original regime is untouched.
func TestWithPauseSuppressesMissing(t *testing.T) {
	loc := cph(t)
	r := domain.Regime{
		PatientID: "p1", Start: at(loc, 2026, 7, 1, 0, 0),
		Schedules: []domain.Schedule{{Kind: domain.KindWeight, Freq: domain.Frequency{Kind: domain.Daily}, Deadline: 12 * time.Hour}},
	}
	p, err := domain.NewPause(at(loc, 2026, 7, 3, 0, 0), at(loc, 2026, 7, 5, 0, 0), domain.PauseHospital, "")
	if err != nil {
		t.Fatal(err)
	}
	paused := r.WithPause(p)
	if len(r.Pauses) != 0 || len(paused.Pauses) != 1 {
		t.Fatalf("WithPause changed the original (%d) or lost the pause (%d)", len(r.Pauses), len(paused.Pauses))
	}
	states := map[int]domain.SlotState{}
	for _, s := range domain.EvaluateSlots(paused, nil, r.Start, at(loc, 2026, 7, 6, 18, 0), loc) {
		states[s.Due.In(loc).Day()] = s.State
	}
	want := map[int]domain.SlotState{1: domain.SlotMissing, 2: domain.SlotMissing, 3: domain.SlotPaused, 4: domain.SlotPaused, 5: domain.SlotMissing, 6: domain.SlotMissing}
	for d, s := range want {
		if states[d] != s {
			t.Errorf("1 July + %d: %s, want %s", d-1, states[d], s)
		}
	}
}
