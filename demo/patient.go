package demo

import (
	"cmp"
	"slices"
	"strings"
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
	ms, check := c.measurements(p, rec.Regimes, pinned)
	rec.Questionnaires = c.questionnaires(p, pinned)
	rec.Messages = c.messages(p)

	rec.Readings = make([]domain.Reading, len(ms))
	tasks := make([]domain.Task, 0, len(ms)+len(rec.Questionnaires)+8)
	review := make([]bool, len(ms))
	for j, m := range ms {
		rd, t := domain.Arrive(m, rec.Regimes)
		rec.Readings[j] = rd
		review[j] = domain.ReviewNeeded(rd, rec.Regimes)
		tasks = append(tasks, t)
	}
	for _, q := range rec.Questionnaires {
		tasks = append(tasks, domain.ArriveQuestionnaire(q))
	}
	tasks = append(tasks, c.missingTasks(p.id, rec.Regimes, ms, check)...)

	// Acknowledge: everything older than yesterday, recent items too for
	// fully acknowledged patients; story items stay open. The first
	// len(ms) tasks are the readings' review tasks, in reading order.
	for j := range tasks {
		if !tasks[j].Done {
			c.acknowledge(p, &tasks[j], pinned)
		}
	}
	for j := range rec.Readings {
		rec.Readings[j].Acknowledged = tasks[j].Done || !review[j]
	}
	// Information only (steps the regime does not ask to review) is no
	// item to acknowledge, as on the central.
	kept := make([]domain.Task, 0, len(tasks))
	for j, t := range tasks {
		if j < len(ms) && !review[j] {
			continue
		}
		kept = append(kept, t)
	}
	rec.Tasks = sortTasks(kept)
	return rec
}

// missingTasks evaluates the regime's slots on the days listed in check
// (sorted day indexes) and returns a task for every missed or late slot.
// Days not listed have every scheduled reading on time, so evaluating only
// the listed days keeps generation fast; TestMissingTasksMatchFullEvaluation
// checks that the result equals an evaluation of the whole history.
func (c *clock) missingTasks(patientID string, versions []domain.Regime, ms []domain.Measurement, check []int) []domain.Task {
	var out []domain.Task
	lo := 0 // first measurement not before the day
	for _, k := range check {
		ds, de := c.day(k), c.day(k+1)
		if ds.Before(c.first) {
			continue
		}
		for lo < len(ms) && ms[lo].Taken.Before(ds) {
			lo++
		}
		hi := lo
		for hi < len(ms) && ms[hi].Taken.Before(de) {
			hi++
		}
		out = c.evaluate(out, patientID, versions, ms[lo:hi], ds, de)
	}
	return out
}

// evaluate appends the missing-measurement tasks for slots due in [from, to)
// and before now, each slot judged by the regime version in force at its
// deadline.
func (c *clock) evaluate(out []domain.Task, patientID string, versions []domain.Regime, ms []domain.Measurement, from, to time.Time) []domain.Task {
	for vi, v := range versions {
		vFrom := maxTime(from, v.EffectiveFrom)
		vTo := minTime(to, c.now)
		if vi+1 < len(versions) {
			vTo = minTime(vTo, versions[vi+1].EffectiveFrom)
		}
		if !vFrom.Before(vTo) {
			continue
		}
		for _, s := range domain.EvaluateSlots(v, ms, vFrom, vTo, c.loc) {
			if s.Due.Before(vTo) && (s.State == domain.SlotMissing || s.State == domain.SlotLate) {
				out = append(out, domain.MissingTask(patientID, s))
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

// sortTasks orders tasks by Created, then id. It sorts small keys rather
// than the large Task values.
func sortTasks(tasks []domain.Task) []domain.Task {
	type key struct {
		at int64
		i  int
	}
	keys := make([]key, len(tasks))
	for i, t := range tasks {
		keys[i] = key{t.Created.UnixNano(), i}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.at != b.at {
			return cmp.Compare(a.at, b.at)
		}
		return strings.Compare(tasks[a.i].ID, tasks[b.i].ID)
	})
	out := make([]domain.Task, len(tasks))
	for j, k := range keys {
		out[j] = tasks[k.i]
	}
	return out
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
