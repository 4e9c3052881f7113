package main

// The clinic of the interoperability suite, seeded over plain FHIR REST
// with server-assigned ids: written here as JSON by hand, the way another
// system would hold it (docs/fhir-mapping.md), not through the console's
// own encoder. Every resource the console may write carries elements and
// extensions the console does not model, so the suite sees whether a write
// keeps them.

import (
	"net/http"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// FHIR vocabulary the seed uses (spelled out, not taken from package fhir,
// so a changed constant there shows up as an interoperability failure).
const (
	sysNPU        = "urn:oid:1.2.208.176.2.1"
	sysAlarm      = "urn:oid:1.2.208.184.100.1"
	sysUCUM       = "http://unitsofmeasure.org"
	sysCPR        = "urn:oid:1.2.208.176.1.2"
	sysTaskCat    = "http://ehealth.sundhed.dk/cs/task-category"
	sysCICode     = "http://ehealth.sundhed.dk/cs/clinicalimpression-code"
	sysMsgCat     = "http://ehealth.sundhed.dk/cs/message-category"
	sysAdmin      = "http://ehealth.sundhed.dk/cs/message-administrative-status"
	sysColour     = "http://telehjerte.example/fhir/CodeSystem/colour"
	extFUT        = "http://ehealth.sundhed.dk/fhir/StructureDefinition/"
	extOurs       = "http://telehjerte.example/fhir/StructureDefinition/"
	extRefRange   = extFUT + "ehealth-referenceRange"
	extTaskCat    = extFUT + "ehealth-task-category"
	extTaskResp   = extFUT + "ehealth-task-responsible"
	extAdmin      = extFUT + "ehealth-administrative-status"
	extColour     = extOurs + "colour"
	extPhase      = extOurs + "regime-phase"
	extEffective  = extOurs + "effective-from"
	extPhysician  = extOurs + "responsible-physician"
	extReason     = extOurs + "change-reason"
	extReeval     = extOurs + "reevaluation"
	extCover      = extOurs + "cover"
	extThread     = extOurs + "thread-id"
	codePulse     = "NPU21692"
	pulseUnit     = "/min"
	foreignExtURL = "http://interop.example/fhir/StructureDefinition/regional-routing"
)

// Names the suite looks for on screen (two words each: the worklist
// helpers read "First Last").
const (
	nameRed        = "Rita Rød"
	nameGreen      = "Gert Grøn"
	nameUntriaged  = "Ulla Ukendt"
	teamHomeName   = "Interop Hjerteteam"
	teamCoverName  = "Interop Dækteam"
	orgHomeName    = "Interop Hjerteklinik"
	orgCoverName   = "Interop Dækklinik"
	nurseName      = "Nina Interop"
	coverNurseName = "Mads Interop"
	patientMsgText = "Jeg har hjertebanken om aftenen."
)

// interopPatient is one seeded patient and its server-assigned ids.
type interopPatient struct {
	name, cpr string
	id        string
	episode   string // EpisodeOfCare id
	plan      string // CarePlan id
	pulseSR   string // the pulse ServiceRequest id
	reading   string // the Observation id of the seeded pulse
	pulse     float64
	colour    string // the triage colour, "" when not triaged by the seed
	task      string // the review Task id (seeded or the server's)
	triage    string // the triage ClinicalImpression id (seeded or the server's)
	message   string // the patient's unread Communication id, if any
}

// interopClinic is the seeded clinic.
type interopClinic struct {
	srv                 *interopServer
	nurse, cover        string // Practitioner ids
	orgHome, orgCover   string
	teamHome, teamCover string
	red, green, untri   *interopPatient
	seededAt            time.Time
}

func (c *interopClinic) patients() []*interopPatient {
	return []*interopPatient{c.red, c.green, c.untri}
}

func instant(t time.Time) string { return fhir.FormatInstant(t) }

func ref(typ, id string) obj { return obj{"reference": typ + "/" + id} }

func refD(typ, id, display string) obj {
	return obj{"reference": typ + "/" + id, "display": display}
}

func coding(system, code string) obj { return obj{"system": system, "code": code} }

func concept(system, code string) obj { return obj{"coding": []any{coding(system, code)}} }

func qty(v float64, unit string) obj {
	return obj{"value": v, "unit": unit, "system": sysUCUM, "code": unit}
}

// pulseLimits: red below 40 or from 110, yellow below 45 or from 100.
func pulseRangeExts() []any {
	rng := func(level string, low, high float64) obj {
		return obj{"url": extRefRange, "extension": []any{
			obj{"url": "low", "valueQuantity": qty(low, pulseUnit)},
			obj{"url": "high", "valueQuantity": qty(high, pulseUnit)},
			obj{"url": "type", "valueCodeableConcept": obj{"coding": []any{coding(sysAlarm, level), coding(sysNPU, codePulse)}}},
		}}
	}
	return []any{rng("RAL", 40, 110), rng("GAL", 45, 100)}
}

func pulseReferenceRanges() []any {
	return []any{
		obj{"low": qty(40, pulseUnit), "high": qty(110, pulseUnit), "type": concept(sysAlarm, "RAL")},
		obj{"low": qty(45, pulseUnit), "high": qty(100, pulseUnit), "type": concept(sysAlarm, "GAL")},
	}
}

// foreignExt is an extension of another system, which the console does not
// know and must keep.
func foreignExt(v string) obj { return obj{"url": foreignExtURL, "valueString": v} }

// seedClinic seeds the clinic: two organisations, teams and nurses, three
// patients with an EpisodeOfCare and a regime (CarePlan + pulse
// ServiceRequest, written as one transaction), a pulse reading each (red,
// green, red again), and an unread message from the green patient. On a
// server without triage the seed triages the first two itself (colour and
// limits on the Observation, a triage ClinicalImpression and a review
// Task, as the eHealth Infrastructure's triage would); the third stays
// untriaged. On a server with triage it posts the readings and finds the
// server's tasks.
func seedClinic(t *testing.T, srv *interopServer) *interopClinic {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Second)
	c := &interopClinic{srv: srv, seededAt: now}
	c.nurse = srv.createPractitioner(t, interopNurseToken, obj{"resourceType": "Practitioner",
		"name":          []any{obj{"text": nurseName, "family": "Interop", "given": []any{"Nina"}}},
		"qualification": []any{obj{"code": obj{"text": "Sygeplejerske"}}}})
	c.cover = srv.createPractitioner(t, interopCoverToken, obj{"resourceType": "Practitioner", "name": []any{obj{"text": coverNurseName}}})
	r := srv.as(t, interopNurseToken)
	if srv.noOrganizations {
		// Managed on the server itself: the teams only refer to them.
		c.orgHome, c.orgCover = "interop-org-home", "interop-org-cover"
	} else {
		c.orgHome = idOf(r.create(obj{"resourceType": "Organization", "name": orgHomeName, "alias": []any{"IHK"}}))
		c.orgCover = idOf(r.create(obj{"resourceType": "Organization", "name": orgCoverName}))
	}
	c.teamHome = idOf(r.create(obj{"resourceType": "CareTeam", "status": "active", "name": teamHomeName,
		"managingOrganization": []any{refD("Organization", c.orgHome, orgHomeName)},
		"participant":          []any{obj{"member": refD("Practitioner", c.nurse, nurseName)}}}))
	c.teamCover = idOf(srv.as(t, interopCoverToken).create(obj{"resourceType": "CareTeam", "status": "active", "name": teamCoverName,
		"managingOrganization": []any{refD("Organization", c.orgCover, orgCoverName)},
		"participant":          []any{obj{"member": refD("Practitioner", c.cover, coverNurseName)}}}))

	c.red = &interopPatient{name: nameRed, cpr: "0101501234", pulse: 38, colour: "red"}
	c.green = &interopPatient{name: nameGreen, cpr: "0202502345", pulse: 72, colour: "green"}
	c.untri = &interopPatient{name: nameUntriaged, cpr: "0303503456", pulse: 38}
	start := now.AddDate(0, 0, -30)
	for i, p := range c.patients() {
		p.id = idOf(r.create(obj{"resourceType": "Patient",
			"identifier": []any{obj{"system": sysCPR, "value": p.cpr}},
			"name":       []any{obj{"text": p.name}},
			"gender":     "female",
			"birthDate":  "1950-01-0" + string(rune('1'+i)),
			"telecom":    []any{obj{"system": "phone", "value": "+45 7070707" + string(rune('0'+i))}}}))
		p.episode = idOf(r.create(obj{"resourceType": "EpisodeOfCare", "status": "active",
			"extension":            []any{foreignExt("episode-import-7")},
			"patient":              ref("Patient", p.id),
			"managingOrganization": refD("Organization", c.orgHome, orgHomeName),
			"team":                 []any{refD("CareTeam", c.teamHome, teamHomeName)},
			"period":               obj{"start": instant(start)},
			"careManager":          refD("Practitioner", c.nurse, nurseName)}))
		c.seedRegime(t, r, p, start)
	}
	for i, p := range c.patients() {
		taken := now.Add(-time.Duration(4-i) * time.Hour)
		o := obj{"resourceType": "Observation", "status": "final",
			"category":          []any{concept("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs")},
			"code":              concept(sysNPU, codePulse),
			"subject":           ref("Patient", p.id),
			"effectiveDateTime": instant(taken),
			"issued":            instant(taken.Add(time.Minute)),
			"valueQuantity":     qty(p.pulse, pulseUnit),
			"device":            obj{"display": "Interop blodtryksmåler"}}
		if !srv.triages && p.colour != "" {
			o["interpretation"] = []any{concept(sysColour, p.colour)}
			o["referenceRange"] = pulseReferenceRanges()
			o["basedOn"] = []any{ref("ServiceRequest", p.pulseSR)}
		}
		p.reading = idOf(r.create(o))
		switch {
		case srv.triages:
			c.findServerTriage(t, r, p)
		case p.colour != "":
			// The green patient's Task is shaped as on the eHealth
			// Infrastructure: its focus is the triage ClinicalImpression.
			c.seedTriage(t, r, p, taken.Add(time.Minute), p == c.green)
		}
	}
	// The green patient's unread message, with an extension of the
	// regional system the console knows nothing about.
	c.green.message = idOf(srv.asPatient(t, c.green.id, interopNurseToken).create(obj{"resourceType": "Communication", "status": "completed",
		"extension": []any{foreignExt("inbox-7"), obj{"url": extAdmin, "valueCoding": coding(sysAdmin, "activate")}},
		"category":  []any{concept(sysMsgCat, "message")},
		"subject":   ref("Patient", c.green.id),
		"sender":    refD("Patient", c.green.id, c.green.name),
		"recipient": []any{refD("CareTeam", c.teamHome, teamHomeName)},
		"topic":     obj{"text": "Hjertebanken"},
		"sent":      instant(now.Add(-90 * time.Minute)),
		"payload":   []any{obj{"contentString": patientMsgText}}}))
	return c
}

// seedRegime writes p's regime as one transaction: the CarePlan and its
// pulse ServiceRequest referring to each other through urn:uuid fullUrls.
func (c *interopClinic) seedRegime(t *testing.T, r *rest, p *interopPatient, start time.Time) {
	t.Helper()
	planURN, srURN := "urn:uuid:"+newTestUUID(t), "urn:uuid:"+newTestUUID(t)
	plan := obj{"resourceType": "CarePlan", "status": "active", "intent": "plan",
		"title":    "Telemonitorering hjertesvigt",
		"subject":  ref("Patient", p.id),
		"period":   obj{"start": instant(start)},
		"author":   ref("Practitioner", c.nurse),
		"careTeam": []any{refD("CareTeam", c.teamHome, teamHomeName)},
		"extension": []any{
			obj{"url": extPhase, "valueCode": "ongoing"},
			obj{"url": extEffective, "valueDateTime": instant(start)},
			obj{"url": extPhysician, "valueReference": obj{"display": "Læge Lund"}},
			foreignExt("plan-import-7"),
		},
		"activity": []any{obj{"reference": obj{"reference": srURN}}}}
	sr := obj{"resourceType": "ServiceRequest", "status": "active", "intent": "plan",
		"extension":        pulseRangeExts(),
		"code":             concept(sysNPU, codePulse),
		"subject":          ref("Patient", p.id),
		"basedOn":          []any{obj{"reference": planURN}},
		"requester":        refD("Practitioner", c.nurse, nurseName),
		"occurrenceTiming": obj{"repeat": obj{"frequency": 1, "period": 1, "periodUnit": "d", "timeOfDay": []any{"11:00:00"}}}}
	bundle := obj{"resourceType": "Bundle", "type": "transaction", "entry": []any{
		obj{"fullUrl": planURN, "resource": plan, "request": obj{"method": "POST", "url": "CarePlan"}},
		obj{"fullUrl": srURN, "resource": sr, "request": obj{"method": "POST", "url": "ServiceRequest"}},
	}}
	status, _, raw := r.do(http.MethodPost, "", bundle, nil)
	if status != http.StatusOK {
		t.Fatalf("regime transaction: %d\n%s", status, raw)
	}
	plans := r.search("CarePlan", map[string][]string{"subject": {"Patient/" + p.id}})
	srs := r.search("ServiceRequest", map[string][]string{"subject": {"Patient/" + p.id}})
	if len(plans) != 1 || len(srs) != 1 {
		t.Fatalf("after the regime transaction: %d CarePlans, %d ServiceRequests for %s\n%s", len(plans), len(srs), p.name, raw)
	}
	p.plan, p.pulseSR = idOf(plans[0]), idOf(srs[0])
	if got := str(plans[0], "activity", 0, "reference", "reference"); got != "ServiceRequest/"+p.pulseSR {
		t.Fatalf("the CarePlan's activity is %q, want ServiceRequest/%s", got, p.pulseSR)
	}
	if got := str(srs[0], "basedOn", 0, "reference"); got != "CarePlan/"+p.plan {
		t.Fatalf("the ServiceRequest's basedOn is %q, want CarePlan/%s", got, p.plan)
	}
}

// seedTriage writes what a triage service makes of p's reading: a triage
// ClinicalImpression and a review Task focused on the reading, or with
// futShape on the ClinicalImpression (as the eHealth Infrastructure does).
func (c *interopClinic) seedTriage(t *testing.T, r *rest, p *interopPatient, at time.Time, futShape bool) {
	t.Helper()
	p.triage = idOf(r.create(obj{"resourceType": "ClinicalImpression", "status": "completed",
		"code":          concept(sysCICode, "TriagingResult"),
		"subject":       ref("Patient", p.id),
		"date":          instant(at),
		"investigation": []any{obj{"code": obj{"text": "measurement"}, "item": []any{ref("Observation", p.reading)}}},
		"finding":       []any{obj{"itemCodeableConcept": concept(sysColour, p.colour)}}}))
	priority := map[string]string{"red": "asap", "yellow": "urgent", "green": "routine"}[p.colour]
	focus := ref("Observation", p.reading)
	if futShape {
		focus = ref("ClinicalImpression", p.triage)
	}
	p.task = idOf(r.create(obj{"resourceType": "Task", "status": "ready", "intent": "order",
		"extension": []any{
			obj{"url": extTaskCat, "valueCodeableConcept": concept(sysTaskCat, "MeasurementForAssessment")},
			obj{"url": extColour, "valueCode": p.colour},
			obj{"url": extTaskResp, "valueReference": refD("CareTeam", c.teamHome, teamHomeName)},
			foreignExt("task-queue-3"),
		},
		"priority":       priority,
		"focus":          focus,
		"for":            ref("Patient", p.id),
		"authoredOn":     instant(at),
		"businessStatus": obj{"text": "Afventer vurdering"},
		"input":          []any{obj{"type": obj{"text": "triage"}, "valueReference": ref("ClinicalImpression", p.triage)}}}))
}

// findServerTriage finds the triage the server made of p's reading: its
// review Task and triage ClinicalImpression.
func (c *interopClinic) findServerTriage(t *testing.T, r *rest, p *interopPatient) {
	t.Helper()
	for _, tk := range r.search("Task", map[string][]string{"focus": {"Observation/" + p.reading}}) {
		p.task = idOf(tk)
	}
	for _, ci := range r.search("ClinicalImpression", map[string][]string{"subject": {"Patient/" + p.id}}) {
		if str(ci, "investigation", 0, "item", 0, "reference") == "Observation/"+p.reading {
			p.triage = idOf(ci)
		}
	}
	if p.task == "" {
		t.Fatalf("%s: the server made no review Task of the reading %s", c.srv.name, p.reading)
	}
	if p.colour == "" {
		p.colour = "red"
	}
}
