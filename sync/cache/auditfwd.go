package cache

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// AuditRecord is one entry of the cache's audit log with its sequence
// number (its place in the log, never reused).
type AuditRecord struct {
	Seq int64
	domain.AuditEntry
}

// AuditAfter returns up to limit audit log entries after seq, in order.
func (s *Store) AuditAfter(ctx context.Context, seq int64, limit int) ([]AuditRecord, error) {
	var out []AuditRecord
	err := s.read(ctx, func(tx *sql.Tx) error {
		return eachRow(ctx, tx, `SELECT seq, at, user, action, patient_id FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?`,
			[]any{seq, limit}, func(sc scanner) error {
				var r AuditRecord
				var at int64
				if err := sc.Scan(&r.Seq, &at, &r.User, &r.Action, &r.PatientID); err != nil {
					return err
				}
				r.At = time.UnixMilli(at)
				out = append(out, r)
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("cache: audit log after %d: %w", seq, err)
	}
	return out, nil
}
