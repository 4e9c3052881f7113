package cache

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// PatientByCPR returns the id of the patient in the cache with CPR number
// cpr (ten digits) and whether there is one.
func (tx *Tx) PatientByCPR(cpr string) (string, bool, error) {
	var id string
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT id FROM patients WHERE cpr = ? ORDER BY id LIMIT 1`, cpr).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("patient by CPR: %w", err)
	}
	return id, true, nil
}

// CourseGoingOn reports whether the patient's course is going on at now:
// a regime is in force and has not ended. A patient whose course has ended
// may be enrolled again (a new course of the same record).
func (tx *Tx) CourseGoingOn(patientID string, now time.Time) (bool, error) {
	hist, err := regimeHistory(tx.ctx, tx.tx, patientID)
	if err != nil {
		return false, fmt.Errorf("course of %s: %w", patientID, err)
	}
	reg, ok := inForce(hist, now)
	return ok && !courseEnded(reg, now), nil
}

// QueuedContaining reports whether a pending outbox entry labelled label
// has a payload containing text, e.g. an enrolment of the same CPR number
// still on its way.
func (tx *Tx) QueuedContaining(label, text string) (bool, error) {
	var n int
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(text)
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM outbox WHERE label = ? AND state = 'pending'
	AND payload LIKE '%' || ? || '%' ESCAPE '\'`, label, esc).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("queued %s: %w", label, err)
	}
	return n > 0, nil
}

// AuditViewPatient is the audit action the console writes when a patient is
// opened (tui.ActionViewPatient); the course's "new patient" reminder ends
// with it.
const AuditViewPatient = "view-patient"

// CourseStates returns, per patient with a regime in force at now, what
// domain.CourseFlags reads: the regime in force, when the course began
// (the first version of its plan's start), whether anyone opened the
// patient in this course (this cache's audit log, or a reading acknowledged
// by anyone since the course began; a course older than the start-up
// period counts as seen), the last
// acknowledgement, the review interval and the expected measurements of the
// last eight days evaluated against the readings (local days in loc).
func (s *Store) CourseStates(ctx context.Context, now time.Time, loc *time.Location) (map[string]domain.CourseState, error) {
	if loc == nil {
		loc = time.UTC
	}
	out := map[string]domain.CourseState{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		// A few whole-table reads rather than queries per patient: on a
		// 500-patient clinic the per-patient statements cost more than the
		// rows.
		hist := map[string][]domain.Regime{}
		var pids []string
		if err := eachRow(ctx, tx, `SELECT `+regimeCols+` FROM regimes
	ORDER BY patient_id, coalesce(effective_from, 0), last_updated, length(version_id), version_id, id`, nil, func(sc scanner) error {
			r, err := scanRegime(sc)
			if err != nil {
				return err
			}
			if _, ok := hist[r.PatientID]; !ok {
				pids = append(pids, r.PatientID)
			}
			hist[r.PatientID] = append(hist[r.PatientID], r)
			return nil
		}); err != nil {
			return fmt.Errorf("regimes: %w", err)
		}
		if len(pids) == 0 {
			return nil
		}
		lastReview := map[string]time.Time{}
		if err := eachRow(ctx, tx, `SELECT patient_id, MAX(done_at) FROM tasks WHERE status = 'completed'
	AND category = ? AND done_at IS NOT NULL GROUP BY patient_id`, []any{string(domain.TaskMeasurement)}, func(sc scanner) error {
			var id string
			var at sql.NullInt64
			if err := sc.Scan(&id, &at); err != nil {
				return err
			}
			lastReview[id] = fromMs(at)
			return nil
		}); err != nil {
			return fmt.Errorf("last reviews: %w", err)
		}
		// The courses each patient was opened in ('' for a look-up
		// written before the audit log recorded the course).
		openedIn := map[string]map[string]bool{}
		if err := eachRow(ctx, tx, `SELECT DISTINCT patient_id, course FROM audit_log WHERE action = ? AND patient_id <> ''`,
			[]any{AuditViewPatient}, func(sc scanner) error {
				var id, course string
				if err := sc.Scan(&id, &course); err != nil {
					return err
				}
				if openedIn[id] == nil {
					openedIn[id] = map[string]bool{}
				}
				openedIn[id][course] = true
				return nil
			}); err != nil {
			return fmt.Errorf("look-ups: %w", err)
		}
		from := now.AddDate(0, 0, -(domain.FailingWindowDays + 1))
		readings := map[string][]domain.Measurement{}
		if err := eachRow(ctx, tx, `SELECT patient_id, id, kind, taken FROM observations WHERE taken >= ? AND taken <= ?`,
			[]any{from.UnixMilli(), now.UnixMilli()}, func(sc scanner) error {
				var m domain.Measurement
				var kind string
				var taken int64
				if err := sc.Scan(&m.PatientID, &m.ID, &kind, &taken); err != nil {
					return err
				}
				m.Kind, m.Taken = domain.Kind(kind), time.UnixMilli(taken).UTC()
				readings[m.PatientID] = append(readings[m.PatientID], m)
				return nil
			}); err != nil {
			return fmt.Errorf("readings: %w", err)
		}
		for _, pid := range pids {
			h := hist[pid]
			reg, ok := inForce(h, now)
			if !ok || courseEnded(reg, now) {
				continue
			}
			first := courseStart(h, reg)
			enrolled := first.Start
			if enrolled.IsZero() {
				enrolled = first.EffectiveFrom
			}
			st := domain.CourseState{Regime: reg, Enrolled: enrolled, StartUpEnd: reg.StartUpEnd,
				LastReview: lastReview[pid], ReviewDays: reg.ReviewDays}
			reviewed := !st.LastReview.IsZero() && !st.LastReview.Before(enrolled)
			// A look-up ends "ny borger" only in the course it was made
			// in: a patient enrolled again continues her record (same
			// id) with a new plan, and a look-up of her earlier course
			// says nothing of the new one. Look-ups are stamped with the
			// real clock, courses with the console's (a training clock
			// may run ahead), so the entry's recorded course is compared,
			// never the times. A look-up recorded before the course was
			// (course '') counts only when the patient has had one course.
			st.Opened = reviewed || openedIn[pid][first.ID] || (openedIn[pid][""] && oneCourse(h)) ||
				now.Sub(enrolled) > time.Duration(domain.StartUpDays)*24*time.Hour
			st.Slots = domain.EvaluateSlots(reg, readings[pid], from, now, loc)
			out[pid] = st
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cache: course states: %w", err)
	}
	return out, nil
}

// OpenTaskCount is how many tasks of the patient are open.
func (tx *Tx) OpenTaskCount(patientID string) (int, error) {
	var n int
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM tasks WHERE patient_id = ? AND `+openTaskWhere, patientID).Scan(&n); err != nil {
		return 0, fmt.Errorf("open tasks of %s: %w", patientID, err)
	}
	return n, nil
}

// EndedCourses lists the patients whose course has ended by now (the regime
// version in force is in phase ended, or its end has passed), newest end
// first, with the end and the version's reason.
func (s *Store) EndedCourses(ctx context.Context, now time.Time) ([]domain.EndedCourse, error) {
	var out []domain.EndedCourse
	err := s.read(ctx, func(tx *sql.Tx) error {
		var pats []domain.Patient
		if err := eachRow(ctx, tx, `SELECT `+patientCols+` FROM patients WHERE id IN (SELECT patient_id FROM regimes)`, nil, func(sc scanner) error {
			p, err := scanPatient(sc)
			if err != nil {
				return err
			}
			pats = append(pats, p)
			return nil
		}); err != nil {
			return fmt.Errorf("patients: %w", err)
		}
		for _, p := range pats {
			hist, err := regimeHistory(ctx, tx, p.ID)
			if err != nil {
				return fmt.Errorf("regime of %s: %w", p.ID, err)
			}
			// Each plan is one course: every plan whose last version
			// has ended is listed, also when the patient has begun a new
			// course since (re-enrolment).
			for i, r := range hist {
				last := true
				for _, later := range hist[i+1:] {
					if later.ID == r.ID && !later.EffectiveFrom.After(now) {
						last = false
						break
					}
				}
				if !last || r.EffectiveFrom.After(now) || !courseEnded(r, now) {
					continue
				}
				out = append(out, domain.EndedCourse{Patient: p, End: r.End, Reason: r.Reason})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cache: ended courses: %w", err)
	}
	slices.SortStableFunc(out, func(a, b domain.EndedCourse) int { return b.End.Compare(a.End) })
	return out, nil
}

// courseStart is the first version of the course reg belongs to (its
// plan): a patient enrolled again has a new plan, and her new course
// begins with it.
func courseStart(hist []domain.Regime, reg domain.Regime) domain.Regime {
	for _, r := range hist {
		if r.ID == reg.ID {
			return r
		}
	}
	return hist[0]
}

// oneCourse reports whether every version in hist belongs to one plan
// (the patient has never been enrolled again).
func oneCourse(hist []domain.Regime) bool {
	for _, r := range hist {
		if r.ID != hist[0].ID {
			return false
		}
	}
	return true
}

// courseEnded reports whether the regime in force says the course is over.
func courseEnded(r domain.Regime, now time.Time) bool {
	return r.Phase == domain.PhaseEnded || (!r.End.IsZero() && !r.End.After(now))
}
