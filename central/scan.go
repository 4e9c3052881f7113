package central

import (
	"context"
	"fmt"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// ScanReport counts what ScanMissing did.
type ScanReport struct {
	Patients int // patients with a regime in force
	Created  int // new MissingMeasurementResolving tasks
	Resolved int // open missing tasks completed by a late reading
}

// ScanMissing evaluates every patient's expected measurements over the last
// ScanWindow and creates a MissingMeasurementResolving Task (id from
// domain.MissingTaskID, so a rerun creates nothing twice) for each slot past
// its deadline with nothing received, and completes open ones whose reading
// arrived late. Each patient is handled in its own transaction.
func (s *Server) ScanMissing(ctx context.Context, now time.Time) (ScanReport, error) {
	var rep ScanReport
	var patients []string
	err := s.store.inTx(ctx, func(t *tx) error {
		var err error
		patients, err = t.patientsWithType("CarePlan")
		return err
	})
	if err != nil {
		return rep, fmt.Errorf("scan missing: %w", err)
	}
	for _, pid := range patients {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		err := s.store.inTx(ctx, func(t *tx) error {
			versions, _, err := t.regimes(pid)
			if err != nil {
				return err
			}
			reg, ok := domain.RegimeAt(versions, now)
			if !ok {
				return nil
			}
			rep.Patients++
			out, err := t.slotTasks(reg, pid, now, s.loc, true)
			if err != nil {
				return err
			}
			for _, r := range out {
				st, err := t.write(r, 0)
				if err != nil {
					return err
				}
				if st.VersionID == 1 {
					rep.Created++
				} else {
					rep.Resolved++
				}
			}
			return nil
		})
		if err != nil {
			return rep, fmt.Errorf("scan missing for a patient: %w", err)
		}
	}
	return rep, nil
}
