package cache

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// openTaskWhere selects open tasks; it must match the tasks_open partial
// index's WHERE clause exactly for SQLite to use the index.
const openTaskWhere = `status IN ('ready', 'in-progress')`

// Worklist returns the nurse's worklist, ordered by domain.OrderWorklist.
// Open counts come from open tasks and unread messages from the patient;
// Latest from latest_readings; WorstOpen from the open tasks' readings. With all=false only patients with something
// open are returned. It reads open tasks and the derived tables only, never
// the reading history.
func (s *Store) Worklist(ctx context.Context, all bool) ([]domain.WorklistRow, error) {
	var out []domain.WorklistRow
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := worklist(ctx, tx, all)
		out = rows
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("cache: worklist: %w", err)
	}
	return out, nil
}

func worklist(ctx context.Context, tx *sql.Tx, all bool) ([]domain.WorklistRow, error) {
	open := make(map[string]*domain.OpenItems)
	item := func(id string) *domain.OpenItems {
		o := open[id]
		if o == nil {
			o = &domain.OpenItems{}
			open[id] = o
		}
		return o
	}
	if err := eachRow(ctx, tx, `SELECT patient_id, category, color, implausible, created, `+taskByConsole+` FROM tasks
WHERE `+openTaskWhere, nil, func(sc scanner) error {
		var t domain.Task
		var category, color string
		var implausible, byConsole int
		var created sql.NullInt64
		if err := sc.Scan(&t.PatientID, &category, &color, &implausible, &created, &byConsole); err != nil {
			return err
		}
		t.ByConsole = byConsole == 1
		c, err := parseColor(color)
		if err != nil {
			return err
		}
		t.Category, t.Color, t.Implausible, t.Created = domain.TaskCategory(category), c, implausible == 1, fromMs(created)
		item(t.PatientID).Add(t)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("open tasks: %w", err)
	}
	if err := eachRow(ctx, tx, `SELECT patient_id, sent FROM communications
WHERE from_patient = 1 AND read = 0`, nil, func(sc scanner) error {
		var id string
		var sent sql.NullInt64
		if err := sc.Scan(&id, &sent); err != nil {
			return err
		}
		o := item(id)
		o.Unread++
		o.Seen(fromMs(sent))
		return nil
	}); err != nil {
		return nil, fmt.Errorf("unread messages: %w", err)
	}

	var rows []domain.WorklistRow
	index := make(map[string]int)
	if err := eachRow(ctx, tx, `SELECT `+patientCols+` FROM patients`, nil, func(sc scanner) error {
		p, err := scanPatient(sc)
		if err != nil {
			return err
		}
		o := open[p.ID]
		if o == nil {
			if !all {
				return nil
			}
			o = &domain.OpenItems{}
		}
		if !all && !o.Any() {
			return nil
		}
		index[p.ID] = len(rows)
		rows = append(rows, domain.WorklistRow{Patient: p, Open: *o, Latest: make(map[domain.Kind]domain.Latest)})
		return nil
	}); err != nil {
		return nil, fmt.Errorf("patients: %w", err)
	}

	if err := eachRow(ctx, tx, `SELECT patient_id, kind, value, value2, color, implausible, taken FROM latest_readings`, nil, func(sc scanner) error {
		var id, kind, color string
		var l domain.Latest
		var implausible int
		var taken int64
		if err := sc.Scan(&id, &kind, &l.Value, &l.Value2, &color, &implausible, &taken); err != nil {
			return err
		}
		i, ok := index[id]
		if !ok {
			return nil
		}
		c, err := parseColor(color)
		if err != nil {
			return err
		}
		l.Color, l.Implausible, l.Taken = c, implausible == 1, fromMs(sql.NullInt64{Int64: taken, Valid: true})
		rows[i].Latest[domain.Kind(kind)] = l
		return nil
	}); err != nil {
		return nil, fmt.Errorf("latest readings: %w", err)
	}

	// The most severe open reading per kind: what needs the nurse's eye,
	// not merely the newest value.
	if err := eachRow(ctx, tx, `SELECT t.patient_id, o.kind, o.value, o.value2, t.color, t.implausible, o.taken
FROM tasks t JOIN observations o ON o.id = t.focus_id
WHERE t.`+openTaskWhere+` AND t.category = ?`, []any{string(domain.TaskMeasurement)}, func(sc scanner) error {
		var id, kind, color string
		var l domain.Latest
		var implausible int
		var taken int64
		if err := sc.Scan(&id, &kind, &l.Value, &l.Value2, &color, &implausible, &taken); err != nil {
			return err
		}
		i, ok := index[id]
		if !ok {
			return nil
		}
		c, err := parseColor(color)
		if err != nil {
			return err
		}
		l.Color, l.Implausible, l.Taken = c, implausible == 1, fromMs(sql.NullInt64{Int64: taken, Valid: true})
		r := &rows[i]
		if r.WorstOpen == nil {
			r.WorstOpen, r.OpenReadings = make(map[domain.Kind]domain.Latest), make(map[domain.Kind]int)
		}
		k := domain.Kind(kind)
		r.OpenReadings[k]++
		if w, ok := r.WorstOpen[k]; !ok || l.MoreSevere(w) {
			r.WorstOpen[k] = l
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("open readings: %w", err)
	}

	if err := eachRow(ctx, tx, responsibilityQuery+` ORDER BY e.patient_id, e.last_updated, e.rowid`, nil, func(sc scanner) error {
		id, r, err := scanResponsibility(sc)
		if err != nil {
			return err
		}
		if i, ok := index[id]; ok {
			rows[i].Responsibility = r
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("responsibility: %w", err)
	}

	flagged, err := flaggedNotes(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("notes: %w", err)
	}
	for id, ns := range flagged {
		if i, ok := index[id]; ok {
			rows[i].Notes = ns
		}
	}

	domain.OrderWorklist(rows)
	return rows, nil
}

type scanner interface{ Scan(...any) error }

// eachRow runs query and calls fn for every row.
func eachRow(ctx context.Context, tx *sql.Tx, query string, args []any, fn func(scanner) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
