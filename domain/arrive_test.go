package domain_test

import (
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

func TestRegimeAt(t *testing.T) {
	d := func(day int) time.Time { return time.Date(2026, 3, day, 0, 0, 0, 0, time.UTC) }
	v := func(ver string, from time.Time) domain.Regime {
		return domain.Regime{Version: ver, EffectiveFrom: from}
	}
	versions := []domain.Regime{v("3", d(20)), v("1", d(1)), v("2", d(10)), v("2b", d(10))}
	tests := []struct {
		t    time.Time
		want string
		ok   bool
	}{
		{d(1).Add(-time.Nanosecond), "", false},
		{d(1), "1", true},
		{d(9), "1", true},
		{d(10), "2b", true}, // same EffectiveFrom: the later in the slice
		{d(19), "2b", true},
		{d(20), "3", true},
		{d(20).AddDate(1, 0, 0), "3", true},
	}
	for _, tt := range tests {
		got, ok := domain.RegimeAt(versions, tt.t)
		if ok != tt.ok || got.Version != tt.want {
			t.Errorf("RegimeAt(%s) = %q, %v; want %q, %v", tt.t, got.Version, ok, tt.want, tt.ok)
		}
	}
	if _, ok := domain.RegimeAt(nil, d(5)); ok {
		t.Error("RegimeAt(nil) found a version")
	}
}

// TestHistoryKeepsItsColour: a threshold change never recolours readings
// taken before it, even when they arrive after it.
func TestHistoryKeepsItsColour(t *testing.T) {
	d := func(day, hh int) time.Time { return time.Date(2026, 3, day, hh, 0, 0, 0, time.UTC) }
	v1 := domain.Regime{Version: "1", EffectiveFrom: d(1, 0), Thresholds: domain.DefaultThresholds(80)}
	v2 := v1
	v2.Version, v2.EffectiveFrom = "2", d(10, 0)
	v2.Thresholds = domain.DefaultThresholds(82) // new reference weight
	v2.Thresholds.ByKind[domain.KindPulse] = domain.KindThresholds{Primary: domain.Limits{YellowHigh: domain.L(80), RedHigh: domain.L(95)}}
	versions := []domain.Regime{v1}

	pulse := domain.Measurement{ID: "m1", PatientID: "p1", Kind: domain.KindPulse, Value: 85, Taken: d(5, 8), Received: d(5, 9)}
	r1, _ := domain.Arrive(pulse, versions)
	if r1.Color != domain.Green {
		t.Fatalf("pulse 85 under version 1: %v, want green", r1.Color)
	}

	versions = append(versions, v2)
	again, _ := domain.Arrive(pulse, versions)
	if again.Color != domain.Green || again.Limits != r1.Limits {
		t.Errorf("re-arrival after version 2: %v %+v, want version 1's green and limits", again.Color, again.Limits)
	}
	late := pulse
	late.ID, late.Taken, late.Received = "m2", d(9, 23), d(11, 8) // taken under v1, received under v2
	if got, _ := domain.Arrive(late, versions); got.Color != domain.Green || got.Limits.Primary.YellowHigh.V != 90 {
		t.Errorf("taken before version 2, received after: %v with yellow high %v, want green against 90", got.Color, got.Limits.Primary.YellowHigh)
	}
	now := pulse
	now.ID, now.Taken, now.Received = "m3", d(10, 0), d(10, 1)
	if got, _ := domain.Arrive(now, versions); got.Color != domain.Yellow {
		t.Errorf("taken when version 2 came into force: %v, want yellow", got.Color)
	}
	w := domain.Measurement{ID: "w", Kind: domain.KindWeight, Value: 82.5, Taken: d(9, 8)}
	if got, _ := domain.Arrive(w, versions); got.Color != domain.Yellow || got.Limits.Primary.YellowHigh.V != 82 {
		t.Errorf("weight 82.5 under reference 80: %v, limits %+v", got.Color, got.Limits.Primary)
	}
	w.Taken = d(10, 8)
	if got, _ := domain.Arrive(w, versions); got.Color != domain.Green {
		t.Errorf("weight 82.5 under reference 82: %v, want green", got.Color)
	}
}

func TestArrive(t *testing.T) {
	d := func(day, hh int) time.Time { return time.Date(2026, 3, day, hh, 0, 0, 0, time.UTC) }
	versions := []domain.Regime{{Version: "1", EffectiveFrom: d(1, 0), Thresholds: domain.DefaultThresholds(80)}}
	tests := []struct {
		name        string
		m           domain.Measurement
		color       domain.Color
		implausible bool
		created     time.Time
	}{
		{"red pulse", domain.Measurement{ID: "a", PatientID: "p1", Kind: domain.KindPulse, Value: 120, Taken: d(3, 8), Received: d(3, 9)}, domain.Red, false, d(3, 9)},
		{"no Received: created when taken", domain.Measurement{ID: "b", PatientID: "p1", Kind: domain.KindPulse, Value: 70, Taken: d(3, 8)}, domain.Green, false, d(3, 8)},
		{"implausible weight", domain.Measurement{ID: "c", PatientID: "p1", Kind: domain.KindWeight, Value: 0, Taken: d(3, 8), Received: d(3, 9)}, domain.Unclassified, true, d(3, 9)},
		{"before any regime", domain.Measurement{ID: "e", PatientID: "p1", Kind: domain.KindPulse, Value: 120, Taken: d(1, 0).Add(-time.Second)}, domain.Unclassified, false, d(1, 0).Add(-time.Second)},
		{"implausible before any regime", domain.Measurement{ID: "f", PatientID: "p1", Kind: domain.KindPulse, Value: 400, Taken: d(1, 0).Add(-time.Second)}, domain.Unclassified, true, d(1, 0).Add(-time.Second)},
		{"BP without thresholds", domain.Measurement{ID: "g", PatientID: "p1", Kind: domain.KindBloodPressure, Value: 200, Value2: 120, Taken: d(3, 8)}, domain.Unclassified, false, d(3, 8)},
	}
	for _, tt := range tests {
		r, task := domain.Arrive(tt.m, versions)
		if r.Measurement != tt.m || r.Color != tt.color || (r.Implausible != "") != tt.implausible || r.Acknowledged {
			t.Errorf("%s: reading %+v", tt.name, r)
		}
		want := domain.Task{ID: "task-" + tt.m.ID, PatientID: "p1", Category: domain.TaskMeasurement, FocusID: tt.m.ID, Color: tt.color, Implausible: tt.implausible, Created: tt.created}
		if task != want {
			t.Errorf("%s: task\n got %+v\nwant %+v", tt.name, task, want)
		}
	}
}

func TestArriveQuestionnaire(t *testing.T) {
	taken := time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC)
	q := domain.ProResponse{ID: "q1", PatientID: "p1", Taken: taken, Answers: []domain.ProAnswer{
		{Question: "breathless", Severity: domain.Yellow}, {Question: "tired", Severity: domain.Green},
	}}
	want := domain.Task{ID: "task-q1", PatientID: "p1", Category: domain.TaskMeasurement, FocusID: "QuestionnaireResponse/q1", Color: domain.Yellow, Created: taken}
	if got := domain.ArriveQuestionnaire(q); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	q.Answers = nil
	if got := domain.ArriveQuestionnaire(q); got.Color != domain.Unclassified {
		t.Errorf("no answers: %v", got.Color)
	}
}

func TestMissingTask(t *testing.T) {
	loc := cph(t)
	due := time.Date(2026, 3, 5, 12, 0, 0, 0, loc) // 11:00 UTC
	slot := domain.Slot{Kind: domain.KindWeight, Opens: due.Add(-12 * time.Hour), Due: due, Closes: due.Add(12 * time.Hour), Count: 1}
	missing := domain.SlotResult{Slot: slot, State: domain.SlotMissing}
	want := domain.Task{ID: "missing-p1-weight-20260305T110000Z", PatientID: "p1", Category: domain.TaskMissing, Kind: domain.KindWeight, Created: due, Due: due}
	if got := domain.MissingTask("p1", missing); got != want {
		t.Errorf("missing:\n got %+v\nwant %+v", got, want)
	}
	lateAt := due.Add(90 * time.Minute)
	late := domain.SlotResult{Slot: slot, State: domain.SlotLate, Arrived: []string{"m1"}, Fulfilled: lateAt}
	wantLate := want
	wantLate.Done, wantLate.DoneBy, wantLate.DoneAt = true, "late-arrival", lateAt
	if got := domain.MissingTask("p1", late); got != wantLate {
		t.Errorf("late:\n got %+v\nwant %+v", got, wantLate)
	}
	if got := domain.MissingTaskID("p1", domain.KindWeight, due.UTC()); got != want.ID {
		t.Errorf("MissingTaskID differs by location: %q", got)
	}
	for _, st := range []domain.SlotState{domain.SlotPending, domain.SlotOnTime, domain.SlotPaused} {
		if got := domain.MissingTask("p1", domain.SlotResult{Slot: slot, State: st}); got != (domain.Task{}) {
			t.Errorf("%v slot gave task %+v", st, got)
		}
	}
	// The summer-time deadline gives a different UTC hour.
	summer := time.Date(2026, 6, 5, 12, 0, 0, 0, loc)
	if got := domain.MissingTaskID("p1", domain.KindPulse, summer); got != "missing-p1-pulse-20260605T100000Z" {
		t.Errorf("summer id %q", got)
	}
}

// TestMissingTasksFromEvaluation: the tasks a day's evaluation yields.
func TestMissingTasksFromEvaluation(t *testing.T) {
	loc := cph(t)
	d := func(day, hh int) time.Time { return at(loc, 2026, 3, day, hh, 0) }
	r := regimeWith(d(2, 0), sched(domain.KindWeight, domain.Daily, 12*time.Hour, 0))
	ms := []domain.Measurement{meas("a", domain.KindWeight, d(2, 8)), meas("b", domain.KindWeight, d(3, 14))}
	var tasks []domain.Task
	for _, s := range domain.EvaluateSlots(r, ms, d(2, 0), d(4, 13), loc) {
		if tk := domain.MissingTask(r.PatientID, s); tk.ID != "" {
			tasks = append(tasks, tk)
		}
	}
	if len(tasks) != 2 || !tasks[0].Done || tasks[0].DoneAt != d(3, 14) || tasks[1].Done || tasks[1].Due != d(4, 12) {
		t.Fatalf("tasks %+v, want a done late one for the 3rd and an open one for the 4th", tasks)
	}
	var o domain.OpenItems
	for _, tk := range tasks {
		o.Add(tk)
	}
	if o.Missing != 1 || o.Group() != domain.GroupMissing {
		t.Errorf("open items %+v, want one missing", o)
	}
}

// Steps are information only unless the regime asks for review of them
// (the defect: step counts became to-dos that kept patients on the list).
func TestReviewNeeded(t *testing.T) {
	at := time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)
	plain := domain.Regime{Version: "1", EffectiveFrom: at.AddDate(0, 0, -10), Thresholds: domain.DefaultThresholds(80)}
	withSteps := plain
	withSteps.Thresholds = domain.DefaultThresholds(80)
	withSteps.Thresholds.ByKind[domain.KindSteps] = domain.KindThresholds{Primary: domain.Limits{RedLow: domain.L(500), YellowLow: domain.L(1000)}}
	r := func(k domain.Kind, implausible string) domain.Reading {
		return domain.Reading{Measurement: domain.Measurement{Kind: k, Taken: at, Value: 3000}, Classification: domain.Classification{Implausible: implausible}}
	}
	cases := []struct {
		name     string
		r        domain.Reading
		versions []domain.Regime
		want     bool
	}{
		{"steps without limits", r(domain.KindSteps, ""), []domain.Regime{plain}, false},
		{"steps without a regime", r(domain.KindSteps, ""), nil, false},
		{"steps the regime sets limits for", r(domain.KindSteps, ""), []domain.Regime{withSteps}, true},
		{"implausible steps", r(domain.KindSteps, "negative"), []domain.Regime{plain}, true},
		{"weight", r(domain.KindWeight, ""), []domain.Regime{plain}, true},
		{"pulse without a regime", r(domain.KindPulse, ""), nil, true},
	}
	for _, c := range cases {
		if got := domain.ReviewNeeded(c.r, c.versions); got != c.want {
			t.Errorf("%s: ReviewNeeded = %v, want %v", c.name, got, c.want)
		}
	}
}
