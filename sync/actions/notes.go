package actions

import (
	"context"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// AddNote adds a handover note: a local row (pending) and a conditional
// create of a Communication with category handover-note addressed to the
// patient's home CareTeam (see docs/fhir-mapping.md).
func (s *Service) AddNote(ctx context.Context, n domain.Note) error {
	at := s.clock()
	if n.Created.IsZero() {
		n.Created = at
	}
	n.Created = n.Created.UTC().Truncate(time.Millisecond)
	if strings.TrimSpace(n.Author) == "" {
		n.Author = s.user.Name
	}
	if err := n.Validate(); err != nil {
		return err
	}
	if n.ID == "" {
		n.ID = s.newUUID()
	}
	n.Text = strings.TrimSpace(n.Text)
	return s.write(ctx, "add note", func(tx *cache.Tx) error {
		var team domain.Team
		if es, ok, err := tx.EpisodeForUpdate(n.PatientID); err != nil {
			return err
		} else if ok {
			team = es.Responsibility.Home
		}
		return s.queueNote(tx, at, n, team)
	})
}

// queueNote writes a note locally, its outbox entry (the note id is the
// outbox UUID and the identifier) and the audit entry.
func (s *Service) queueNote(tx *cache.Tx, at time.Time, n domain.Note, team domain.Team) error {
	n.Sync = ""
	if err := tx.PutNote(n, cache.Meta{}); err != nil {
		if isForeignKey(err) {
			return problem("patient", domain.CodeInvalid, "the patient is not in the cache")
		}
		return err
	}
	c := fhir.NoteToCommunication(n, s.user.ID, team)
	c.ID = ""
	c.Identifier = []fhir.Identifier{fhir.ClientIdentifier(n.ID)}
	if err := s.enqueueWithUUID(tx, n.ID, at, OutboxNote, "Communication", c); err != nil {
		return err
	}
	if err := tx.TrackLocal(cache.LocalChange{UUID: n.ID, ResourceType: "Communication", LocalID: n.ID,
		PatientID: n.PatientID, Created: at}); err != nil {
		return err
	}
	return s.audit(tx, at, AuditNote, n.PatientID, map[string]any{
		"note": n.ID, "old": nil,
		"new": map[string]any{"text": n.Text, "important": n.Important, "remind": fhir.FormatInstant(n.Remind)},
	})
}
