package demo

import (
	"fmt"
	"time"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/domain"
)

// The symptom questionnaire's definition on the central (the one every
// seeded central serves): its canonical URL and version, which the demo's
// regimes and answers name.
const (
	SymptomQuestionnaireID      = central.SymptomQuestionnaireID
	SymptomQuestionnaireURL     = domain.SymptomQuestionnaire
	SymptomQuestionnaireVersion = central.SymptomQuestionnaireVersion
)

// symptomCanonical is the canonical reference to the questionnaire.
const symptomCanonical = central.SymptomQuestionnaireCanonical

// Questionnaires are the definitions of the demo's questionnaires: the
// symptom questionnaire, each answer with the significance it has for
// every patient (green, yellow, red in the order offered).
func Questionnaires() []domain.Questionnaire {
	return []domain.Questionnaire{central.SymptomQuestionnaire()}
}

// Indexes into the symptom questionnaire's questions.
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
	def := central.SymptomQuestionnaire()
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
		sev := make([]domain.Color, len(def.Questions))
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
			Answers:   make([]domain.ProAnswer, len(def.Questions)),
			// The answers' linkIds are q1, q2, ... as in Questionnaires.
			Questionnaire: symptomCanonical,
		}
		for i, qu := range def.Questions {
			a := 0
			if sev[i] == domain.Yellow {
				a = 1
			}
			q.Answers[i] = domain.ProAnswer{Question: qu.Text, Answer: qu.Options[a].Text, Severity: sev[i]}
		}
		if story {
			pinned[domain.QuestionnaireFocus(q.ID)] = true
		}
		out = append(out, q)
	}
	return out
}
