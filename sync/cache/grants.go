package cache

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// GrantJSON is one se-adgang grant as the server sent it.
type GrantJSON struct {
	JSON    []byte
	Version string
}

// GrantsJSON returns the se-adgang grants (CareTeams of category
// se-adgang, kept raw: see ApplyResource) the cache holds.
func (s *Store) GrantsJSON(ctx context.Context) ([]GrantJSON, error) {
	var out []GrantJSON
	err := s.read(ctx, func(tx *sql.Tx) error {
		return eachRow(ctx, tx, `SELECT json, version_id FROM sync_resources WHERE resource_type = 'CareTeam' ORDER BY id`, nil, func(sc scanner) error {
			var g GrantJSON
			var js string
			if err := sc.Scan(&js, &g.Version); err != nil {
				return err
			}
			g.JSON = []byte(js)
			out = append(out, g)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("cache: grants: %w", err)
	}
	return out, nil
}

// HomeTeam is the home team of the patient's episode in force ("" when the
// cache holds none).
func (s *Store) HomeTeam(ctx context.Context, patientID string) (string, error) {
	var team string
	err := s.read(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT home_team_id FROM episodes_of_care WHERE patient_id = ?
	ORDER BY last_updated DESC, rowid DESC LIMIT 1`, patientID).Scan(&team)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("cache: home team of %s: %w", patientID, err)
	}
	return team, nil
}

// CoverEdges returns every instant after `after` at which a holiday cover
// the cache knows of (the one in force and the planned ones, of every
// cached episode) begins or ends, earliest first. Visibility at the
// server follows these instants without any resource changing.
func (s *Store) CoverEdges(ctx context.Context, after time.Time) ([]time.Time, error) {
	var out []time.Time
	err := s.read(ctx, func(tx *sql.Tx) error {
		return eachRow(ctx, tx, `SELECT x FROM (
	SELECT cover_from AS x FROM episodes_of_care
	UNION SELECT cover_to FROM episodes_of_care
	UNION SELECT json_extract(j.value, '$.from') FROM episodes_of_care e, json_each(e.planned_covers) j
	UNION SELECT json_extract(j.value, '$.to') FROM episodes_of_care e, json_each(e.planned_covers) j)
WHERE x > ? ORDER BY x`, []any{after.UnixMilli()}, func(sc scanner) error {
			var ms int64
			if err := sc.Scan(&ms); err != nil {
				return err
			}
			out = append(out, time.UnixMilli(ms))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("cache: cover edges: %w", err)
	}
	return out, nil
}
