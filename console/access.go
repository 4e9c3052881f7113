package console

import (
	"context"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// ReadAccessGranter grants and revokes read-only access ("se-adgang") to
// a patient or to all patients of a team, as a monitoring nurse of her
// team. Each is an audited action through the outbox, like every other.
type ReadAccessGranter interface {
	// ReadGrants are the grants in force or planned that name the patient
	// or her home team.
	ReadGrants(ctx context.Context, patientID string) ([]domain.ReadGrant, error)
	// GrantReadAccess gives g.Grantee read-only access to g.Patients (one
	// patient) or to the patients of g.Teams (one team) from g.From to
	// g.To, for g.Reason; the grantor is the signed-in user.
	GrantReadAccess(ctx context.Context, g domain.ReadGrant) error
	// RevokeReadAccess ends the grant now (patientID: the patient it was
	// revoked from, for the audit log; "" for none).
	RevokeReadAccess(ctx context.Context, grantID, patientID string) error
}

// AccessReporter fetches the authorisation report ("who has access, what
// access, and the use of it") from the central for the signed-in user:
// the central decides what she may see (her teams' part, or everything for
// an administrator) and records the run. sync/client.Client implements it.
type AccessReporter interface {
	AccessReport(ctx context.Context, since time.Time) ([]domain.AccessLine, error)
}
