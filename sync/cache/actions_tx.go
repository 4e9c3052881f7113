package cache

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// This file holds what the nurse actions (sync/actions) read and write
// inside one Write transaction: the row as stored now with its server
// identity (for If-Match), and the local effect of an action. Reads on a Tx
// see the transaction's own writes.

// TaskStatus is a stored task with its FHIR status and server identity.
type TaskStatus struct {
	Task   domain.Task
	Status string // ready, in-progress, completed, cancelled, entered-in-error
	Meta   Meta
}

// Open reports whether the task still waits for the nurse.
func (t TaskStatus) Open() bool { return t.Status == TaskReady || t.Status == TaskInProgress }

// TaskForUpdate returns a stored task; an unknown id wraps ErrNotFound.
func (tx *Tx) TaskForUpdate(id string) (TaskStatus, error) {
	var ts TaskStatus
	var lu int64
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT status, version_id, last_updated FROM tasks WHERE id = ?`, id).
		Scan(&ts.Status, &ts.Meta.VersionID, &lu)
	if errors.Is(err, sql.ErrNoRows) {
		return TaskStatus{}, fmt.Errorf("task %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return TaskStatus{}, fmt.Errorf("task %s: %w", id, err)
	}
	row := tx.tx.QueryRowContext(tx.ctx, `SELECT id, patient_id, category, focus_id, kind, color, implausible, status,
	created, due, done_by, done_at, note, by_console FROM tasks WHERE id = ?`, id)
	if ts.Task, err = scanTask(row); err != nil {
		return TaskStatus{}, fmt.Errorf("task %s: %w", id, err)
	}
	ts.Meta.ID, ts.Meta.LastUpdated = id, fromMsOrZero(lu)
	return ts, nil
}

// CompleteTask closes a task here: status completed with who, when and
// the note, keeping its server identity (the central's next version
// replaces it). The reading a completed assessment task points at is
// marked acknowledged.
func (tx *Tx) CompleteTask(id, by string, at time.Time, note string) error {
	n, err := tx.exec(`UPDATE tasks SET status = 'completed', done_by = ?, done_at = ?, note = ? WHERE id = ?`,
		by, at.UnixMilli(), note, id)
	if err != nil {
		return fmt.Errorf("complete task %s: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("complete task %s: %w", id, ErrNotFound)
	}
	if _, err := tx.exec(`UPDATE observations SET acknowledged = 1 WHERE id = (
	SELECT focus_id FROM tasks WHERE id = ? AND category = ?)`, id, string(domain.TaskMeasurement)); err != nil {
		return fmt.Errorf("complete task %s: acknowledge reading: %w", id, err)
	}
	return nil
}

// MessageForUpdate returns a stored message with its server identity; an
// unknown id wraps ErrNotFound.
func (tx *Tx) MessageForUpdate(id string) (domain.Message, Meta, error) {
	row := tx.tx.QueryRowContext(tx.ctx, `SELECT id, patient_id, thread_id, from_patient, sender, title, body, sent, read,
	version_id, last_updated FROM communications WHERE id = ?`, id)
	var m domain.Message
	var from, read int
	var sent sql.NullInt64
	var meta Meta
	var lu int64
	err := row.Scan(&m.ID, &m.PatientID, &m.ThreadID, &from, &m.Sender, &m.Title, &m.Body, &sent, &read, &meta.VersionID, &lu)
	if errors.Is(err, sql.ErrNoRows) {
		return m, meta, fmt.Errorf("message %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return m, meta, fmt.Errorf("message %s: %w", id, err)
	}
	m.FromPatient, m.Read, m.Sent = from == 1, read == 1, fromMs(sent)
	meta.ID, meta.LastUpdated = id, fromMsOrZero(lu)
	return m, meta, nil
}

// SetMessageRead sets the read state of a stored message here.
func (tx *Tx) SetMessageRead(id string, read bool) error {
	n, err := tx.exec(`UPDATE communications SET read = ? WHERE id = ?`, b2i(read), id)
	if err != nil {
		return fmt.Errorf("mark message %s: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("mark message %s: %w", id, ErrNotFound)
	}
	return nil
}

// RegimeState is the newest stored version of a patient's regime with its
// CarePlan identity and the ServiceRequest per kind it was built from.
type RegimeState struct {
	Regime domain.Regime
	Meta   Meta
	Refs   map[domain.Kind]ServiceRequestRef
}

// CurrentRegime returns the newest version of the patient's regime: the
// newest pending local version (one not yet answered by the central), else
// the central's newest by lastUpdated (version ids are opaque; they only
// break ties of data stored without lastUpdated). It is the version a
// change must be based on. ok is false when the patient has none.
func (tx *Tx) CurrentRegime(patientID string) (RegimeState, bool, error) {
	row := tx.tx.QueryRowContext(tx.ctx, `SELECT `+regimeCols+`, last_updated, service_requests FROM regimes
WHERE patient_id = ?
ORDER BY (version_id LIKE '`+domain.PendingVersionPrefix+`%') DESC,
	CASE WHEN version_id LIKE '`+domain.PendingVersionPrefix+`%' THEN rowid END DESC,
	last_updated DESC, length(version_id) DESC, version_id DESC LIMIT 1`, patientID)
	var rs RegimeState
	var eff, start, end, reeval, startupEnd sql.NullInt64
	var phase, refs string
	var j regimeJSON
	var lu int64
	r := &rs.Regime
	err := row.Scan(&r.ID, &r.Version, &r.PatientID, &eff, &start, &end, &phase, &reeval,
		&r.Thresholds.ReferenceWeight, &j.schedules, &j.thresholds, &j.trend, &j.pauses,
		&r.Author, &r.Physician, &r.Reason, &startupEnd, &r.ReviewDays, &j.proRules, &j.questionnaires, &lu, &refs)
	r.StartUpEnd = fromMs(startupEnd)
	if errors.Is(err, sql.ErrNoRows) {
		return rs, false, nil
	}
	if err != nil {
		return rs, false, fmt.Errorf("current regime of %s: %w", patientID, err)
	}
	r.EffectiveFrom, r.Start, r.End, r.Reevaluation = fromMs(eff), fromMs(start), fromMs(end), fromMs(reeval)
	r.Phase = domain.Phase(phase)
	if err := decodeRegime(r, j); err != nil {
		return rs, false, fmt.Errorf("current regime of %s: %w", patientID, err)
	}
	rs.Meta = Meta{ID: r.ID, VersionID: r.Version, LastUpdated: fromMsOrZero(lu)}
	if err := strictUnmarshal([]byte(refs), &rs.Refs); err != nil {
		return rs, false, fmt.Errorf("current regime of %s: service requests: %w", patientID, err)
	}
	return rs, true, nil
}

// EpisodeState is a patient's episode of care as stored, with its identity.
type EpisodeState struct {
	PatientID      string
	Responsibility domain.Responsibility
	Meta           Meta
}

// EpisodeForUpdate returns the patient's episode of care in force (the
// latest by last_updated); ok is false when there is none.
func (tx *Tx) EpisodeForUpdate(patientID string) (EpisodeState, bool, error) {
	row := tx.tx.QueryRowContext(tx.ctx, `SELECT e.id, e.version_id, e.last_updated FROM episodes_of_care e
WHERE e.patient_id = ? ORDER BY e.last_updated DESC, e.rowid DESC LIMIT 1`, patientID)
	es := EpisodeState{PatientID: patientID}
	var lu int64
	err := row.Scan(&es.Meta.ID, &es.Meta.VersionID, &lu)
	if errors.Is(err, sql.ErrNoRows) {
		return es, false, nil
	}
	if err != nil {
		return es, false, fmt.Errorf("episode of %s: %w", patientID, err)
	}
	es.Meta.LastUpdated = fromMsOrZero(lu)
	row = tx.tx.QueryRowContext(tx.ctx, responsibilityQuery+` WHERE e.id = ?`, es.Meta.ID)
	if _, es.Responsibility, err = scanResponsibility(row); err != nil {
		return es, false, fmt.Errorf("episode of %s: %w", patientID, err)
	}
	return es, true, nil
}

// PatientsOfTeam returns the patients whose episode in force has teamID as
// home team, sorted by id.
func (tx *Tx) PatientsOfTeam(teamID string) ([]string, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT e.patient_id, e.home_team_id FROM episodes_of_care e
ORDER BY e.patient_id, e.last_updated, e.rowid`)
	if err != nil {
		return nil, fmt.Errorf("patients of team %s: %w", teamID, err)
	}
	defer rows.Close()
	home := map[string]string{}
	var order []string
	for rows.Next() {
		var pid, team string
		if err := rows.Scan(&pid, &team); err != nil {
			return nil, fmt.Errorf("patients of team %s: %w", teamID, err)
		}
		if _, seen := home[pid]; !seen {
			order = append(order, pid)
		}
		home[pid] = team
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("patients of team %s: %w", teamID, err)
	}
	var out []string
	for _, pid := range order {
		if home[pid] == teamID {
			out = append(out, pid)
		}
	}
	return out, nil
}

// OpenTasks returns every open task in the cache, oldest first. The cache
// holds only what the user may see, so these are the tasks the user may act
// on.
func (s *Store) OpenTasks(ctx context.Context) ([]domain.Task, error) {
	var out []domain.Task
	err := s.read(ctx, func(tx *sql.Tx) error {
		return eachRow(ctx, tx, `SELECT id, patient_id, category, focus_id, kind, color, implausible, status,
	created, due, done_by, done_at, note, by_console FROM tasks WHERE `+openTaskWhere+` ORDER BY created, id`, nil, func(sc scanner) error {
			t, err := scanTask(sc)
			out = append(out, t)
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("cache: open tasks: %w", err)
	}
	return out, nil
}

// Teams returns every care team in the cache with its organisation, by
// organisation name, then team name.
func (s *Store) Teams(ctx context.Context) ([]domain.Team, error) {
	var out []domain.Team
	err := s.read(ctx, func(tx *sql.Tx) error {
		return eachRow(ctx, tx, `SELECT t.id, t.name, coalesce(t.organization_id, ''), coalesce(o.name, '')
FROM care_teams t LEFT JOIN organizations o ON o.id = t.organization_id
ORDER BY coalesce(o.name, ''), t.name, t.id`, nil, func(sc scanner) error {
			var t domain.Team
			err := sc.Scan(&t.ID, &t.Name, &t.OrgID, &t.OrgName)
			out = append(out, t)
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("cache: teams: %w", err)
	}
	return out, nil
}
