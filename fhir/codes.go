package fhir

// Code systems.
const (
	SystemNPU        = "urn:oid:1.2.208.176.2.1"   // NPU (Nordic laboratory and clinical codes)
	SystemSKS        = "urn:oid:1.2.208.176.2.4"   // SKS (Danish health classification)
	SystemMedComMeas = "urn:oid:1.2.208.184.100.8" // MedCom measurement codes (steps)
	SystemAlarmLevel = "urn:oid:1.2.208.184.100.1" // MedCom alarm-limit types RAL/GAL/RELRAL/RELGAL
	SystemUCUM       = "http://unitsofmeasure.org"
	SystemCPR        = "urn:oid:1.2.208.176.1.2" // Danish civil registration number
	SystemURI        = "urn:ietf:rfc:3986"       // client-made identifiers (urn:uuid:...)

	SystemTaskCategory      = "http://ehealth.sundhed.dk/cs/task-category"
	SystemClinicalImpCode   = "http://ehealth.sundhed.dk/cs/clinicalimpression-code"
	SystemTriageFinding     = "http://ehealth.sundhed.dk/cs/triaging-category"
	SystemMessageCategory   = "http://ehealth.sundhed.dk/cs/message-category"
	SystemAdminStatus       = "http://ehealth.sundhed.dk/cs/message-administrative-status"
	SystemObsCategory       = "http://terminology.hl7.org/CodeSystem/observation-category"
	SystemOperationOutcome  = "http://terminology.hl7.org/CodeSystem/operation-outcome"
	SystemActReason         = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
	SystemTeleHjerteColour  = "http://telehjerte.example/fhir/CodeSystem/colour"
	SystemTeleHjerteKind    = "http://telehjerte.example/fhir/CodeSystem/measurement-kind"
	SystemTeleHjerteTag     = "http://telehjerte.example/fhir/CodeSystem/tag"
	SystemTeleHjerteProgram = "http://telehjerte.example/fhir/CodeSystem/programme"
)

// CodeTestData (v3-ActReason HTEST, "test health data") tags a server's
// CapabilityStatement when everything it holds is for training and tests:
// only such a server may be written to by a console on a moved clock.
const CodeTestData = "HTEST"

// Measurement codes.
const (
	CodeWeight      = "NPU03804" // NPU, kg
	CodePulse       = "NPU21692" // NPU, /min
	CodeSpO2        = "NPU03011" // NPU, %
	CodeSystolic    = "DNK05472" // NPU, mm[Hg], component of CodeHomeBP
	CodeDiastolic   = "DNK05473" // NPU, mm[Hg], component of CodeHomeBP
	CodeHomeBP      = "ZZ3170"   // SKS, home blood pressure: one Observation, two components
	CodeSteps       = "MCS88192" // MedCom, /d
	CodeAlarmRed    = "RAL"      // red alarm limits (absolute)
	CodeAlarmYellow = "GAL"      // yellow alarm limits (absolute)
	CodeRelRed      = "RELRAL"   // red limits relative to a reference base
	CodeRelYellow   = "RELGAL"   // yellow limits relative to a reference base
)

// Task, triage and message codes.
const (
	CodeTriagingResult        = "TriagingResult"
	CodeMeasurementAssessment = "MeasurementAssessment"
	CodeMessage               = "message"
	AdminStatusRead           = "read"
	AdminStatusActive         = "activate"
	TagSynthetic              = "synthetic"
)

// Extension URLs. Those under ExtBase follow the eHealth Infrastructure;
// those under OurExtBase are TeleHjerte's own where FUT has nothing fitting.
const (
	ExtBase    = "http://ehealth.sundhed.dk/fhir/StructureDefinition/"
	OurExtBase = "http://telehjerte.example/fhir/StructureDefinition/"

	ExtReferenceRange       = ExtBase + "ehealth-referenceRange"
	ExtTaskCategory         = ExtBase + "ehealth-task-category"
	ExtTaskResponsible      = ExtBase + "ehealth-task-responsible"
	ExtTaskEpisodeOfCare    = ExtBase + "ehealth-task-episodeOfCare"
	ExtAdministrativeStatus = ExtBase + "ehealth-administrative-status"
	ExtMessageThread        = OurExtBase + "thread-id"
	ExtCaremanagerOrg       = ExtBase + "ehealth-episodeofcare-caremanagerOrganization"

	ExtReferenceWeight = OurExtBase + "reference-weight"      // valueQuantity kg on the weight ServiceRequest
	ExtExtra           = OurExtBase + "extra-measurement"     // valueBoolean on Observation
	ExtImplausible     = OurExtBase + "implausible"           // valueString reason on Observation / valueBoolean on Task
	ExtColour          = OurExtBase + "colour"                // valueCode on Task / QuestionnaireResponse.item.answer
	ExtMeasurementKind = OurExtBase + "measurement-kind"      // valueCode on Task (missing kind)
	ExtDue             = OurExtBase + "due"                   // valueDateTime on Task (missed deadline)
	ExtCover           = OurExtBase + "cover"                 // on EpisodeOfCare: team + period
	ExtPhase           = OurExtBase + "regime-phase"          // valueCode on CarePlan
	ExtEffectiveFrom   = OurExtBase + "effective-from"        // valueDateTime on CarePlan
	ExtReevaluation    = OurExtBase + "reevaluation"          // valueDateTime on CarePlan
	ExtPause           = OurExtBase + "pause"                 // valuePeriod (+ reason) on CarePlan
	ExtTrendRule       = OurExtBase + "weight-trend-rule"     // on CarePlan: gain, days, colour
	ExtReason          = OurExtBase + "change-reason"         // valueString on CarePlan
	ExtPhysician       = OurExtBase + "responsible-physician" // valueReference on CarePlan
	ExtSender          = OurExtBase + "sender-name"           // valueString on Communication
	ExtProgramme       = OurExtBase + "programme"             // valueCode on Patient, repeated
	// ExtClassifiedBy on a triage ClinicalImpression the console made for
	// a reading the central did not triage: valueCode "console".
	ExtClassifiedBy = OurExtBase + "classified-by"
)
