package cache

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// read runs fn in a read-only transaction on the read pool, so every query
// in fn sees the same snapshot.
func (s *Store) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if err := s.check(); err != nil {
		return err
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", classify(err))
	}
	defer tx.Rollback() //nolint:errcheck // read-only: nothing to keep
	if err := fn(tx); err != nil {
		return classify(err)
	}
	return nil
}

// sinceMs turns a window start into a bound; the zero time means "all".
func sinceMs(t time.Time) int64 {
	if t.IsZero() {
		return math.MinInt64
	}
	return t.UnixMilli()
}

// Info returns the info table (demo flag, clinic name, user).
func (s *Store) Info(ctx context.Context) (map[string]string, error) {
	out := make(map[string]string)
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT key, value FROM info`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k, v string
			if err := rows.Scan(&k, &v); err != nil {
				return err
			}
			out[k] = v
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("cache: info: %w", err)
	}
	return out, nil
}

// Audit appends one entry to the audit log in its own transaction. The
// audit log is append-only: the schema refuses updates and deletes.
func (s *Store) Audit(ctx context.Context, e domain.AuditEntry) error {
	if err := s.Write(ctx, func(tx *Tx) error { return tx.Audit(e) }); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	return nil
}

// AuditLog returns the audit entries at or after since, oldest first.
func (s *Store) AuditLog(ctx context.Context, since time.Time) ([]domain.AuditEntry, error) {
	var out []domain.AuditEntry
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT at, user, action, patient_id, detail FROM audit_log
WHERE at >= ? ORDER BY at, seq`, sinceMs(since))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e domain.AuditEntry
			var at int64
			if err := rows.Scan(&at, &e.User, &e.Action, &e.PatientID, &e.Detail); err != nil {
				return err
			}
			e.At = time.UnixMilli(at).UTC()
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("cache: audit log: %w", err)
	}
	return out, nil
}

const patientCols = `id, cpr, name, birth_date, programmes, synthetic`

func scanPatient(sc interface{ Scan(...any) error }) (domain.Patient, error) {
	var p domain.Patient
	var birth sql.NullInt64
	var progs string
	var synthetic int
	if err := sc.Scan(&p.ID, &p.CPR, &p.Name, &birth, &progs, &synthetic); err != nil {
		return p, err
	}
	p.BirthDate = fromMs(birth)
	p.Synthetic = synthetic == 1
	if err := json.Unmarshal([]byte(progs), &p.Programmes); err != nil {
		return p, fmt.Errorf("patient %s: decode stored programmes: %w", p.ID, err)
	}
	if len(p.Programmes) == 0 {
		p.Programmes = nil
	}
	return p, nil
}

// responsibilityQuery selects episodes with their teams; per patient, the
// last row (by last_updated, then insertion) is the one in force.
const responsibilityQuery = `SELECT e.patient_id,
	h.id, h.name, coalesce(h.organization_id, ''), coalesce(ho.name, ''),
	c.id, coalesce(c.name, ''), coalesce(c.organization_id, ''), coalesce(co.name, ''),
	e.cover_from, e.cover_to, e.cover_reason, e.planned_covers
FROM episodes_of_care e
JOIN care_teams h ON h.id = e.home_team_id
LEFT JOIN organizations ho ON ho.id = h.organization_id
LEFT JOIN care_teams c ON c.id = e.cover_team_id
LEFT JOIN organizations co ON co.id = c.organization_id`

func scanResponsibility(sc interface{ Scan(...any) error }) (string, domain.Responsibility, error) {
	var patientID string
	var r domain.Responsibility
	var coverID sql.NullString
	var cover domain.Cover
	var from, to sql.NullInt64
	var planned string
	if err := sc.Scan(&patientID, &r.Home.ID, &r.Home.Name, &r.Home.OrgID, &r.Home.OrgName,
		&coverID, &cover.Team.Name, &cover.Team.OrgID, &cover.Team.OrgName, &from, &to, &cover.Period.Reason, &planned); err != nil {
		return "", r, err
	}
	var err error
	if r.Planned, err = decodePlannedCovers(planned); err != nil {
		return "", r, fmt.Errorf("episode of patient %s: %w", patientID, err)
	}
	if coverID.Valid {
		cover.Team.ID = coverID.String
		cover.Period.From, cover.Period.To = fromMs(from), fromMs(to)
		r.Cover = &cover
	}
	return patientID, r, nil
}

const regimeCols = `id, version_id, patient_id, effective_from, start, "end", phase, reevaluation,
	reference_weight, schedules, thresholds, trend_rule, pauses, author, physician, reason,
	startup_end, review_days, pro_rules, questionnaires`

// regimeOrder puts a patient's versions oldest first.
const regimeOrder = ` ORDER BY coalesce(effective_from, 0), last_updated, length(version_id), version_id, id`

func scanRegime(sc interface{ Scan(...any) error }) (domain.Regime, error) {
	var r domain.Regime
	var eff, start, end, reeval, startupEnd sql.NullInt64
	var phase string
	var j regimeJSON
	if err := sc.Scan(&r.ID, &r.Version, &r.PatientID, &eff, &start, &end, &phase, &reeval,
		&r.Thresholds.ReferenceWeight, &j.schedules, &j.thresholds, &j.trend, &j.pauses,
		&r.Author, &r.Physician, &r.Reason, &startupEnd, &r.ReviewDays, &j.proRules, &j.questionnaires); err != nil {
		return r, err
	}
	r.StartUpEnd = fromMs(startupEnd)
	r.EffectiveFrom, r.Start, r.End, r.Reevaluation = fromMs(eff), fromMs(start), fromMs(end), fromMs(reeval)
	r.Phase = domain.Phase(phase)
	if err := decodeRegime(&r, j); err != nil {
		return r, fmt.Errorf("regime %s/%s: %w", r.ID, r.Version, err)
	}
	return r, nil
}

func regimeHistory(ctx context.Context, tx *sql.Tx, patientID string) ([]domain.Regime, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+regimeCols+` FROM regimes WHERE patient_id = ?`+regimeOrder, patientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.Regime
	for rows.Next() {
		r, err := scanRegime(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// inForce picks the regime version in force at now from a history ordered
// oldest first: the newest version already effective, or, if none is yet,
// the newest version.
func inForce(history []domain.Regime, now time.Time) (domain.Regime, bool) {
	if len(history) == 0 {
		return domain.Regime{}, false
	}
	for i := len(history) - 1; i >= 0; i-- {
		if !history[i].EffectiveFrom.After(now) {
			return history[i], true
		}
	}
	return history[len(history)-1], true
}

func patientExists(ctx context.Context, tx *sql.Tx, id string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM patients WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("patient %s: %w", id, ErrNotFound)
	}
	return err
}

// RegimeHistory returns every stored version of the patient's regime, oldest
// (by effective_from) first. An unknown patient wraps ErrNotFound.
func (s *Store) RegimeHistory(ctx context.Context, patientID string) ([]domain.Regime, error) {
	var out []domain.Regime
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := patientExists(ctx, tx, patientID); err != nil {
			return err
		}
		var err error
		out, err = regimeHistory(ctx, tx, patientID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("cache: regime history: %w", err)
	}
	return out, nil
}
