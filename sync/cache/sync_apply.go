package cache

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// How ApplyResource dealt with a resource.
const (
	// Applied: stored (new, or a newer version).
	Applied = "applied"
	// Known: this version (or a newer one) is already in the cache.
	Known = "known"
	// Parked: kept in sync_parked with the reason, because it cannot be
	// stored yet (e.g. its patient is not in the cache) or does not map.
	// RetryParked tries again.
	Parked = "parked"
	// Ignored: a resource type the cache does not keep.
	Ignored = "ignored"
)

// ApplyResult says what became of one pulled resource.
type ApplyResult struct {
	Type, ID, VersionID string
	LastUpdated         time.Time // zero when the resource had none
	Outcome             string    // Applied, Known, Parked or Ignored
	Reason              string    // why it was parked
}

// replicaTables is where each pulled type is kept, for the version check.
var replicaTables = map[string]string{
	"Patient":               "patients",
	"Practitioner":          "practitioners",
	"Organization":          "organizations",
	"CareTeam":              "care_teams",
	"EpisodeOfCare":         "episodes_of_care",
	"Observation":           "observations",
	"QuestionnaireResponse": "questionnaire_responses",
	"Questionnaire":         "questionnaires",
	"Task":                  "tasks",
	"Communication":         "communications",
}

// rawTypes are kept as JSON in sync_resources only (CarePlans and
// ServiceRequests projected into regimes; ClinicalImpressions read for the
// triage a Task or an assessment refers to).
func rawType(typ string) bool {
	return typ == "CarePlan" || typ == "ServiceRequest" || typ == "ClinicalImpression"
}

// ApplyResource stores one pulled resource (FHIR JSON from the server) in
// the cache, in its own savepoint of this transaction. A resource the cache
// already holds at this version (or newer) is Known and not rewritten; one
// that cannot be decoded, mapped or stored (a missing patient, a value the
// schema refuses) is Parked with the reason rather than lost. The returned
// error is only for failures of the database itself, which abort the
// transaction. Needs PrepareSync.
func (tx *Tx) ApplyResource(raw []byte) (ApplyResult, error) {
	return tx.applyPulled(Decode(raw))
}

// applyPulled is ApplyResource of a decoded resource. Under ApplyPage's
// look-ups (tx.hints) it stores without a savepoint of its own and returns
// errSlowPath for anything but a resource of the page's type that is
// stored or known.
func (tx *Tx) applyPulled(p Pulled) (ApplyResult, error) {
	var res ApplyResult
	raw, r, err := p.raw, p.r, p.err
	if err != nil {
		if tx.hints != nil {
			return res, errSlowPath
		}
		typ, id, vid, lu := peekHeader(raw)
		res = ApplyResult{Type: typ, ID: id, VersionID: vid, LastUpdated: lu}
		if id != "" && vid != "" {
			if known, kerr := tx.parkedVersion(res); kerr != nil {
				return res, kerr
			} else if known {
				res.Outcome = Known
				return res, nil
			}
		}
		return tx.park(res, raw, err)
	}
	hd := r.Header()
	res.Type, res.ID = hd.ResourceType, hd.ID
	if hd.Meta != nil {
		res.VersionID = hd.Meta.VersionID
		if t, err := fhir.ParseDateTime(hd.Meta.LastUpdated); err == nil {
			res.LastUpdated = t
		}
	}
	if _, ok := replicaTables[res.Type]; !ok && !rawType(res.Type) {
		res.Outcome = Ignored
		return res, nil
	}
	h := tx.hinted(res)
	if tx.hints != nil && (h == nil || res.ID == "") {
		return res, errSlowPath
	}
	if res.ID == "" {
		return tx.park(res, raw, errors.New("resource has no id"))
	}
	known, err := tx.knownVersion(res)
	if err != nil {
		return res, err
	}
	if known {
		res.Outcome = Known
		return res, nil
	}
	m := Meta{ID: res.ID, VersionID: res.VersionID, LastUpdated: res.LastUpdated}
	if h != nil {
		// The page's savepoint stands for this resource's own: whatever
		// fails, the page is stored again one resource at a time.
		if err := tx.applyDecoded(r, raw, m); err != nil {
			if isDatabaseFailure(err) {
				return res, fmt.Errorf("apply %s %s: %w", res.Type, res.ID, err)
			}
			return res, errSlowPath
		}
		if writableRaw[res.Type] {
			if err := tx.putRaw(res.Type, m, "", raw); err != nil {
				if isDatabaseFailure(err) {
					return res, fmt.Errorf("apply %s %s: %w", res.Type, res.ID, err)
				}
				return res, errSlowPath
			}
		}
		h.touched[res.ID] = true
		if _, parked := h.parked[res.ID]; parked {
			if _, err := tx.exec(`DELETE FROM sync_parked WHERE resource_type = ? AND id = ?`, res.Type, res.ID); err != nil {
				return res, fmt.Errorf("apply %s: unpark: %w", res.Type, err)
			}
		}
		res.Outcome = Applied
		return res, nil
	}
	if _, err := tx.tx.ExecContext(tx.ctx, `SAVEPOINT apply_resource`); err != nil {
		return res, fmt.Errorf("apply %s: savepoint: %w", res.Type, err)
	}
	applyErr := tx.applyDecoded(r, raw, m)
	if applyErr == nil && writableRaw[res.Type] {
		applyErr = tx.putRaw(res.Type, m, "", raw)
	}
	if applyErr != nil {
		if _, err := tx.tx.ExecContext(tx.ctx, `ROLLBACK TO apply_resource`); err != nil {
			return res, fmt.Errorf("apply %s: rollback to savepoint: %w", res.Type, err)
		}
	}
	if _, err := tx.tx.ExecContext(tx.ctx, `RELEASE apply_resource`); err != nil {
		return res, fmt.Errorf("apply %s: release savepoint: %w", res.Type, err)
	}
	if applyErr != nil {
		if isDatabaseFailure(applyErr) {
			return res, fmt.Errorf("apply %s %s: %w", res.Type, res.ID, applyErr)
		}
		return tx.park(res, raw, applyErr)
	}
	if _, err := tx.exec(`DELETE FROM sync_parked WHERE resource_type = ? AND id = ?`, res.Type, res.ID); err != nil {
		return res, fmt.Errorf("apply %s: unpark: %w", res.Type, err)
	}
	res.Outcome = Applied
	return res, nil
}

// isDatabaseFailure tells a broken database (disk full, I/O, corrupt) from a
// row the schema refuses (constraint) or a mapping error (not from SQLite).
func isDatabaseFailure(err error) bool {
	var coded interface{ Code() int }
	if !errors.As(err, &coded) {
		return false
	}
	const sqliteConstraint = 19
	return coded.Code()&0xff != sqliteConstraint
}

// peekHeader reads what it can of a resource that failed to decode, so it
// can be parked under its identity.
func peekHeader(raw []byte) (typ, id, vid string, lu time.Time) {
	typ, _ = fhir.ResourceTypeOf(raw)
	var b fhir.Base
	if fhir.ValidID(typ) && json.Unmarshal(raw, &b) == nil {
		id = b.ID
		if b.Meta != nil {
			vid = b.Meta.VersionID
			lu, _ = fhir.ParseDateTime(b.Meta.LastUpdated)
		}
	}
	return typ, id, vid, lu
}

// maxParkedReason bounds the stored reason.
const maxParkedReason = 500

func (tx *Tx) park(res ApplyResult, raw []byte, why error) (ApplyResult, error) {
	res.Outcome = Parked
	res.Reason = why.Error()
	if len(res.Reason) > maxParkedReason {
		res.Reason = res.Reason[:maxParkedReason]
	}
	typ, id := res.Type, res.ID
	if typ == "" {
		typ = "?"
	}
	if id == "" || !fhir.ValidID(id) {
		// No usable identity: keep it under a content key so nothing is lost.
		id = fmt.Sprintf("noid-%x", fnv64(raw))
	}
	body := strings.ToValidUTF8(string(raw), "\uFFFD")
	// The very same content parked already (a resource with no usable id or
	// version, served again): it is not new, and counting it as new would
	// keep the pull loop from settling.
	st, err := tx.stmt(`SELECT json FROM sync_parked WHERE resource_type = ? AND id = ?`)
	if err != nil {
		return res, err
	}
	var prev string
	switch err := st.QueryRowContext(tx.ctx, typ, id).Scan(&prev); {
	case err == nil && prev == body:
		res.Outcome, res.Reason = Known, ""
		return res, nil
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return res, fmt.Errorf("park %s: %w", typ, err)
	}
	if _, err := tx.exec(`INSERT INTO sync_parked (resource_type, id, version_id, last_updated, json, reason, parked)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (resource_type, id) DO UPDATE SET version_id = excluded.version_id, last_updated = excluded.last_updated,
	json = excluded.json, reason = excluded.reason, parked = excluded.parked`,
		typ, id, res.VersionID, msOrZero(res.LastUpdated), body, res.Reason, tx.clock().UnixMilli()); err != nil {
		return res, fmt.Errorf("park %s: %w", typ, err)
	}
	return res, nil
}

func fnv64(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// knownVersion reports whether the cache holds this version of the
// resource or a newer one (by last_updated), or has parked this very
// version already.
func (tx *Tx) knownVersion(res ApplyResult) (bool, error) {
	if h := tx.hinted(res); h != nil {
		if v, ok := h.known[res.ID]; ok && v.covers(res) {
			return true, nil
		}
		vid, ok := h.parked[res.ID]
		return ok && vid == res.VersionID && res.VersionID != "", nil
	}
	var q string
	args := []any{res.ID}
	if rawType(res.Type) {
		q = `SELECT version_id, last_updated FROM sync_resources WHERE resource_type = ? AND id = ?`
		args = []any{res.Type, res.ID}
	} else if res.Type == "CareTeam" {
		// Teams are projected; se-adgang grants are kept raw.
		q = `SELECT version_id, last_updated FROM care_teams WHERE id = ?1
UNION ALL SELECT version_id, last_updated FROM sync_resources WHERE resource_type = 'CareTeam' AND id = ?1 LIMIT 1`
	} else if res.Type == "Communication" {
		// Messages and handover notes are both Communications.
		q = `SELECT version_id, last_updated FROM communications WHERE id = ?1
UNION ALL SELECT version_id, last_updated FROM notes WHERE id = ?1 LIMIT 1`
	} else {
		q = `SELECT version_id, last_updated FROM ` + replicaTables[res.Type] + ` WHERE id = ?`
	}
	st, err := tx.stmt(q)
	if err != nil {
		return false, err
	}
	var vid string
	var lu int64
	err = st.QueryRowContext(tx.ctx, args...).Scan(&vid, &lu)
	switch {
	case err == nil:
		if (storedVersion{vid: vid, lu: lu}).covers(res) {
			return true, nil
		}
	case !errors.Is(err, sql.ErrNoRows):
		return false, fmt.Errorf("known %s: %w", res.Type, err)
	}
	return tx.parkedVersion(res)
}

// parkedVersion reports whether this very version is parked already.
func (tx *Tx) parkedVersion(res ApplyResult) (bool, error) {
	st, err := tx.stmt(`SELECT version_id FROM sync_parked WHERE resource_type = ? AND id = ?`)
	if err != nil {
		return false, err
	}
	var vid string
	err = st.QueryRowContext(tx.ctx, res.Type, res.ID).Scan(&vid)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("known %s: %w", res.Type, err)
	}
	// Parked at this version already: counting it again would keep the
	// pull loop from settling.
	return vid == res.VersionID && res.VersionID != "", nil
}

// applyDecoded maps a decoded resource onto the cache's Put methods.
func (tx *Tx) applyDecoded(r fhir.Resource, raw []byte, m Meta) error {
	switch v := r.(type) {
	case *fhir.Patient:
		p, err := fhir.PatientFromFHIR(v)
		if err != nil {
			return err
		}
		return tx.PutPatient(p, m)
	case *fhir.Practitioner:
		return tx.PutPractitioner(v.ID, practitionerName(v), "", m)
	case *fhir.Organization:
		return tx.PutOrganization(v.ID, v.Name, m)
	case *fhir.CareTeam:
		if fhir.IsReadAccessGrant(v) {
			// A se-adgang grant is no team: it must never be offered as
			// one (transfer, cover) nor named as one. Its JSON is kept
			// (sync_resources), so the pull knows this version and moves
			// on past it.
			return tx.putRaw("CareTeam", m, "", raw)
		}
		return tx.PutTeamMeta(fhir.TeamFromFHIR(v, nil), m)
	case *fhir.EpisodeOfCare:
		pid, resp, err := fhir.EpisodeOfCareToResponsibility(v)
		if err != nil {
			return err
		}
		return tx.PutResponsibility(pid, resp, m)
	case *fhir.Observation:
		return tx.applyObservation(v, m)
	case *fhir.QuestionnaireResponse:
		// Texts the app left out are filled in from the definition, as
		// the answer rules name texts.
		if def, ok, err := tx.questionnaireDef(v.Questionnaire); err != nil {
			return err
		} else if ok {
			fhir.FillFromDefinition(v, def)
		}
		q, err := fhir.QuestionnaireResponseToPro(v)
		if err != nil {
			return err
		}
		if q, err = tx.classifyPro(q); err != nil {
			return err
		}
		if err := tx.PutQuestionnaire(q, m); err != nil {
			return err
		}
		return tx.consoleQuestionnaire(q)
	case *fhir.Questionnaire:
		q, err := fhir.QuestionnaireToDomain(v)
		if err != nil {
			return err
		}
		return tx.PutQuestionnaireDef(q, m)
	case *fhir.Task:
		return tx.applyTask(v, m)
	case *fhir.Communication:
		_, fromPatient := fhir.RefID(v.Sender, "Patient")
		// A staff note only when a practitioner wrote it (the sender
		// reference, not its display): what a patient sent is a message
		// from the patient whatever category it claims, and a handover
		// note from anyone else is refused (parked, never shown as staff).
		if fhir.IsHandoverNote(v) && !fromPatient {
			n, err := fhir.CommunicationToNote(v)
			if err != nil {
				return err
			}
			return tx.PutNote(n, m)
		}
		msg, err := fhir.CommunicationToMessage(v)
		if err != nil {
			return err
		}
		return tx.PutMessage(msg, m)
	case *fhir.ClinicalImpression:
		if err := tx.putRaw("ClinicalImpression", m, "", raw); err != nil {
			return err
		}
		return tx.applyImpression(v)
	case *fhir.CarePlan:
		if err := tx.putRaw("CarePlan", m, "", raw); err != nil {
			return err
		}
		return tx.rebuildRegime(v.ID)
	case *fhir.ServiceRequest:
		plan := ""
		for i := range v.BasedOn {
			if id, ok := fhir.RefID(&v.BasedOn[i], "CarePlan"); ok {
				plan = id
				break
			}
		}
		if err := tx.putRaw("ServiceRequest", m, plan, raw); err != nil {
			return err
		}
		if plan == "" {
			return nil
		}
		return tx.rebuildRegime(plan)
	}
	return fmt.Errorf("%s is not kept in the cache", r.Header().ResourceType)
}

func practitionerName(p *fhir.Practitioner) string {
	if len(p.Name) == 0 {
		return ""
	}
	n := p.Name[0]
	if n.Text != "" {
		return n.Text
	}
	return strings.TrimSpace(strings.Join(append(append([]string(nil), n.Given...), n.Family), " "))
}

// applyObservation stores a reading. The local acknowledged flag is kept
// (the server's Observation does not carry it; completing the review Task
// sets it, see applyTask). A reading without a triage colour is stored as
// unclassified.
func (tx *Tx) applyObservation(o *fhir.Observation, m Meta) error {
	meas, cls, err := fhir.ObservationToMeasurement(o)
	if err != nil {
		return err
	}
	rd := domain.Reading{Measurement: meas, Classification: domain.Classification{Color: domain.Unclassified}}
	if cls != nil {
		rd.Classification = *cls
	}
	consoleTask := false
	if cls == nil {
		if rd.Classification, consoleTask, err = tx.consoleTriage(meas); err != nil {
			return err
		}
	}
	ack, err := tx.readingAcknowledged(o.ID)
	if err != nil {
		return err
	}
	rd.Acknowledged = ack
	if err := tx.PutReading(rd, m); err != nil {
		return err
	}
	if consoleTask && !rd.Acknowledged {
		return tx.putConsoleTask(rd)
	}
	return nil
}

// readingAcknowledged reports whether the stored reading id is marked
// acknowledged or a completed review task for it is stored.
func (tx *Tx) readingAcknowledged(id string) (bool, error) {
	if h := tx.hinted(ApplyResult{Type: "Observation", ID: id}); h != nil {
		return h.ack[id], nil
	}
	st, err := tx.stmt(`SELECT acknowledged FROM observations WHERE id = ?`)
	if err != nil {
		return false, err
	}
	var ack int
	if err := st.QueryRowContext(tx.ctx, id).Scan(&ack); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	if ack == 0 {
		// The review task may have been pulled before its reading.
		st, err := tx.stmt(`SELECT count(*) FROM tasks WHERE focus_id = ? AND status = 'completed' AND category = ?`)
		if err != nil {
			return false, err
		}
		if err := st.QueryRowContext(tx.ctx, id, string(domain.TaskMeasurement)).Scan(&ack); err != nil {
			return false, err
		}
	}
	return ack > 0, nil
}

// taskStatus maps a FHIR Task status onto the statuses the cache keeps:
// rejected and failed count as cancelled; the other open ones as ready.
func taskStatus(s string) string {
	switch s {
	case TaskInProgress, TaskCompleted, "cancelled", "entered-in-error":
		return s
	case "rejected", "failed":
		return "cancelled"
	}
	return TaskReady
}

// applyTask stores a Task with its real status (PutTask knows only ready
// and completed) and marks the reading of a completed review task
// acknowledged.
func (tx *Tx) applyTask(ft *fhir.Task, m Meta) error {
	t, err := fhir.TaskFromFHIR(ft)
	if err != nil {
		return err
	}
	if t.FocusID, err = tx.readingOfFocus(t.FocusID); err != nil {
		return err
	}
	if err := tx.PutTask(t, m); err != nil {
		return err
	}
	if h := tx.hinted(ApplyResult{Type: "Task", ID: t.ID}); t.Category == domain.TaskMeasurement && t.FocusID != "" && (h == nil || !h.noConsoleItems) {
		// The central has a Task for the reading after all: the console's
		// own item for it goes.
		if _, err := tx.exec(`DELETE FROM tasks WHERE id = ? AND by_console = 1`, domain.ConsoleTriageID(t.FocusID)); err != nil {
			return err
		}
	}
	status := taskStatus(ft.Status)
	if status != TaskReady && status != TaskCompleted {
		if _, err := tx.exec(`UPDATE tasks SET status = ? WHERE id = ? AND version_id = ?`, status, t.ID, m.VersionID); err != nil {
			return err
		}
	}
	if t.Done && t.Category == domain.TaskMeasurement && t.FocusID != "" {
		if _, err := tx.exec(`UPDATE observations SET acknowledged = 1 WHERE id = ?`, t.FocusID); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Tx) putRaw(typ string, m Meta, plan string, raw []byte) error {
	_, err := tx.exec(`INSERT INTO sync_resources (resource_type, id, version_id, last_updated, plan_id, json)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (resource_type, id) DO UPDATE SET version_id = excluded.version_id, last_updated = excluded.last_updated,
	plan_id = excluded.plan_id, json = excluded.json
WHERE `+newer("sync_resources"), typ, m.ID, m.VersionID, msOrZero(m.LastUpdated), plan, string(raw))
	return err
}

// rebuildRegime projects the stored CarePlan and its ServiceRequests into
// a regime version (the CarePlan's id and versionId). Nothing happens until
// the CarePlan has arrived; CarePlans that are not active or completed are
// kept raw only.
func (tx *Tx) rebuildRegime(planID string) error {
	st, err := tx.stmt(`SELECT json FROM sync_resources WHERE resource_type = 'CarePlan' AND id = ?`)
	if err != nil {
		return err
	}
	var js string
	if err := st.QueryRowContext(tx.ctx, planID).Scan(&js); errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return err
	}
	cp, err := fhir.Decode[*fhir.CarePlan]([]byte(js))
	if err != nil {
		return err
	}
	if cp.Status != "active" && cp.Status != "completed" {
		return nil
	}
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT json FROM sync_resources WHERE resource_type = 'ServiceRequest' AND plan_id = ? ORDER BY id`, planID)
	if err != nil {
		return err
	}
	var srs []*fhir.ServiceRequest
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return err
		}
		sr, err := fhir.Decode[*fhir.ServiceRequest]([]byte(s))
		if err != nil {
			rows.Close()
			return err
		}
		srs = append(srs, sr)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	reg, err := fhir.RegimeFromFHIR(cp, srs)
	if err != nil {
		return err
	}
	if reg.EffectiveFrom.IsZero() {
		reg.EffectiveFrom = reg.Start
	}
	refs := map[domain.Kind]ServiceRequestRef{}
	for _, sr := range srs {
		if sr.Code == nil {
			continue
		}
		if k, ok := fhir.KindOf(*sr.Code); ok {
			v := ""
			if sr.Meta != nil {
				v = sr.Meta.VersionID
			}
			refs[k] = ServiceRequestRef{ID: sr.ID, VersionID: v}
		}
	}
	m := Meta{ID: cp.ID}
	if cp.Meta != nil {
		m.VersionID = cp.Meta.VersionID
		m.LastUpdated, _ = fhir.ParseDateTime(cp.Meta.LastUpdated)
	}
	if reg.Version == "" {
		reg.Version = m.VersionID
	}
	if reg.Version == "" {
		reg.Version = "0"
		m.VersionID = "0"
	}
	return tx.PutRegimeRefs(reg, m, refs)
}

// RetryParked tries every parked resource again (e.g. after the patients
// they need have been pulled), oldest first, and returns how many were
// applied. Those that still fail stay parked.
func (s *Store) RetryParked(ctx context.Context) (int, error) {
	var raws [][]byte
	err := s.read(ctx, func(tx *sql.Tx) error {
		if ok, err := tableExists(ctx, tx, "sync_parked"); err != nil || !ok {
			return err
		}
		return eachRow(ctx, tx, `SELECT json FROM sync_parked ORDER BY parked, last_updated LIMIT 10000`, nil, func(sc scanner) error {
			var js string
			err := sc.Scan(&js)
			raws = append(raws, []byte(js))
			return err
		})
	})
	if err != nil || len(raws) == 0 {
		if err != nil {
			err = fmt.Errorf("cache: parked: %w", err)
		}
		return 0, err
	}
	applied := 0
	err = s.Write(ctx, func(tx *Tx) error {
		// Clear the parked versions first so that ApplyResource does not
		// see them as known; what still fails is parked again.
		for _, raw := range raws {
			typ, id, _, _ := peekHeader(raw)
			if _, err := tx.exec(`DELETE FROM sync_parked WHERE resource_type = ? AND id = ?`, typ, id); err != nil {
				return err
			}
			res, err := tx.ApplyResource(raw)
			if err != nil {
				return err
			}
			if res.Outcome == Applied {
				applied++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("cache: retry parked: %w", err)
	}
	return applied, nil
}

// ParkedCount is how many pulled resources wait in sync_parked.
func (s *Store) ParkedCount(ctx context.Context) (int, error) {
	n := 0
	err := s.read(ctx, func(tx *sql.Tx) error {
		if ok, err := tableExists(ctx, tx, "sync_parked"); err != nil || !ok {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM sync_parked`).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("cache: parked count: %w", err)
	}
	return n, nil
}

// AdvanceWatermark moves the pull watermark of a resource type forward to
// wm (never back), in this transaction, so it commits with the page it
// covers.
func (tx *Tx) AdvanceWatermark(resourceType string, wm time.Time) error {
	if resourceType == "" {
		return errors.New("advance watermark: empty resource type")
	}
	if _, err := tx.exec(`INSERT INTO sync_state (resource_type, watermark) VALUES (?, ?)
ON CONFLICT (resource_type) DO UPDATE SET watermark = max(sync_state.watermark, excluded.watermark)`,
		resourceType, msOrZero(wm)); err != nil {
		return fmt.Errorf("advance watermark %s: %w", resourceType, err)
	}
	return nil
}

// PullOutcome is how the pull of one resource type ended, for RecordPulls:
// Error "" for success.
type PullOutcome struct {
	Type  string
	Error string
}

// RecordPulls stores, in one transaction, how the pull of each resource
// type ended at at: on success last_success = at and last_error cleared;
// otherwise the error. The watermark is not touched.
func (s *Store) RecordPulls(ctx context.Context, at time.Time, outcomes []PullOutcome) error {
	if len(outcomes) == 0 {
		return nil
	}
	err := s.Write(ctx, func(tx *Tx) error {
		for _, o := range outcomes {
			var success any
			if o.Error == "" {
				success = at.UnixMilli()
			}
			if _, err := tx.exec(`INSERT INTO sync_state (resource_type, last_success, last_error) VALUES (?, ?, ?)
ON CONFLICT (resource_type) DO UPDATE SET
	last_success = CASE WHEN excluded.last_error = '' THEN excluded.last_success ELSE sync_state.last_success END,
	last_error = excluded.last_error`, o.Type, success, o.Error); err != nil {
				return fmt.Errorf("%s: %w", o.Type, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("cache: record pulls: %w", err)
	}
	return nil
}

// Watermarks are the pull watermarks of every resource type pulled so far.
func (s *Store) Watermarks(ctx context.Context) (map[string]time.Time, error) {
	wms := map[string]time.Time{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		return eachRow(ctx, tx, `SELECT resource_type, watermark FROM sync_state`, nil, func(sc scanner) error {
			var typ string
			var wm sql.NullInt64
			if err := sc.Scan(&typ, &wm); err != nil {
				return err
			}
			wms[typ] = fromMsOrZero(wm.Int64)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("cache: watermarks: %w", err)
	}
	return wms, nil
}

// Watermark is the pull watermark of a resource type (zero: never pulled).
func (s *Store) Watermark(ctx context.Context, resourceType string) (time.Time, error) {
	var wm int64
	err := s.read(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT watermark FROM sync_state WHERE resource_type = ?`, resourceType).Scan(&wm)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("cache: watermark %s: %w", resourceType, err)
	}
	return fromMsOrZero(wm), nil
}

// infoLastSync is the info key holding when the last complete sync round
// ended (Unix milliseconds).
const infoLastSync = "sync.last_complete"

// SetLastSync records when a complete sync round ended, so a restarted
// console (with the central down) still knows how old its data are.
func (s *Store) SetLastSync(ctx context.Context, at time.Time) error {
	if err := s.Write(ctx, func(tx *Tx) error {
		return tx.SetInfo(infoLastSync, strconv.FormatInt(at.UnixMilli(), 10))
	}); err != nil {
		return fmt.Errorf("cache: record last sync: %w", err)
	}
	return nil
}

// LastSync is when the last complete sync round ended; zero when none has.
func (s *Store) LastSync(ctx context.Context) (time.Time, error) {
	var v string
	err := s.read(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT value FROM info WHERE key = ?`, infoLastSync).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil || v == "" {
		if err != nil {
			err = fmt.Errorf("cache: last sync: %w", err)
		}
		return time.Time{}, err
	}
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("cache: last sync %q: %w", v, err)
	}
	return time.UnixMilli(ms), nil
}

// classifyPro gives a questionnaire's answers the severities of the
// patient's own rules (domain.ProRule) in the regime version in force when
// she answered, as the reference central does on arrival: a server that
// does not know the rules (any FHIR server without our triage) sends the
// app's severities, and the nurse who set "this answer is red" must see it
// red. An answer no rule names keeps the severity it came with. Pending
// (unsent) regime versions do not count: the central has not got them.
func (tx *Tx) classifyPro(q domain.ProResponse) (domain.ProResponse, error) {
	central, err := tx.centralRegimeHistory(q.PatientID)
	if err != nil {
		return q, fmt.Errorf("regime of questionnaire %s: %w", q.ID, err)
	}
	if r, ok := domain.RegimeAt(central, q.Taken); ok {
		q = domain.ClassifyPro(q, r.ProRules)
	}
	return q, nil
}
