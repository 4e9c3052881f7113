package cache

import (
	"context"
	"testing"
)

// A se-adgang grant (a CareTeam of category se-adgang) pulled from the
// central is not a team of the console: it is never offered for a
// transfer or a cover.
func TestReadAccessGrantIsNoTeam(t *testing.T) {
	const grant = `{"resourceType":"CareTeam","id":"grant-1","meta":{"versionId":"1","lastUpdated":"2026-03-10T09:00:00Z"},"status":"active","name":"se-adgang",
"category":[{"coding":[{"system":"http://telehjerte.example/fhir/CodeSystem/care-team-kind","code":"se-adgang"}]}],
"participant":[{"member":{"reference":"Practitioner/m1"}}],"period":{"start":"2026-03-01T00:00:00Z","end":"2026-06-01T00:00:00Z"}}`
	s := openTest(t)
	mustWrite(t, s, func(tx *Tx) error {
		for _, raw := range []string{
			`{"resourceType":"CareTeam","id":"team-a","meta":{"versionId":"1","lastUpdated":"2026-03-10T09:00:00Z"},"status":"active","name":"Klinik A"}`,
			grant,
		} {
			if _, err := tx.ApplyResource([]byte(raw)); err != nil {
				return err
			}
		}
		return nil
	})
	// Pulled again (a page boundary, the next round), the grant is known:
	// the pull moves on instead of taking it for new each time.
	mustWrite(t, s, func(tx *Tx) error {
		res, err := tx.ApplyResource([]byte(grant))
		if err != nil {
			return err
		}
		if res.Outcome != Known {
			t.Errorf("the grant pulled again: outcome %v, want known", res.Outcome)
		}
		return nil
	})
	teams, err := s.Teams(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(teams) != 1 || teams[0].ID != "team-a" {
		t.Errorf("teams = %+v, want team-a only", teams)
	}
}
