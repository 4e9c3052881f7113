package central

import (
	"fmt"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// The symptom questionnaire (PRO) the reference central serves to the
// patients' regimes it seeds (the DEMO, `seed`, classroom sessions),
// built around NYHA class: weight gain, function, fatigue and
// breathlessness. Each question's answers run from green to red.
const (
	SymptomQuestionnaireID      = "hjertesvigt-symptomer"
	SymptomQuestionnaireVersion = "1"
	// SymptomQuestionnaireCanonical is the reference (url|version) a
	// regime and an answer set name it by.
	SymptomQuestionnaireCanonical = domain.SymptomQuestionnaire + "|" + SymptomQuestionnaireVersion
)

// SymptomQuestionnaire is the symptom questionnaire's definition: linkIds
// q1, q2, …, each answer with the significance it has for every patient
// (green, yellow, red in the order offered).
func SymptomQuestionnaire() domain.Questionnaire {
	questions := [...]struct {
		q       string
		answers [3]string // green, yellow, red
	}{
		{"Har du taget på i vægt de seneste tre dage?", [3]string{"Nej", "Ja, 1–2 kg", "Ja, mere end 2 kg"}},
		{"Hvordan klarer du almindelige daglige gøremål?", [3]string{"Uden besvær eller med lidt besvær", "Med tydeligt besvær ved mindre end almindelig aktivitet", "Jeg har besvær selv i hvile"}},
		{"Er du mere træt end du plejer?", [3]string{"Nej, som sædvanligt", "Ja, lidt mere træt", "Ja, meget mere træt"}},
		{"Er du mere forpustet end du plejer?", [3]string{"Nej", "Ja, ved anstrengelse", "Ja, også i hvile"}},
	}
	q := domain.Questionnaire{ID: SymptomQuestionnaireID, URL: domain.SymptomQuestionnaire, Version: SymptomQuestionnaireVersion,
		Title: "Symptomer ved hjertesvigt", Status: "active"}
	for i, pq := range questions {
		qu := domain.Question{LinkID: fmt.Sprintf("q%d", i+1), Text: pq.q}
		for j, a := range pq.answers {
			qu.Options = append(qu.Options, domain.AnswerOption{Text: a, Severity: [3]domain.Color{domain.Green, domain.Yellow, domain.Red}[j]})
		}
		q.Questions = append(q.Questions, qu)
	}
	return q
}
