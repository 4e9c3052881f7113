package actions

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/fhir"
	"github.com/telehjerte/telehjerte-tui/tui"
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
// *tui.RegimeConflictError with the stored version. A change that reaches
// the central after someone else's (412) is marked conflict by the sync
// engine, with the central's version kept beside it.
func (s *Service) SaveRegime(ctx context.Context, c domain.RegimeChange) error {
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
			return &tui.RegimeConflictError{Mine: c, Theirs: cur.Regime}
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

// saveRegimeVersion writes next as the version after cur: locally (as the
// version id the central will give it, so the central's answer replaces
// it) and in the outbox: the CarePlan PUT with If-Match on cur's version,
// then a PUT of each ServiceRequest (revoked for kinds no longer in the
// regime), each with If-Match on the version it was built from. Every
// version writes every ServiceRequest, so a concurrent change made the
// same way makes all of them conflict, not only the CarePlan.
func (s *Service) saveRegimeVersion(tx *cache.Tx, at time.Time, cur cache.RegimeState, next domain.Regime) error {
	next.ID, next.PatientID = cur.Meta.ID, cur.Regime.PatientID
	next.Version = nextVersion(cur.Meta.VersionID)
	if next.EffectiveFrom.IsZero() {
		next.EffectiveFrom = at
	}
	cp, srs := fhir.RegimeToFHIR(next)
	cp.Meta = nil
	if _, err := s.enqueue(tx, at, OutboxRegime, "CarePlan", cp.ID, cur.Meta.VersionID, cp); err != nil {
		return err
	}
	refs := map[domain.Kind]cache.ServiceRequestRef{}
	sent := map[domain.Kind]bool{}
	for _, sr := range srs {
		k, ok := fhir.KindOf(*sr.Code)
		if !ok {
			continue
		}
		ifMatch, version := "", "1"
		if old, ok := cur.Refs[k]; ok {
			sr.ID, ifMatch, version = old.ID, old.VersionID, nextVersion(old.VersionID)
		}
		if _, err := s.enqueue(tx, at, OutboxRegime, "ServiceRequest", sr.ID, ifMatch, sr); err != nil {
			return err
		}
		refs[k] = cache.ServiceRequestRef{ID: sr.ID, VersionID: version}
		sent[k] = true
	}
	_, oldSRs := fhir.RegimeToFHIR(cur.Regime)
	for _, sr := range oldSRs {
		k, ok := fhir.KindOf(*sr.Code)
		if !ok || sent[k] {
			continue
		}
		old, ok := cur.Refs[k]
		if !ok {
			continue
		}
		sr.ID, sr.Status = old.ID, "revoked"
		if _, err := s.enqueue(tx, at, OutboxRegime, "ServiceRequest", sr.ID, old.VersionID, sr); err != nil {
			return err
		}
	}
	if err := tx.PutRegimeRefs(next, cache.Meta{ID: next.ID, VersionID: next.Version}, refs); err != nil {
		return fmt.Errorf("store new regime version: %w", err)
	}
	return nil
}

// nextVersion is the version id the central gives the next version of a
// resource at version v ("1" for none or a non-number).
func nextVersion(v string) string {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return "1"
	}
	return strconv.Itoa(n + 1)
}

func pausesJSON(ps []domain.Period) []map[string]string {
	out := make([]map[string]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, map[string]string{"from": fhir.FormatInstant(p.From), "to": fhir.FormatInstant(p.To), "reason": p.Reason})
	}
	return out
}
