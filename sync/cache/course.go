package cache

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
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

// QueuedContaining reports whether a pending outbox entry of action has a
// payload containing text, e.g. an enrolment of the same CPR number still
// on its way.
func (tx *Tx) QueuedContaining(action, text string) (bool, error) {
	var n int
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(text)
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM outbox WHERE action = ? AND state = 'pending'
	AND payload LIKE '%' || ? || '%' ESCAPE '\'`, action, esc).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("queued %s: %w", action, err)
	}
	return n > 0, nil
}
