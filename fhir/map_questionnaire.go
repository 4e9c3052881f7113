package fhir

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// MaxCanonicals bounds the canonical references of one CarePlan.
const MaxCanonicals = 20

// QuestionnaireToDomain reads a Questionnaire definition: every question
// that offers answers (answerOption), also inside groups, in document
// order. An option's text is its coding's display (else its code), its
// string or its integer; our colour extension on an option is the
// significance the questionnaire gives it.
func QuestionnaireToDomain(q *Questionnaire) (domain.Questionnaire, error) {
	d := domain.Questionnaire{ID: q.ID, URL: strings.TrimSpace(q.URL), Version: q.Version, Title: q.Title, Status: q.Status}
	if d.Title == "" {
		d.Title = q.Name
	}
	for _, it := range choiceItems(q.Item) {
		qu := domain.Question{LinkID: it.LinkID, Text: it.Text}
		if strings.TrimSpace(qu.Text) == "" {
			qu.Text = it.LinkID
		}
		for _, ao := range it.AnswerOption {
			code, text, _ := optionValue(ao)
			opt := domain.AnswerOption{Code: code, Text: text}
			if opt.Text == "" {
				opt.Text = code
			}
			if strings.TrimSpace(opt.Text) == "" {
				continue // an option type we do not model (date, time, reference)
			}
			if c := extString(ao.Extension, ExtColour); c != "" {
				sev, err := domain.ParseColor(c)
				if err != nil {
					return d, malformed("Questionnaire %s: item %s: %v", q.ID, it.LinkID, err)
				}
				opt.Severity = sev
			}
			qu.Options = append(qu.Options, opt)
		}
		if len(qu.Options) > 0 {
			d.Questions = append(d.Questions, qu)
		}
	}
	return d, nil
}

// QuestionnaireFromDomain is the FHIR Questionnaire of a definition: one
// item of type choice per question, its answers as answerOption (a coding
// when the option has a code, else a string) with the questionnaire's own
// significance in our colour extension.
func QuestionnaireFromDomain(d domain.Questionnaire) *Questionnaire {
	status := d.Status
	if status == "" {
		status = "active"
	}
	q := &Questionnaire{Base: Base{ResourceType: "Questionnaire", ID: d.ID}, URL: d.URL, Version: d.Version, Title: d.Title, Status: status}
	for _, qu := range d.Questions {
		it := QuestionnaireItem{LinkID: qu.LinkID, Text: qu.Text, Type: "choice"}
		for _, o := range qu.Options {
			var ao QuestionnaireAnswerOption
			if o.Code != "" {
				ao.ValueCoding = &Coding{Code: o.Code, Display: o.Text}
			} else {
				text := o.Text
				ao.ValueString = &text
			}
			if o.Severity != domain.Unclassified {
				ao.Extension = []Extension{codeExt(ExtColour, o.Severity.String())}
			}
			it.AnswerOption = append(it.AnswerOption, ao)
		}
		q.Item = append(q.Item, it)
	}
	return q
}

// AnswerQuestionnaire builds a patient's QuestionnaireResponse to q from
// answers "question=answer": the question by its linkId or its text, the
// answer by its code or its text (text compared ignoring case and
// surrounding space). Each answer is given as the option states it (a
// coding, a string or an integer) with the option's significance in our
// colour extension, as the patients' app would; the response names q
// canonically (url|version). An unknown question or answer is an error
// that lists what the questionnaire offers. Questions inside groups are
// answered as top-level items.
func AnswerQuestionnaire(q *Questionnaire, patientID string, taken time.Time, answers []string) (*QuestionnaireResponse, error) {
	if len(answers) == 0 {
		return nil, fmt.Errorf("give at least one answer as question=answer")
	}
	items := choiceItems(q.Item)
	norm := func(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
	canonical := domain.Questionnaire{URL: q.URL, Version: q.Version}.Canonical()
	qr := &QuestionnaireResponse{Base: Base{ResourceType: "QuestionnaireResponse"}, Questionnaire: canonical, Status: "completed",
		Subject: Ref("Patient", patientID), Authored: FormatInstant(taken)}
	done := map[string]bool{}
	for _, a := range answers {
		question, answer, ok := strings.Cut(a, "=")
		if !ok || strings.TrimSpace(question) == "" || strings.TrimSpace(answer) == "" {
			return nil, fmt.Errorf("answer %q: write it as question=answer (the question's linkId or text)", a)
		}
		var it *QuestionnaireItem
		for i := range items {
			if items[i].LinkID == strings.TrimSpace(question) || norm(items[i].Text) == norm(question) {
				it = &items[i]
				break
			}
		}
		if it == nil {
			var asks []string
			for _, x := range items {
				asks = append(asks, fmt.Sprintf("%s %q", x.LinkID, x.Text))
			}
			return nil, fmt.Errorf("the questionnaire %s has no question %q; it asks %s", canonical, strings.TrimSpace(question), strings.Join(asks, ", "))
		}
		if done[it.LinkID] {
			return nil, fmt.Errorf("question %s is answered twice", it.LinkID)
		}
		done[it.LinkID] = true
		var opt *QuestionnaireAnswerOption
		var offers []string
		for i := range it.AnswerOption {
			o := &it.AnswerOption[i]
			code, text, ok := optionValue(*o)
			if !ok {
				continue
			}
			if opt == nil && ((code != "" && code == strings.TrimSpace(answer)) || (text != "" && norm(text) == norm(answer))) {
				opt = o
			}
			if code != "" && text != "" {
				offers = append(offers, fmt.Sprintf("%q (%s)", text, code))
			} else {
				offers = append(offers, fmt.Sprintf("%q", text+code))
			}
		}
		if opt == nil {
			return nil, fmt.Errorf("question %s %q has no answer %q; it offers %s", it.LinkID, it.Text, strings.TrimSpace(answer), strings.Join(offers, ", "))
		}
		ans := QRAnswer{ValueCoding: opt.ValueCoding, ValueString: opt.ValueString, ValueInteger: opt.ValueInteger}
		if c := extString(opt.Extension, ExtColour); c != "" {
			ans.Extension = []Extension{codeExt(ExtColour, c)}
		}
		qr.Item = append(qr.Item, QRItem{LinkID: it.LinkID, Text: it.Text, Answer: []QRAnswer{ans}})
	}
	return qr, nil
}

// FillFromDefinition completes a patient's answers from the definition of
// the questionnaire they answer (matched by linkId, then by code): an item
// without its question's text gets it, a coded answer without a display
// gets the option's text. Answer rules name questions and answers by
// their texts, so an app that sends codes alone still meets them.
func FillFromDefinition(qr *QuestionnaireResponse, def domain.Questionnaire) {
	byLink := make(map[string]domain.Question, len(def.Questions))
	for _, q := range def.Questions {
		byLink[q.LinkID] = q
	}
	var walk func(items []QRItem)
	walk = func(items []QRItem) {
		for i := range items {
			it := &items[i]
			if q, ok := byLink[it.LinkID]; ok {
				if strings.TrimSpace(it.Text) == "" {
					it.Text = q.Text
				}
				for j := range it.Answer {
					c := it.Answer[j].ValueCoding
					if c == nil || strings.TrimSpace(c.Display) != "" {
						continue
					}
					for _, o := range q.Options {
						if o.Code != "" && o.Code == c.Code {
							filled := *c
							filled.Display = o.Text
							it.Answer[j].ValueCoding = &filled
							break
						}
					}
				}
			}
			walk(it.Item)
		}
	}
	walk(qr.Item)
}

// choiceItems is every item of items that offers answers (answerOption),
// also inside groups, in document order (an item before its children).
func choiceItems(items []QuestionnaireItem) []QuestionnaireItem {
	var out []QuestionnaireItem
	for _, it := range items {
		if len(it.AnswerOption) > 0 {
			out = append(out, it)
		}
		out = append(out, choiceItems(it.Item)...)
	}
	return out
}

// optionValue is an answer option's code and text as given: a coding's
// code and display, a string, an integer; false for an option type we do
// not model (date, time, reference).
func optionValue(ao QuestionnaireAnswerOption) (code, text string, ok bool) {
	switch {
	case ao.ValueCoding != nil:
		return ao.ValueCoding.Code, ao.ValueCoding.Display, true
	case ao.ValueString != nil:
		return "", *ao.ValueString, true
	case ao.ValueInteger != nil:
		return "", strconv.Itoa(*ao.ValueInteger), true
	}
	return "", "", false
}
