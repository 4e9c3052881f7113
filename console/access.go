package console

import (
	"context"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// ReadAccessGranter grants and revokes read-only access ("se-adgang") to
// a patient, as a monitoring nurse of her team. Each is an
// audited action through the outbox, like every other.
type ReadAccessGranter interface {
	// ReadGrants are the grants in force or planned that name the patient.
	ReadGrants(ctx context.Context, patientID string) ([]domain.ReadGrant, error)
	// GrantReadAccess gives g.Grantee read-only access to g.Patients from
	// g.From to g.To, for g.Reason; the grantor is the signed-in user.
	GrantReadAccess(ctx context.Context, g domain.ReadGrant) error
	// RevokeReadAccess ends the grant now.
	RevokeReadAccess(ctx context.Context, grantID, patientID string) error
}
