package demo

import (
	"fmt"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// The symptom questionnaire (PRO), built around NYHA class: weight gain,
// function, fatigue and breathlessness. Each question's answers run from
// green to red.
var proQuestions = [...]struct {
	q       string
	answers [3]string // green, yellow, red
}{
	{"Har du taget på i vægt de seneste tre dage?", [3]string{"Nej", "Ja, 1–2 kg", "Ja, mere end 2 kg"}},
	{"Hvordan klarer du almindelige daglige gøremål?", [3]string{"Uden besvær eller med lidt besvær", "Med tydeligt besvær ved mindre end almindelig aktivitet", "Jeg har besvær selv i hvile"}},
	{"Er du mere træt end du plejer?", [3]string{"Nej, som sædvanligt", "Ja, lidt mere træt", "Ja, meget mere træt"}},
	{"Er du mere forpustet end du plejer?", [3]string{"Nej", "Ja, ved anstrengelse", "Ja, også i hvile"}},
}

// Indexes into proQuestions.
const (
	proFatigue        = 2
	proBreathlessness = 3
)

// questionnaires generates the weekly questionnaires, oldest first. pinned
// collects the ids of questionnaires a story keeps open.
func (c *clock) questionnaires(p *profile, pinned map[string]bool) []domain.ProResponse {
	if !p.pro {
		return nil
	}
	r := p.rng
	var out []domain.ProResponse
	seq := 0
	for k := max(p.startDay, -(c.o.Days - 1)); k <= 0; k++ {
		story := p.story == StoryCOPD && k == c.storyDay
		if c.day(k).Weekday() != p.proWeekday && !story {
			continue
		}
		taken := c.at(k, 8*time.Hour+time.Duration(r.IntN(120))*time.Minute)
		if story {
			taken = c.at(k, 7*time.Hour+45*time.Minute)
		}
		var sev [len(proQuestions)]domain.Color
		for i := range sev {
			sev[i] = domain.Green
		}
		if p.varying && c.day(k).Before(c.cutoff) && r.IntN(6) == 0 {
			sev[proFatigue] = domain.Yellow
		}
		if story {
			sev[proBreathlessness] = domain.Yellow
		}
		if !c.inWindow(taken) {
			continue
		}
		seq++
		q := domain.ProResponse{
			ID:        fmt.Sprintf("qr-%s-%04d", p.id[len("pat-"):], seq),
			PatientID: p.id,
			Taken:     taken,
			Answers:   make([]domain.ProAnswer, len(proQuestions)),
		}
		for i, pq := range proQuestions {
			a := 0
			if sev[i] == domain.Yellow {
				a = 1
			}
			q.Answers[i] = domain.ProAnswer{Question: pq.q, Answer: pq.answers[a], Severity: sev[i]}
		}
		if story {
			pinned[domain.QuestionnaireFocus(q.ID)] = true
		}
		out = append(out, q)
	}
	return out
}
