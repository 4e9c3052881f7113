package fhir

import (
	"strings"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// SystemConsoleAction codes what a nurse did or looked up in the console
// (domain.AuditEntry.Action: view-patient, acknowledge, ...).
const SystemConsoleAction = "http://telehjerte.example/fhir/CodeSystem/console-action"

// ConsoleAuditSite is the source.site of the console's AuditEvents.
const ConsoleAuditSite = "telehjerte-tui"

// ConsoleAuditEvent is the AuditEvent a console sends for one entry of
// its audit log: who (the Practitioner), which patient (the reference
// only), what (the action's code), when, and from which workstation
// (source.observer). The entry's detail (old and new values) stays in the
// console: nothing of the patient's data beyond the reference is sent.
// eventID (a UUID) identifies the entry on the server, so that sending it
// again creates nothing (entity what.identifier; conditional create).
func ConsoleAuditEvent(e domain.AuditEntry, eventID, workstation string) *AuditEvent {
	action := "E"
	if strings.HasPrefix(e.Action, "view") {
		action = "R"
	}
	ae := &AuditEvent{
		Base:     Base{ResourceType: "AuditEvent"},
		Type:     Coding{System: "http://terminology.hl7.org/CodeSystem/audit-event-type", Code: "rest"},
		Subtype:  []Coding{{System: SystemConsoleAction, Code: e.Action}},
		Action:   action,
		Recorded: FormatInstant(e.At),
		Outcome:  "0",
		Agent:    []AuditEventAgent{{Who: Ref("Practitioner", e.User), Requestor: true}},
		Source:   AuditEventSource{Site: ConsoleAuditSite, Observer: Reference{Display: workstation}},
	}
	if e.PatientID != "" {
		ae.Entity = append(ae.Entity, AuditEventEntity{What: Ref("Patient", e.PatientID), Description: "patient"})
	}
	id := ClientIdentifier(eventID)
	ae.Entity = append(ae.Entity, AuditEventEntity{What: &Reference{Identifier: &id}, Description: "console audit entry"})
	return ae
}

// AuditEventIdentifiers are the identifiers an AuditEvent carries in its
// entities (what.identifier): a console's entry id.
func AuditEventIdentifiers(ae *AuditEvent) []Identifier {
	var out []Identifier
	for _, en := range ae.Entity {
		if en.What != nil && en.What.Identifier != nil {
			out = append(out, *en.What.Identifier)
		}
	}
	return out
}
