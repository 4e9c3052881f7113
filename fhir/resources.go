package fhir

import "encoding/json"

// Base holds the elements every resource here has. It is embedded, so its
// fields appear at the top level of the JSON object.
type Base struct {
	ResourceType string      `json:"resourceType"`
	ID           string      `json:"id,omitempty"`
	Meta         *Meta       `json:"meta,omitempty"`
	Extension    []Extension `json:"extension,omitempty"`
}

// Header returns the embedded Base, so generic code can read and set id and
// meta on any resource.
func (b *Base) Header() *Base { return b }

// Resource is any resource struct of this package.
type Resource interface {
	Header() *Base
}

// Patient is a citizen in home monitoring.
type Patient struct {
	Base
	Identifier []Identifier   `json:"identifier,omitempty"`
	Active     *bool          `json:"active,omitempty"`
	Name       []HumanName    `json:"name,omitempty"`
	Telecom    []ContactPoint `json:"telecom,omitempty"`
	BirthDate  string         `json:"birthDate,omitempty"`
}

// Practitioner is a nurse or physician.
type Practitioner struct {
	Base
	Identifier []Identifier `json:"identifier,omitempty"`
	Active     *bool        `json:"active,omitempty"`
	Name       []HumanName  `json:"name,omitempty"`
}

// Organization is e.g. a heart-failure clinic.
type Organization struct {
	Base
	Identifier []Identifier `json:"identifier,omitempty"`
	Active     *bool        `json:"active,omitempty"`
	Name       string       `json:"name,omitempty"`
}

// CareTeam is a team of monitoring nurses.
type CareTeam struct {
	Base
	Identifier           []Identifier          `json:"identifier,omitempty"`
	Status               string                `json:"status,omitempty"`
	Category             []CodeableConcept     `json:"category,omitempty"`
	Name                 string                `json:"name,omitempty"`
	Period               *Period               `json:"period,omitempty"`
	Participant          []CareTeamParticipant `json:"participant,omitempty"`
	ReasonCode           []CodeableConcept     `json:"reasonCode,omitempty"`
	ManagingOrganization []Reference           `json:"managingOrganization,omitempty"`
}

// CareTeamParticipant is one member of a CareTeam.
type CareTeamParticipant struct {
	Role       []CodeableConcept `json:"role,omitempty"`
	Member     *Reference        `json:"member,omitempty"`
	OnBehalfOf *Reference        `json:"onBehalfOf,omitempty"`
	Period     *Period           `json:"period,omitempty"`
}

// EpisodeOfCare is a patient's course; its team holds monitoring
// responsibility.
type EpisodeOfCare struct {
	Base
	Identifier           []Identifier `json:"identifier,omitempty"`
	Status               string       `json:"status"`
	Patient              Reference    `json:"patient"`
	ManagingOrganization *Reference   `json:"managingOrganization,omitempty"`
	Period               *Period      `json:"period,omitempty"`
	Team                 []Reference  `json:"team,omitempty"`
	// Diagnosis are the conditions the course is for (FUT:
	// EpisodeOfCare.diagnosis → Condition).
	Diagnosis []EpisodeDiagnosis `json:"diagnosis,omitempty"`
}

// EpisodeDiagnosis is one condition of an EpisodeOfCare.
type EpisodeDiagnosis struct {
	Condition Reference        `json:"condition"`
	Role      *CodeableConcept `json:"role,omitempty"`
	Rank      int              `json:"rank,omitempty"`
}

// CarePlan is one version of a measurement regime.
type CarePlan struct {
	Base
	Identifier []Identifier `json:"identifier,omitempty"`
	// InstantiatesCanonical names the questionnaires the patient
	// answers under the plan (canonical url|version).
	InstantiatesCanonical []string           `json:"instantiatesCanonical,omitempty"`
	Status                string             `json:"status"`
	Intent                string             `json:"intent"`
	Title                 string             `json:"title,omitempty"`
	Subject               Reference          `json:"subject"`
	Period                *Period            `json:"period,omitempty"`
	Created               string             `json:"created,omitempty"`
	Author                *Reference         `json:"author,omitempty"`
	CareTeam              []Reference        `json:"careTeam,omitempty"`
	Activity              []CarePlanActivity `json:"activity,omitempty"`
	Note                  []Annotation       `json:"note,omitempty"`
}

// CarePlanActivity points at one ServiceRequest.
type CarePlanActivity struct {
	Reference *Reference `json:"reference,omitempty"`
}

// ServiceRequest asks for one kind of measurement on a schedule, with its
// thresholds in ehealth-referenceRange extensions.
type ServiceRequest struct {
	Base
	Identifier       []Identifier     `json:"identifier,omitempty"`
	BasedOn          []Reference      `json:"basedOn,omitempty"`
	Status           string           `json:"status"`
	Intent           string           `json:"intent"`
	Code             *CodeableConcept `json:"code,omitempty"`
	Subject          Reference        `json:"subject"`
	OccurrenceTiming *Timing          `json:"occurrenceTiming,omitempty"`
	AuthoredOn       string           `json:"authoredOn,omitempty"`
	Requester        *Reference       `json:"requester,omitempty"`
}

// Observation is one home measurement.
type Observation struct {
	Base
	Identifier        []Identifier                `json:"identifier,omitempty"`
	BasedOn           []Reference                 `json:"basedOn,omitempty"`
	Status            string                      `json:"status"`
	Category          []CodeableConcept           `json:"category,omitempty"`
	Code              CodeableConcept             `json:"code"`
	Subject           *Reference                  `json:"subject,omitempty"`
	EffectiveDateTime string                      `json:"effectiveDateTime,omitempty"`
	Issued            string                      `json:"issued,omitempty"`
	ValueQuantity     *Quantity                   `json:"valueQuantity,omitempty"`
	Interpretation    []CodeableConcept           `json:"interpretation,omitempty"`
	Note              []Annotation                `json:"note,omitempty"`
	ReferenceRange    []ObservationReferenceRange `json:"referenceRange,omitempty"`
	Component         []ObservationComponent      `json:"component,omitempty"`
}

// ObservationReferenceRange is one range of limits; Type says which
// (RAL or GAL).
type ObservationReferenceRange struct {
	Low  *Quantity        `json:"low,omitempty"`
	High *Quantity        `json:"high,omitempty"`
	Type *CodeableConcept `json:"type,omitempty"`
	Text string           `json:"text,omitempty"`
}

// ObservationComponent is one value of a multi-value measurement (blood
// pressure).
type ObservationComponent struct {
	Code           CodeableConcept             `json:"code"`
	ValueQuantity  *Quantity                   `json:"valueQuantity,omitempty"`
	Interpretation []CodeableConcept           `json:"interpretation,omitempty"`
	ReferenceRange []ObservationReferenceRange `json:"referenceRange,omitempty"`
}

// QuestionnaireResponse is one submitted symptom questionnaire.
type QuestionnaireResponse struct {
	Base
	Identifier    *Identifier `json:"identifier,omitempty"`
	BasedOn       []Reference `json:"basedOn,omitempty"`
	Questionnaire string      `json:"questionnaire,omitempty"`
	Status        string      `json:"status"`
	Subject       *Reference  `json:"subject,omitempty"`
	Authored      string      `json:"authored,omitempty"`
	Author        *Reference  `json:"author,omitempty"`
	Item          []QRItem    `json:"item,omitempty"`
}

// Questionnaire is the definition of a questionnaire: its questions
// (item) and the answers each offers (answerOption).
type Questionnaire struct {
	Base
	URL        string              `json:"url,omitempty"`
	Identifier []Identifier        `json:"identifier,omitempty"`
	Version    string              `json:"version,omitempty"`
	Name       string              `json:"name,omitempty"`
	Title      string              `json:"title,omitempty"`
	Status     string              `json:"status"`
	Item       []QuestionnaireItem `json:"item,omitempty"`
}

// QuestionnaireItem is one question (or group of questions).
type QuestionnaireItem struct {
	LinkID       string                      `json:"linkId"`
	Text         string                      `json:"text,omitempty"`
	Type         string                      `json:"type"`
	Required     *bool                       `json:"required,omitempty"`
	AnswerOption []QuestionnaireAnswerOption `json:"answerOption,omitempty"`
	Item         []QuestionnaireItem         `json:"item,omitempty"`
}

// QuestionnaireAnswerOption is one answer a question offers; our colour
// extension, when present, is its significance.
type QuestionnaireAnswerOption struct {
	Extension    []Extension `json:"extension,omitempty"`
	ValueCoding  *Coding     `json:"valueCoding,omitempty"`
	ValueString  *string     `json:"valueString,omitempty"`
	ValueInteger *int        `json:"valueInteger,omitempty"`
}

// QRItem is one question and its answers.
type QRItem struct {
	LinkID string     `json:"linkId"`
	Text   string     `json:"text,omitempty"`
	Answer []QRAnswer `json:"answer,omitempty"`
	Item   []QRItem   `json:"item,omitempty"`
}

// QRAnswer is one answer; its significance is in an extension.
type QRAnswer struct {
	Extension    []Extension `json:"extension,omitempty"`
	ValueString  *string     `json:"valueString,omitempty"`
	ValueCoding  *Coding     `json:"valueCoding,omitempty"`
	ValueInteger *int        `json:"valueInteger,omitempty"`
	ValueBoolean *bool       `json:"valueBoolean,omitempty"`
}

// ClinicalImpression is a triage result (TriagingResult) or a nurse's
// assessment (MeasurementAssessment).
type ClinicalImpression struct {
	Base
	Identifier    []Identifier                      `json:"identifier,omitempty"`
	Status        string                            `json:"status"`
	Code          *CodeableConcept                  `json:"code,omitempty"`
	Description   string                            `json:"description,omitempty"`
	Subject       Reference                         `json:"subject"`
	Date          string                            `json:"date,omitempty"`
	Assessor      *Reference                        `json:"assessor,omitempty"`
	Previous      *Reference                        `json:"previous,omitempty"`
	Investigation []ClinicalImpressionInvestigation `json:"investigation,omitempty"`
	// SupportingInfo points an assessment at the Task it closes.
	SupportingInfo []Reference                 `json:"supportingInfo,omitempty"`
	Summary        string                      `json:"summary,omitempty"`
	Finding        []ClinicalImpressionFinding `json:"finding,omitempty"`
	Note           []Annotation                `json:"note,omitempty"`
}

// ClinicalImpressionInvestigation lists what was looked at.
type ClinicalImpressionInvestigation struct {
	Code CodeableConcept `json:"code"`
	Item []Reference     `json:"item,omitempty"`
}

// ClinicalImpressionFinding is one finding, e.g. the colour.
type ClinicalImpressionFinding struct {
	ItemCodeableConcept *CodeableConcept `json:"itemCodeableConcept,omitempty"`
	ItemReference       *Reference       `json:"itemReference,omitempty"`
	Basis               string           `json:"basis,omitempty"`
}

// Task is one worklist item.
type Task struct {
	Base
	Identifier      []Identifier     `json:"identifier,omitempty"`
	BasedOn         []Reference      `json:"basedOn,omitempty"`
	Status          string           `json:"status"`
	Intent          string           `json:"intent"`
	Priority        string           `json:"priority,omitempty"`
	Code            *CodeableConcept `json:"code,omitempty"`
	Description     string           `json:"description,omitempty"`
	Focus           *Reference       `json:"focus,omitempty"`
	For             *Reference       `json:"for,omitempty"`
	ExecutionPeriod *Period          `json:"executionPeriod,omitempty"`
	AuthoredOn      string           `json:"authoredOn,omitempty"`
	LastModified    string           `json:"lastModified,omitempty"`
	Requester       *Reference       `json:"requester,omitempty"`
	Owner           *Reference       `json:"owner,omitempty"`
	Note            []Annotation     `json:"note,omitempty"`
	Restriction     *TaskRestriction `json:"restriction,omitempty"`
}

// TaskRestriction limits when the task is to be fulfilled.
type TaskRestriction struct {
	Period *Period `json:"period,omitempty"`
}

// Communication is one message between patient and care team.
type Communication struct {
	Base
	Identifier   []Identifier           `json:"identifier,omitempty"`
	BasedOn      []Reference            `json:"basedOn,omitempty"`
	InResponseTo []Reference            `json:"inResponseTo,omitempty"`
	Status       string                 `json:"status"`
	Category     []CodeableConcept      `json:"category,omitempty"`
	Priority     string                 `json:"priority,omitempty"`
	Subject      *Reference             `json:"subject,omitempty"`
	Topic        *CodeableConcept       `json:"topic,omitempty"`
	Sent         string                 `json:"sent,omitempty"`
	Received     string                 `json:"received,omitempty"`
	Recipient    []Reference            `json:"recipient,omitempty"`
	Sender       *Reference             `json:"sender,omitempty"`
	Payload      []CommunicationPayload `json:"payload,omitempty"`
}

// CommunicationPayload is the message text.
type CommunicationPayload struct {
	ContentString *string `json:"contentString,omitempty"`
}

// AuditEvent records one look-up or action on patient data.
type AuditEvent struct {
	Base
	Type     Coding             `json:"type"`
	Subtype  []Coding           `json:"subtype,omitempty"`
	Action   string             `json:"action,omitempty"`
	Recorded string             `json:"recorded"`
	Outcome  string             `json:"outcome,omitempty"`
	Agent    []AuditEventAgent  `json:"agent"`
	Source   AuditEventSource   `json:"source"`
	Entity   []AuditEventEntity `json:"entity,omitempty"`
}

// AuditEventAgent is who acted.
type AuditEventAgent struct {
	Who       *Reference `json:"who,omitempty"`
	Requestor bool       `json:"requestor"`
}

// AuditEventSource is the system that recorded the event.
type AuditEventSource struct {
	Site     string    `json:"site,omitempty"`
	Observer Reference `json:"observer"`
}

// AuditEventEntity is what was acted on.
type AuditEventEntity struct {
	What        *Reference `json:"what,omitempty"`
	Description string     `json:"description,omitempty"`
}

// Bundle is a searchset, transaction or transaction-response.
type Bundle struct {
	Base
	Type  string        `json:"type"`
	Total *int          `json:"total,omitempty"`
	Link  []BundleLink  `json:"link,omitempty"`
	Entry []BundleEntry `json:"entry,omitempty"`
}

// Bundle types.
const (
	BundleSearchset           = "searchset"
	BundleTransaction         = "transaction"
	BundleTransactionResponse = "transaction-response"
)

// BundleLink is e.g. the next page of a search.
type BundleLink struct {
	Relation string `json:"relation"`
	URL      string `json:"url"`
}

// BundleEntry is one resource in a Bundle. Resource is kept raw so that
// any resource type can pass through; DecodeResource turns it into a
// struct.
type BundleEntry struct {
	FullURL  string               `json:"fullUrl,omitempty"`
	Resource json.RawMessage      `json:"resource,omitempty"`
	Search   *BundleEntrySearch   `json:"search,omitempty"`
	Request  *BundleEntryRequest  `json:"request,omitempty"`
	Response *BundleEntryResponse `json:"response,omitempty"`
}

// BundleEntrySearch says why an entry is in a searchset.
type BundleEntrySearch struct {
	Mode string `json:"mode,omitempty"`
}

// BundleEntryRequest is one request of a transaction.
type BundleEntryRequest struct {
	Method      string `json:"method"`
	URL         string `json:"url"`
	IfNoneExist string `json:"ifNoneExist,omitempty"`
	IfMatch     string `json:"ifMatch,omitempty"`
}

// BundleEntryResponse is the outcome of one transaction entry.
type BundleEntryResponse struct {
	Status       string          `json:"status"`
	Location     string          `json:"location,omitempty"`
	Etag         string          `json:"etag,omitempty"`
	LastModified string          `json:"lastModified,omitempty"`
	Outcome      json.RawMessage `json:"outcome,omitempty"`
}

// OperationOutcome reports errors.
type OperationOutcome struct {
	Base
	Issue []OperationOutcomeIssue `json:"issue"`
}

// OperationOutcomeIssue is one error or warning.
type OperationOutcomeIssue struct {
	Severity    string           `json:"severity"`
	Code        string           `json:"code"`
	Details     *CodeableConcept `json:"details,omitempty"`
	Diagnostics string           `json:"diagnostics,omitempty"`
	Expression  []string         `json:"expression,omitempty"`
}

// NewOperationOutcome returns an OperationOutcome with one error issue.
func NewOperationOutcome(severity, code, diagnostics string) *OperationOutcome {
	return &OperationOutcome{
		Base:  Base{ResourceType: "OperationOutcome"},
		Issue: []OperationOutcomeIssue{{Severity: severity, Code: code, Diagnostics: diagnostics}},
	}
}

// CapabilityStatement describes what a server supports.
type CapabilityStatement struct {
	Base
	Status      string              `json:"status"`
	Date        string              `json:"date"`
	Kind        string              `json:"kind"`
	Software    *CapabilitySoftware `json:"software,omitempty"`
	FhirVersion string              `json:"fhirVersion"`
	Format      []string            `json:"format"`
	Rest        []CapabilityRest    `json:"rest,omitempty"`
	Extension   []Extension         `json:"extension,omitempty"`
}

// CapabilitySoftware names the server software.
type CapabilitySoftware struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// CapabilityRest is the server's REST interface.
type CapabilityRest struct {
	Mode        string                  `json:"mode"`
	Resource    []CapabilityResource    `json:"resource,omitempty"`
	Interaction []CapabilityInteraction `json:"interaction,omitempty"`
	Operation   []CapabilityOperation   `json:"operation,omitempty"`
}

// CapabilityOperation is a system-level operation the server offers.
type CapabilityOperation struct {
	Name       string `json:"name"`
	Definition string `json:"definition"`
}

// CapabilityResource is what the server supports for one type.
type CapabilityResource struct {
	Type              string                  `json:"type"`
	Interaction       []CapabilityInteraction `json:"interaction,omitempty"`
	Versioning        string                  `json:"versioning,omitempty"`
	ReadHistory       bool                    `json:"readHistory,omitempty"`
	ConditionalCreate bool                    `json:"conditionalCreate,omitempty"`
	SearchParam       []CapabilitySearchParam `json:"searchParam,omitempty"`
}

// CapabilityInteraction is one supported interaction code.
type CapabilityInteraction struct {
	Code string `json:"code"`
}

// CapabilitySearchParam is one supported search parameter.
type CapabilitySearchParam struct {
	Name string `json:"name"`
	Type string `json:"type"`
}
