package cache

import (
	"fmt"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// No server-side triage, no alarm: a reading the central sends without any
// triage (no colour on the Observation, no triage ClinicalImpression, no
// review Task) is classified by the console itself with domain.Arrive
// against the regime in force when it was taken, marked ByConsole, and,
// when recent (domain.ConsoleTriageWindow), put on the worklist as a local
// task (id domain.ConsoleTriageID, never sent: the central has no Task for
// it). The item goes when the central's Task for the reading arrives, is
// completed when an assessment of the reading arrives (another console
// acknowledged it), and the colour becomes the central's when its triage
// ClinicalImpression arrives (the item stays the console's own: the
// central has no Task; the read models then no longer mark it as the
// console's classification, see taskByConsole).
//
// A questionnaire answer (QuestionnaireResponse) the central sends without
// a review Task or assessment gets the same local item when recent
// (consoleQuestionnaire): focus domain.QuestionnaireFocus, as a server's
// Task states it, coloured by its worst answer under the patient's own
// answer rules (classifyPro). Its Task arriving later removes the item
// (applyTask; a Task whose focus is the triage ClinicalImpression is linked
// to the answer first), an assessment of the answer completes it
// (applyImpression).

// taskByConsole is a tasks row's by_console as the read models give it
// (domain.Task.ByConsole, "classified by the console"): the console's own
// item, unless its reading has taken the central's triage since. The
// column itself says whether the item is the console's own, which is what
// acknowledging it goes by (TaskForUpdate).
const taskByConsole = `CASE WHEN tasks.by_console = 1 THEN NOT EXISTS (
	SELECT 1 FROM observations o WHERE o.id = tasks.focus_id AND o.by_console = 0) ELSE 0 END`

// consoleTriage classifies a reading the Observation came without triage
// for. task reports whether the console must list it as its own item.
func (tx *Tx) consoleTriage(m domain.Measurement) (c domain.Classification, task bool, err error) {
	// A triage the central made elsewhere (a ClinicalImpression, a Task).
	if id, ok, err := tx.TriageOf(m.ID); err != nil {
		return c, false, err
	} else if ok {
		ci, err := tx.impression(id)
		if err != nil {
			return c, false, err
		}
		if col, ok := impressionColour(ci); ok {
			return domain.Classification{Color: col, ByConsole: byConsole(ci)}, false, nil
		}
	}
	serverTask, err := tx.hasServerReviewTask(m.ID)
	if err != nil {
		return c, false, fmt.Errorf("tasks of reading %s: %w", m.ID, err)
	}
	central, err := tx.centralRegimeHistory(m.PatientID)
	if err != nil {
		return c, false, fmt.Errorf("regime of reading %s: %w", m.ID, err)
	}
	rd, _ := domain.Arrive(m, central)
	rd.ByConsole = true
	recent := !m.Taken.Before(tx.clock().Add(-domain.ConsoleTriageWindow))
	return rd.Classification, !serverTask && recent && domain.ReviewNeeded(rd, central), nil
}

// centralRegimeHistory is the patient's regime history (regimeHistory)
// without the pending (unsent) versions: what the central triages by, as
// it has not got those. A page of readings or questionnaire answers stores
// no regime, so under its look-ups (tx.hints) each patient's history is
// read once for the page, not once per resource.
func (tx *Tx) centralRegimeHistory(patientID string) ([]domain.Regime, error) {
	h := tx.hints
	if h != nil && h.regimes != nil {
		if central, ok := h.regimes[patientID]; ok {
			return central, nil
		}
	}
	versions, err := regimeHistory(tx.ctx, tx.tx, patientID)
	if err != nil {
		return nil, err
	}
	var central []domain.Regime
	for _, r := range versions {
		if !domain.IsPendingVersion(r.Version) {
			central = append(central, r)
		}
	}
	if h != nil && h.regimes != nil {
		h.regimes[patientID] = central
	}
	return central, nil
}

// hasServerReviewTask reports whether the cache holds a review Task of the
// central's (not the console's own item) about focus: a reading's id or
// domain.QuestionnaireFocus.
func (tx *Tx) hasServerReviewTask(focus string) (bool, error) {
	st, err := tx.stmt(`SELECT count(*) FROM tasks WHERE focus_id = ? AND by_console = 0 AND category = ?`)
	if err != nil {
		return false, err
	}
	var n int
	if err := st.QueryRowContext(tx.ctx, focus, string(domain.TaskMeasurement)).Scan(&n); err != nil {
		return false, err
	}
	return n > 0, nil
}

// putConsoleTask lists a reading the console classified as its own open
// item (kept if it is there already, e.g. completed by the nurse).
func (tx *Tx) putConsoleTask(r domain.Reading) error {
	created := r.Received
	if created.IsZero() {
		created = r.Taken
	}
	if _, err := tx.exec(`INSERT INTO tasks (id, patient_id, category, focus_id, color, implausible, status, created, by_console)
VALUES (?, ?, ?, ?, ?, ?, 'ready', ?, 1) ON CONFLICT (id) DO UPDATE SET color = excluded.color, implausible = excluded.implausible`,
		domain.ConsoleTriageID(r.ID), r.PatientID, string(domain.TaskMeasurement), r.ID, r.Color.String(),
		b2i(r.Implausible != ""), ms(created)); err != nil {
		return fmt.Errorf("console item for reading %s: %w", r.ID, err)
	}
	return nil
}

// consoleQuestionnaire lists a questionnaire answer the central made no
// review Task for as the console's own item (kept, e.g. completed, if it is
// there already; its colour follows the answers): when it was answered
// within domain.ConsoleTriageWindow and no one has assessed it. A triage
// of the server's without a Task does not keep it off the worklist (the
// answer is pulled before its ClinicalImpressions, so whether the item is
// listed would otherwise depend on the order they arrived in);
// acknowledging it then refers to that triage (sync/actions).
func (tx *Tx) consoleQuestionnaire(q domain.ProResponse) error {
	if q.Taken.Before(tx.clock().Add(-domain.ConsoleTriageWindow)) {
		return nil
	}
	focus := domain.QuestionnaireFocus(q.ID)
	if serverTask, err := tx.hasServerReviewTask(focus); err != nil {
		return fmt.Errorf("tasks of questionnaire %s: %w", q.ID, err)
	} else if serverTask {
		return nil
	}
	// Only an assessment made after she answered counts; a day's margin
	// for the clock of her device.
	cis, err := tx.impressionsAbout(focus, q.Taken.Add(-24*time.Hour))
	if err != nil {
		return err
	}
	for _, ci := range cis {
		if isCode(ci.Code, fhir.CodeMeasurementAssessment) {
			return nil
		}
	}
	if _, err := tx.exec(`INSERT INTO tasks (id, patient_id, category, focus_id, color, implausible, status, created, by_console)
VALUES (?, ?, ?, ?, ?, 0, 'ready', ?, 1) ON CONFLICT (id) DO UPDATE SET color = excluded.color`,
		domain.ConsoleTriageID(focus), q.PatientID, string(domain.TaskMeasurement), focus, q.Color().String(),
		ms(q.Taken)); err != nil {
		return fmt.Errorf("console item for questionnaire %s: %w", q.ID, err)
	}
	return nil
}

// impressionColour is a triage ClinicalImpression's colour finding.
func impressionColour(ci *fhir.ClinicalImpression) (domain.Color, bool) {
	if ci == nil {
		return domain.Unclassified, false
	}
	var cs []fhir.CodeableConcept
	for _, f := range ci.Finding {
		if f.ItemCodeableConcept != nil {
			cs = append(cs, *f.ItemCodeableConcept)
		}
	}
	return fhir.ColourOf(cs)
}

// byConsole reports whether a triage ClinicalImpression is one a console
// made (ExtClassifiedBy "console").
func byConsole(ci *fhir.ClinicalImpression) bool {
	e := fhir.FindExtension(ci.Extension, fhir.ExtClassifiedBy)
	return e != nil && e.ValueCode != nil && *e.ValueCode == "console"
}

func isCode(c *fhir.CodeableConcept, code string) bool {
	return c != nil && c.HasCode(fhir.SystemClinicalImpCode, code)
}

// applyConsoleTriage follows up a ClinicalImpression about a reading the
// console classified: a triage of the central's takes over the colour; an
// assessment completes the console's item and acknowledges the reading.
func (tx *Tx) applyConsoleTriage(ci *fhir.ClinicalImpression, obs string) error {
	switch {
	case isCode(ci.Code, fhir.CodeTriagingResult) && !byConsole(ci):
		col, ok := impressionColour(ci)
		if !ok {
			return nil
		}
		n, err := tx.exec(`UPDATE observations SET color = ?, by_console = 0 WHERE id = ? AND by_console = 1`, col.String(), obs)
		if err != nil || n == 0 {
			return err
		}
		// The item stays the console's own (by_console: the central has
		// no Task for it, acknowledging it sends none); it is read as
		// classified by the central now (taskByConsole).
		if _, err := tx.exec(`UPDATE tasks SET color = ? WHERE id = ? AND by_console = 1`, col.String(), domain.ConsoleTriageID(obs)); err != nil {
			return err
		}
		_, err = tx.exec(`UPDATE latest_readings SET color = ? WHERE observation_id = ?`, col.String(), obs)
		return err
	case isCode(ci.Code, fhir.CodeMeasurementAssessment):
		if err := tx.completeConsoleItem(obs); err != nil {
			return err
		}
		_, err := tx.exec(`UPDATE observations SET acknowledged = 1 WHERE id = ? AND EXISTS (
	SELECT 1 FROM tasks WHERE id = ? AND status = 'completed')`, obs, domain.ConsoleTriageID(obs))
		return err
	}
	return nil
}

// completeConsoleItem completes the console's own item about focus (a
// reading's id or domain.QuestionnaireFocus): someone assessed it.
func (tx *Tx) completeConsoleItem(focus string) error {
	_, err := tx.exec(`UPDATE tasks SET status = 'completed' WHERE id = ? AND by_console = 1`, domain.ConsoleTriageID(focus))
	return err
}

// ServerTriageOf returns the id of a triage ClinicalImpression the server
// made (not classified-by console) about ref ("Observation/<id>",
// "QuestionnaireResponse/<id>"), as pulled; ok is false when the cache has
// none.
func (tx *Tx) ServerTriageOf(ref string) (id string, ok bool, err error) {
	cis, err := tx.impressionsAbout(ref, time.Time{})
	if err != nil {
		return "", false, err
	}
	for _, ci := range cis {
		if isCode(ci.Code, fhir.CodeTriagingResult) && !byConsole(ci) {
			return ci.ID, true, nil
		}
	}
	return "", false, nil
}
