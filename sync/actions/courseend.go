package actions

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// Audit actions of the course.
const (
	AuditReevaluation = "record-reevaluation"
	AuditEndCourse    = "end-course"
)

// RecordReevaluation records a re-evaluation: for continue and change a new
// regime version whose re-evaluation date is r.Next (the reason says the
// outcome and the note), which ends the "revurdering" reminder; for end
// nothing is written here (the end follows with EndCourse) beyond the
// audit entry.
func (s *Service) RecordReevaluation(ctx context.Context, r domain.Reevaluation, loc *time.Location) error {
	at := s.clock()
	if loc == nil {
		loc = time.UTC
	}
	if err := r.Validate(at.In(loc)); err != nil {
		return err
	}
	note := strings.TrimSpace(r.Note)
	return s.write(ctx, "record re-evaluation", func(tx *cache.Tx) error {
		cur, ok, err := tx.CurrentRegime(r.PatientID)
		if err != nil {
			return err
		}
		if !ok {
			return problem("patient", domain.CodeInvalid, "the patient has no regime in the cache")
		}
		if r.Outcome != domain.ReevalEnd {
			next := cur.Regime
			next.Reevaluation = r.Next
			next.EffectiveFrom = at
			next.Author = s.user.Name
			next.Reason = "revurdering: " + string(r.Outcome)
			if note != "" {
				next.Reason += ": " + note
			}
			if err := s.saveRegimeVersion(tx, at, cur, next); err != nil {
				return err
			}
		}
		return s.audit(tx, at, AuditReevaluation, r.PatientID, map[string]any{
			"regime": cur.Meta.ID, "outcome": r.Outcome, "note": note,
			"old": map[string]any{"reevaluation": fhir.FormatInstant(cur.Regime.Reevaluation)},
			"new": map[string]any{"reevaluation": fhir.FormatInstant(r.Next)},
		})
	})
}

// EndCourse ends the patient's course: a regime version in phase ended
// with the end as its End (the CarePlan and its ServiceRequests completed,
// so nothing more is expected), the EpisodeOfCare finished with the reason,
// who holds treatment responsibility afterwards and the note, and the
// closing note as a handover note, queued in that order. Open tasks must
// have been acknowledged or closed first (the console closes them when the
// nurse asks it to): any still open is a problem on "open".
func (s *Service) EndCourse(ctx context.Context, e domain.CourseEnd, loc *time.Location) error {
	at := s.clock()
	if loc == nil {
		loc = time.UTC
	}
	e.Note = strings.TrimSpace(e.Note)
	return s.write(ctx, "end course", func(tx *cache.Tx) error {
		cur, ok, err := tx.CurrentRegime(e.PatientID)
		if err != nil {
			return err
		}
		if !ok {
			return problem("patient", domain.CodeInvalid, "the patient has no regime in the cache")
		}
		if cur.Regime.Phase == domain.PhaseEnded {
			return problem("patient", domain.CodeInvalid, "the course has already ended")
		}
		open, err := tx.OpenTaskCount(e.PatientID)
		if err != nil {
			return err
		}
		e.OpenItems, e.CloseOpen = open, false
		if err := e.Validate(at.In(loc), cur.Regime.Start); err != nil {
			return err
		}
		end := e.EndAt(at, loc)
		next := cur.Regime
		next.Phase, next.End, next.EffectiveFrom = domain.PhaseEnded, end, at
		next.Author = s.user.Name
		next.Reason = "afsluttet: " + string(e.Reason) + "; behandlingsansvar: " + string(e.After)
		if err := s.saveRegimeVersion(tx, at, cur, next); err != nil {
			return err
		}
		es, ok, err := tx.EpisodeForUpdate(e.PatientID)
		if err != nil {
			return err
		}
		if !ok {
			return problem("patient", domain.CodeInvalid, "the patient has no episode of care in the cache")
		}
		before := fhir.ResponsibilityToEpisodeOfCare(es.Meta.ID, es.PatientID, es.Responsibility)
		after := fhir.ResponsibilityToEpisodeOfCare(es.Meta.ID, es.PatientID, domain.Responsibility{Home: es.Responsibility.Home})
		fhir.FinishEpisode(after, e, end)
		ch, err := change("EpisodeOfCare", es.Meta.ID, es.Meta.VersionID, before, after)
		if err != nil {
			return err
		}
		if _, err := s.queueChanges(tx, at, OutboxEpisode, ch); err != nil {
			return err
		}
		text := fmt.Sprintf("Forløb afsluttet %s: %s. Behandlingsansvar herefter: %s.", end.In(loc).Format("02.01.2006"),
			endReasonDa[e.Reason], afterCareDa[e.After])
		if e.Note != "" {
			text += " " + e.Note
		}
		if err := s.queueNote(tx, at, domain.Note{ID: s.newUUID(), PatientID: e.PatientID, Author: s.user.Name,
			Text: text, Important: true, Created: at}, es.Responsibility.Home); err != nil {
			return err
		}
		return s.audit(tx, at, AuditEndCourse, e.PatientID, map[string]any{
			"regime": cur.Meta.ID, "episode": es.Meta.ID,
			"old": map[string]any{"phase": cur.Regime.Phase, "end": fhir.FormatInstant(cur.Regime.End)},
			"new": map[string]any{"phase": domain.PhaseEnded, "end": fhir.FormatInstant(end), "reason": e.Reason,
				"after": e.After, "note": e.Note},
		})
	})
}

// The closing note is a record in the clinic's language.
var (
	endReasonDa = map[domain.EndReason]string{
		domain.EndStable: "stabil", domain.EndNotNeeded: "har ikke længere brug for monitorering",
		domain.EndFailed: "måler ikke", domain.EndMoved: "fraflyttet", domain.EndDied: "død",
		domain.EndOwnWish: "eget ønske", domain.EndOtherReason: "andet",
	}
	afterCareDa = map[domain.AfterCare]string{domain.AfterGP: "egen læge", domain.AfterClinic: "hjertesvigtsklinikken"}
)

// RecordReevaluation records a re-evaluation in the clinic's time zone.
func (e *Enroller) RecordReevaluation(ctx context.Context, r domain.Reevaluation) error {
	return e.s.RecordReevaluation(ctx, r, e.loc)
}

// EndCourse ends a course in the clinic's time zone.
func (e *Enroller) EndCourse(ctx context.Context, c domain.CourseEnd) error {
	return e.s.EndCourse(ctx, c, e.loc)
}
