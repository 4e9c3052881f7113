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
// looks like an id). The cache keeps the JSON of a plan's current
// version only, so an older version's bare id may have been a reference
// or a one-word name as text: it becomes a reference only when that is
// known, i.e. the version is the console's own, not yet sent (the
// console of schema 12 wrote every id-like entry as a reference), the
// cache holds a Practitioner of that id, or the plan's kept JSON names
// that very practitioner by reference. Anything else stays as it is
// (shown as the text it holds): guessing a reference would name a
// practitioner who may not exist and show a change of physician in the
// history that never happened. Down keeps the new values.
func migrationPhysicianRefs() *goose.Migration {
	return goose.NewGoMigration(13, &goose.GoFunc{RunTx: physicianRefs}, &goose.GoFunc{RunTx: func(context.Context, *sql.Tx) error { return nil }})
}

func physicianRefs(ctx context.Context, tx *sql.Tx) error {
	type row struct {
		id, version, physician string
		js                     sql.NullString // this version's CarePlan JSON
		planJS                 sql.NullString // the plan's kept JSON, of any version
		known                  bool           // a Practitioner of that id is cached
	}
	var rows []row
	q, err := tx.QueryContext(ctx, `SELECT g.id, g.version_id, g.physician,
  (SELECT r.json FROM sync_resources r WHERE r.resource_type = 'CarePlan' AND r.id = g.id AND r.version_id = g.version_id),
  (SELECT r.json FROM sync_resources r WHERE r.resource_type = 'CarePlan' AND r.id = g.id),
  EXISTS (SELECT 1 FROM practitioners p WHERE p.id = g.physician)
FROM regimes g
WHERE g.physician <> '' AND g.physician NOT LIKE 'Practitioner/%'`)
	if err != nil {
		return fmt.Errorf("regime physicians: %w", err)
	}
	for q.Next() {
		var r row
		if err := q.Scan(&r.id, &r.version, &r.physician, &r.js, &r.planJS, &r.known); err != nil {
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
		switch {
		case r.js.Valid:
			// The same mapping as when the CarePlan is pulled; a CarePlan
			// it refuses made no regime row then and is left alone now.
			reg, ok := regimeOfPlanJSON(r.js.String)
			if !ok {
				continue
			}
			physician = reg.Physician
		case domain.IsPendingVersion(r.version), r.known:
		default:
			reg, ok := regimeOfPlanJSON(r.planJS.String)
			if !r.planJS.Valid || !ok || reg.Physician != physician {
				continue // not known to have been a reference: as it is
			}
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

// regimeOfPlanJSON is the regime a kept CarePlan JSON maps to; false
// when it does not decode or map.
func regimeOfPlanJSON(js string) (domain.Regime, bool) {
	cp, err := fhir.Decode[*fhir.CarePlan]([]byte(js))
	if err != nil {
		return domain.Regime{}, false
	}
	reg, err := fhir.RegimeFromFHIR(cp, nil)
	if err != nil {
		return domain.Regime{}, false
	}
	return reg, true
}
