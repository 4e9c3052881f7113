package fhir

import (
	"fmt"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// Handover notes are Communications with our category handover-note,
// addressed to the patient's CareTeam (recipient), never to the patient:
// subject is the Patient they are about, sender the Practitioner who wrote
// them, sent = created, payload the text, priority urgent for an important
// note (routine otherwise) and the optional reminder in our note-reminder
// extension. The central keeps them from the patient side.
const (
	SystemCommunicationCategory = "http://telehjerte.example/fhir/CodeSystem/communication-category"
	CodeHandoverNote            = "handover-note"
	ExtNoteReminder             = OurExtBase + "note-reminder" // valueDateTime on a handover-note Communication
)

// IsHandoverNote reports whether c is a handover note rather than a message.
func IsHandoverNote(c *Communication) bool {
	for _, cc := range c.Category {
		if cc.HasCode(SystemCommunicationCategory, CodeHandoverNote) {
			return true
		}
	}
	return false
}

// IsStaffNote reports whether c is a handover note written by a
// practitioner: category handover-note and a sender that references a
// Practitioner. The reference decides, never the sender's display: a
// patient's Communication that claims the category is no staff note.
func IsStaffNote(c *Communication) bool {
	_, ok := RefID(c.Sender, "Practitioner")
	return ok && IsHandoverNote(c)
}

// NoteToCommunication maps a handover note for the care team team (the
// recipient; may be empty). authorID is the writing Practitioner's id
// (empty: the author is given by name only).
func NoteToCommunication(n domain.Note, authorID string, team domain.Team) *Communication {
	text := n.Text
	c := &Communication{
		Base:     Base{ResourceType: "Communication", ID: n.ID},
		Status:   "completed",
		Category: []CodeableConcept{Concept(SystemCommunicationCategory, CodeHandoverNote, "")},
		Priority: "routine",
		Subject:  Ref("Patient", n.PatientID),
		Sent:     FormatInstant(n.Created),
		Payload:  []CommunicationPayload{{ContentString: &text}},
	}
	if n.Important {
		c.Priority = "urgent"
	}
	if authorID != "" && ValidID(authorID) {
		c.Sender = Ref("Practitioner", authorID)
		c.Sender.Display = n.Author
	} else if n.Author != "" {
		c.Sender = &Reference{Display: n.Author}
	}
	if team.ID != "" {
		c.Recipient = []Reference{*teamRef(team)}
	}
	if !n.Remind.IsZero() {
		c.Extension = append(c.Extension, dtExt(ExtNoteReminder, n.Remind))
	}
	return c
}

// CommunicationToNote is the inverse of NoteToCommunication. Only a staff
// note (IsStaffNote: the sender references a Practitioner) maps; anything
// else is refused as malformed.
func CommunicationToNote(c *Communication) (domain.Note, error) {
	var n domain.Note
	pid, ok := RefID(c.Subject, "Patient")
	if !ok {
		return n, malformed("Communication %s: subject is not a Patient", c.ID)
	}
	if !IsStaffNote(c) {
		return n, malformed("Communication %s: a handover note whose sender is not a Practitioner", c.ID)
	}
	created, err := ParseDateTime(c.Sent)
	if err != nil {
		return n, fmt.Errorf("Communication %s sent: %w", c.ID, err)
	}
	n = domain.Note{ID: c.ID, PatientID: pid, Created: created, Important: c.Priority == "urgent" || c.Priority == "asap" || c.Priority == "stat"}
	if c.Sender != nil {
		n.Author = c.Sender.Display
		if n.Author == "" {
			n.Author, _ = RefID(c.Sender, "Practitioner")
		}
	}
	for _, p := range c.Payload {
		if p.ContentString != nil {
			n.Text += *p.ContentString
		}
	}
	if n.Remind, err = extTime(c.Extension, ExtNoteReminder); err != nil {
		return n, fmt.Errorf("Communication %s: %w", c.ID, err)
	}
	return n, nil
}
