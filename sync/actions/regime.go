package actions

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
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

// saveRegimeVersion writes next as the version after cur: locally (as the
// version id the central will give it, so the central's answer replaces
// it) and as one outbox entry holding a transaction Bundle, so the central
// takes the whole version or none of it: the CarePlan PUT with ifMatch on
// cur's version, then a PUT of each ServiceRequest (revoked for kinds no
// longer in the regime), each with ifMatch on the version it was built
// from. Every version writes every ServiceRequest, so a concurrent change
// made the same way conflicts as a whole.
func (s *Service) saveRegimeVersion(tx *cache.Tx, at time.Time, cur cache.RegimeState, next domain.Regime) error {
	next.ID, next.PatientID = cur.Meta.ID, cur.Regime.PatientID
	next.Version = nextVersion(cur.Meta.VersionID)
	if next.EffectiveFrom.IsZero() {
		next.EffectiveFrom = at
	}
	cp, srs := fhir.RegimeToFHIR(next)
	cp.Meta = nil
	var b txBundle
	cpMatch, err := s.chainedVersion(tx, "CarePlan", cp.ID, cur.Meta.VersionID)
	if err != nil {
		return err
	}
	if err := b.put("CarePlan", cp.ID, cpMatch, cp); err != nil {
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
			if ifMatch, err = s.chainedVersion(tx, "ServiceRequest", old.ID, old.VersionID); err != nil {
				return err
			}
			sr.ID, version = old.ID, nextVersion(ifMatch)
		}
		if err := b.put("ServiceRequest", sr.ID, ifMatch, sr); err != nil {
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
		ifMatch, err := s.chainedVersion(tx, "ServiceRequest", old.ID, old.VersionID)
		if err != nil {
			return err
		}
		sr.ID, sr.Status = old.ID, "revoked"
		if err := b.put("ServiceRequest", sr.ID, ifMatch, sr); err != nil {
			return err
		}
	}
	u := s.newUUID()
	if err := tx.Enqueue(cache.OutboxEntry{UUID: u, Created: at, Action: engine.ActionTransaction, ResourceType: "CarePlan",
		ResourceID: cp.ID, Payload: b.bytes(), IfMatch: cpMatch}); err != nil {
		return err
	}
	if err := tx.PutRegimeRefs(next, cache.Meta{ID: next.ID, VersionID: next.Version}, refs); err != nil {
		return fmt.Errorf("store new regime version: %w", err)
	}
	return nil
}

// chainedVersion is the version a change of typ/id is made against: the
// one a change still queued will give it (so two queued changes chain on
// the central), else cached.
func (s *Service) chainedVersion(tx *cache.Tx, typ, id, cached string) (string, error) {
	v, ok, err := tx.LastQueuedVersion(typ, id)
	if err != nil {
		return "", err
	}
	if ok && v != "" {
		return nextVersion(v), nil
	}
	return cached, nil
}

// txBundle builds a FHIR transaction Bundle of PUTs.
type txBundle struct {
	b fhir.Bundle
}

// put adds PUT typ/id with entry.request.ifMatch W/"ifMatch" (none when
// ifMatch is "": the resource is new).
func (t *txBundle) put(typ, id, ifMatch string, res any) error {
	raw, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("encode %s for a transaction: %w", typ, err)
	}
	req := &fhir.BundleEntryRequest{Method: "PUT", URL: typ + "/" + id}
	if ifMatch != "" {
		req.IfMatch = `W/"` + ifMatch + `"`
	}
	t.b.Entry = append(t.b.Entry, fhir.BundleEntry{Resource: raw, Request: req})
	return nil
}

func (t *txBundle) bytes() []byte {
	t.b.ResourceType, t.b.Type = "Bundle", fhir.BundleTransaction
	raw, _ := json.Marshal(&t.b) // only JSON we made ourselves
	return raw
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
