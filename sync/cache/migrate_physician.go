package cache

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pressly/goose/v3"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// migrationPhysicianRefs (schema 13) rewrites the responsible physician
// of the regime versions stored before a regime held a referenced
// physician as domain.PractitionerRef. Those rows hold her bare id, which
// the mapping now writes as display text: a later change of the
// physician would then not find the server's reference to replace (the
// CarePlan would name two physicians), and the form would call a known
// physician free text. A row whose CarePlan JSON the cache keeps takes
// the physician that JSON names (a reference, or a display that merely
// looks like an id); any other row whose physician has the syntax of an
// id was written, and would be written again, as a reference by the
// console that stored it, so it becomes that reference. Names as text
// (with a space, say) stay as they are. Down keeps the new values.
func migrationPhysicianRefs() *goose.Migration {
	return goose.NewGoMigration(13, &goose.GoFunc{RunTx: physicianRefs}, &goose.GoFunc{RunTx: func(context.Context, *sql.Tx) error { return nil }})
}

func physicianRefs(ctx context.Context, tx *sql.Tx) error {
	type row struct {
		id, version, physician string
		js                     sql.NullString
	}
	var rows []row
	q, err := tx.QueryContext(ctx, `SELECT g.id, g.version_id, g.physician, r.json FROM regimes g
LEFT JOIN sync_resources r ON r.resource_type = 'CarePlan' AND r.id = g.id AND r.version_id = g.version_id
WHERE g.physician <> '' AND g.physician NOT LIKE 'Practitioner/%'`)
	if err != nil {
		return fmt.Errorf("regime physicians: %w", err)
	}
	for q.Next() {
		var r row
		if err := q.Scan(&r.id, &r.version, &r.physician, &r.js); err != nil {
			q.Close()
			return fmt.Errorf("regime physicians: %w", err)
		}
		rows = append(rows, r)
	}
	q.Close()
	if err := q.Err(); err != nil {
		return fmt.Errorf("regime physicians: %w", err)
	}
	for _, r := range rows {
		if !fhir.ValidID(r.physician) {
			continue // a name as text, then as now
		}
		physician := domain.PractitionerRef(r.physician)
		if r.js.Valid {
			// The same mapping as when the CarePlan is pulled; a CarePlan
			// it refuses made no regime row then and is left alone now.
			cp, err := fhir.Decode[*fhir.CarePlan]([]byte(r.js.String))
			if err != nil {
				continue
			}
			reg, err := fhir.RegimeFromFHIR(cp, nil)
			if err != nil {
				continue
			}
			physician = reg.Physician
		}
		if physician == r.physician {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE regimes SET physician = ? WHERE id = ? AND version_id = ? AND physician = ?`,
			physician, r.id, r.version, r.physician); err != nil {
			return fmt.Errorf("regime physician of %s: %w", r.id, err)
		}
	}
	return nil
}
