package domain

import "strings"

// Questionnaire is the definition of a symptom questionnaire (PRO): its
// questions and the answers each offers. It comes from the central (a FHIR
// Questionnaire) and is untrusted text.
type Questionnaire struct {
	ID        string
	URL       string // canonical URL
	Version   string
	Title     string
	Status    string // draft, active, retired, unknown
	Questions []Question
}

// Question is one question of a questionnaire and the answers it offers.
type Question struct {
	LinkID  string
	Text    string
	Options []AnswerOption
}

// AnswerOption is one answer a question offers.
type AnswerOption struct {
	Code string // the coding's code, when the option is coded
	Text string // what the patient sees; the text a ProRule names
	// Severity is the significance the questionnaire itself gives the
	// answer, the same for every patient (Unclassified: none).
	Severity Color
}

// Canonical is the questionnaire's canonical reference, url|version.
func (q Questionnaire) Canonical() string {
	if q.Version == "" {
		return q.URL
	}
	return q.URL + "|" + q.Version
}

// SplitCanonical splits a canonical reference into its URL and version
// ("" when it names none).
func SplitCanonical(c string) (url, version string) {
	c = strings.TrimSpace(c)
	if i := strings.IndexByte(c, '#'); i >= 0 {
		c = c[:i]
	}
	url, version, _ = strings.Cut(c, "|")
	return url, version
}

// ResolveQuestionnaires finds the definitions that the canonical
// references refs name among defs: the one of the version named, or,
// when a reference names no version, the last of that URL in defs (the
// caller orders them oldest first). Each definition is returned once, in
// the order of refs; missing are the references no definition answers.
func ResolveQuestionnaires(refs []string, defs []Questionnaire) (found []Questionnaire, missing []string) {
	seen := map[string]bool{}
	for _, ref := range refs {
		url, version := SplitCanonical(ref)
		if url == "" {
			continue
		}
		hit := -1
		for i, d := range defs {
			if d.URL == url && (version == "" || d.Version == version) {
				hit = i
			}
		}
		if hit < 0 {
			key := url + "|" + version
			if !seen["missing "+key] {
				seen["missing "+key] = true
				missing = append(missing, ref)
			}
			continue
		}
		if key := defs[hit].ID + "\x00" + defs[hit].Canonical(); !seen[key] {
			seen[key] = true
			found = append(found, defs[hit])
		}
	}
	return found, missing
}

// ProOptions are the answers a regime may give a severity for, grouped by
// question: every answer option of the definitions (in their order),
// then the answers the regime has a rule for and the answers the patient
// has given that no definition offers. Each answer is listed once (as
// ProRule.Matches compares them); Severity is the regime's rule for it,
// Unclassified when it has none. Default is the severity the
// questionnaire itself gives the answer (Unclassified: none known).
func ProOptions(defs []Questionnaire, rules []ProRule, given []ProResponse) []ProOption {
	var questions []string
	byQ := map[string][]ProOption{}
	qkey := func(q string) string { return strings.ToLower(strings.TrimSpace(q)) }
	index := map[string]bool{}
	add := func(o ProOption) {
		if strings.TrimSpace(o.Question) == "" || strings.TrimSpace(o.Answer) == "" {
			return
		}
		k := proKey(o.Question, o.Answer)
		if index[k] {
			return
		}
		index[k] = true
		qk := qkey(o.Question)
		if _, ok := byQ[qk]; !ok {
			questions = append(questions, qk)
		}
		byQ[qk] = append(byQ[qk], o)
	}
	for _, d := range defs {
		for _, q := range d.Questions {
			for _, opt := range q.Options {
				add(ProOption{Question: q.Text, Answer: opt.Text, Default: opt.Severity})
			}
		}
	}
	for _, r := range rules {
		add(ProOption{Question: r.Question, Answer: r.Answer})
	}
	for _, p := range given {
		for _, a := range p.Answers {
			add(ProOption{Question: a.Question, Answer: a.Answer})
		}
	}
	var out []ProOption
	for _, q := range questions {
		out = append(out, byQ[q]...)
	}
	for i := range out {
		if sev, ok := ProRuleFor(rules, out[i].Question, out[i].Answer); ok {
			out[i].Severity = sev
		}
	}
	return out
}

// ProOption is one answer of ProOptions.
type ProOption struct {
	Question, Answer string
	Severity         Color // the regime's rule (Unclassified: none)
	Default          Color // the questionnaire's own (Unclassified: not known)
}
