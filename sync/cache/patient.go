package cache

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// Patient returns what the patient view shows: readings and questionnaires
// taken at or after since (all when since is zero), all messages, open
// tasks, the regime version in force now (the Store's clock, see WithClock) and the
// responsibility. Readings carry their stored classification. An unknown id
// wraps ErrNotFound.
func (s *Store) Patient(ctx context.Context, id string, since time.Time) (domain.PatientDetail, error) {
	return s.PatientAt(ctx, id, since, s.now())
}

// PatientAt is Patient with the regime chosen as in force at now: the newest
// version whose EffectiveFrom is not after now, or, when every version is
// still to come, the newest version.
func (s *Store) PatientAt(ctx context.Context, id string, since, now time.Time) (domain.PatientDetail, error) {
	var d domain.PatientDetail
	err := s.read(ctx, func(tx *sql.Tx) error {
		p, err := scanPatient(tx.QueryRowContext(ctx, `SELECT `+patientCols+` FROM patients WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("patient %s: %w", id, ErrNotFound)
		}
		if err != nil {
			return err
		}
		d.Patient = p
		if err := eachRow(ctx, tx, responsibilityQuery+` WHERE e.patient_id = ? ORDER BY e.last_updated, e.rowid`,
			[]any{id}, func(sc scanner) error {
				_, r, err := scanResponsibility(sc)
				d.Responsibility = r
				return err
			}); err != nil {
			return fmt.Errorf("responsibility: %w", err)
		}
		history, err := regimeHistory(ctx, tx, id)
		if err != nil {
			return fmt.Errorf("regime: %w", err)
		}
		d.Regime, _ = inForce(history, now)
		if d.Readings, err = readings(ctx, tx, id, since); err != nil {
			return fmt.Errorf("readings: %w", err)
		}
		if d.Questionnaires, err = questionnaires(ctx, tx, id, since); err != nil {
			return fmt.Errorf("questionnaires: %w", err)
		}
		if d.ProDefinitions, d.ProUnknown, err = patientQuestionnaires(ctx, tx, id, history); err != nil {
			return fmt.Errorf("questionnaire definitions: %w", err)
		}
		if d.Messages, err = messages(ctx, tx, id); err != nil {
			return fmt.Errorf("messages: %w", err)
		}
		if err := fillMessageSync(ctx, tx, id, d.Messages); err != nil {
			return err
		}
		if d.Notes, err = patientNotes(ctx, tx, id); err != nil {
			return fmt.Errorf("notes: %w", err)
		}
		if d.OpenTasks, err = openTasks(ctx, tx, id); err != nil {
			return fmt.Errorf("open tasks: %w", err)
		}
		return nil
	})
	if err != nil {
		return domain.PatientDetail{}, fmt.Errorf("cache: patient view: %w", err)
	}
	return d, nil
}

// kindList is "?, ?, ..." for every kind, so the window query uses the
// (patient_id, kind, taken) index as one range per kind.
func kindList() (string, []any) {
	kinds := domain.Kinds()
	args := make([]any, len(kinds))
	for i, k := range kinds {
		args[i] = string(k)
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(kinds)), ", "), args
}

func readings(ctx context.Context, tx *sql.Tx, patientID string, since time.Time) ([]domain.Reading, error) {
	ph, kinds := kindList()
	args := append([]any{patientID}, kinds...)
	args = append(args, sinceMs(since))
	var out []domain.Reading
	err := eachRow(ctx, tx, `SELECT id, patient_id, kind, taken, received, value, value2, extra, color,
	implausible, limits, acknowledged, by_console
FROM observations WHERE patient_id = ? AND kind IN (`+ph+`) AND taken >= ?
ORDER BY taken, id`, args, func(sc scanner) error {
		r, err := scanReading(sc)
		out = append(out, r)
		return err
	})
	return out, err
}

func scanReading(sc scanner) (domain.Reading, error) {
	var r domain.Reading
	var kind, color string
	var taken int64
	var received sql.NullInt64
	var extra, ack, byConsole int
	var limits sql.NullString
	if err := sc.Scan(&r.ID, &r.PatientID, &kind, &taken, &received, &r.Value, &r.Value2, &extra,
		&color, &r.Implausible, &limits, &ack, &byConsole); err != nil {
		return r, err
	}
	r.ByConsole = byConsole == 1
	r.Kind = domain.Kind(kind)
	r.Taken, r.Received = time.UnixMilli(taken).UTC(), fromMs(received)
	r.Extra, r.Acknowledged = extra == 1, ack == 1
	var err error
	if r.Color, err = parseColor(color); err != nil {
		return r, fmt.Errorf("reading %s: %w", r.ID, err)
	}
	if r.Limits, err = decodeLimits(limits); err != nil {
		return r, fmt.Errorf("reading %s: %w", r.ID, err)
	}
	return r, nil
}

func questionnaires(ctx context.Context, tx *sql.Tx, patientID string, since time.Time) ([]domain.ProResponse, error) {
	var out []domain.ProResponse
	err := eachRow(ctx, tx, `SELECT id, patient_id, taken, answers, questionnaire FROM questionnaire_responses
WHERE patient_id = ? AND taken >= ? ORDER BY taken, id`, []any{patientID, sinceMs(since)}, func(sc scanner) error {
		var q domain.ProResponse
		var taken int64
		var answers string
		if err := sc.Scan(&q.ID, &q.PatientID, &taken, &answers, &q.Questionnaire); err != nil {
			return err
		}
		q.Taken = time.UnixMilli(taken).UTC()
		var err error
		if q.Answers, err = decodeAnswers(answers); err != nil {
			return fmt.Errorf("questionnaire %s: %w", q.ID, err)
		}
		out = append(out, q)
		return nil
	})
	return out, err
}

func messages(ctx context.Context, tx *sql.Tx, patientID string) ([]domain.Message, error) {
	var out []domain.Message
	err := eachRow(ctx, tx, `SELECT id, patient_id, thread_id, from_patient, sender, title, body, sent, read
FROM communications WHERE patient_id = ? ORDER BY sent, id`, []any{patientID}, func(sc scanner) error {
		var m domain.Message
		var from, read int
		var sent sql.NullInt64
		if err := sc.Scan(&m.ID, &m.PatientID, &m.ThreadID, &from, &m.Sender, &m.Title, &m.Body, &sent, &read); err != nil {
			return err
		}
		m.FromPatient, m.Read, m.Sent = from == 1, read == 1, fromMs(sent)
		out = append(out, m)
		return nil
	})
	return out, err
}

func openTasks(ctx context.Context, tx *sql.Tx, patientID string) ([]domain.Task, error) {
	var out []domain.Task
	err := eachRow(ctx, tx, `SELECT id, patient_id, category, focus_id, kind, color, implausible, status,
	created, due, done_by, done_at, note, `+taskByConsole+`
FROM tasks WHERE patient_id = ? AND `+openTaskWhere+` ORDER BY created, id`, []any{patientID}, func(sc scanner) error {
		t, err := scanTask(sc)
		out = append(out, t)
		return err
	})
	return out, err
}

func scanTask(sc scanner) (domain.Task, error) {
	var t domain.Task
	var category, kind, color, status string
	var implausible, byConsole int
	var created, due, doneAt sql.NullInt64
	if err := sc.Scan(&t.ID, &t.PatientID, &category, &t.FocusID, &kind, &color, &implausible, &status,
		&created, &due, &t.DoneBy, &doneAt, &t.Note, &byConsole); err != nil {
		return t, err
	}
	t.ByConsole = byConsole == 1
	t.Category, t.Kind = domain.TaskCategory(category), domain.Kind(kind)
	t.Implausible, t.Done = implausible == 1, status != TaskReady && status != TaskInProgress
	t.Created, t.Due, t.DoneAt = fromMs(created), fromMs(due), fromMs(doneAt)
	var err error
	if t.Color, err = parseColor(color); err != nil {
		return t, fmt.Errorf("task %s: %w", t.ID, err)
	}
	return t, nil
}

// patientQuestionnaires are the definitions of the questionnaires the
// patient answers, as far as the cache holds them: those her regime
// versions name and those her responses (any time) name; unknown are the
// references the cache has no definition for.
func patientQuestionnaires(ctx context.Context, tx *sql.Tx, patientID string, history []domain.Regime) (defs []domain.Questionnaire, unknown []string, err error) {
	var refs []string
	for i := len(history) - 1; i >= 0; i-- {
		refs = append(refs, history[i].Questionnaires...)
	}
	err = eachRow(ctx, tx, `SELECT DISTINCT questionnaire FROM questionnaire_responses
WHERE patient_id = ? AND questionnaire != '' ORDER BY questionnaire`, []any{patientID}, func(sc scanner) error {
		var ref string
		if err := sc.Scan(&ref); err != nil {
			return err
		}
		refs = append(refs, ref)
		return nil
	})
	if err != nil || len(refs) == 0 {
		return nil, nil, err
	}
	seen := map[string]bool{}
	var urls []any
	for _, ref := range refs {
		if u, _ := domain.SplitCanonical(ref); u != "" && !seen[u] {
			seen[u] = true
			urls = append(urls, u)
		}
	}
	known, err := questionnairesByURL(ctx, tx, urls)
	if err != nil {
		return nil, nil, err
	}
	defs, unknown = domain.ResolveQuestionnaires(refs, known)
	return defs, unknown, nil
}
