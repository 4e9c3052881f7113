package cache

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/pressly/goose/v3"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// migrationRegimeQuestionnaires (schema 12) fills regimes.questionnaires
// (added empty by schema 11) for the regime versions stored before: from
// the CarePlan JSON the cache keeps (sync_resources), for the row of the
// version that JSON is. The central need not send the CarePlan again (it
// may never: its version is known), so without this the regime form of a
// patient enrolled before the upgrade would not know her questionnaire.
// Older versions (whose JSON is not kept) and answer sets (whose JSON the
// cache does not keep) stay as they were. Down keeps the filled values.
func migrationRegimeQuestionnaires() *goose.Migration {
	return goose.NewGoMigration(12, &goose.GoFunc{RunTx: fillRegimeQuestionnaires}, &goose.GoFunc{RunTx: func(context.Context, *sql.Tx) error { return nil }})
}

func fillRegimeQuestionnaires(ctx context.Context, tx *sql.Tx) error {
	type plan struct{ id, version, js string }
	var plans []plan
	rows, err := tx.QueryContext(ctx, `SELECT r.id, r.version_id, r.json FROM sync_resources r
WHERE r.resource_type = 'CarePlan' AND EXISTS (SELECT 1 FROM regimes g
	WHERE g.id = r.id AND g.version_id = r.version_id AND g.questionnaires = '[]')`)
	if err != nil {
		return fmt.Errorf("regime questionnaires: %w", err)
	}
	for rows.Next() {
		var p plan
		if err := rows.Scan(&p.id, &p.version, &p.js); err != nil {
			rows.Close()
			return fmt.Errorf("regime questionnaires: %w", err)
		}
		plans = append(plans, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("regime questionnaires: %w", err)
	}
	for _, p := range plans {
		// The same mapping as when the CarePlan is pulled; a CarePlan it
		// refuses made no regime row then and is left alone now.
		cp, err := fhir.Decode[*fhir.CarePlan]([]byte(p.js))
		if err != nil {
			continue
		}
		r, err := fhir.RegimeFromFHIR(cp, nil)
		if err != nil || len(r.Questionnaires) == 0 {
			continue
		}
		b, err := json.Marshal(r.Questionnaires)
		if err != nil {
			return fmt.Errorf("regime questionnaires of %s: %w", p.id, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE regimes SET questionnaires = ?
WHERE id = ? AND version_id = ? AND questionnaires = '[]'`, string(b), p.id, p.version); err != nil {
			return fmt.Errorf("regime questionnaires of %s: %w", p.id, err)
		}
	}
	return nil
}
