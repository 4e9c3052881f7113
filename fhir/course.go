package fhir

import (
	"fmt"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// The patient's course (enrolment, start-up, re-evaluation, end): see
// docs/fhir-mapping.md, "The course".

// Course extensions and codes.
const (
	ExtStartUpEnd     = OurExtBase + "startup-end"     // valueDateTime on CarePlan
	ExtEndReason      = OurExtBase + "end-reason"      // valueCode on EpisodeOfCare (domain.EndReason)
	ExtAfterCare      = OurExtBase + "after-care"      // valueCode on EpisodeOfCare: gp or clinic
	ExtEndNote        = OurExtBase + "end-note"        // valueString on EpisodeOfCare
	ExtReviewInterval = OurExtBase + "review-interval" // valueInteger (days) on CarePlan
	// ExtProSeverity (repeated, on CarePlan): the severity of one answer
	// of the symptom questionnaire for this patient, with sub-extensions
	// question and answer (valueString) and severity (valueCode red,
	// yellow or green).
	ExtProSeverity = OurExtBase + "pro-severity"

	// SystemConsentCategory is FUT's consent category system; PITEOC is the
	// category of consent to a telemedicine course.
	SystemConsentCategory = "http://ehealth.sundhed.dk/cs/consent-category"
	ConsentPITEOC         = "PITEOC"
	// SystemConsentScope and the scope code are FHIR R4's.
	SystemConsentScope = "http://terminology.hl7.org/CodeSystem/consentscope"
	// SystemConditionClinical is FHIR R4's condition clinical status.
	SystemConditionClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical"
	// DiagnosisHeartFailure is SKS DI50 (ICD-10 I50, heart failure).
	DiagnosisHeartFailure = "DI50"

	// SystemLOINC and LOINCEjectionFraction (left ventricular ejection
	// fraction) code the EF finding that is the diagnosis's evidence.
	SystemLOINC           = "http://loinc.org"
	LOINCEjectionFraction = "10230-1"
	// ExtEjectionFraction (valueQuantity, %, comparator "<=" when only
	// "EF ≤ 40 %" is known) on the Condition's evidence.
	ExtEjectionFraction = OurExtBase + "ejection-fraction"
	// ExtInclusion (valueCoding from SystemInclusion, repeated) on the
	// EpisodeOfCare: each inclusion criterion found met at enrolment.
	ExtInclusion    = OurExtBase + "inclusion-criterion"
	SystemInclusion = "http://telehjerte.example/fhir/CodeSystem/inclusion-criterion"
	// The inclusion criteria (informed consent is its own Consent).
	InclusionReducedEF = "reduced-ef"     // heart failure with EF ≤ 40 %
	InclusionTitration = "titration"      // on titration at the clinic
	InclusionAble      = "able-or-helped" // able to use the app and devices, or help arranged
)

// Consent is the patient's informed consent to the course (FUT: category
// PITEOC).
type Consent struct {
	Base
	Identifier []Identifier       `json:"identifier,omitempty"`
	Status     string             `json:"status"`
	Scope      CodeableConcept    `json:"scope"`
	Category   []CodeableConcept  `json:"category"`
	Patient    *Reference         `json:"patient,omitempty"`
	DateTime   string             `json:"dateTime,omitempty"`
	Performer  []Reference        `json:"performer,omitempty"`
	Provision  *ConsentProvision  `json:"provision,omitempty"`
	Policy     []ConsentPolicyRef `json:"policy,omitempty"`
}

// ConsentProvision is the rule of a Consent: permit, for a period.
type ConsentProvision struct {
	Type   string  `json:"type,omitempty"`
	Period *Period `json:"period,omitempty"`
}

// ConsentPolicyRef names the policy consented to.
type ConsentPolicyRef struct {
	URI string `json:"uri,omitempty"`
}

func (r *Consent) validate() error {
	if r.Status == "" || len(r.Category) == 0 {
		return fmt.Errorf("status and category are required")
	}
	return checkID(&r.Base)
}

// Condition is a diagnosis (the heart failure the patient is monitored for).
type Condition struct {
	Base
	Identifier     []Identifier        `json:"identifier,omitempty"`
	ClinicalStatus *CodeableConcept    `json:"clinicalStatus,omitempty"`
	Category       []CodeableConcept   `json:"category,omitempty"`
	Code           *CodeableConcept    `json:"code,omitempty"`
	Subject        Reference           `json:"subject"`
	RecordedDate   string              `json:"recordedDate,omitempty"`
	Recorder       *Reference          `json:"recorder,omitempty"`
	Evidence       []ConditionEvidence `json:"evidence,omitempty"`
	Note           []Annotation        `json:"note,omitempty"`
}

// ConditionEvidence is a finding that supports the diagnosis.
type ConditionEvidence struct {
	Extension []Extension       `json:"extension,omitempty"`
	Code      []CodeableConcept `json:"code,omitempty"`
	Detail    []Reference       `json:"detail,omitempty"`
}

func (r *Condition) validate() error {
	if r.Subject.Reference == "" {
		return fmt.Errorf("subject is required")
	}
	return checkID(&r.Base)
}

func courseExtensions(r domain.Regime) []Extension {
	var out []Extension
	if !r.StartUpEnd.IsZero() {
		out = append(out, dtExt(ExtStartUpEnd, r.StartUpEnd))
	}
	if r.ReviewDays > 0 {
		out = append(out, Extension{URL: ExtReviewInterval, ValueInteger: intp(r.ReviewDays)})
	}
	for _, pr := range r.ProRules {
		q, a, c := pr.Question, pr.Answer, pr.Severity.String()
		out = append(out, Extension{URL: ExtProSeverity, Extension: []Extension{
			{URL: "question", ValueString: &q}, {URL: "answer", ValueString: &a}, {URL: "severity", ValueCode: &c}}})
	}
	return out
}

func readCourseExtensions(cp *CarePlan, r *domain.Regime) error {
	var err error
	if r.StartUpEnd, err = extTime(cp.Extension, ExtStartUpEnd); err != nil {
		return err
	}
	if e := FindExtension(cp.Extension, ExtReviewInterval); e != nil && e.ValueInteger != nil {
		if *e.ValueInteger < 0 || *e.ValueInteger > 3660 {
			return malformed("CarePlan %s: review interval %d days", cp.ID, *e.ValueInteger)
		}
		r.ReviewDays = *e.ValueInteger
	}
	r.ProRules = nil
	for _, e := range cp.Extension {
		if e.URL != ExtProSeverity {
			continue
		}
		var pr domain.ProRule
		for _, sub := range e.Extension {
			switch {
			case sub.URL == "question" && sub.ValueString != nil:
				pr.Question = *sub.ValueString
			case sub.URL == "answer" && sub.ValueString != nil:
				pr.Answer = *sub.ValueString
			case sub.URL == "severity" && sub.ValueCode != nil:
				c, err := domain.ParseColor(*sub.ValueCode)
				if err != nil {
					return malformed("CarePlan %s: questionnaire severity: %v", cp.ID, err)
				}
				pr.Severity = c
			}
		}
		r.ProRules = append(r.ProRules, pr)
	}
	if err := domain.ValidateProRules(r.ProRules); err != nil {
		return malformed("CarePlan %s: %v", cp.ID, err)
	}
	return nil
}

// EnrolmentResources are the resources an enrolment creates, each with a
// client-made identifier (so a retried create finds the first) and
// references between them as the urn:uuid full URLs of a transaction
// Bundle.
type EnrolmentResources struct {
	Patient  *Patient
	Episode  *EpisodeOfCare
	Consent  *Consent
	Diagnose *Condition
	CarePlan *CarePlan
	Requests []*ServiceRequest
	// FullURL maps each resource (by pointer) to its urn:uuid in the
	// Bundle; Ident to the identifier its If-None-Exist matches: the
	// Patient's CPR number, else its client identifier (another UUID: the central
	// rewrites every full URL it finds in the Bundle into the server's
	// reference, so the two must differ).
	FullURL map[Resource]string
	Ident   map[Resource]Identifier
}

// EnrolmentToFHIR maps an enrolment (already validated) and its start-up
// regime. ids gives fresh UUIDs (two per resource: its identifier and its
// full URL). practitioner is who
// records it (the token's principal on the central decides, this is the
// display).
func EnrolmentToFHIR(e domain.Enrolment, cpr domain.CPR, r domain.Regime, practitionerID string, ids func() string) EnrolmentResources {
	out := EnrolmentResources{FullURL: map[Resource]string{}, Ident: map[Resource]Identifier{}}
	full := func(res Resource, id string) Identifier {
		out.FullURL[res] = "urn:uuid:" + ids()
		out.Ident[res] = ClientIdentifier(id)
		return out.Ident[res]
	}
	at := e.At.UTC()
	p := PatientToFHIR(domain.Patient{CPR: cpr.Number, Name: strings.TrimSpace(e.Name), BirthDate: cpr.BirthDate,
		Programmes: []string{domain.ProgrammeHeartFailure}})
	p.ID = ""
	p.Identifier = append(p.Identifier, full(p, ids()))
	// The Patient is matched by her CPR number, not the client
	// identifier: a retry finds the record the first attempt made, and a
	// patient whose earlier course has ended is continued, not made twice.
	out.Ident[p] = Identifier{System: SystemCPR, Value: cpr.Number}
	if c := strings.TrimSpace(e.Contact); c != "" {
		p.Telecom = []ContactPoint{{System: "phone", Value: c}}
	}
	out.Patient = p
	patRef := Reference{Reference: out.FullURL[p]}
	nurse := personRef("Practitioner", practitionerID)

	ep := ResponsibilityToEpisodeOfCare("", "x", domain.Responsibility{Home: e.Team})
	ep.Patient = patRef
	ep.Period = &Period{Start: FormatInstant(at)}
	ep.Identifier = []Identifier{full(ep, ids())}
	out.Episode = ep

	consentDay := e.ConsentDate
	if consentDay.IsZero() {
		consentDay = at
	}
	cs := &Consent{Base: Base{ResourceType: "Consent"}, Status: "active",
		Scope:    Concept(SystemConsentScope, "treatment", "Treatment"),
		Category: []CodeableConcept{Concept(SystemConsentCategory, ConsentPITEOC, "Samtykke til telemedicinsk forløb")},
		Patient:  &patRef, DateTime: FormatDate(consentDay),
		Provision: &ConsentProvision{Type: "permit", Period: &Period{Start: FormatDate(consentDay)}},
	}
	if nurse != nil {
		cs.Performer = []Reference{*nurse}
	}
	cs.Identifier = []Identifier{full(cs, ids())}
	out.Consent = cs

	cond := &Condition{Base: Base{ResourceType: "Condition"},
		ClinicalStatus: ptr(Concept(SystemConditionClinical, "active", "Active")),
		Category:       []CodeableConcept{Concept("http://terminology.hl7.org/CodeSystem/condition-category", "encounter-diagnosis", "Encounter Diagnosis")},
		Code:           ptr(Concept(SystemSKS, DiagnosisHeartFailure, "Hjertesvigt")),
		Subject:        patRef, RecordedDate: FormatInstant(at), Recorder: nurse,
		Note: []Annotation{{Text: "Hjertesvigt med nedsat uddrivningsfraktion (EF ≤ 40 %), i titrering"}},
	}
	cond.Code.Text = "Hjertesvigt med nedsat uddrivningsfraktion (EF ≤ 40 %)"
	cond.Identifier = []Identifier{full(cond, ids())}
	if e.Inclusion.ReducedEF {
		forty := 40.0
		ef := Concept(SystemLOINC, LOINCEjectionFraction, "Left ventricular Ejection fraction")
		ef.Text = "EF ≤ 40 % (ekkokardiografi)"
		cond.Evidence = []ConditionEvidence{{Code: []CodeableConcept{ef}, Extension: []Extension{{URL: ExtEjectionFraction,
			ValueQuantity: &Quantity{Value: &forty, Comparator: "<=", Unit: "%", System: "http://unitsofmeasure.org", Code: "%"}}}}}
	}
	out.Diagnose = cond
	// The episode is for the diagnosis, and says which inclusion
	// criteria were found met.
	ep.Diagnosis = []EpisodeDiagnosis{{Condition: Reference{Reference: out.FullURL[cond]}, Rank: 1}}
	for _, c := range []struct {
		met  bool
		code string
		text string
	}{{e.Inclusion.ReducedEF, InclusionReducedEF, "Hjertesvigt med EF ≤ 40 %"},
		{e.Inclusion.Titration, InclusionTitration, "I titrering i hjertesvigtsklinikken"},
		{e.Inclusion.AbleOrHelped, InclusionAble, "Kan bruge app og måleudstyr, eller hjælp er aftalt"}} {
		if c.met {
			ep.Extension = append(ep.Extension, Extension{URL: ExtInclusion, ValueCoding: &Coding{System: SystemInclusion, Code: c.code, Display: c.text}})
		}
	}

	r.ID, r.PatientID = "", "x"
	cp, srs := RegimeToFHIR(r)
	cp.ID, cp.Meta = "", nil
	cp.Subject = patRef
	cp.Identifier = []Identifier{full(cp, ids())}
	cp.Created = FormatInstant(at)
	out.CarePlan = cp
	cpURL := out.FullURL[cp]
	cp.Activity = nil
	for _, sr := range srs {
		sr.ID, sr.Meta = "", nil
		sr.Subject = patRef
		sr.BasedOn = []Reference{{Reference: cpURL}}
		sr.Identifier = []Identifier{full(sr, ids())}
		cp.Activity = append(cp.Activity, CarePlanActivity{Reference: &Reference{Reference: out.FullURL[sr]}})
		out.Requests = append(out.Requests, sr)
	}
	return out
}

// Ordered returns the resources in the order a transaction must write them:
// the Patient, the EpisodeOfCare that grants access, then the rest.
func (e EnrolmentResources) Ordered() []Resource {
	out := []Resource{e.Patient, e.Episode, e.Consent, e.Diagnose, e.CarePlan}
	for _, sr := range e.Requests {
		out = append(out, sr)
	}
	return out
}

// InclusionFromFHIR reads the inclusion checklist of an enrolment back:
// the criteria the EpisodeOfCare lists, and the consent when given.
func InclusionFromFHIR(ep *EpisodeOfCare, consentGiven bool) domain.Inclusion {
	in := domain.Inclusion{Consent: consentGiven}
	for _, x := range ep.Extension {
		if x.URL != ExtInclusion || x.ValueCoding == nil || x.ValueCoding.System != SystemInclusion {
			continue
		}
		switch x.ValueCoding.Code {
		case InclusionReducedEF:
			in.ReducedEF = true
		case InclusionTitration:
			in.Titration = true
		case InclusionAble:
			in.AbleOrHelped = true
		}
	}
	return in
}

// ConsentFromFHIR reads when consent was given and who recorded it.
func ConsentFromFHIR(c *Consent) (given time.Time, recordedBy string, err error) {
	if c.DateTime != "" {
		if given, err = ParseDateTime(c.DateTime); err != nil {
			return time.Time{}, "", malformed("Consent %s dateTime: %v", c.ID, err)
		}
	}
	if len(c.Performer) > 0 {
		recordedBy = personOf(&c.Performer[0], "Practitioner")
	}
	return given, recordedBy, nil
}

func ptr[T any](v T) *T { return &v }

// planStatus is the status of a regime's CarePlan and ServiceRequests:
// completed once the course has ended, else active.
func planStatus(r domain.Regime) string {
	if r.Phase == domain.PhaseEnded {
		return "completed"
	}
	return "active"
}

// FinishEpisode ends an EpisodeOfCare at end: status finished, period.end,
// and why, who holds treatment responsibility afterwards and the closing
// note as extensions.
func FinishEpisode(ep *EpisodeOfCare, e domain.CourseEnd, end time.Time) {
	ep.Status = "finished"
	if ep.Period == nil {
		ep.Period = &Period{}
	}
	ep.Period.End = FormatInstant(end)
	ep.Extension = append(ep.Extension, codeExt(ExtEndReason, string(e.Reason)), codeExt(ExtAfterCare, string(e.After)))
	if n := strings.TrimSpace(e.Note); n != "" {
		ep.Extension = append(ep.Extension, strExt(ExtEndNote, n))
	}
}
