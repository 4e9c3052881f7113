package cache

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
