package cache

import (
	"context"
	"database/sql"
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
