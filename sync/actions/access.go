package actions

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// Audit actions of se-adgang.
const (
	ActionGrantReadAccess  = "grant-read-access"
	ActionRevokeReadAccess = "revoke-read-access"
)

var _ console.ReadAccessGranter = (*Service)(nil)

// ReadGrants are the grants the cache holds that name the patient, or
// her home team, and are not revoked or over.
func (s *Service) ReadGrants(ctx context.Context, patientID string) ([]domain.ReadGrant, error) {
	rows, err := s.store.GrantsJSON(ctx)
	if err != nil {
		return nil, fmt.Errorf("actions: %w", err)
	}
	home, err := s.store.HomeTeam(ctx, patientID)
	if err != nil {
		return nil, fmt.Errorf("actions: %w", err)
	}
	now := s.now()
	var out []domain.ReadGrant
	for _, r := range rows {
		ct, err := fhir.Decode[*fhir.CareTeam](r.JSON)
		if err != nil || !fhir.IsReadAccessGrant(ct) {
			continue
		}
		g, err := fhir.ReadGrantFromCareTeam(ct)
		if err != nil || g.Revoked || !now.Before(g.To) ||
			!slices.Contains(g.Patients, patientID) && (home == "" || !slices.Contains(g.Teams, home)) {
			continue
		}
		out = append(out, g)
	}
	return out, nil
}

// GrantReadAccess queues a conditional create of the grant's CareTeam
// (its client UUID as identifier) and audits it, in one transaction. A
// grant is for one patient or for all patients of one team (the central
// lets only a member of that team grant it, and ends it at its end).
func (s *Service) GrantReadAccess(ctx context.Context, g domain.ReadGrant) error {
	g.GrantedBy = s.user.ID
	if err := g.Validate(); err != nil {
		return err
	}
	if len(g.Patients)+len(g.Teams) != 1 {
		return errors.New("actions: se-adgang is granted from the console for one patient or one team at a time")
	}
	patient, scope := "", ""
	if len(g.Patients) == 1 {
		patient = g.Patients[0]
	} else {
		scope = " for all patients of CareTeam/" + g.Teams[0]
	}
	at := s.now()
	uuid := s.newUUID()
	ct := fhir.ReadGrantToCareTeam(g)
	ct.ID = ""
	ct.Identifier = []fhir.Identifier{fhir.ClientIdentifier(uuid)}
	err := s.store.Write(ctx, func(tx *cache.Tx) error {
		if err := s.enqueueWithUUID(tx, uuid, at, ActionGrantReadAccess, "CareTeam", ct); err != nil {
			return err
		}
		return tx.Audit(domain.AuditEntry{At: at, User: s.user.ID, Action: ActionGrantReadAccess, PatientID: patient,
			Detail: fmt.Sprintf("se-adgang to Practitioner/%s%s until %s: %s", g.Grantee, scope, fhir.FormatInstant(g.To), g.Reason)})
	})
	if err != nil {
		return fmt.Errorf("actions: grant se-adgang: %w", err)
	}
	return nil
}

// RevokeReadAccess queues the grant's change to status inactive against
// the version the cache holds, and audits it.
func (s *Service) RevokeReadAccess(ctx context.Context, grantID, patientID string) error {
	raw, version, ok, err := s.store.ServerJSON(ctx, "CareTeam", grantID)
	if err != nil {
		return fmt.Errorf("actions: revoke se-adgang: %w", err)
	}
	if !ok {
		return fmt.Errorf("actions: revoke se-adgang: grant %s is not in the cache", grantID)
	}
	ct, err := fhir.Decode[*fhir.CareTeam](raw)
	if err != nil {
		return fmt.Errorf("actions: revoke se-adgang: %w", err)
	}
	g, err := fhir.ReadGrantFromCareTeam(ct)
	if err != nil {
		return fmt.Errorf("actions: revoke se-adgang: %w", err)
	}
	ch, err := change("CareTeam", grantID, version, map[string]string{"status": ct.Status}, map[string]string{"status": "inactive"})
	if err != nil {
		return err
	}
	at := s.now()
	err = s.store.Write(ctx, func(tx *cache.Tx) error {
		if _, err := s.queueChanges(tx, at, ActionRevokeReadAccess, ch); err != nil {
			return err
		}
		return tx.Audit(domain.AuditEntry{At: at, User: s.user.ID, Action: ActionRevokeReadAccess, PatientID: patientID,
			Detail: fmt.Sprintf("se-adgang of Practitioner/%s (grant %s) revoked", g.Grantee, grantID)})
	})
	if err != nil {
		return fmt.Errorf("actions: revoke se-adgang: %w", err)
	}
	return nil
}
