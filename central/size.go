package central

import (
	"context"
	"fmt"
)

// SizePerReading checkpoints the write-ahead log and returns the number of
// Observations (current versions) and the database's size divided by it:
// what a clinic pays on disk per reading, everything else included.
func (s *Store) SizePerReading(ctx context.Context) (int, float64, error) {
	if _, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return 0, 0, fmt.Errorf("checkpoint: %w", err)
	}
	var n, pages, pageSize, free int64
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM resources WHERE type = 'Observation'`).Scan(&n); err != nil {
		return 0, 0, fmt.Errorf("count readings: %w", err)
	}
	for q, v := range map[string]*int64{`PRAGMA page_count`: &pages, `PRAGMA page_size`: &pageSize, `PRAGMA freelist_count`: &free} {
		if err := s.db.QueryRowContext(ctx, q).Scan(v); err != nil {
			return 0, 0, fmt.Errorf("%s: %w", q, err)
		}
	}
	if n == 0 {
		return 0, 0, nil
	}
	return int(n), float64((pages-free)*pageSize) / float64(n), nil
}
