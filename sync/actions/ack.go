package actions

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/outbox"
)

// Outbox labels: what the nurse did, shown on the sync-problems screen.
// How an entry is sent is its Op, never its label.
const (
	OutboxAcknowledge = "acknowledge"     // Task change (status completed, owner, note)
	OutboxAssessment  = "assessment"      // ClinicalImpression conditional create
	OutboxReceipt     = "receipt"         // Communication conditional create
	OutboxResolve     = "resolve-missing" // Task change
	OutboxRegime      = "regime"          // CarePlan + ServiceRequests, one transaction of changes
	OutboxMessage     = "message"         // Communication conditional create
	OutboxMarkRead    = "mark-read"       // Communication change (read-state extension)
	OutboxEpisode     = "episode"         // EpisodeOfCare change
	OutboxNote        = "note"            // Communication (handover-note) conditional create
	OutboxEnrol       = "enrol"           // Patient, EpisodeOfCare, CarePlan…: one transaction Bundle
)

// SystemAssessmentDecision is the code system of the nurse's decision on
// an assessment ClinicalImpression (ours: FUT's decision coding is not
// modelled here).
const SystemAssessmentDecision = "http://telehjerte.example/fhir/CodeSystem/assessment-decision"

// Acknowledge closes exactly a.TaskIDs. Tasks someone else already closed
// are reported in Skipped; an unknown id or one that is not an assessment
// task is refused (a domain.Problems on "tasks") and nothing is written.
func (s *Service) Acknowledge(ctx context.Context, a domain.Acknowledgement) (console.AckResult, error) {
	var res console.AckResult
	if err := a.Validate(); err != nil {
		return res, err
	}
	at := s.clock()
	atText := fhir.FormatInstant(at)
	note := strings.TrimSpace(a.Note)
	err := s.write(ctx, "acknowledge", func(tx *cache.Tx) error {
		res = console.AckResult{}
		patients := map[string]bool{}
		var order []string
		for _, id := range a.TaskIDs {
			ts, err := tx.TaskForUpdate(id)
			if errors.Is(err, cache.ErrNotFound) {
				return problem("tasks", domain.CodeInvalid, fmt.Sprintf("task %s is not in the cache", id))
			}
			if err != nil {
				return err
			}
			if ts.Task.Category != domain.TaskMeasurement {
				return problem("tasks", domain.CodeInvalid, fmt.Sprintf("task %s is not a measurement to acknowledge", id))
			}
			if !ts.Open() {
				res.Skipped = append(res.Skipped, id)
				continue
			}
			if err := tx.CompleteTask(id, s.user.ID, at, note); err != nil {
				return err
			}
			if ts.Task.ByConsole {
				if err := s.acknowledgeConsoleItem(tx, at, ts.Task, note); err != nil {
					return err
				}
				if err := s.audit(tx, at, AuditAcknowledge, ts.Task.PatientID, map[string]any{
					"task": id, "scope": a.Scope.Kind, "classified_by": "console",
					"old": map[string]any{"status": ts.Status},
					"new": map[string]any{"status": cache.TaskCompleted, "note": note, "receipt": a.Receipt},
				}); err != nil {
					return err
				}
				res.Acknowledged = append(res.Acknowledged, id)
				if !patients[ts.Task.PatientID] {
					patients[ts.Task.PatientID] = true
					order = append(order, ts.Task.PatientID)
				}
				continue
			}
			ch, err := taskCompletion(s.user, id, ts.Meta.VersionID, ts.Status, atText, note)
			if err != nil {
				return err
			}
			if _, err := s.queueChanges(tx, at, OutboxAcknowledge, ch); err != nil {
				return err
			}
			ciUUID := s.newUUID()
			ci, err := s.assessment(tx, ciUUID, ts.Task, atText, note)
			if err != nil {
				return err
			}
			if err := s.enqueueWithUUID(tx, ciUUID, at, OutboxAssessment, "ClinicalImpression", ci); err != nil {
				return err
			}
			if err := s.audit(tx, at, AuditAcknowledge, ts.Task.PatientID, map[string]any{
				"task": id, "scope": a.Scope.Kind,
				"old": map[string]any{"status": ts.Status},
				"new": map[string]any{"status": cache.TaskCompleted, "note": note, "receipt": a.Receipt},
			}); err != nil {
				return err
			}
			res.Acknowledged = append(res.Acknowledged, id)
			if !patients[ts.Task.PatientID] {
				patients[ts.Task.PatientID] = true
				order = append(order, ts.Task.PatientID)
			}
		}
		if !a.Receipt {
			return nil
		}
		for _, pid := range order {
			m := domain.OutgoingMessage{ID: s.newUUID(), PatientID: pid, Title: "Kvittering", Body: domain.ReceiptText,
				Author: s.user.Name, Created: at}
			if err := s.queueMessage(tx, m, OutboxReceipt); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return console.AckResult{}, err
	}
	return res, nil
}

// assessment is the ClinicalImpression that records the acknowledgement:
// code MeasurementAssessment, previous → the triage ClinicalImpression the
// console pulled for the reading (none when it knows of none: only ids
// read from the server are referred to), investigation → the reading,
// decision approved, the note.
func (s *Service) assessment(tx *cache.Tx, uuid string, t domain.Task, at, note string) (*fhir.ClinicalImpression, error) {
	code := fhir.Concept(fhir.SystemClinicalImpCode, fhir.CodeMeasurementAssessment, "")
	focus := focusRef(t.FocusID)
	assessor := fhir.Ref("Practitioner", s.user.ID)
	assessor.Display = s.user.Name
	decision := fhir.Concept(SystemAssessmentDecision, "approved", "")
	ci := &fhir.ClinicalImpression{
		Base:       fhir.Base{ResourceType: "ClinicalImpression"},
		Identifier: []fhir.Identifier{fhir.ClientIdentifier(uuid)},
		Status:     "completed",
		Code:       &code,
		Subject:    *fhir.Ref("Patient", t.PatientID),
		Date:       at,
		Assessor:   assessor,
		Finding:    []fhir.ClinicalImpressionFinding{{ItemCodeableConcept: &decision}},
		// The engine drops the assessment when the Task turns out to be
		// completed by someone else already.
		SupportingInfo: []fhir.Reference{*fhir.Ref("Task", t.ID)},
	}
	if focus != nil {
		if id, ok := fhir.RefID(focus, "Observation"); ok {
			triage, known, err := tx.TriageOf(id)
			if err != nil {
				return nil, err
			}
			if known {
				ci.Previous = fhir.Ref("ClinicalImpression", triage)
			}
		}
		ci.Investigation = []fhir.ClinicalImpressionInvestigation{{
			Code: fhir.CodeableConcept{Text: "measurement"}, Item: []fhir.Reference{*focus}}}
	}
	if note != "" {
		ci.Note = []fhir.Annotation{{Text: note}}
	}
	return ci, nil
}

// focusRef is the reference a task's focus id stands for: a bare id is an
// Observation, "Type/id" is used as given.
func focusRef(id string) *fhir.Reference {
	switch {
	case id == "":
		return nil
	case strings.Contains(id, "/"):
		return &fhir.Reference{Reference: id}
	}
	return fhir.Ref("Observation", id)
}

// enqueueWithUUID adds a conditional create (labelled label) whose
// payload carries uuid as its identifier.
func (s *Service) enqueueWithUUID(tx *cache.Tx, uuid string, at time.Time, label, typ string, payload any) error {
	b, err := encode(payload)
	if err != nil {
		return fmt.Errorf("encode %s: %w", label, err)
	}
	return tx.Enqueue(cache.OutboxEntry{UUID: uuid, Created: at, Label: label, Op: outbox.CreateOp(typ, uuid), Payload: b})
}

// acknowledgeConsoleItem records the acknowledgement of a reading or a
// questionnaire answer the central did not triage (the console classified
// it; its worklist item is the console's own, there is no Task on the
// central): in one transaction the triage ClinicalImpression the central
// would have made (TriagingResult, the console's colour, investigation →
// the item's focus: the Observation, or the QuestionnaireResponse its
// focus names, marked classified-by console) and the assessment with
// previous → that triage. A reading the console could not classify (no
// thresholds), or an answer without a severity, gets the assessment only;
// so does an item the server has triaged after all (without a Task), its
// previous → the server's triage.
func (s *Service) acknowledgeConsoleItem(tx *cache.Tx, at time.Time, t domain.Task, note string) error {
	atText := fhir.FormatInstant(at)
	aUUID := s.newUUID()
	assess, err := s.assessment(tx, aUUID, t, atText, note)
	if err != nil {
		return err
	}
	assess.SupportingInfo = nil
	var changes []outbox.Change
	focus := focusRef(t.FocusID)
	if focus == nil {
		return fmt.Errorf("the console's item %s has no focus", t.ID)
	}
	serverTriage, triaged, err := tx.ServerTriageOf(focus.Reference)
	if err != nil {
		return err
	}
	switch {
	case triaged:
		// The server triaged it after all (it made no Task): the
		// assessment refers to that triage, and the console adds none.
		assess.Previous = fhir.Ref("ClinicalImpression", serverTriage)
	case t.Color != domain.Unclassified:
		tUUID := s.newUUID()
		code := fhir.Concept(fhir.SystemClinicalImpCode, fhir.CodeTriagingResult, "")
		colour := fhir.ColourConcept(t.Color)
		by := "console"
		triage := &fhir.ClinicalImpression{
			Base:       fhir.Base{ResourceType: "ClinicalImpression", Extension: []fhir.Extension{{URL: fhir.ExtClassifiedBy, ValueCode: &by}}},
			Identifier: []fhir.Identifier{fhir.ClientIdentifier(tUUID)},
			Status:     "completed",
			Code:       &code,
			Subject:    *fhir.Ref("Patient", t.PatientID),
			Date:       atText,
			Investigation: []fhir.ClinicalImpressionInvestigation{{
				Code: fhir.CodeableConcept{Text: "measurement"}, Item: []fhir.Reference{*focus}}},
			Finding: []fhir.ClinicalImpressionFinding{{ItemCodeableConcept: &colour}},
		}
		raw, err := encode(triage)
		if err != nil {
			return fmt.Errorf("encode triage: %w", err)
		}
		changes = append(changes, outbox.Change{ResourceType: "ClinicalImpression", New: raw, FullURL: "urn:uuid:" + tUUID, Identifier: tUUID})
		assess.Previous = &fhir.Reference{Reference: "urn:uuid:" + tUUID}
	}
	raw, err := encode(assess)
	if err != nil {
		return fmt.Errorf("encode assessment: %w", err)
	}
	changes = append(changes, outbox.Change{ResourceType: "ClinicalImpression", New: raw, FullURL: "urn:uuid:" + aUUID, Identifier: aUUID})
	return s.queueChangesAs(tx, aUUID, at, OutboxAssessment, changes...)
}
