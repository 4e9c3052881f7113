package actions

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/outbox"
)

// SetPause adds a pause to the patient's current regime: a new regime
// version (effective now) whose Pauses include p. The EpisodeOfCare is not
// touched. The central's missing-measurement scan evaluates slots with the
// version in force, so no missing task arises inside the pause.
func (s *Service) SetPause(ctx context.Context, patientID string, p domain.Period) error {
	if strings.TrimSpace(patientID) == "" {
		return problem("patient", domain.CodeRequired, "the patient must be known")
	}
	// NewPause validates the period (and normalises the reason) as the form
	// did.
	reason, text, _ := strings.Cut(p.Reason, ": ")
	checked, err := domain.NewPause(p.From, p.To, domain.PauseReason(reason), text)
	if err != nil {
		return err
	}
	at := s.clock()
	return s.write(ctx, "set pause", func(tx *cache.Tx) error {
		cur, ok, err := tx.CurrentRegime(patientID)
		if err != nil {
			return err
		}
		if !ok {
			return problem("patient", domain.CodeInvalid, "the patient has no regime to pause")
		}
		next := cur.Regime.WithPause(checked)
		next.Author = s.user.Name
		next.Reason = "pause: " + checked.Reason
		next.EffectiveFrom = at
		if err := s.saveRegimeVersion(tx, at, cur, next); err != nil {
			return err
		}
		return s.audit(tx, at, AuditPause, patientID, map[string]any{
			"regime": cur.Meta.ID, "base_version": cur.Meta.VersionID,
			"old": map[string]any{"pauses": pausesJSON(cur.Regime.Pauses)},
			"new": map[string]any{"pauses": pausesJSON(next.Pauses)},
		})
	})
}

// SaveRegime stores a new regime version. When the newest stored version
// is not c.BaseVersion it writes nothing and returns a
// *console.RegimeConflictError with the stored version. A change that reaches
// the central after someone else's (412) is marked conflict by the sync
// engine, with the central's version kept beside it.
func (s *Service) SaveRegime(ctx context.Context, c domain.RegimeChange) error {
	// Who wrote the version is who the console acts as (as for a pause,
	// an enrolment and an end), never what the change says.
	c.Regime.Author = s.user.Name
	if err := c.Validate(); err != nil {
		return err
	}
	at := s.clock()
	return s.write(ctx, "save regime", func(tx *cache.Tx) error {
		cur, ok, err := tx.CurrentRegime(c.PatientID)
		if err != nil {
			return err
		}
		if !ok {
			return problem("patient", domain.CodeInvalid, "the patient has no regime in the cache")
		}
		if cur.Meta.VersionID != c.BaseVersion {
			return &console.RegimeConflictError{Mine: c, Theirs: cur.Regime}
		}
		next := c.Regime
		next.PatientID = c.PatientID
		if err := s.saveRegimeVersion(tx, at, cur, next); err != nil {
			return err
		}
		diffs := domain.DiffRegimes(cur.Regime, next)
		old, new := map[string]string{}, map[string]string{}
		for _, d := range diffs {
			old[d.Field], new[d.Field] = d.Old, d.New
		}
		new["reason"], new["physician"], new["author"] = next.Reason, next.Physician, next.Author
		return s.audit(tx, at, AuditRegime, c.PatientID, map[string]any{
			"regime": cur.Meta.ID, "base_version": cur.Meta.VersionID, "old": old, "new": new,
		})
	})
}

// saveRegimeVersion writes next as the version after cur: locally as a
// pending version (version id domain.PendingVersion of the outbox entry,
// replaced by the central's version when the central answers; never a
// version id computed from the current one), and as one outbox entry of
// changes sent as one transaction, so the central takes the whole version
// or none of it: the CarePlan, then every ServiceRequest of the plan
// (revoked for kinds no longer in the regime, created for new kinds), each
// changed only where the regime changed it (careTeam, requester and
// anything else the console does not model are kept) and each with
// If-Match on the server version the cache holds. Every version writes
// every ServiceRequest, so a concurrent change made the same way conflicts
// as a whole.
func (s *Service) saveRegimeVersion(tx *cache.Tx, at time.Time, cur cache.RegimeState, next domain.Regime) error {
	next.ID, next.PatientID = cur.Meta.ID, cur.Regime.PatientID
	u := s.newUUID()
	next.Version = domain.PendingVersion(u)
	if next.EffectiveFrom.IsZero() {
		next.EffectiveFrom = at
	}
	for _, ref := range cur.Refs {
		if ref.ID == "" {
			return problem("regime", domain.CodeInvalid,
				"the previous change of this regime adds a measurement and has not reached the central yet; save again when it has")
		}
	}
	oldCP, oldSRs := renderRegime(cur.Regime, cur.Refs, nil)
	created := map[domain.Kind]string{}
	newCP, newSRs := renderRegime(next, cur.Refs, func(k domain.Kind) string {
		id := s.newUUID()
		created[k] = id
		return id
	})
	cpVersion, err := serverVersion(tx, "CarePlan", cur.Meta.ID, cur.Meta.VersionID)
	if err != nil {
		return err
	}
	ch, err := change("CarePlan", cur.Meta.ID, cpVersion, oldCP, newCP)
	if err != nil {
		return err
	}
	changes := []outbox.Change{ch}
	refs := map[domain.Kind]cache.ServiceRequestRef{}
	for _, k := range domain.Kinds() {
		n, inNew := newSRs[k]
		o, inOld := oldSRs[k]
		ref, known := cur.Refs[k]
		switch {
		case !inNew && !inOld:
			if known {
				refs[k] = ref
			}
			continue
		case !known:
			if !inNew {
				continue
			}
			raw, err := json.Marshal(n)
			if err != nil {
				return fmt.Errorf("encode ServiceRequest: %w", err)
			}
			changes = append(changes, outbox.Change{ResourceType: "ServiceRequest", New: raw,
				FullURL: "urn:uuid:" + created[k], Identifier: created[k]})
			refs[k] = cache.ServiceRequestRef{}
			continue
		}
		version, err := serverVersion(tx, "ServiceRequest", ref.ID, ref.VersionID)
		if err != nil {
			return err
		}
		var before any = o
		if !inOld {
			// Known to the central (e.g. revoked earlier) but not in the
			// current regime: its server JSON as the console reads it.
			if before, err = modelledServiceRequest(tx, ref.ID); err != nil {
				return err
			}
		}
		after := n
		if !inNew {
			revoked := *o
			revoked.Status = "revoked"
			after = &revoked
		}
		c, err := change("ServiceRequest", ref.ID, version, before, after)
		if err != nil {
			return err
		}
		changes = append(changes, c)
		refs[k] = ref
	}
	if err := s.queueChangesAs(tx, u, at, OutboxRegime, changes...); err != nil {
		return err
	}
	if err := tx.PutRegimeRefs(next, cache.Meta{ID: next.ID, VersionID: next.Version}, refs); err != nil {
		return fmt.Errorf("store new regime version: %w", err)
	}
	return nil
}

// renderRegime is the FHIR of a regime version as the console writes it,
// with the ServiceRequests under the server ids in refs; a kind without a
// ref gets newID's UUID as urn:uuid (a resource to create; nil: the
// ServiceRequestID naming, for rendering an old version). The
// ServiceRequests are returned by kind.
func renderRegime(r domain.Regime, refs map[domain.Kind]cache.ServiceRequestRef, newID func(domain.Kind) string) (*fhir.CarePlan, map[domain.Kind]*fhir.ServiceRequest) {
	cp, srs := fhir.RegimeToFHIR(r)
	cp.Meta = nil
	cp.Activity = nil
	out := map[domain.Kind]*fhir.ServiceRequest{}
	for _, sr := range srs {
		k, ok := fhir.KindOf(*sr.Code)
		if !ok {
			continue
		}
		target := ""
		if ref, ok := refs[k]; ok && ref.ID != "" {
			sr.ID, target = ref.ID, "ServiceRequest/"+ref.ID
		} else if newID != nil {
			id := newID(k)
			sr.ID, target = "", "urn:uuid:"+id
			sr.Identifier = []fhir.Identifier{fhir.ClientIdentifier(id)}
		} else {
			target = "ServiceRequest/" + sr.ID
		}
		cp.Activity = append(cp.Activity, fhir.CarePlanActivity{Reference: &fhir.Reference{Reference: target}})
		out[k] = sr
	}
	return cp, out
}

// serverVersion is the version of typ/id whose server JSON the cache holds
// (what a change is made against), else fallback.
func serverVersion(tx *cache.Tx, typ, id, fallback string) (string, error) {
	_, v, ok, err := tx.ServerJSON(typ, id)
	if err != nil {
		return "", err
	}
	if ok && v != "" {
		return v, nil
	}
	if domain.IsPendingVersion(fallback) {
		return "", nil
	}
	return fallback, nil
}

// modelledServiceRequest is the cached server JSON of a ServiceRequest
// reduced to what the console models.
func modelledServiceRequest(tx *cache.Tx, id string) (any, error) {
	raw, _, ok, err := tx.ServerJSON("ServiceRequest", id)
	if err != nil || !ok {
		return map[string]any{}, err
	}
	sr, err := fhir.Decode[*fhir.ServiceRequest](raw)
	if err != nil {
		return map[string]any{}, nil
	}
	sr.Meta = nil
	return sr, nil
}

func pausesJSON(ps []domain.Period) []map[string]string {
	out := make([]map[string]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, map[string]string{"from": fhir.FormatInstant(p.From), "to": fhir.FormatInstant(p.To), "reason": p.Reason})
	}
	return out
}
