package central

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// SubmitAs creates r as the patient would (principal Patient/patientID),
// through the same path as an HTTP create: conditional on a fresh client
// identifier, triaged on arrival. A classroom plays its scenario's
// messages and questionnaires with it.
func (s *Server) SubmitAs(ctx context.Context, patientID string, r fhir.Resource) (Stored, error) {
	ident := fhir.ClientIdentifier(uuid.NewString())
	switch v := r.(type) {
	case *fhir.Communication:
		v.Identifier = append(v.Identifier, ident)
	case *fhir.QuestionnaireResponse:
		v.Identifier = &ident
	default:
		return Stored{}, fmt.Errorf("submit as patient: a %s is not something a patient sends", r.Header().ResourceType)
	}
	r.Header().ID = ""
	var st Stored
	err := s.store.inTx(ctx, func(t *tx) error {
		var err error
		st, _, err = s.createIn(t, Principal{Patient: patientID}, r, fhir.IdentifierQuery(ident), "")
		return err
	})
	if err != nil {
		return Stored{}, fmt.Errorf("submit %s as patient: %w", r.Header().ResourceType, err)
	}
	return st, nil
}
