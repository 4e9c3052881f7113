package domain_test

import (
	"slices"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// March 2026: the 2nd is a Monday; clocks go forward on Sunday 29 March and
// back on Sunday 25 October.

func sched(k domain.Kind, f domain.FreqKind, deadline time.Duration, n int, wds ...time.Weekday) domain.Schedule {
	return domain.Schedule{Kind: k, Freq: domain.Frequency{Kind: f, N: n, Weekdays: wds}, Deadline: deadline}
}

func regimeWith(start time.Time, ss ...domain.Schedule) domain.Regime {
	return domain.Regime{ID: "cp1", PatientID: "p1", EffectiveFrom: start, Start: start, Schedules: ss, Thresholds: domain.DefaultThresholds(80)}
}

func meas(id string, k domain.Kind, taken time.Time) domain.Measurement {
	return domain.Measurement{ID: id, PatientID: "p1", Kind: k, Taken: taken, Value: 70, Value2: 40}
}

// slotAt returns the result of kind k due at due, failing if there is none.
func slotAt(t *testing.T, rs []domain.SlotResult, k domain.Kind, due time.Time) domain.SlotResult {
	t.Helper()
	for _, r := range rs {
		if r.Kind == k && r.Due.Equal(due) {
			return r
		}
	}
	t.Fatalf("no %s slot due %s", k, due)
	return domain.SlotResult{}
}

func dues(slots []domain.Slot) []time.Time {
	out := make([]time.Time, len(slots))
	for i, s := range slots {
		out[i] = s.Due
	}
	return out
}

func TestDailyDeadlineNoon(t *testing.T) {
	loc := cph(t)
	d := func(day, hh, mm int) time.Time { return at(loc, 2026, 3, day, hh, mm) }
	r := regimeWith(d(2, 0, 0), sched(domain.KindWeight, domain.Daily, 12*time.Hour, 0))
	ms := []domain.Measurement{
		meas("w6", domain.KindWeight, d(6, 0, 0)),   // start of the 6th's window
		meas("w1", domain.KindWeight, d(2, 11, 59)), // on time
		meas("w2", domain.KindWeight, d(3, 12, 1)),  // late
		meas("w3", domain.KindWeight, d(5, 12, 0)),  // exactly at the deadline: on time
		meas("w4", domain.KindWeight, d(5, 18, 0)),  // a second reading the same day: fulfils nothing
		meas("w0", domain.KindWeight, d(1, 11, 0)),  // before the regime
		meas("p1", domain.KindPulse, d(4, 9, 0)),    // a kind not in the schedules
	}
	now := d(7, 10, 0)
	rs := domain.EvaluateSlots(r, ms, d(1, 0, 0), now, loc)
	if len(rs) != 12 { // 2nd..13th: Due in [1st, now+7 days = 14th 10:00)
		t.Fatalf("%d slots, want 12 (2–13 March)", len(rs))
	}
	tests := []struct {
		day     int
		state   domain.SlotState
		arrived []string
	}{
		{2, domain.SlotOnTime, []string{"w1"}},
		{3, domain.SlotLate, []string{"w2"}},
		{4, domain.SlotMissing, nil},
		{5, domain.SlotOnTime, []string{"w3"}},
		{6, domain.SlotOnTime, []string{"w6"}},
		{7, domain.SlotPending, nil},
		{13, domain.SlotPending, nil},
	}
	for _, tt := range tests {
		got := slotAt(t, rs, domain.KindWeight, d(tt.day, 12, 0))
		if got.State != tt.state || !slices.Equal(got.Arrived, tt.arrived) {
			t.Errorf("%d March: %v %v, want %v %v", tt.day, got.State, got.Arrived, tt.state, tt.arrived)
		}
		if got.Opens != d(tt.day, 0, 0) || got.Closes != d(tt.day+1, 0, 0) || got.Count != 1 {
			t.Errorf("%d March: window %s–%s count %d", tt.day, got.Opens, got.Closes, got.Count)
		}
	}
	if f := slotAt(t, rs, domain.KindWeight, d(3, 12, 0)).Fulfilled; !f.Equal(d(3, 12, 1)) {
		t.Errorf("late slot Fulfilled = %s, want the late reading's time", f)
	}
	if f := slotAt(t, rs, domain.KindWeight, d(4, 12, 0)).Fulfilled; !f.IsZero() {
		t.Errorf("missing slot Fulfilled = %s, want zero", f)
	}
}

// TestDailyStateOverTime follows one day's slot as time passes and a late
// reading arrives.
func TestDailyStateOverTime(t *testing.T) {
	loc := cph(t)
	d := func(day, hh, mm, ss int) time.Time { return time.Date(2026, 3, day, hh, mm, ss, 0, loc) }
	r := regimeWith(d(2, 0, 0, 0), sched(domain.KindWeight, domain.Daily, 12*time.Hour, 0))
	due := d(4, 12, 0, 0)
	tests := []struct {
		name string
		ms   []domain.Measurement
		now  time.Time
		want domain.SlotState
	}{
		{"morning, nothing yet", nil, d(4, 8, 0, 0), domain.SlotPending},
		{"at the deadline, nothing", nil, due, domain.SlotPending},
		{"a second past, nothing", nil, d(4, 12, 0, 1), domain.SlotMissing},
		{"next day, nothing", nil, d(5, 8, 0, 0), domain.SlotMissing},
		{"reading at 11:59", []domain.Measurement{meas("a", domain.KindWeight, d(4, 11, 59, 0))}, d(4, 11, 59, 30), domain.SlotOnTime},
		{"reading at 12:01", []domain.Measurement{meas("a", domain.KindWeight, d(4, 12, 1, 0))}, d(4, 13, 0, 0), domain.SlotLate},
		{"reading 23:59:59", []domain.Measurement{meas("a", domain.KindWeight, d(4, 23, 59, 59))}, d(5, 8, 0, 0), domain.SlotLate},
		{"reading next midnight belongs to the next day", []domain.Measurement{meas("a", domain.KindWeight, d(5, 0, 0, 0))}, d(5, 8, 0, 0), domain.SlotMissing},
		{"other patient's reading", []domain.Measurement{{ID: "x", PatientID: "p2", Kind: domain.KindWeight, Taken: d(4, 9, 0, 0)}}, d(5, 8, 0, 0), domain.SlotMissing},
		{"reading without patient id counts", []domain.Measurement{{ID: "x", Kind: domain.KindWeight, Taken: d(4, 9, 0, 0)}}, d(5, 8, 0, 0), domain.SlotOnTime},
	}
	for _, tt := range tests {
		rs := domain.EvaluateSlots(r, tt.ms, d(4, 0, 0, 0), tt.now, loc)
		if got := slotAt(t, rs, domain.KindWeight, due); got.State != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got.State, tt.want)
		}
	}
}

func TestOnWeekdaysSlots(t *testing.T) {
	loc := cph(t)
	d := func(day, hh int) time.Time { return at(loc, 2026, 3, day, hh, 0) }
	r := regimeWith(d(1, 0), sched(domain.KindBloodPressure, domain.OnWeekdays, 10*time.Hour, 0, time.Thursday, time.Monday, time.Monday))
	got := dues(domain.ExpectedSlots(r, r.Schedules[0], d(1, 0), d(16, 0), loc))
	want := []time.Time{d(2, 10), d(5, 10), d(9, 10), d(12, 10)}
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("Mon/Thu slots = %v, want %v", got, want)
	}
}

func TestExpectedSlotsRangeIsHalfOpen(t *testing.T) {
	loc := cph(t)
	d := func(day, hh int) time.Time { return at(loc, 2026, 3, day, hh, 0) }
	r := regimeWith(time.Time{}, sched(domain.KindWeight, domain.Daily, 12*time.Hour, 0))
	got := dues(domain.ExpectedSlots(r, r.Schedules[0], d(3, 12), d(5, 12), loc))
	want := []time.Time{d(3, 12), d(4, 12)}
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("slots in [3rd 12:00, 5th 12:00) = %v, want %v", got, want)
	}
	if s := domain.ExpectedSlots(r, r.Schedules[0], d(5, 12), d(3, 12), loc); len(s) != 0 {
		t.Errorf("reversed range gave %d slots", len(s))
	}
}

func TestWeeklySlots(t *testing.T) {
	loc := cph(t)
	d := func(day, hh, mm int) time.Time { return at(loc, 2026, 3, day, hh, mm) }
	r := regimeWith(d(2, 0, 0), sched(domain.KindSteps, domain.Weekly, 12*time.Hour, 0, time.Thursday))
	ms := []domain.Measurement{
		meas("a", domain.KindSteps, d(3, 20, 0)),  // week 1, Tuesday: on time
		meas("b", domain.KindSteps, d(13, 9, 0)),  // week 2, Friday: late
		meas("c", domain.KindSteps, d(23, 0, 0)),  // week 4's Monday 00:00, not week 3
		meas("e", domain.KindSteps, d(29, 23, 0)), // Sunday after week 4's deadline: extra, fulfils nothing
	}
	rs := domain.EvaluateSlots(r, ms, d(2, 0, 0), d(30, 8, 0), loc)
	tests := []struct {
		monday, thursday int
		state            domain.SlotState
		arrived          []string
	}{
		{2, 5, domain.SlotOnTime, []string{"a"}},
		{9, 12, domain.SlotLate, []string{"b"}},
		{16, 19, domain.SlotMissing, nil},
		{23, 26, domain.SlotOnTime, []string{"c"}},
		{30, 33, domain.SlotPending, nil}, // 2 April
	}
	if len(rs) != len(tests) {
		t.Fatalf("%d weekly slots, want %d", len(rs), len(tests))
	}
	for _, tt := range tests {
		got := slotAt(t, rs, domain.KindSteps, d(tt.thursday, 12, 0))
		if got.State != tt.state || !slices.Equal(got.Arrived, tt.arrived) {
			t.Errorf("week of %d March: %v %v, want %v %v", tt.monday, got.State, got.Arrived, tt.state, tt.arrived)
		}
		if !got.Opens.Equal(d(tt.monday, 0, 0)) || !got.Closes.Equal(d(tt.monday+7, 0, 0)) {
			t.Errorf("week of %d March: window %s – %s", tt.monday, got.Opens, got.Closes)
		}
	}

	// Without a weekday the slot is due on Monday.
	r.Schedules[0].Freq.Weekdays = nil
	got := dues(domain.ExpectedSlots(r, r.Schedules[0], d(1, 0, 0), d(17, 0, 0), loc))
	want := []time.Time{d(2, 12, 0), d(9, 12, 0), d(16, 12, 0)}
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("weekly without weekday = %v, want Mondays %v", got, want)
	}
	// Sunday is the last day of the ISO week.
	r.Schedules[0].Freq.Weekdays = []time.Weekday{time.Sunday}
	sl := domain.ExpectedSlots(r, r.Schedules[0], d(1, 0, 0), d(9, 0, 0), loc)
	if len(sl) != 1 || !sl[0].Due.Equal(d(8, 12, 0)) || !sl[0].Opens.Equal(d(2, 0, 0)) {
		t.Errorf("weekly on Sunday = %+v, want one due Sunday 8 March, opening Monday 2 March", sl)
	}
}

// TestTimesPerWeek: Count readings are expected per ISO week, due Sunday.
// Fewer than Count by Due is Missing once Due has passed (Pending before);
// reaching Count only with readings taken after Due (before Closes) is Late.
func TestTimesPerWeek(t *testing.T) {
	loc := cph(t)
	d := func(day, hh int) time.Time { return at(loc, 2026, 3, day, hh, 0) }
	r := regimeWith(d(2, 0), sched(domain.KindPulse, domain.TimesPerWeek, 20*time.Hour, 3))
	due := d(8, 20)
	p := func(id string, day, hh int) domain.Measurement { return meas(id, domain.KindPulse, d(day, hh)) }
	tests := []struct {
		name      string
		ms        []domain.Measurement
		now       time.Time
		state     domain.SlotState
		arrived   []string
		fulfilled time.Time
	}{
		{"two of three, week over", []domain.Measurement{p("a", 2, 8), p("b", 4, 8)}, d(9, 8), domain.SlotMissing, []string{"a", "b"}, time.Time{}},
		{"two of three, Friday", []domain.Measurement{p("a", 2, 8), p("b", 4, 8)}, d(6, 8), domain.SlotPending, []string{"a", "b"}, time.Time{}},
		{"three by Friday", []domain.Measurement{p("c", 6, 7), p("a", 2, 8), p("b", 4, 8)}, d(6, 8), domain.SlotOnTime, []string{"a", "b", "c"}, d(6, 7)},
		{"three, the last at the deadline", []domain.Measurement{p("a", 2, 8), p("b", 4, 8), p("c", 8, 20)}, d(9, 8), domain.SlotOnTime, []string{"a", "b", "c"}, d(8, 20)},
		{"third after the deadline", []domain.Measurement{p("a", 2, 8), p("b", 4, 8), p("c", 8, 21)}, d(9, 8), domain.SlotLate, []string{"a", "b", "c"}, d(8, 21)},
		{"four: the earliest three count", []domain.Measurement{p("d", 7, 8), p("a", 2, 8), p("b", 3, 8), p("c", 5, 8)}, d(9, 8), domain.SlotOnTime, []string{"a", "b", "c"}, d(5, 8)},
		{"on-time readings preferred over late", []domain.Measurement{p("late", 8, 22), p("a", 2, 8), p("b", 3, 8), p("c", 5, 8)}, d(9, 8), domain.SlotOnTime, []string{"a", "b", "c"}, d(5, 8)},
		{"repeated id counts once", []domain.Measurement{p("a", 2, 8), p("a", 2, 8), p("b", 3, 8)}, d(9, 8), domain.SlotMissing, []string{"a", "b"}, time.Time{}},
		{"next Monday counts for the next week", []domain.Measurement{p("a", 2, 8), p("b", 3, 8), p("c", 9, 1)}, d(9, 8), domain.SlotMissing, []string{"a", "b"}, time.Time{}},
	}
	for _, tt := range tests {
		rs := domain.EvaluateSlots(r, tt.ms, d(2, 0), tt.now, loc)
		got := slotAt(t, rs, domain.KindPulse, due)
		if got.Count != 3 || got.State != tt.state || !slices.Equal(got.Arrived, tt.arrived) || !got.Fulfilled.Equal(tt.fulfilled) {
			t.Errorf("%s: count %d, %v %v fulfilled %s; want 3, %v %v %s", tt.name, got.Count, got.State, got.Arrived, got.Fulfilled, tt.state, tt.arrived, tt.fulfilled)
		}
	}
}

func TestRegimeStartAndEndLimitSlots(t *testing.T) {
	loc := cph(t)
	d := func(day, hh int) time.Time { return at(loc, 2026, 3, day, hh, 0) }
	daily := sched(domain.KindWeight, domain.Daily, 12*time.Hour, 0)
	from, to := d(1, 0), d(16, 0)

	t.Run("start mid-morning", func(t *testing.T) {
		r := regimeWith(d(4, 10), daily)
		sl := domain.ExpectedSlots(r, daily, from, to, loc)
		if len(sl) == 0 || !sl[0].Due.Equal(d(4, 12)) || !sl[0].Opens.Equal(d(4, 10)) {
			t.Fatalf("first slot %+v, want due 4 March 12:00 opening at the start 10:00", sl[0])
		}
		// A reading from before inclusion does not count.
		rs := domain.EvaluateSlots(r, []domain.Measurement{meas("early", domain.KindWeight, d(4, 9))}, from, d(5, 8), loc)
		if got := slotAt(t, rs, domain.KindWeight, d(4, 12)); got.State != domain.SlotMissing {
			t.Errorf("reading before the regime started: %v, want missing", got.State)
		}
	})
	t.Run("start after the deadline", func(t *testing.T) {
		sl := domain.ExpectedSlots(regimeWith(d(4, 13), daily), daily, from, to, loc)
		if len(sl) == 0 || !sl[0].Due.Equal(d(5, 12)) {
			t.Fatalf("first slot %v, want due 5 March", dues(sl))
		}
	})
	for _, tt := range []struct {
		name string
		end  time.Time
		last time.Time
	}{
		{"end at midnight", d(6, 0), d(5, 12)},
		{"end at the deadline (exclusive)", d(6, 12), d(5, 12)},
		{"end just after the deadline", d(6, 12).Add(time.Second), d(6, 12)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := regimeWith(d(2, 0), daily)
			r.End = tt.end
			sl := domain.ExpectedSlots(r, daily, from, to, loc)
			if len(sl) == 0 || !sl[len(sl)-1].Due.Equal(tt.last) {
				t.Errorf("slots %v, want the last due %s", dues(sl), tt.last)
			}
		})
	}
	t.Run("whole range outside the regime", func(t *testing.T) {
		r := regimeWith(d(20, 0), daily)
		if sl := domain.ExpectedSlots(r, daily, from, to, loc); len(sl) != 0 {
			t.Errorf("got %v", dues(sl))
		}
	})
	t.Run("weekly due before the start", func(t *testing.T) {
		w := sched(domain.KindSteps, domain.Weekly, 12*time.Hour, 0) // Mondays
		sl := domain.ExpectedSlots(regimeWith(d(3, 0), w), w, from, to, loc)
		if len(sl) == 0 || !sl[0].Due.Equal(d(9, 12)) {
			t.Errorf("weekly slots %v, want the first on Monday 9 March", dues(sl))
		}
	})
	// A first, partial week expects no more readings than days are left.
	for _, tt := range []struct {
		start time.Time
		n     int
		want  int
	}{
		{d(2, 0), 3, 3},  // Monday: whole week
		{d(5, 9), 3, 3},  // Thursday: 4 days left
		{d(5, 9), 5, 4},  // Thursday, 5 a week: 4 days left
		{d(7, 8), 3, 2},  // Saturday
		{d(8, 8), 3, 1},  // Sunday
		{d(8, 19), 7, 1}, // Sunday before the 20:00 deadline
	} {
		s := sched(domain.KindPulse, domain.TimesPerWeek, 20*time.Hour, tt.n)
		sl := domain.ExpectedSlots(regimeWith(tt.start, s), s, from, d(9, 0), loc)
		if len(sl) != 1 || sl[0].Count != tt.want || !sl[0].Opens.Equal(tt.start) {
			t.Errorf("start %s, %d a week: %+v, want one slot of %d opening at the start", tt.start.Format(time.DateTime), tt.n, sl, tt.want)
		}
	}
}

func TestPausedSlots(t *testing.T) {
	loc := cph(t)
	d := func(day, hh int) time.Time { return at(loc, 2026, 3, day, hh, 0) }
	r := regimeWith(d(2, 0), sched(domain.KindWeight, domain.Daily, 12*time.Hour, 0))
	r.Pauses = []domain.Period{
		{From: d(10, 0), To: d(13, 0), Reason: "admitted"},
		{From: d(15, 11), To: d(15, 13), Reason: "covers only the deadline"},
	}
	ms := []domain.Measurement{
		meas("in-pause", domain.KindWeight, d(11, 9)),
		meas("after", domain.KindWeight, d(13, 9)),
	}
	rs := domain.EvaluateSlots(r, ms, d(9, 0), d(16, 14), loc)
	want := map[int]domain.SlotState{9: domain.SlotMissing, 10: domain.SlotPaused, 11: domain.SlotPaused, 12: domain.SlotPaused, 13: domain.SlotOnTime, 14: domain.SlotMissing, 15: domain.SlotPaused, 16: domain.SlotMissing}
	for day, st := range want {
		got := slotAt(t, rs, domain.KindWeight, d(day, 12))
		if got.State != st {
			t.Errorf("%d March: %v, want %v", day, got.State, st)
		}
		if st == domain.SlotPaused && len(got.Arrived) != 0 {
			t.Errorf("%d March: paused slot took %v", day, got.Arrived)
		}
	}
	for _, res := range rs {
		if slices.Contains(res.Arrived, "in-pause") {
			t.Errorf("reading taken in a pause fulfilled the slot due %s", res.Due)
		}
	}
}

func TestSlotsAcrossDST(t *testing.T) {
	loc := cph(t)
	utc := func(m time.Month, day, hh int) time.Time { return time.Date(2026, m, day, hh, 0, 0, 0, time.UTC) }
	daily := sched(domain.KindWeight, domain.Daily, 12*time.Hour, 0)
	r := regimeWith(time.Date(2026, 1, 1, 0, 0, 0, 0, loc), daily)

	tests := []struct {
		name                string
		day                 time.Time // local midnight
		opens, due, closes  time.Time // in UTC
		hoursBetweenMidnite float64
	}{
		{"day before spring", at(loc, 2026, 3, 28, 0, 0), utc(3, 27, 23), utc(3, 28, 11), utc(3, 28, 23), 24},
		{"spring forward (23 h)", at(loc, 2026, 3, 29, 0, 0), utc(3, 28, 23), utc(3, 29, 10), utc(3, 29, 22), 23},
		{"day after spring", at(loc, 2026, 3, 30, 0, 0), utc(3, 29, 22), utc(3, 30, 10), utc(3, 30, 22), 24},
		{"fall back (25 h)", at(loc, 2026, 10, 25, 0, 0), utc(10, 24, 22), utc(10, 25, 11), utc(10, 25, 23), 25},
	}
	for _, tt := range tests {
		sl := domain.ExpectedSlots(r, daily, tt.day, tt.day.Add(20*time.Hour), loc)
		if len(sl) != 1 {
			t.Fatalf("%s: %d slots", tt.name, len(sl))
		}
		s := sl[0]
		if !s.Opens.Equal(tt.opens) || !s.Due.Equal(tt.due) || !s.Closes.Equal(tt.closes) {
			t.Errorf("%s: %s / %s / %s, want %s / %s / %s", tt.name, s.Opens.UTC(), s.Due.UTC(), s.Closes.UTC(), tt.opens, tt.due, tt.closes)
		}
		if h := s.Closes.Sub(s.Opens).Hours(); h != tt.hoursBetweenMidnite {
			t.Errorf("%s: day of %g h", tt.name, h)
		}
		if lt := s.Due.In(loc); lt.Hour() != 12 || lt.Minute() != 0 {
			t.Errorf("%s: due at %s local, want 12:00", tt.name, lt.Format("15:04"))
		}
	}

	// On the spring day 11:30 local is on time, 12:30 local is late (a
	// deadline of midnight + 12 h would wrongly be 13:00 local).
	spring := func(hh, mm int) time.Time { return at(loc, 2026, 3, 29, hh, mm) }
	rs := domain.EvaluateSlots(r, []domain.Measurement{meas("a", domain.KindWeight, spring(11, 30))}, spring(0, 0), spring(18, 0), loc)
	if got := slotAt(t, rs, domain.KindWeight, spring(12, 0)); got.State != domain.SlotOnTime {
		t.Errorf("spring day 11:30: %v", got.State)
	}
	rs = domain.EvaluateSlots(r, []domain.Measurement{meas("a", domain.KindWeight, spring(12, 30))}, spring(0, 0), spring(18, 0), loc)
	if got := slotAt(t, rs, domain.KindWeight, spring(12, 0)); got.State != domain.SlotLate {
		t.Errorf("spring day 12:30: %v", got.State)
	}

	// A week-long slot across the spring change is one hour shorter.
	tpw := sched(domain.KindPulse, domain.TimesPerWeek, 20*time.Hour, 3)
	sl := domain.ExpectedSlots(r, tpw, at(loc, 2026, 3, 23, 0, 0), at(loc, 2026, 3, 30, 0, 0), loc)
	if len(sl) != 1 || sl[0].Closes.Sub(sl[0].Opens) != 7*24*time.Hour-time.Hour || sl[0].Due.In(loc).Hour() != 20 {
		t.Errorf("week across spring change: %+v", sl)
	}

	// A deadline inside the skipped hour still gives exactly one slot that day.
	skipped := sched(domain.KindWeight, domain.Daily, 2*time.Hour+30*time.Minute, 0)
	sl = domain.ExpectedSlots(r, skipped, spring(0, 0), at(loc, 2026, 3, 30, 0, 0), loc)
	if len(sl) != 1 || sl[0].Due.Before(sl[0].Opens) || !sl[0].Due.Before(sl[0].Closes) {
		t.Errorf("deadline in the skipped hour: %+v", sl)
	}
}

func TestEvaluateSlotsOrderAndKinds(t *testing.T) {
	loc := cph(t)
	d := func(day, hh int) time.Time { return at(loc, 2026, 3, day, hh, 0) }
	r := regimeWith(d(2, 0),
		sched(domain.KindSteps, domain.Daily, 12*time.Hour, 0),
		sched(domain.KindPulse, domain.Daily, 12*time.Hour, 0),
		sched(domain.KindBloodPressure, domain.Weekly, 8*time.Hour, 0),
		sched(domain.KindWeight, domain.Daily, 12*time.Hour, 0),
	)
	rs := domain.EvaluateSlots(r, nil, d(2, 0), d(4, 0), loc)
	if len(rs) != 3*9+2 { // daily 2–10 March (now+7 days = 11th 00:00), BP on 2nd and 9th
		t.Fatalf("%d slots", len(rs))
	}
	if rs[0].Kind != domain.KindBloodPressure || rs[1].Kind != domain.KindWeight || rs[2].Kind != domain.KindPulse || rs[3].Kind != domain.KindSteps {
		t.Errorf("first four kinds %s %s %s %s, want bp weight pulse steps", rs[0].Kind, rs[1].Kind, rs[2].Kind, rs[3].Kind)
	}
	rank := map[domain.Kind]int{domain.KindWeight: 0, domain.KindPulse: 1, domain.KindBloodPressure: 2, domain.KindSteps: 3}
	for i := 1; i < len(rs); i++ {
		a, b := rs[i-1], rs[i]
		if b.Due.Before(a.Due) || (b.Due.Equal(a.Due) && rank[b.Kind] < rank[a.Kind]) {
			t.Errorf("results %d and %d out of order: %s %s, %s %s", i-1, i, a.Due, a.Kind, b.Due, b.Kind)
		}
	}
	if rs := domain.EvaluateSlots(domain.Regime{}, []domain.Measurement{meas("a", domain.KindWeight, d(2, 8))}, d(1, 0), d(5, 0), loc); len(rs) != 0 {
		t.Errorf("regime without schedules gave %d slots", len(rs))
	}
}

func TestExpectedSlotsInvalidSchedules(t *testing.T) {
	loc := cph(t)
	from, to := at(loc, 2026, 3, 2, 0, 0), at(loc, 2026, 3, 30, 0, 0)
	r := regimeWith(from)
	for _, s := range []domain.Schedule{
		sched(domain.KindWeight, domain.Daily, 0, 0),
		sched(domain.KindWeight, domain.Daily, 25*time.Hour, 0),
		sched(domain.KindWeight, "hourly", 12*time.Hour, 0),
		sched(domain.KindPulse, domain.TimesPerWeek, 12*time.Hour, 0),
		sched(domain.KindPulse, domain.Weekly, 12*time.Hour, 0, 9),
		sched(domain.KindPulse, domain.OnWeekdays, 12*time.Hour, 0),
		sched(domain.KindPulse, domain.OnWeekdays, 12*time.Hour, 0, 8),
	} {
		if sl := domain.ExpectedSlots(r, s, from, to, loc); len(sl) != 0 {
			t.Errorf("invalid schedule %+v gave %d slots", s, len(sl))
		}
	}
	// A nil location means UTC.
	s := sched(domain.KindWeight, domain.Daily, 12*time.Hour, 0)
	sl := domain.ExpectedSlots(domain.Regime{}, s, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC), nil)
	if len(sl) != 1 || !sl[0].Due.Equal(time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("nil location: %+v", sl)
	}
	// Deadline 24h: due at the next midnight, no late window.
	s.Deadline = 24 * time.Hour
	sl = domain.ExpectedSlots(domain.Regime{}, s, from, from.AddDate(0, 0, 1), loc)
	if len(sl) != 1 || !sl[0].Due.Equal(sl[0].Closes) || !sl[0].Opens.Equal(from.AddDate(0, 0, -1)) {
		t.Errorf("24h deadline: %+v", sl)
	}
}

// TestEvaluateSlotsEdgeInputs: nil location means UTC; a schedule of a kind
// the console does not know sorts after the known ones and takes only its
// own readings.
func TestEvaluateSlotsEdgeInputs(t *testing.T) {
	d := func(day, hh int) time.Time { return time.Date(2026, 3, day, hh, 0, 0, 0, time.UTC) }
	r := regimeWith(d(2, 0),
		sched("glucose", domain.Daily, 12*time.Hour, 0),
		sched(domain.KindSpO2, domain.Daily, 12*time.Hour, 0),
		sched("albumin", domain.Daily, 12*time.Hour, 0),
	)
	ms := []domain.Measurement{meas("g", "glucose", d(2, 9)), meas("s", domain.KindSpO2, d(2, 13))}
	rs := domain.EvaluateSlots(r, ms, d(2, 0), d(2, 14), nil)
	if len(rs) != 3*8 { // 2–9 March: Due before now+7 days = 9 March 14:00
		t.Fatalf("%d slots, want 24", len(rs))
	}
	if rs[0].Kind != domain.KindSpO2 || rs[1].Kind != "albumin" || rs[2].Kind != "glucose" {
		t.Errorf("order %s %s %s, want spo2 albumin glucose", rs[0].Kind, rs[1].Kind, rs[2].Kind)
	}
	if !rs[0].Due.Equal(d(2, 12)) || rs[0].State != domain.SlotLate || rs[1].State != domain.SlotMissing || rs[2].State != domain.SlotOnTime {
		t.Errorf("states %v %v %v at %s, want late missing on-time at 12:00 UTC", rs[0].State, rs[1].State, rs[2].State, rs[0].Due)
	}
}
