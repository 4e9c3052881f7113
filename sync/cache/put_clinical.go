package cache

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// ServiceRequestRef identifies the ServiceRequest version a regime version
// was built from, for one measurement kind.
type ServiceRequestRef struct {
	ID        string `json:"id"`
	VersionID string `json:"version_id"`
}

// PutRegime stores one version of a patient's regime (a CarePlan id and
// version). Every version is kept; see RegimeHistory.
func (tx *Tx) PutRegime(r domain.Regime, m Meta) error {
	return tx.PutRegimeRefs(r, m, nil)
}

// PutRegimeRefs is PutRegime that also records the ServiceRequest per kind
// the version was built from. With no refs, refs stored earlier are kept.
func (tx *Tx) PutRegimeRefs(r domain.Regime, m Meta, refs map[domain.Kind]ServiceRequestRef) error {
	id, err := resolveID("regime", r.ID, m.ID)
	if err != nil {
		return fmt.Errorf("put regime: %w", err)
	}
	version, err := resolveID("regime "+id+" version", r.Version, m.VersionID)
	if err != nil {
		return fmt.Errorf("put regime: %w", err)
	}
	if r.PatientID == "" {
		return fmt.Errorf("put regime %s/%s: missing patient id", id, version)
	}
	j, err := encodeRegime(r)
	if err != nil {
		return fmt.Errorf("put regime %s/%s: %w", id, version, err)
	}
	srs := "{}"
	if len(refs) > 0 {
		b, err := json.Marshal(refs)
		if err != nil {
			return fmt.Errorf("put regime %s/%s: encode service requests: %w", id, version, err)
		}
		srs = string(b)
	}
	const q = `INSERT INTO regimes (id, version_id, last_updated, patient_id, effective_from, start, "end",
	phase, reevaluation, reference_weight, schedules, thresholds, trend_rule, pauses,
	author, physician, reason, service_requests, startup_end, review_days, pro_rules, questionnaires)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id, version_id) DO UPDATE SET last_updated = excluded.last_updated,
	patient_id = excluded.patient_id, effective_from = excluded.effective_from,
	start = excluded.start, "end" = excluded."end", phase = excluded.phase,
	reevaluation = excluded.reevaluation, reference_weight = excluded.reference_weight,
	schedules = excluded.schedules, thresholds = excluded.thresholds,
	trend_rule = excluded.trend_rule, pauses = excluded.pauses, author = excluded.author,
	physician = excluded.physician, reason = excluded.reason,
	startup_end = excluded.startup_end, review_days = excluded.review_days, pro_rules = excluded.pro_rules,
	questionnaires = excluded.questionnaires,
	service_requests = CASE WHEN excluded.service_requests = '{}'
		THEN regimes.service_requests ELSE excluded.service_requests END
WHERE excluded.last_updated >= regimes.last_updated`
	if _, err := tx.exec(q, id, version, msOrZero(m.LastUpdated), r.PatientID, ms(r.EffectiveFrom),
		ms(r.Start), ms(r.End), string(r.Phase), ms(r.Reevaluation), r.Thresholds.ReferenceWeight,
		j.schedules, j.thresholds, j.trend, j.pauses, r.Author, r.Physician, r.Reason, srs,
		ms(r.StartUpEnd), r.ReviewDays, j.proRules, j.questionnaires); err != nil {
		return fmt.Errorf("put regime %s/%s: %w", id, version, err)
	}
	return nil
}

const upsertObservation = `INSERT INTO observations (id, version_id, last_updated, patient_id, kind, taken,
	received, value, value2, extra, color, implausible, limits, acknowledged, by_console)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET version_id = excluded.version_id, last_updated = excluded.last_updated,
	patient_id = excluded.patient_id, kind = excluded.kind, taken = excluded.taken,
	received = excluded.received, value = excluded.value, value2 = excluded.value2,
	extra = excluded.extra, color = excluded.color, implausible = excluded.implausible,
	limits = excluded.limits, acknowledged = excluded.acknowledged, by_console = excluded.by_console
WHERE `

// upsertLatest moves latest_readings forward to the given reading when it is
// at least as new (by taken, then id) as the one there: one key seek.
const upsertLatest = `INSERT INTO latest_readings (patient_id, kind, observation_id, taken, value, value2, color, implausible)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (patient_id, kind) DO UPDATE SET observation_id = excluded.observation_id,
	taken = excluded.taken, value = excluded.value, value2 = excluded.value2,
	color = excluded.color, implausible = excluded.implausible
WHERE (excluded.taken, excluded.observation_id) >= (latest_readings.taken, latest_readings.observation_id)`

// refreshLatest recomputes latest_readings for one patient and kind from the
// newest observation (by taken, then id) whose time taken is plausible
// (domain.ImplausibleTime: not before domain.EarliestTaken, not more than
// domain.MaxTakenSkew after it was received, or after now when that is
// unknown). Parameters: patient, kind, earliest, now, skew (ms).
const refreshLatest = `INSERT INTO latest_readings (patient_id, kind, observation_id, taken, value, value2, color, implausible)
SELECT patient_id, kind, id, taken, value, value2, color, implausible <> ''
FROM observations WHERE patient_id = ?1 AND kind = ?2 AND taken >= ?3 AND taken <= coalesce(received, ?4) + ?5
ORDER BY taken DESC, id DESC LIMIT 1
ON CONFLICT (patient_id, kind) DO UPDATE SET observation_id = excluded.observation_id,
	taken = excluded.taken, value = excluded.value, value2 = excluded.value2,
	color = excluded.color, implausible = excluded.implausible`

// PutReading stores a reading (an Observation) with the classification it
// got on arrival, and keeps latest_readings pointing at the patient's newest
// reading of that kind, whatever order readings arrive in. Observations are
// immutable in FHIR: a new version may change the values or the
// acknowledgement but not the patient or kind.
func (tx *Tx) PutReading(r domain.Reading, m Meta) error {
	id, err := resolveID("reading", r.ID, m.ID)
	if err != nil {
		return fmt.Errorf("put reading: %w", err)
	}
	if r.PatientID == "" {
		return fmt.Errorf("put reading %s: missing patient id", id)
	}
	if _, err := domain.ParseKind(string(r.Kind)); err != nil {
		return fmt.Errorf("put reading %s: %w", id, err)
	}
	if r.Taken.IsZero() {
		return fmt.Errorf("put reading %s: missing time taken", id)
	}
	limits, err := encodeLimits(r.Limits)
	if err != nil {
		return fmt.Errorf("put reading %s: %w", id, err)
	}
	// A reading dated where it cannot be (9999-12-31, year 1) is kept and
	// flagged, and never becomes the latest.
	badTime := domain.ImplausibleTime(r.Taken, r.Received, tx.clock())
	if badTime != "" && r.Implausible == "" {
		r.Implausible = badTime
	}
	n, err := tx.exec(upsertObservation+newer("observations"), id, m.VersionID, msOrZero(m.LastUpdated),
		r.PatientID, string(r.Kind), r.Taken.UnixMilli(), ms(r.Received), r.Value, r.Value2,
		b2i(r.Extra), r.Color.String(), r.Implausible, limits, b2i(r.Acknowledged), b2i(r.ByConsole))
	if err != nil {
		return fmt.Errorf("put reading %s: %w", id, err)
	}
	if n == 0 { // an older version than the stored one: nothing changed
		return nil
	}
	if h := tx.hinted(ApplyResult{Type: "Observation", ID: id}); h != nil && h.latest != nil && badTime == "" {
		if _, stored := h.known[id]; !stored {
			// New to the cache, so not the latest reading yet: the page
			// gives latest_readings its newest reading at its end.
			h.deferLatest(id, r)
			return nil
		}
	}
	if err := tx.updateLatest(id, r, badTime == ""); err != nil {
		return fmt.Errorf("put reading %s: latest: %w", id, err)
	}
	return nil
}

// updateLatest keeps latest_readings on the newest reading of r's patient
// and kind after r (stored as id) was written. A reading whose time taken
// is not plausible never becomes the latest.
func (tx *Tx) updateLatest(id string, r domain.Reading, plausibleTime bool) error {
	if plausibleTime {
		n, err := tx.exec(upsertLatest, r.PatientID, string(r.Kind), id, r.Taken.UnixMilli(), r.Value, r.Value2,
			r.Color.String(), b2i(r.Implausible != ""))
		if err != nil || n > 0 {
			return err
		}
	}
	// r is older than the latest reading (or not to be the latest): nothing
	// to do, unless r is that reading, corrected to an earlier or an
	// implausible time; then another may be newest now, or none.
	st, err := tx.stmt(`SELECT observation_id FROM latest_readings WHERE patient_id = ? AND kind = ?`)
	if err != nil {
		return err
	}
	var cur string
	err = st.QueryRowContext(tx.ctx, r.PatientID, string(r.Kind)).Scan(&cur)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && cur != id) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM latest_readings WHERE patient_id = ? AND kind = ?`, r.PatientID, string(r.Kind)); err != nil {
		return err
	}
	_, err = tx.exec(refreshLatest, r.PatientID, string(r.Kind), domain.EarliestTaken.UnixMilli(), tx.clock().UnixMilli(),
		domain.MaxTakenSkew.Milliseconds())
	return err
}

// PutQuestionnaire stores a QuestionnaireResponse; its colour is its worst
// answer's.
func (tx *Tx) PutQuestionnaire(q domain.ProResponse, m Meta) error {
	id, err := resolveID("questionnaire", q.ID, m.ID)
	if err != nil {
		return fmt.Errorf("put questionnaire: %w", err)
	}
	if q.PatientID == "" {
		return fmt.Errorf("put questionnaire %s: missing patient id", id)
	}
	if q.Taken.IsZero() {
		return fmt.Errorf("put questionnaire %s: missing time taken", id)
	}
	answers, err := encodeAnswers(q.Answers)
	if err != nil {
		return fmt.Errorf("put questionnaire %s: %w", id, err)
	}
	const sq = `INSERT INTO questionnaire_responses (id, version_id, last_updated, patient_id, taken, answers, color, questionnaire)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET version_id = excluded.version_id, last_updated = excluded.last_updated,
	patient_id = excluded.patient_id, taken = excluded.taken, answers = excluded.answers, color = excluded.color,
	questionnaire = excluded.questionnaire
WHERE `
	if _, err := tx.exec(sq+newer("questionnaire_responses"), id, m.VersionID, msOrZero(m.LastUpdated),
		q.PatientID, q.Taken.UnixMilli(), answers, q.Color().String(), q.Questionnaire); err != nil {
		return fmt.Errorf("put questionnaire %s: %w", id, err)
	}
	return nil
}

// Task statuses stored (FHIR Task.status). A domain.Task that is not Done is
// stored as TaskReady.
const (
	TaskReady      = "ready"
	TaskInProgress = "in-progress"
	TaskCompleted  = "completed"
)

// PutTask stores a Task: open (status ready) unless t.Done (completed).
func (tx *Tx) PutTask(t domain.Task, m Meta) error {
	id, err := resolveID("task", t.ID, m.ID)
	if err != nil {
		return fmt.Errorf("put task: %w", err)
	}
	if t.PatientID == "" || t.Category == "" {
		return fmt.Errorf("put task %s: patient id and category are required", id)
	}
	if t.Kind != "" {
		if _, err := domain.ParseKind(string(t.Kind)); err != nil {
			return fmt.Errorf("put task %s: %w", id, err)
		}
	}
	status := TaskReady
	if t.Done {
		status = TaskCompleted
	}
	const q = `INSERT INTO tasks (id, version_id, last_updated, patient_id, category, focus_id, kind, color,
	implausible, status, created, due, done_by, done_at, note, by_console)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET version_id = excluded.version_id, last_updated = excluded.last_updated,
	patient_id = excluded.patient_id, category = excluded.category, focus_id = excluded.focus_id,
	kind = excluded.kind, color = excluded.color, implausible = excluded.implausible,
	status = excluded.status, created = excluded.created, due = excluded.due,
	done_by = excluded.done_by, done_at = excluded.done_at, note = excluded.note, by_console = excluded.by_console
WHERE `
	n, err := tx.exec(q+newer("tasks"), id, m.VersionID, msOrZero(m.LastUpdated), t.PatientID,
		string(t.Category), t.FocusID, string(t.Kind), t.Color.String(), b2i(t.Implausible), status,
		ms(t.Created), ms(t.Due), t.DoneBy, ms(t.DoneAt), t.Note, b2i(t.ByConsole))
	if err != nil {
		return fmt.Errorf("put task %s: %w", id, err)
	}
	if n > 0 {
		return nil // by_console written with the row
	}
	// Not written (the stored row is newer): the flag still follows this
	// version when the stored row carries it.
	if _, err := tx.exec(`UPDATE tasks SET by_console = ? WHERE id = ? AND version_id = ?`, b2i(t.ByConsole), id, m.VersionID); err != nil {
		return fmt.Errorf("put task %s: %w", id, err)
	}
	return nil
}

// PutMessage stores a Communication.
func (tx *Tx) PutMessage(msg domain.Message, m Meta) error {
	id, err := resolveID("message", msg.ID, m.ID)
	if err != nil {
		return fmt.Errorf("put message: %w", err)
	}
	if msg.PatientID == "" {
		return fmt.Errorf("put message %s: missing patient id", id)
	}
	const q = `INSERT INTO communications (id, version_id, last_updated, patient_id, thread_id, from_patient,
	sender, title, body, sent, read)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET version_id = excluded.version_id, last_updated = excluded.last_updated,
	patient_id = excluded.patient_id, thread_id = excluded.thread_id, from_patient = excluded.from_patient,
	sender = excluded.sender, title = excluded.title, body = excluded.body, sent = excluded.sent,
	read = excluded.read
WHERE `
	if _, err := tx.exec(q+newer("communications"), id, m.VersionID, msOrZero(m.LastUpdated), msg.PatientID,
		msg.ThreadID, b2i(msg.FromPatient), msg.Sender, msg.Title, msg.Body, ms(msg.Sent), b2i(msg.Read)); err != nil {
		return fmt.Errorf("put message %s: %w", id, err)
	}
	return nil
}

// PutQuestionnaireDef stores a questionnaire's definition (a FHIR
// Questionnaire: its questions and the answers each offers).
func (tx *Tx) PutQuestionnaireDef(q domain.Questionnaire, m Meta) error {
	id, err := resolveID("questionnaire definition", q.ID, m.ID)
	if err != nil {
		return fmt.Errorf("put questionnaire definition: %w", err)
	}
	if q.URL == "" {
		return fmt.Errorf("put questionnaire definition %s: it has no canonical url", id)
	}
	questions, err := encodeQuestions(q.Questions)
	if err != nil {
		return fmt.Errorf("put questionnaire definition %s: %w", id, err)
	}
	const sq = `INSERT INTO questionnaires (id, version_id, last_updated, url, version, status, title, questions)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET version_id = excluded.version_id, last_updated = excluded.last_updated,
	url = excluded.url, version = excluded.version, status = excluded.status, title = excluded.title,
	questions = excluded.questions
WHERE `
	if _, err := tx.exec(sq+newer("questionnaires"), id, m.VersionID, msOrZero(m.LastUpdated),
		q.URL, q.Version, q.Status, q.Title, questions); err != nil {
		return fmt.Errorf("put questionnaire definition %s: %w", id, err)
	}
	return nil
}

// questionnaireDef is the stored definition a canonical reference names
// (url, or url|version; no version: the newest), false when none.
//
// A page of answer sets stores no definition, so under its look-ups
// (tx.hints) each reference is resolved once for the page, not once per
// answer set.
func (tx *Tx) questionnaireDef(ref string) (domain.Questionnaire, bool, error) {
	h := tx.hints
	if h != nil && h.defs != nil {
		if l, ok := h.defs[ref]; ok {
			return l.def, l.found, nil
		}
	}
	u, _ := domain.SplitCanonical(ref)
	if u == "" {
		return domain.Questionnaire{}, false, nil
	}
	defs, err := questionnairesByURL(tx.ctx, tx.tx, []any{u})
	if err != nil {
		return domain.Questionnaire{}, false, err
	}
	var l questionnaireLookup
	if found, _ := domain.ResolveQuestionnaires([]string{ref}, defs); len(found) > 0 {
		l = questionnaireLookup{def: found[0], found: true}
	}
	if h != nil && h.defs != nil {
		h.defs[ref] = l
	}
	return l.def, l.found, nil
}

// questionnaireLookup is what questionnaireDef found for a reference.
type questionnaireLookup struct {
	def   domain.Questionnaire
	found bool
}

// questionnairesByURL reads the stored definitions of the canonical URLs
// urls (every version), oldest first, for domain.ResolveQuestionnaires.
func questionnairesByURL(ctx context.Context, tx *sql.Tx, urls []any) ([]domain.Questionnaire, error) {
	if len(urls) == 0 {
		return nil, nil
	}
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(urls)), ", ")
	var out []domain.Questionnaire
	err := eachRow(ctx, tx, `SELECT id, url, version, status, title, questions FROM questionnaires
WHERE url IN (`+ph+`) ORDER BY last_updated, id`, urls, func(sc scanner) error {
		var q domain.Questionnaire
		var questions string
		if err := sc.Scan(&q.ID, &q.URL, &q.Version, &q.Status, &q.Title, &questions); err != nil {
			return err
		}
		var err error
		if q.Questions, err = decodeQuestions(questions); err != nil {
			return fmt.Errorf("questionnaire %s: %w", q.ID, err)
		}
		out = append(out, q)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("questionnaires %v: %w", urls, err)
	}
	return out, nil
}
