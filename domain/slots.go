package domain

import (
	"sort"
	"time"
)

// Slot is one expected measurement: a reading of Kind taken within
// [Opens, Due] fulfils it on time; one taken after Due but before Closes
// fulfils it late. For TimesPerWeek, Count readings are expected in the slot.
type Slot struct {
	Kind   Kind
	Opens  time.Time
	Due    time.Time
	Closes time.Time
	Count  int
}

// SlotState is what became of an expected measurement.
type SlotState int

// States of a slot.
const (
	SlotPending SlotState = iota // not due yet
	SlotOnTime                   // arrived by the deadline
	SlotLate                     // arrived after the deadline; history shows it
	SlotMissing                  // past the deadline and nothing arrived
	SlotPaused                   // fell in a pause: no alarm
)

func (s SlotState) String() string {
	names := [...]string{"pending", "on-time", "late", "missing", "paused"}
	if s < 0 || int(s) >= len(names) {
		return "unknown"
	}
	return names[s]
}

// SlotResult is one slot and what became of it.
type SlotResult struct {
	Slot
	State   SlotState
	Arrived []string // ids of the measurements that fulfilled it
	// Fulfilled is when the slot's Count was reached: the Taken time of the
	// reading that completed it. Zero unless State is SlotOnTime or SlotLate.
	Fulfilled time.Time
}

// civil is a calendar date, held as midnight UTC so that date arithmetic
// never meets a DST change.
type civil = time.Time

// civilDate is the calendar date of t in loc.
func civilDate(t time.Time, loc *time.Location) civil {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// wallClock is the instant at time of day tod on calendar date c in loc.
// time.Date normalises the overflowing nanoseconds as wall-clock time, so
// 12h is 12:00 local on every day, including DST change days; 24h is the
// next local midnight.
func wallClock(c civil, tod time.Duration, loc *time.Location) time.Time {
	return time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, int(tod), loc)
}

// isoOffset is the 0-based position of wd in an ISO week (Monday = 0).
func isoOffset(wd time.Weekday) int { return (int(wd) + 6) % 7 }

// ExpectedSlots returns the slots of schedule s whose Due lies in [from, to),
// computed in local time loc (Europe/Copenhagen in production; days are
// calendar days there, so DST changes do not shift the deadline), and limited
// to the regime's [Start, End).
//
//   - Daily: one slot a day, Opens at local midnight, Due at midnight+Deadline,
//     Closes at the next local midnight.
//   - OnWeekdays: as Daily, on the listed weekdays only.
//   - Weekly: one slot per ISO week on Weekdays[0] (Monday if none); Opens at
//     the start of the ISO week (Monday 00:00), Due on that weekday at the
//     deadline, Closes at the start of the next ISO week.
//   - TimesPerWeek: one slot per ISO week with Count = N; Opens Monday 00:00,
//     Due Sunday at the deadline, Closes next Monday 00:00.
//
// Limiting to the regime: a slot exists only when its Due lies in
// [r.Start, r.End) (a zero Start or End is unbounded). When the regime
// starts inside a slot's window, the slot Opens at r.Start (readings taken
// before inclusion do not count), and a TimesPerWeek slot expects no more
// readings than there are calendar days left in that first week.
//
// The Deadline is a wall-clock time of day: on the day clocks go forward a
// deadline inside the skipped hour falls at a time time.Date chooses. A
// schedule that Regime.Validate would reject (deadline outside (0, 24h],
// N < 1, unknown frequency, weekday out of range for Weekly) yields no slots.
func ExpectedSlots(r Regime, s Schedule, from, to time.Time, loc *time.Location) []Slot {
	if loc == nil {
		loc = time.UTC
	}
	if s.Deadline <= 0 || s.Deadline > 24*time.Hour {
		return nil
	}
	lo, hi := from, to
	if !r.Start.IsZero() && r.Start.After(lo) {
		lo = r.Start
	}
	if !r.End.IsZero() && r.End.Before(hi) {
		hi = r.End
	}
	if !lo.Before(hi) {
		return nil
	}
	inRange := func(due time.Time) bool { return !due.Before(lo) && due.Before(hi) }
	clipOpens := func(opens time.Time) time.Time {
		if !r.Start.IsZero() && r.Start.After(opens) {
			return r.Start
		}
		return opens
	}
	// A Due on calendar date c lies in (c 00:00, c+1 00:00], so the dates
	// to try run from the day before lo to the day of hi.
	first, last := civilDate(lo, loc).AddDate(0, 0, -1), civilDate(hi, loc)

	var out []Slot
	switch s.Freq.Kind {
	case Daily, OnWeekdays:
		var days [7]bool
		for i := range days {
			days[i] = s.Freq.Kind == Daily
		}
		for _, wd := range s.Freq.Weekdays {
			if s.Freq.Kind == OnWeekdays && wd >= time.Sunday && wd <= time.Saturday {
				days[wd] = true
			}
		}
		for c := first; !c.After(last); c = c.AddDate(0, 0, 1) {
			if !days[c.Weekday()] {
				continue
			}
			due := wallClock(c, s.Deadline, loc)
			if !inRange(due) {
				continue
			}
			out = append(out, Slot{
				Kind:   s.Kind,
				Opens:  clipOpens(wallClock(c, 0, loc)),
				Due:    due,
				Closes: wallClock(c.AddDate(0, 0, 1), 0, loc),
				Count:  1,
			})
		}
	case Weekly, TimesPerWeek:
		dueOffset, count := 6, s.Freq.N
		if s.Freq.Kind == Weekly {
			dueOffset, count = 0, 1
			if len(s.Freq.Weekdays) > 0 {
				wd := s.Freq.Weekdays[0]
				if wd < time.Sunday || wd > time.Saturday {
					return nil
				}
				dueOffset = isoOffset(wd)
			}
		}
		if count < 1 {
			return nil
		}
		monday := first.AddDate(0, 0, -isoOffset(first.Weekday()))
		for w := monday; !w.After(last); w = w.AddDate(0, 0, 7) {
			dueDay := w.AddDate(0, 0, dueOffset)
			due := wallClock(dueDay, s.Deadline, loc)
			if !inRange(due) {
				continue
			}
			sl := Slot{
				Kind:   s.Kind,
				Opens:  clipOpens(wallClock(w, 0, loc)),
				Due:    due,
				Closes: wallClock(w.AddDate(0, 0, 7), 0, loc),
				Count:  count,
			}
			if s.Freq.Kind == TimesPerWeek && !r.Start.IsZero() && r.Start.After(wallClock(w, 0, loc)) {
				// First, partial week: no more readings than days left.
				left := int(dueDay.Sub(civilDate(r.Start, loc))/(24*time.Hour)) + 1
				sl.Count = max(1, min(sl.Count, left))
			}
			out = append(out, sl)
		}
	}
	return out
}

// kindRank orders kinds for display and for sorting slots.
func kindRank(k Kind) int {
	for i, o := range kindOrder {
		if o == k {
			return i
		}
	}
	return len(kindOrder)
}

// EvaluatedSlots lists the slots EvaluateSlots(r, …, from, now, loc)
// evaluates, unsorted: every schedule's slots from from to a week past
// now, in loc (UTC when nil).
func EvaluatedSlots(r Regime, from, now time.Time, loc *time.Location) []Slot {
	if loc == nil {
		loc = time.UTC
	}
	to := now.In(loc).AddDate(0, 0, 7)
	var slots []Slot
	for _, s := range r.Schedules {
		slots = append(slots, ExpectedSlots(r, s, from, to, loc)...)
	}
	return slots
}

// EvaluateSlots matches the measurements ms (any order, any kinds) against
// the slots of every schedule in r whose Due lies in [from, now+1 week), and
// says what became of each: on time, late, missing, paused or still pending.
// A measurement fulfils at most one slot; extra readings fulfil none. A
// measurement taken after Due and before Closes makes the slot Late, not
// Missing: a late arrival resolves a missing measurement and history still
// shows it was late. A slot whose Due falls in one of r.Pauses is Paused.
//
// Details of the rules:
//   - Results are sorted by Due, then by kind in display order.
//   - Slots are filled in that order; each takes the earliest unused
//     readings taken on time ([Opens, Due]) first, then the earliest taken
//     late ((Due, Closes)). Readings flagged Extra or implausible count like
//     any other (the patient did measure; an implausible one is reviewed on
//     its own task). Measurements of another patient (both ids set and
//     different) are ignored; a repeated measurement id counts once.
//   - Count: a slot is OnTime when Count readings were taken by Due; Late
//     when Count is reached only with readings taken after Due (before
//     Closes); otherwise Missing once now is after Due, or Pending while now
//     is at or before Due. Readings that did not reach Count are still
//     listed in Arrived.
//   - A Paused slot takes no readings: during a pause nothing is expected,
//     so readings then are extras.
func EvaluateSlots(r Regime, ms []Measurement, from, now time.Time, loc *time.Location) []SlotResult {
	slots := EvaluatedSlots(r, from, now, loc)
	sort.SliceStable(slots, func(i, j int) bool {
		a, b := slots[i], slots[j]
		if !a.Due.Equal(b.Due) {
			return a.Due.Before(b.Due)
		}
		if ra, rb := kindRank(a.Kind), kindRank(b.Kind); ra != rb {
			return ra < rb
		}
		return a.Kind < b.Kind
	})

	byKind := make(map[Kind][]Measurement)
	seen := make(map[string]bool)
	for _, m := range ms {
		if r.PatientID != "" && m.PatientID != "" && m.PatientID != r.PatientID {
			continue
		}
		if m.ID != "" {
			if seen[m.ID] {
				continue
			}
			seen[m.ID] = true
		}
		byKind[m.Kind] = append(byKind[m.Kind], m)
	}
	used := make(map[Kind][]bool, len(byKind))
	for k, list := range byKind {
		sort.SliceStable(list, func(i, j int) bool {
			if !list[i].Taken.Equal(list[j].Taken) {
				return list[i].Taken.Before(list[j].Taken)
			}
			return list[i].ID < list[j].ID
		})
		used[k] = make([]bool, len(list))
	}

	out := make([]SlotResult, 0, len(slots))
	for _, sl := range slots {
		res := SlotResult{Slot: sl}
		if paused(r.Pauses, sl.Due) {
			res.State = SlotPaused
			out = append(out, res)
			continue
		}
		list, u := byKind[sl.Kind], used[sl.Kind]
		onTime, late := 0, 0
		take := func(wantLate bool) {
			for i, m := range list {
				if onTime+late >= sl.Count {
					return
				}
				if u[i] || m.Taken.Before(sl.Opens) || !m.Taken.Before(sl.Closes) || m.Taken.After(sl.Due) != wantLate {
					continue
				}
				u[i] = true
				res.Arrived = append(res.Arrived, m.ID)
				res.Fulfilled = m.Taken
				if wantLate {
					late++
				} else {
					onTime++
				}
			}
		}
		take(false)
		take(true)
		switch {
		case onTime >= sl.Count:
			res.State = SlotOnTime
		case onTime+late >= sl.Count:
			res.State = SlotLate
		case now.After(sl.Due):
			res.State = SlotMissing
		default:
			res.State = SlotPending
		}
		if res.State != SlotOnTime && res.State != SlotLate {
			res.Fulfilled = time.Time{}
		}
		out = append(out, res)
	}
	return out
}

func paused(pauses []Period, t time.Time) bool {
	for _, p := range pauses {
		if p.Contains(t) {
			return true
		}
	}
	return false
}
