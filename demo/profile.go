package demo

import (
	"math/rand/v2"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// profile is how one patient behaves: what they measure, how reliably, and
// how the nurse has handled their items.
type profile struct {
	idx   int // 0-based position
	n     int // 1-based number in the id
	id    string
	story Story
	rng   *rand.Rand

	person     person
	refWeight  float64
	pulseBase  int
	sysBase    int
	diaBase    int
	startDay   int // day index of inclusion (negative: in the past)
	hasBP      bool
	bpLimits   bool
	hasSteps   bool
	copd       bool
	pro        bool
	proWeekday time.Weekday

	// Behaviour.
	skipRate    float64 // chance a history day has no readings at all
	varying     bool    // an occasional yellow reading in history
	ackAll      bool    // the nurse has acknowledged everything, recent items too
	yellowYday  bool    // a yellow reading yesterday, still open
	missYday    bool    // missed yesterday's readings, still open
	extraWeighs bool    // sometimes weighs again in the evening
	v2          bool    // a second regime version mid-history
	thread      bool    // an older, answered message thread
	cover       int     // 0 none, 1 planned holiday cover, 2 covering the partner clinic now
}

// newProfile draws patient i's profile.
func (c *clock) newProfile(i int) *profile {
	n := i + 1
	p := &profile{idx: i, n: n, id: PatientID(n), story: storyOf(i, c.o.Patients)}
	p.rng = newRand(c.o.Seed, n)
	r := p.rng
	p.person = newPerson(r)
	p.refWeight = round1(55 + r.Float64()*60)
	p.pulseBase = 64 + r.IntN(13)
	p.sysBase = 114 + r.IntN(16)
	p.diaBase = 66 + r.IntN(12)
	p.proWeekday = time.Weekday(1 + r.IntN(5))

	// Filler position: stories take the first places when present.
	f := i
	if p.story == StoryNone && c.o.Patients >= storyPatients {
		f = i - storyPatients
	}
	if p.story != StoryNone {
		// Story patients: measured for a while before the history starts,
		// weight, pulse and blood pressure, open items since yesterday.
		p.startDay = -(c.o.Days - 1) - 20
		p.hasBP, p.bpLimits = true, true
		p.hasSteps = p.story == StoryStable || p.story == StoryLateArrival
		p.skipRate = 0.02
		p.thread = p.story == StoryWeightGain || p.story == StoryLateArrival
		switch p.story {
		case StoryStable:
			p.ackAll, p.pro = true, true
		case StoryBPUnclassified:
			p.bpLimits = false
		case StoryStartUp:
			p.startDay = -5
			p.hasBP = false
		case StoryCOPD:
			p.copd, p.pro = true, true
			p.hasBP = false
		case StoryPulseLow:
			p.v2 = true
		case StoryPulseHigh:
			p.pro = true
		}
		return p
	}

	// Filler patients: most have measured since before the history began;
	// one in sixteen was included during it.
	p.startDay = -(c.o.Days - 1) - r.IntN(40)
	if f%16 == 6 && c.o.Days > 1 {
		p.startDay = -r.IntN(c.o.Days)
	}
	p.hasBP = f%20 != 19
	p.bpLimits = true
	p.hasSteps = f%10 != 9
	p.pro = f%2 == 0
	p.skipRate = 0.03
	p.varying = f%3 == 1
	p.extraWeighs = f%7 == 3
	p.v2 = f%4 == 1
	p.thread = f%6 == 2
	switch {
	case f%9 == 4:
		p.cover = 1
	case f%9 == 8:
		p.cover = 2
	}
	// Who is on the worklist: a handful with only green items open, a few
	// with a yellow reading or a missed morning since yesterday; the rest
	// fully acknowledged.
	switch {
	case f%5 == 0:
	case f%10 == 3:
		p.yellowYday = true
	case f%15 == 7:
		p.missYday = true
	default:
		p.ackAll = true
	}
	return p
}

// regimes builds the patient's regime versions, oldest first.
func (c *clock) regimes(p *profile) []domain.Regime {
	r := p.rng
	start := c.day(p.startDay)
	reeval := start.AddDate(0, 0, 60+r.IntN(31))
	for reeval.Before(c.day(0)) {
		reeval = reeval.AddDate(0, 0, 90)
	}
	phase := domain.PhaseOngoing
	if p.startDay > -14 {
		phase = domain.PhaseStartUp
	}
	sched := []domain.Schedule{daily(domain.KindWeight), daily(domain.KindPulse)}
	if p.hasBP {
		sched = append(sched, daily(domain.KindBloodPressure))
	}
	if p.hasSteps {
		sched = append(sched, daily(domain.KindSteps))
	}
	if p.copd {
		sched = append(sched, daily(domain.KindSpO2))
	}
	th := domain.DefaultThresholds(p.refWeight)
	if p.hasBP && p.bpLimits {
		th.ByKind[domain.KindBloodPressure] = bpLimits()
	}
	if p.copd {
		th.ByKind[domain.KindSpO2] = domain.KindThresholds{Primary: domain.Limits{RedLow: domain.L(88), YellowLow: domain.L(92)}}
	}
	v1 := domain.Regime{
		ID:            "cp-" + p.id[len("pat-"):],
		Version:       "1",
		PatientID:     p.id,
		EffectiveFrom: start,
		Start:         start,
		Phase:         phase,
		Schedules:     sched,
		Thresholds:    th,
		Reevaluation:  reeval,
		Author:        Physician,
		Physician:     domain.PractitionerRef(Physician),
		Reason:        "Inklusion i TeleHjerte",
	}
	if p.pro {
		v1.Questionnaires = []string{symptomCanonical}
	}
	out := []domain.Regime{v1}
	if !p.v2 {
		return out
	}
	v2 := v1
	v2.Version = "2"
	v2.Phase = domain.PhaseOngoing
	v2.Schedules = append([]domain.Schedule(nil), sched...)
	v2.Thresholds = cloneThresholds(th)
	back := max(c.o.Days/2, 3)
	v2.EffectiveFrom = c.at(-back, 13*time.Hour+15*time.Minute)
	if !v2.EffectiveFrom.After(start.AddDate(0, 0, 7)) {
		return out // included too recently for a change
	}
	if p.story == StoryPulseLow {
		v2.Thresholds.ByKind[domain.KindPulse] = domain.KindThresholds{Primary: domain.Limits{
			RedLow: domain.L(42), YellowLow: domain.L(48), YellowHigh: domain.L(90), RedHigh: domain.L(100)}}
		v2.Reason = "Ivabradin påbegyndt: individuelle pulsgrænser"
	} else {
		v2.Thresholds.ReferenceWeight = round1(p.refWeight - 1.2)
		v2.Thresholds.ByKind[domain.KindPulse] = domain.KindThresholds{Primary: domain.Limits{
			RedLow: domain.L(40), YellowLow: domain.L(45), YellowHigh: domain.L(95), RedHigh: domain.L(105)}}
		v2.Reason = "Tørvægt revurderet efter diuretikajustering; individuelle pulsgrænser"
	}
	return append(out, v2)
}

func daily(k domain.Kind) domain.Schedule {
	return domain.Schedule{Kind: k, Freq: domain.Frequency{Kind: domain.Daily}, Deadline: deadline}
}

// bpLimits are individual blood-pressure limits: systolic primary,
// diastolic secondary.
func bpLimits() domain.KindThresholds {
	return domain.KindThresholds{
		Primary:   domain.Limits{RedLow: domain.L(85), YellowLow: domain.L(95), YellowHigh: domain.L(150), RedHigh: domain.L(170)},
		Secondary: domain.Limits{RedLow: domain.L(45), YellowLow: domain.L(50), YellowHigh: domain.L(95), RedHigh: domain.L(105)},
	}
}

func cloneThresholds(t domain.Thresholds) domain.Thresholds {
	out := domain.Thresholds{ReferenceWeight: t.ReferenceWeight, ByKind: make(map[domain.Kind]domain.KindThresholds, len(t.ByKind))}
	for k, v := range t.ByKind {
		out.ByKind[k] = v
	}
	return out
}

// responsibility is who monitors the patient.
func (c *clock) responsibility(p *profile) domain.Responsibility {
	switch p.cover {
	case 1:
		return domain.Responsibility{Home: teamDemo(), Cover: &domain.Cover{Team: teamCover(),
			Period: domain.Period{From: c.day(14), To: c.day(28), Reason: holidayName(c.day(14)) + " i " + ClinicName}}}
	case 2:
		return domain.Responsibility{Home: teamCover(), Cover: &domain.Cover{Team: teamDemo(),
			Period: domain.Period{From: c.day(-4), To: c.day(10), Reason: "Ferieafløsning for " + teamCover().Name}}}
	}
	return domain.Responsibility{Home: teamDemo()}
}

func round1(v float64) float64 {
	if v < 0 {
		return -round1(-v)
	}
	return float64(int64(v*10+0.5)) / 10
}

// holidayName names the Danish holiday season a cover starting on from
// falls in, so a December cover is not called "Sommerferie".
func holidayName(from time.Time) string {
	switch from.Month() {
	case time.June, time.July, time.August:
		return "Sommerferie"
	case time.December, time.January:
		return "Juleferie"
	case time.February:
		return "Vinterferie"
	case time.March, time.April:
		return "Påskeferie"
	case time.October:
		return "Efterårsferie"
	}
	return "Ferie"
}
