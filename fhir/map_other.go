package fhir

import (
	"fmt"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// MessageToCommunication maps a message to a Communication (category
// message). Read state is the ehealth-administrative-status extension
// ("read" or "activate").
func MessageToCommunication(m domain.Message) *Communication {
	cat := Concept(SystemMessageCategory, CodeMessage, "")
	c := &Communication{
		Base:     Base{ResourceType: "Communication", ID: m.ID},
		Status:   "completed",
		Category: []CodeableConcept{cat},
		Subject:  Ref("Patient", m.PatientID),
		Sent:     FormatInstant(m.Sent),
		Payload:  []CommunicationPayload{{ContentString: &m.Body}},
	}
	if m.Title != "" {
		c.Topic = &CodeableConcept{Text: m.Title}
	}
	if m.FromPatient {
		c.Sender = Ref("Patient", m.PatientID)
		c.Sender.Display = m.Sender
	} else if m.Sender != "" {
		c.Sender = &Reference{Display: m.Sender}
	}
	if m.ThreadID != "" {
		c.Extension = append(c.Extension, strExt(ExtMessageThread, m.ThreadID))
	}
	SetReadState(c, m.Read)
	return c
}

// SetReadState sets or replaces the administrative-status extension.
func SetReadState(c *Communication, read bool) {
	code := AdminStatusActive
	if read {
		code = AdminStatusRead
	}
	var kept []Extension
	for _, e := range c.Extension {
		if e.URL != ExtAdministrativeStatus {
			kept = append(kept, e)
		}
	}
	c.Extension = append(kept, Extension{URL: ExtAdministrativeStatus, ValueCoding: &Coding{System: SystemAdminStatus, Code: code}})
}

// IsRead reports the read state of a Communication.
func IsRead(c *Communication) bool {
	e := FindExtension(c.Extension, ExtAdministrativeStatus)
	return e != nil && e.ValueCoding != nil && e.ValueCoding.Code == AdminStatusRead
}

// CommunicationToMessage is the inverse of MessageToCommunication.
func CommunicationToMessage(c *Communication) (domain.Message, error) {
	var m domain.Message
	pid, ok := RefID(c.Subject, "Patient")
	if !ok {
		return m, malformed("Communication %s: subject is not a Patient", c.ID)
	}
	sent, err := ParseDateTime(c.Sent)
	if err != nil {
		return m, fmt.Errorf("Communication %s sent: %w", c.ID, err)
	}
	m = domain.Message{ID: c.ID, PatientID: pid, ThreadID: extString(c.Extension, ExtMessageThread), Sent: sent, Read: IsRead(c)}
	if _, ok := RefID(c.Sender, "Patient"); ok {
		m.FromPatient = true
	}
	if c.Sender != nil {
		m.Sender = c.Sender.Display
	}
	if c.Topic != nil {
		m.Title = c.Topic.Text
	}
	for _, p := range c.Payload {
		if p.ContentString != nil {
			m.Body += *p.ContentString
		}
	}
	return m, nil
}

// ProToQuestionnaireResponse maps a questionnaire answer set; each answer's
// significance is in the colour extension on the answer.
func ProToQuestionnaireResponse(p domain.ProResponse) *QuestionnaireResponse {
	q := &QuestionnaireResponse{
		Base:     Base{ResourceType: "QuestionnaireResponse", ID: p.ID},
		Status:   "completed",
		Subject:  Ref("Patient", p.PatientID),
		Authored: FormatInstant(p.Taken),
		// The questionnaire answered, when known (canonical url|version).
		Questionnaire: p.Questionnaire,
	}
	for i, a := range p.Answers {
		ans := a.Answer
		q.Item = append(q.Item, QRItem{LinkID: fmt.Sprintf("q%d", i+1), Text: a.Question, Answer: []QRAnswer{{
			Extension:   []Extension{codeExt(ExtColour, a.Severity.String())},
			ValueString: &ans,
		}}})
	}
	return q
}

// QuestionnaireResponseToPro is the inverse of ProToQuestionnaireResponse.
func QuestionnaireResponseToPro(q *QuestionnaireResponse) (domain.ProResponse, error) {
	var p domain.ProResponse
	pid, ok := RefID(q.Subject, "Patient")
	if !ok {
		return p, malformed("QuestionnaireResponse %s: subject is not a Patient", q.ID)
	}
	taken, err := ParseDateTime(q.Authored)
	if err != nil {
		return p, fmt.Errorf("QuestionnaireResponse %s authored: %w", q.ID, err)
	}
	p = domain.ProResponse{ID: q.ID, PatientID: pid, Taken: taken, Questionnaire: strings.TrimSpace(q.Questionnaire)}
	for _, it := range q.Item {
		a := domain.ProAnswer{Question: it.Text}
		if len(it.Answer) > 0 {
			ans := it.Answer[0]
			switch {
			case ans.ValueString != nil:
				a.Answer = *ans.ValueString
			case ans.ValueCoding != nil:
				a.Answer = ans.ValueCoding.Display
				if a.Answer == "" {
					a.Answer = ans.ValueCoding.Code
				}
			}
			if c := extString(ans.Extension, ExtColour); c != "" {
				if a.Severity, err = domain.ParseColor(c); err != nil {
					return p, malformed("QuestionnaireResponse %s: %v", q.ID, err)
				}
			}
		}
		p.Answers = append(p.Answers, a)
	}
	return p, nil
}

// PatientToFHIR maps a patient: CPR as identifier, synthetic patients
// tagged, programmes as extensions.
func PatientToFHIR(p domain.Patient) *Patient {
	fp := &Patient{Base: Base{ResourceType: "Patient", ID: p.ID}, BirthDate: FormatDate(p.BirthDate)}
	if p.CPR != "" {
		fp.Identifier = []Identifier{{System: SystemCPR, Value: p.CPR}}
	}
	if p.Name != "" {
		fp.Name = []HumanName{{Text: p.Name}}
	}
	if p.Synthetic {
		fp.Meta = &Meta{Tag: []Coding{{System: SystemTeleHjerteTag, Code: TagSynthetic}}}
	}
	for _, prog := range p.Programmes {
		fp.Extension = append(fp.Extension, codeExt(ExtProgramme, prog))
	}
	return fp
}

// PatientFromFHIR is the inverse of PatientToFHIR.
func PatientFromFHIR(fp *Patient) (domain.Patient, error) {
	p := domain.Patient{ID: fp.ID}
	for _, id := range fp.Identifier {
		if id.System == SystemCPR {
			p.CPR = id.Value
		}
	}
	if len(fp.Name) > 0 {
		n := fp.Name[0]
		p.Name = n.Text
		if p.Name == "" {
			for _, g := range n.Given {
				p.Name += g + " "
			}
			p.Name += n.Family
		}
	}
	if fp.BirthDate != "" {
		t, err := time.Parse(time.DateOnly, fp.BirthDate)
		if err != nil {
			return p, malformed("Patient %s birthDate %q", fp.ID, fp.BirthDate)
		}
		p.BirthDate = t
	}
	if fp.Meta != nil {
		for _, t := range fp.Meta.Tag {
			if t.System == SystemTeleHjerteTag && t.Code == TagSynthetic {
				p.Synthetic = true
			}
		}
	}
	for _, e := range FindExtensions(fp.Extension, ExtProgramme) {
		if e.ValueCode != nil {
			p.Programmes = append(p.Programmes, *e.ValueCode)
		}
	}
	return p, nil
}

// TeamToFHIR maps a team to a CareTeam and its Organization.
func TeamToFHIR(t domain.Team) (*CareTeam, *Organization) {
	ct := &CareTeam{Base: Base{ResourceType: "CareTeam", ID: t.ID}, Status: "active", Name: t.Name}
	var org *Organization
	if t.OrgID != "" {
		ref := Ref("Organization", t.OrgID)
		ref.Display = t.OrgName
		ct.ManagingOrganization = []Reference{*ref}
		org = &Organization{Base: Base{ResourceType: "Organization", ID: t.OrgID}, Name: t.OrgName}
	}
	return ct, org
}

// TeamFromFHIR is the inverse of TeamToFHIR; org may be nil, then the
// organisation's name comes from the reference's display.
func TeamFromFHIR(ct *CareTeam, org *Organization) domain.Team {
	t := domain.Team{ID: ct.ID, Name: ct.Name}
	if len(ct.ManagingOrganization) > 0 {
		ref := ct.ManagingOrganization[0]
		t.OrgID, _ = RefID(&ref, "Organization")
		t.OrgName = ref.Display
	}
	if org != nil {
		t.OrgID, t.OrgName = org.ID, org.Name
	}
	return t
}

func teamRef(t domain.Team) *Reference {
	r := Ref("CareTeam", t.ID)
	r.Display = t.Name
	return r
}

func orgRef(t domain.Team) *Reference {
	if t.OrgID == "" {
		return nil
	}
	r := Ref("Organization", t.OrgID)
	r.Display = t.OrgName
	return r
}

func teamFromRefs(team, org *Reference) domain.Team {
	var t domain.Team
	if team != nil {
		t.ID, _ = RefID(team, "CareTeam")
		t.Name = team.Display
	}
	if org != nil {
		t.OrgID, _ = RefID(org, "Organization")
		t.OrgName = org.Display
	}
	return t
}

// ResponsibilityToEpisodeOfCare maps monitoring responsibility. The home
// team is EpisodeOfCare.team (and managingOrganization its organisation).
// Holiday cover is NOT a second entry in team (R4 team has no period, and a
// team listed there would see the patient all year): it is the cover
// extension with team, organization and period.
func ResponsibilityToEpisodeOfCare(id, patientID string, r domain.Responsibility) *EpisodeOfCare {
	e := &EpisodeOfCare{
		Base:                 Base{ResourceType: "EpisodeOfCare", ID: id},
		Status:               "active",
		Patient:              *Ref("Patient", patientID),
		ManagingOrganization: orgRef(r.Home),
		Team:                 []Reference{*teamRef(r.Home)},
	}
	for _, c := range r.Covers() {
		e.Extension = append(e.Extension, coverExt(c))
	}
	return e
}

// coverExt is one cover extension: team, period, organisation and reason.
func coverExt(c domain.Cover) Extension {
	ext := Extension{URL: ExtCover, Extension: []Extension{
		{URL: "team", ValueReference: teamRef(c.Team)},
		{URL: "period", ValuePeriod: &Period{Start: FormatInstant(c.Period.From), End: FormatInstant(c.Period.To)}},
	}}
	if o := orgRef(c.Team); o != nil {
		ext.Extension = append(ext.Extension, Extension{URL: "organization", ValueReference: o})
	}
	if c.Period.Reason != "" {
		ext.Extension = append(ext.Extension, strExt("reason", c.Period.Reason))
	}
	return ext
}

// EpisodeOfCareToResponsibility is the inverse of
// ResponsibilityToEpisodeOfCare; it also returns the patient id.
func EpisodeOfCareToResponsibility(e *EpisodeOfCare) (string, domain.Responsibility, error) {
	var r domain.Responsibility
	pid, ok := RefID(&e.Patient, "Patient")
	if !ok {
		return "", r, malformed("EpisodeOfCare %s: patient is not a Patient reference", e.ID)
	}
	if len(e.Team) == 0 {
		return pid, r, malformed("EpisodeOfCare %s: no team", e.ID)
	}
	r.Home = teamFromRefs(&e.Team[0], e.ManagingOrganization)
	for i, ext := range FindExtensions(e.Extension, ExtCover) {
		c, err := coverFromExt(e.ID, ext)
		if err != nil {
			return pid, r, err
		}
		if i == 0 {
			r.Cover = &c
		} else {
			r.Planned = append(r.Planned, c)
		}
	}
	return pid, r, nil
}

// coverFromExt reads one cover extension of EpisodeOfCare id.
func coverFromExt(id string, ext Extension) (domain.Cover, error) {
	var c domain.Cover
	var teamR, orgR *Reference
	if s := FindExtension(ext.Extension, "team"); s != nil {
		teamR = s.ValueReference
	}
	if s := FindExtension(ext.Extension, "organization"); s != nil {
		orgR = s.ValueReference
	}
	c.Team = teamFromRefs(teamR, orgR)
	if c.Team.ID == "" {
		return c, malformed("EpisodeOfCare %s: cover without a CareTeam", id)
	}
	if s := FindExtension(ext.Extension, "period"); s != nil && s.ValuePeriod != nil {
		var err error
		if c.Period.From, err = ParseDateTime(s.ValuePeriod.Start); err != nil {
			return c, err
		}
		if c.Period.To, err = ParseDateTime(s.ValuePeriod.End); err != nil {
			return c, err
		}
	}
	c.Period.Reason = extString(ext.Extension, "reason")
	return c, nil
}

// SetProSeverities writes each answer's severity (p from
// QuestionnaireResponseToPro of q, then classified) into the answer's
// colour extension, so the stored response shows the severity it was
// triaged with.
func SetProSeverities(q *QuestionnaireResponse, p domain.ProResponse) {
	for i := range q.Item {
		if i >= len(p.Answers) || len(q.Item[i].Answer) == 0 {
			continue
		}
		ans := &q.Item[i].Answer[0]
		var kept []Extension
		for _, e := range ans.Extension {
			if e.URL != ExtColour {
				kept = append(kept, e)
			}
		}
		ans.Extension = append(kept, codeExt(ExtColour, p.Answers[i].Severity.String()))
	}
}
