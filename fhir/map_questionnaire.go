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
	var walk func(items []QuestionnaireItem) error
	walk = func(items []QuestionnaireItem) error {
		for _, it := range items {
			if len(it.AnswerOption) > 0 {
				qu := domain.Question{LinkID: it.LinkID, Text: it.Text}
				if strings.TrimSpace(qu.Text) == "" {
					qu.Text = it.LinkID
				}
				for _, ao := range it.AnswerOption {
					opt := domain.AnswerOption{}
					switch {
					case ao.ValueCoding != nil:
						opt.Code, opt.Text = ao.ValueCoding.Code, ao.ValueCoding.Display
						if opt.Text == "" {
							opt.Text = ao.ValueCoding.Code
						}
					case ao.ValueString != nil:
						opt.Text = *ao.ValueString
					case ao.ValueInteger != nil:
						opt.Text = strconv.Itoa(*ao.ValueInteger)
					}
					if strings.TrimSpace(opt.Text) == "" {
						continue // an option type we do not model (date, time, reference)
					}
					if c := extString(ao.Extension, ExtColour); c != "" {
						sev, err := domain.ParseColor(c)
						if err != nil {
							return malformed("Questionnaire %s: item %s: %v", q.ID, it.LinkID, err)
						}
						opt.Severity = sev
					}
					qu.Options = append(qu.Options, opt)
				}
				if len(qu.Options) > 0 {
					d.Questions = append(d.Questions, qu)
				}
			}
			if err := walk(it.Item); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(q.Item); err != nil {
		return d, err
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
	var items []QuestionnaireItem
	var walk func([]QuestionnaireItem)
	walk = func(its []QuestionnaireItem) {
		for _, it := range its {
			if len(it.AnswerOption) > 0 {
				items = append(items, it)
			}
			walk(it.Item)
		}
	}
	walk(q.Item)
	norm := func(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
	canonical := q.URL
	if q.Version != "" {
		canonical += "|" + q.Version
	}
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
			var code, text string
			switch {
			case o.ValueCoding != nil:
				code, text = o.ValueCoding.Code, o.ValueCoding.Display
			case o.ValueString != nil:
				text = *o.ValueString
			case o.ValueInteger != nil:
				text = strconv.Itoa(*o.ValueInteger)
			default:
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
