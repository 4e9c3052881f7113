package domain_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

func validChange() domain.RegimeChange {
	r := validRegime()
	r.Version, r.Author, r.Reason, r.Physician = "2", "nurse", "titrering", "Dr. Hjerte"
	r.Reevaluation = domain.DefaultReevaluation(r.Start)
	r.Thresholds.ByKind[domain.KindBloodPressure] = domain.KindThresholds{
		Primary:   domain.Limits{RedLow: domain.L(85), YellowLow: domain.L(95), YellowHigh: domain.L(150), RedHigh: domain.L(170)},
		Secondary: domain.Limits{RedLow: domain.L(45), YellowLow: domain.L(50), YellowHigh: domain.L(95), RedHigh: domain.L(105)},
	}
	r.Thresholds.ByKind[domain.KindSpO2] = domain.KindThresholds{Primary: domain.Limits{RedLow: domain.L(88), YellowLow: domain.L(92)}}
	return domain.RegimeChange{PatientID: "p1", BaseVersion: "1", Regime: r, At: r.Start}
}

func TestRegimeChangeValidate(t *testing.T) {
	set := func(k domain.Kind, f func(*domain.KindThresholds)) func(*domain.Regime) {
		return func(r *domain.Regime) {
			kt := r.Thresholds.ByKind[k]
			f(&kt)
			r.Thresholds.ByKind[k] = kt
		}
	}
	tests := []struct {
		name   string
		change func(*domain.Regime)
		field  string
	}{
		{"valid", func(*domain.Regime) {}, ""},
		{"no trend rule", func(r *domain.Regime) { r.TrendRule = nil }, ""},
		{"open-ended", func(r *domain.Regime) { r.End = time.Time{} }, ""},
		{"no reason", func(r *domain.Regime) { r.Reason = " " }, "reason"},
		{"no physician", func(r *domain.Regime) { r.Physician = "" }, "physician"},
		{"no author: the writer names it", func(r *domain.Regime) { r.Author = "" }, ""},
		{"author too long", func(r *domain.Regime) { r.Author = strings.Repeat("a", domain.MaxRegimeText+1) }, "author"},
		{"no effective date", func(r *domain.Regime) { r.EffectiveFrom = time.Time{} }, "effective-from"},
		{"no start", func(r *domain.Regime) { r.Start = time.Time{} }, "start"},
		{"end before start", func(r *domain.Regime) { r.End = r.Start.AddDate(0, 0, -1) }, "end"},
		{"end equals start", func(r *domain.Regime) { r.End = r.Start }, "end"},
		{"re-evaluation before start", func(r *domain.Regime) { r.Reevaluation = r.Start.AddDate(0, 0, -3) }, "reevaluation"},
		{"unknown phase", func(r *domain.Regime) { r.Phase = "later" }, "phase"},
		{"pulse yellow high above red high", set(domain.KindPulse, func(k *domain.KindThresholds) { k.Primary.YellowHigh = domain.L(110) }), "pulse.red-high"},
		{"pulse yellow low equals yellow high", set(domain.KindPulse, func(k *domain.KindThresholds) { k.Primary.YellowLow = domain.L(90) }), "pulse.yellow-high"},
		{"pulse red low equals yellow low allowed", set(domain.KindPulse, func(k *domain.KindThresholds) { k.Primary.RedLow = domain.L(45) }), ""},
		{"pulse 19 implausible", set(domain.KindPulse, func(k *domain.KindThresholds) { k.Primary.RedLow = domain.L(19) }), "pulse.red-low"},
		{"pulse 20 plausible", set(domain.KindPulse, func(k *domain.KindThresholds) { k.Primary.RedLow = domain.L(20) }), ""},
		{"pulse 251 implausible", set(domain.KindPulse, func(k *domain.KindThresholds) { k.Primary.RedHigh = domain.L(251) }), "pulse.red-high"},
		{"weight +31 implausible", set(domain.KindWeight, func(k *domain.KindThresholds) { k.Primary.RedHigh = domain.L(31) }), "weight.red-high"},
		{"weight -30 plausible", set(domain.KindWeight, func(k *domain.KindThresholds) { k.Primary.RedLow = domain.L(-30) }), ""},
		{"reference weight missing", func(r *domain.Regime) { r.Thresholds.ReferenceWeight = 0 }, "reference-weight"},
		{"reference weight 400", func(r *domain.Regime) { r.Thresholds.ReferenceWeight = 400 }, "reference-weight"},
		{"systolic 49", set(domain.KindBloodPressure, func(k *domain.KindThresholds) { k.Primary.RedLow = domain.L(49) }), "bp.red-low"},
		{"diastolic 201", set(domain.KindBloodPressure, func(k *domain.KindThresholds) { k.Secondary.RedHigh = domain.L(201) }), "bp-dia.red-high"},
		{"diastolic above systolic", set(domain.KindBloodPressure, func(k *domain.KindThresholds) {
			k.Secondary.RedLow = domain.L(86)
			k.Secondary.YellowLow = domain.L(90)
		}), "bp-dia.red-low"},
		{"diastolic equal to systolic", set(domain.KindBloodPressure, func(k *domain.KindThresholds) { k.Secondary.RedHigh = domain.L(170) }), "bp-dia.red-high"},
		{"diastolic out of order", set(domain.KindBloodPressure, func(k *domain.KindThresholds) { k.Secondary.YellowHigh = domain.L(110) }), "bp-dia.red-high"},
		{"SpO2 101", set(domain.KindSpO2, func(k *domain.KindThresholds) { k.Primary.YellowLow = domain.L(101) }), "spo2.yellow-low"},
		{"SpO2 49", set(domain.KindSpO2, func(k *domain.KindThresholds) { k.Primary.RedLow = domain.L(49) }), "spo2.red-low"},
		{"secondary on pulse", set(domain.KindPulse, func(k *domain.KindThresholds) { k.Secondary.RedLow = domain.L(30) }), "bp-dia.red-low"},
		{"schedule twice", func(r *domain.Regime) { r.Schedules = append(r.Schedules, r.Schedules[0]) }, "schedule.weight"},
		{"schedule deadline 0", func(r *domain.Regime) { r.Schedules[0].Deadline = 0 }, "schedule.weight"},
		{"schedule 8 per week", func(r *domain.Regime) { r.Schedules[1].Freq.N = 8 }, "schedule.pulse"},
		{"schedule no weekdays", func(r *domain.Regime) { r.Schedules[2].Freq.Weekdays = nil }, "schedule.bp"},
		{"schedule weekly two days", func(r *domain.Regime) { r.Schedules[3].Freq.Weekdays = []time.Weekday{1, 2} }, "schedule.steps"},
		{"trend gain 0", func(r *domain.Regime) { r.TrendRule.GainKg = 0 }, "trend"},
		{"trend 20 days", func(r *domain.Regime) { r.TrendRule.Days = 20 }, "trend"},
		{"trend green", func(r *domain.Regime) { r.TrendRule.Color = domain.Green }, "trend"},
	}
	for _, tt := range tests {
		c := validChange()
		tt.change(&c.Regime)
		checkField(t, tt.name, c.Validate(), tt.field)
	}
}

// Several problems are all reported, so the form can mark every field.
func TestRegimeChangeReportsAll(t *testing.T) {
	c := validChange()
	c.Regime.Reason = ""
	c.Regime.End = c.Regime.Start.AddDate(0, 0, -1)
	kt := c.Regime.Thresholds.ByKind[domain.KindPulse]
	kt.Primary.YellowHigh = domain.L(120)
	c.Regime.Thresholds.ByKind[domain.KindPulse] = kt
	p := domain.AsProblems(c.Validate())
	for _, f := range []string{"reason", "end", "pulse.red-high"} {
		if p.ByField()[f] == nil {
			t.Errorf("problem on %q missing from %v", f, p)
		}
	}
	if e := p.ByField()["pulse.red-high"]; e != nil && (e.Code != domain.CodeOrder || e.Other != "pulse.yellow-high") {
		t.Errorf("order problem = %+v, want order against pulse.yellow-high", e)
	}
}

func TestDefaultReevaluation(t *testing.T) {
	from := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	got := domain.DefaultReevaluation(from)
	if d := got.Sub(from); d < 60*24*time.Hour || d > 92*24*time.Hour {
		t.Errorf("re-evaluation %s is not two to three months after %s", got, from)
	}
	if !got.Equal(time.Date(2026, 5, 24, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("DefaultReevaluation = %s, want 2026-05-24", got)
	}
}

func TestDiffRegimes(t *testing.T) {
	old := validChange().Regime
	nw := validChange().Regime
	nw.Phase = domain.PhaseOngoing
	nw.Thresholds.ByKind[domain.KindPulse] = domain.KindThresholds{Primary: domain.Limits{RedLow: domain.L(40), YellowLow: domain.L(45), YellowHigh: domain.L(95), RedHigh: domain.L(110)}}
	nw.Schedules = nw.Schedules[:1]
	nw.TrendRule = nil
	nw.Reason = "other reason" // not a difference of the regime
	want := []domain.RegimeDiff{
		{Field: "phase", Old: "startup", New: "ongoing"},
		{Field: "schedule.pulse", Old: "3/week 20:00", New: ""},
		{Field: "schedule.bp", Old: "weekdays mon,thu 10:00", New: ""},
		{Field: "schedule.steps", Old: "weekly mon 24:00", New: ""},
		{Field: "pulse", Old: "40/45/90/100", New: "40/45/95/110"},
		{Field: "trend", Old: "+2 kg/3 d yellow", New: ""},
	}
	if got := domain.DiffRegimes(old, nw); !reflect.DeepEqual(got, want) {
		t.Errorf("DiffRegimes =\n%v\nwant\n%v", got, want)
	}
	if got := domain.DiffRegimes(old, old); len(got) != 0 {
		t.Errorf("identical regimes differ: %v", got)
	}
}

// New thresholds apply from EffectiveFrom on: a reading before it keeps the
// old version's colour.
func TestRegimeChangeAppliesFromEffective(t *testing.T) {
	v1 := validChange().Regime
	v1.Version = "1"
	c := validChange()
	c.Regime.EffectiveFrom = v1.EffectiveFrom.AddDate(0, 0, 10)
	c.Regime.Thresholds.ByKind[domain.KindPulse] = domain.KindThresholds{Primary: domain.Limits{YellowHigh: domain.L(80), RedHigh: domain.L(100)}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	versions := []domain.Regime{v1, c.Regime}
	m := domain.Measurement{Kind: domain.KindPulse, Value: 85}
	for _, tt := range []struct {
		taken time.Time
		want  domain.Color
	}{{c.Regime.EffectiveFrom.Add(-time.Minute), domain.Green}, {c.Regime.EffectiveFrom, domain.Yellow}} {
		m.Taken = tt.taken
		r, _ := domain.Arrive(m, versions)
		if r.Color != tt.want {
			t.Errorf("pulse 85 at %s: %s, want %s", tt.taken, r.Color, tt.want)
		}
	}
}

// Dates in a diff are the clinic's calendar days: a regime starting at
// Copenhagen midnight starts that day, not the day before as in UTC, and a
// pause is shown by its last day, not the exclusive end.
func TestDiffRegimesInLocalDays(t *testing.T) {
	cph, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Skip("no time zone data")
	}
	old := validChange().Regime
	nw := old
	nw.EffectiveFrom = time.Date(2026, 3, 10, 0, 0, 0, 0, cph).UTC() // as read back from the cache
	nw.Pauses = []domain.Period{{From: time.Date(2026, 7, 1, 0, 0, 0, 0, cph), To: time.Date(2026, 7, 15, 0, 0, 0, 0, cph)}}
	got := map[string]string{}
	for _, d := range domain.DiffRegimesIn(old, nw, cph) {
		got[d.Field] = d.New
	}
	if got["effective-from"] != "2026-03-10" {
		t.Errorf("effective-from = %q, want 2026-03-10", got["effective-from"])
	}
	if got["pauses"] != "2026-07-01..2026-07-14" {
		t.Errorf("pauses = %q, want 2026-07-01..2026-07-14", got["pauses"])
	}
}
