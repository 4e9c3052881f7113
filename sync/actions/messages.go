package actions

import (
	"context"
	"errors"
	"strings"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// SendMessage queues a message to the patient: a local row the thread
// shows as pending, and a conditional create of the Communication (its
// identifier the message's UUID). When the central confirms it the row is
// the central's and the message shows as sent.
func (s *Service) SendMessage(ctx context.Context, m domain.OutgoingMessage) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if m.ID == "" {
		m.ID = s.newUUID()
	}
	if m.Created.IsZero() {
		m.Created = s.clock()
	}
	m.Created = m.Created.UTC().Truncate(timeMs)
	return s.write(ctx, "send message", func(tx *cache.Tx) error {
		return s.queueMessage(tx, m, OutboxMessage)
	})
}

// queueMessage writes a message locally, its outbox entry (the message id
// is the outbox UUID and the identifier) and the audit entry.
func (s *Service) queueMessage(tx *cache.Tx, m domain.OutgoingMessage, label string) error {
	msg := domain.Message{ID: m.ID, PatientID: m.PatientID, ThreadID: m.ThreadID, Sender: s.user.Name,
		Title: strings.TrimSpace(m.Title), Body: m.Body, Sent: m.Created, Read: true}
	if msg.ThreadID == "" {
		msg.ThreadID = m.ID
	}
	if err := tx.PutMessage(msg, cache.Meta{}); err != nil {
		if isForeignKey(err) {
			return problem("patient", domain.CodeInvalid, "the patient is not in the cache")
		}
		return err
	}
	c := fhir.MessageToCommunication(msg)
	c.ID = ""
	c.Identifier = []fhir.Identifier{fhir.ClientIdentifier(m.ID)}
	c.Sender = fhir.Ref("Practitioner", s.user.ID)
	c.Sender.Display = s.user.Name
	c.Recipient = []fhir.Reference{*fhir.Ref("Patient", m.PatientID)}
	if m.InReplyTo != "" && fhir.ValidID(m.InReplyTo) {
		c.InResponseTo = []fhir.Reference{*fhir.Ref("Communication", m.InReplyTo)}
	}
	if err := s.enqueueWithUUID(tx, m.ID, m.Created, label, "Communication", c); err != nil {
		return err
	}
	if err := tx.TrackLocal(cache.LocalChange{UUID: m.ID, ResourceType: "Communication", LocalID: m.ID,
		PatientID: m.PatientID, Created: m.Created}); err != nil {
		return err
	}
	action := AuditMessage
	if label == OutboxReceipt {
		action = AuditAcknowledge
	}
	return s.audit(tx, m.Created, action, m.PatientID, map[string]any{
		"message": m.ID, "thread": msg.ThreadID, "in_reply_to": m.InReplyTo,
		"old": nil, "new": map[string]any{"title": msg.Title, "body": msg.Body},
	})
}

// MarkRead sets the read state of a message. The central gets the
// Communication with only its ehealth-administrative-status extension
// changed (read/activate; every other extension kept), with If-Match on the
// cached version. Setting the state it already has writes nothing.
func (s *Service) MarkRead(ctx context.Context, messageID string, read bool) error {
	if strings.TrimSpace(messageID) == "" {
		return problem("message", domain.CodeRequired, "choose a message")
	}
	at := s.clock()
	return s.write(ctx, "mark read", func(tx *cache.Tx) error {
		m, meta, err := tx.MessageForUpdate(messageID)
		if errors.Is(err, cache.ErrNotFound) {
			return problem("message", domain.CodeInvalid, "the message is not in the cache")
		}
		if err != nil {
			return err
		}
		if m.Read == read {
			return nil
		}
		if err := tx.SetMessageRead(messageID, read); err != nil {
			return err
		}
		want := m
		want.Read = read
		before, after := fhir.MessageToCommunication(m), fhir.MessageToCommunication(want)
		ch, err := change("Communication", messageID, meta.VersionID,
			map[string]any{"extension": before.Extension}, map[string]any{"extension": after.Extension})
		if err != nil {
			return err
		}
		if _, err := s.queueChanges(tx, at, OutboxMarkRead, ch); err != nil {
			return err
		}
		return s.audit(tx, at, AuditMarkRead, m.PatientID, map[string]any{
			"message": messageID, "old": map[string]any{"read": m.Read}, "new": map[string]any{"read": read},
		})
	})
}

// isForeignKey reports whether err is SQLite's foreign key failure (an
// unknown patient or team).
func isForeignKey(err error) bool {
	return err != nil && strings.Contains(err.Error(), "FOREIGN KEY")
}
