package demo

import (
	"fmt"
	"slices"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// measurements generates the patient's home readings day by day, oldest
// first, with ids in that order. pinned collects the ids of readings a story
// keeps open. check lists the days (as day indexes) that may hold a missed or
// late measurement: days with skipped, late or not yet arrived readings, and
// today. Every other day has all its scheduled readings on time.
func (c *clock) measurements(p *profile, versions []domain.Regime, pinned map[string]bool) (out []domain.Measurement, check []int) {
	r := p.rng
	firstDay := max(p.startDay, -(c.o.Days - 1))
	out = make([]domain.Measurement, 0, (1-firstDay)*5)
	var day []domain.Measurement
	pin := make([]bool, 0, 8)
	drift := 0.0
	seq := 0
	for k := firstDay; k <= 0; k++ {
		day, pin = day[:0], pin[:0]
		add := func(m domain.Measurement, pinIt bool) {
			day = append(day, m)
			pin = append(pin, pinIt)
		}
		history := c.day(k).Before(c.cutoff)
		// A skipped day: history only, unless the patient's story is to miss.
		skip := history && r.Float64() < p.skipRate
		if p.story != StoryNone && k >= c.storyDay-3 {
			skip = false // the story's days are complete
		}
		switch {
		case p.missYday && k == -1:
			skip = true
		case p.story == StoryMissedMornings && k >= c.missFrom:
			skip = true
		case p.story != StoryNone && k > c.storyDay:
			// Before 08:00 the stories are yesterday's: story patients have
			// not measured yet today, so the story readings stay the newest.
			skip = true
		}
		drift = min(0.6, max(-0.6, drift+r.Float64()*0.2-0.1))
		t0 := c.at(k, 7*time.Hour+time.Duration(r.IntN(210))*time.Minute+time.Duration(r.IntN(60))*time.Second)
		if p.story != StoryNone && k == c.storyDay {
			t0 = c.at(k, 7*time.Hour+20*time.Minute+time.Duration(r.IntN(20))*time.Minute)
		}
		if p.story == StoryLateArrival && k == c.lateDay {
			t0 = c.at(k, 14*time.Hour+10*time.Minute)
		}
		if skip || k == 0 || (p.story == StoryLateArrival && k == c.lateDay) {
			check = append(check, k)
		}
		if skip {
			continue
		}
		v, _ := domain.RegimeAt(versions, t0)
		ref := v.Thresholds.ReferenceWeight
		weight := round1(ref + drift + r.Float64()*0.6 - 0.3)
		pulse := float64(p.pulseBase - 4 + r.IntN(9))
		if v.Version == "2" && p.story == StoryPulseLow {
			pulse = float64(54 + r.IntN(9))
		}
		sys := float64(p.sysBase - 8 + r.IntN(17))
		dia := float64(p.diaBase - 6 + r.IntN(13))
		// Mildly varying patients: now and then a yellow weight or pulse.
		if (p.varying && history && r.IntN(25) == 0) || (p.yellowYday && k == -1) {
			if r.IntN(2) == 0 {
				weight = round1(ref + 2.1 + r.Float64()*0.4)
			} else {
				pulse = float64(90 + r.IntN(4))
			}
		}
		story := p.story != StoryNone && k == c.storyDay
		var pinWeight, pinPulse bool
		switch p.story {
		case StoryWeightGain:
			// +0.7, +1.5, +2.4, +3.2 over the reference: 2.5 kg in three days.
			if d := k - c.storyDay; d >= -3 && d <= 0 {
				weight = round1(ref + [...]float64{0.7, 1.5, 2.4, 3.2}[d+3])
				pinWeight = d >= -1
			}
		case StoryPulseHigh:
			if story {
				pulse, pinPulse = 92, true
			}
		case StoryPulseLow:
			if story {
				pulse, pinPulse = 41, true
			}
		}
		m := func(kind domain.Kind, at time.Time, v1, v2 float64) domain.Measurement {
			return domain.Measurement{PatientID: p.id, Kind: kind, Taken: at, Value: v1, Value2: v2}
		}
		if p.story == StoryStartUp && story {
			// The scale's first reading is a device error; weighed again.
			add(m(domain.KindWeight, t0, implausibleWeight, 0), true)
			t0 = t0.Add(6 * time.Minute)
			w := m(domain.KindWeight, t0, weight, 0)
			w.Extra = true
			add(w, false)
		} else {
			add(m(domain.KindWeight, t0, weight, 0), pinWeight)
		}
		if p.hasSteps {
			add(m(domain.KindSteps, t0.Add(30*time.Second), float64(1500+r.IntN(5500)), 0), false)
		}
		tp := t0.Add(time.Duration(60+r.IntN(120)) * time.Second)
		if p.hasBP {
			bp := m(domain.KindBloodPressure, tp, sys, dia)
			if history && r.IntN(50) == 0 {
				// Forgot the blood pressure: a missing BP in history.
				check = append(check, k)
			} else {
				add(bp, p.story == StoryBPUnclassified && story)
			}
		}
		add(m(domain.KindPulse, tp.Add(10*time.Second), pulse, 0), pinPulse)
		if p.copd {
			add(m(domain.KindSpO2, tp.Add(2*time.Minute), float64(93+r.IntN(5)), 0), false)
		}
		if p.extraWeighs && r.IntN(30) == 0 {
			ev := m(domain.KindWeight, c.at(k, 19*time.Hour+time.Duration(r.IntN(120))*time.Minute), round1(weight+0.4+r.Float64()*0.4), 0)
			ev.Extra = true
			add(ev, false)
		}
		for i := range day {
			day[i].Received = day[i].Taken.Add(time.Duration(120+r.IntN(600)) * time.Second)
		}
		// Keep the day's readings in time order so ids follow time.
		order := make([]int, len(day))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return day[a].Taken.Compare(day[b].Taken) })
		for _, i := range order {
			mm := day[i]
			if !c.inWindow(mm.Taken) || mm.Received.After(c.now) {
				// Not taken yet, or not yet arrived.
				if n := len(check); n == 0 || check[n-1] != k {
					check = append(check, k)
				}
				continue
			}
			seq++
			mm.ID = fmt.Sprintf("obs-%s-%06d", p.id[len("pat-"):], seq)
			if pin[i] {
				pinned[mm.ID] = true
			}
			out = append(out, mm)
		}
	}
	return out, slices.Compact(check)
}

// implausibleWeight is the start-up story's device error: the scale sent
// 0.4 kg, below domain.MinWeightKg, so it is flagged rather than coloured.
const implausibleWeight = 0.4
