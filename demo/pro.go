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

// The symptom questionnaire's definition on the central: its canonical
// URL and version, which the demo's regimes and answers name.
const (
	SymptomQuestionnaireID      = "hjertesvigt-symptomer"
	SymptomQuestionnaireURL     = domain.SymptomQuestionnaire
	SymptomQuestionnaireVersion = "1"
)

// symptomCanonical is the canonical reference to the questionnaire.
var symptomCanonical = SymptomQuestionnaireURL + "|" + SymptomQuestionnaireVersion

// Questionnaires are the definitions of the demo's questionnaires: the
// symptom questionnaire, each answer with the significance it has for
// every patient (green, yellow, red in the order offered).
func Questionnaires() []domain.Questionnaire {
	q := domain.Questionnaire{ID: SymptomQuestionnaireID, URL: SymptomQuestionnaireURL, Version: SymptomQuestionnaireVersion,
		Title: "Symptomer ved hjertesvigt", Status: "active"}
	for i, pq := range proQuestions {
		qu := domain.Question{LinkID: fmt.Sprintf("q%d", i+1), Text: pq.q}
		for j, a := range pq.answers {
			qu.Options = append(qu.Options, domain.AnswerOption{Text: a, Severity: [3]domain.Color{domain.Green, domain.Yellow, domain.Red}[j]})
		}
		q.Questions = append(q.Questions, qu)
	}
	return []domain.Questionnaire{q}
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
			// The answers' linkIds are q1, q2, ... as in Questionnaires.
			Questionnaire: symptomCanonical,
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
