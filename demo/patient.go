package demo

import (
	"slices"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// patient builds patient i's complete record.
func (c *clock) patient(i int) PatientRecord {
	p := c.newProfile(i)
	programmes := []string{domain.ProgrammeHeartFailure}
	if p.copd {
		programmes = append(programmes, domain.ProgrammeCOPD)
	}
	rec := PatientRecord{
		Patient: domain.Patient{
			ID:         p.id,
			CPR:        p.person.CPR,
			Name:       p.person.Name,
			BirthDate:  p.person.Birth,
			Programmes: programmes,
			Synthetic:  true,
		},
		Responsibility: c.responsibility(p),
		Story:          p.story,
	}
	rec.Regimes = c.regimes(p)
	pinned := make(map[string]bool)
	ms := c.measurements(p, rec.Regimes, pinned)
	rec.Questionnaires = c.questionnaires(p, pinned)
	rec.Messages = c.messages(p)

	rec.Readings = make([]domain.Reading, len(ms))
	tasks := make([]domain.Task, 0, len(ms)+len(rec.Questionnaires)+8)
	for j, m := range ms {
		rd, t := domain.Arrive(m, rec.Regimes)
		rec.Readings[j] = rd
		tasks = append(tasks, t)
	}
	for _, q := range rec.Questionnaires {
		tasks = append(tasks, domain.ArriveQuestionnaire(q))
	}
	tasks = append(tasks, c.missingTasks(p, rec.Regimes, ms)...)

	// Acknowledge: everything older than yesterday, recent items too for
	// fully acknowledged patients; story items stay open.
	done := make(map[string]bool, len(tasks))
	for j := range tasks {
		t := &tasks[j]
		if !t.Done {
			c.acknowledge(p, t, pinned)
		}
		if t.Done && t.FocusID != "" {
			done[t.FocusID] = true
		}
	}
	for j := range rec.Readings {
		rec.Readings[j].Acknowledged = done[rec.Readings[j].ID]
	}
	slices.SortStableFunc(tasks, func(a, b domain.Task) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return compareStrings(a.ID, b.ID)
	})
	rec.Tasks = tasks
	return rec
}

// missingTasks evaluates the regime's slots over the history, version by
// version, and returns a task for every missed or late slot. It works in
// four-week chunks so the cost grows linearly with the history.
func (c *clock) missingTasks(p *profile, versions []domain.Regime, ms []domain.Measurement) []domain.Task {
	var out []domain.Task
	const chunkDays = 28
	lo := 0 // first measurement not before the chunk
	for k := -(c.o.Days - 1); k <= 0; k += chunkDays {
		cs, ce := c.day(k), c.day(k+chunkDays)
		for lo < len(ms) && ms[lo].Taken.Before(cs) {
			lo++
		}
		hi := lo
		for hi < len(ms) && ms[hi].Taken.Before(ce) {
			hi++
		}
		for vi, v := range versions {
			from := maxTime(cs, v.EffectiveFrom)
			to := ce
			if vi+1 < len(versions) && versions[vi+1].EffectiveFrom.Before(to) {
				to = versions[vi+1].EffectiveFrom
			}
			if c.now.Before(to) {
				to = c.now
			}
			if !from.Before(to) {
				continue
			}
			for _, s := range domain.EvaluateSlots(v, ms[lo:hi], from, to, c.loc) {
				if !s.Due.Before(to) || (s.State != domain.SlotMissing && s.State != domain.SlotLate) {
					continue
				}
				out = append(out, domain.MissingTask(p.id, s))
			}
		}
	}
	return out
}

// acknowledge closes task t the way the clinic would have, unless the
// patient's story keeps it open.
func (c *clock) acknowledge(p *profile, t *domain.Task, pinned map[string]bool) {
	if pinned[t.FocusID] {
		return
	}
	if t.Category == domain.TaskMissing && p.story == StoryMissedMornings && !t.Due.Before(c.day(c.missFrom)) {
		return
	}
	switch {
	case t.Created.Before(c.cutoff):
		// Reviewed the next morning.
		y, m, d := t.Created.In(c.loc).Date()
		t.DoneAt = time.Date(y, m, d+1, 8, 30+p.rng.IntN(90), 0, 0, c.loc)
	case p.ackAll:
		t.DoneAt = minTime(t.Created.Add(time.Duration(30+p.rng.IntN(120))*time.Minute), c.now)
	default:
		return
	}
	t.Done = true
	t.DoneBy = NurseA
	if c.dayIndex(t.DoneAt)%2 != 0 {
		t.DoneBy = NurseB
	}
	if t.Category == domain.TaskMissing {
		t.Note = "Borger kontaktet: glemt måling"
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
