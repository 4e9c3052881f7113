package fhir

import (
	"strconv"
	"strings"

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
