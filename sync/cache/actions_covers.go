package cache

import (
	"encoding/json"
	"fmt"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// plannedCoverJSON is one planned cover as kept in
// episodes_of_care.planned_covers: the team in full (so no join is needed)
// and the period in unix milliseconds.
type plannedCoverJSON struct {
	TeamID  string `json:"team"`
	Name    string `json:"name,omitempty"`
	OrgID   string `json:"org,omitempty"`
	OrgName string `json:"org_name,omitempty"`
	From    *int64 `json:"from,omitempty"`
	To      *int64 `json:"to,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// putPlannedCovers stores the further covers of an episode (Responsibility
// .Planned), creating teams the cache does not know yet.
func (tx *Tx) putPlannedCovers(episodeID string, planned []domain.Cover) error {
	out := make([]plannedCoverJSON, 0, len(planned))
	for _, c := range planned {
		if err := tx.ensureTeam(c.Team); err != nil {
			return fmt.Errorf("planned cover %w", err)
		}
		out = append(out, plannedCoverJSON{TeamID: c.Team.ID, Name: c.Team.Name, OrgID: c.Team.OrgID, OrgName: c.Team.OrgName,
			From: msPtr(c.Period.From), To: msPtr(c.Period.To), Reason: c.Period.Reason})
	}
	b, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("encode planned covers: %w", err)
	}
	if _, err := tx.exec(`UPDATE episodes_of_care SET planned_covers = ? WHERE id = ?`, string(b), episodeID); err != nil {
		return fmt.Errorf("planned covers: %w", err)
	}
	return nil
}

// decodePlannedCovers is the inverse of putPlannedCovers' encoding; nil for
// none.
func decodePlannedCovers(s string) ([]domain.Cover, error) {
	if s == "" || s == "[]" {
		return nil, nil
	}
	var in []plannedCoverJSON
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("decode planned covers: %w", err)
	}
	out := make([]domain.Cover, 0, len(in))
	for _, c := range in {
		out = append(out, domain.Cover{
			Team:   domain.Team{ID: c.TeamID, Name: c.Name, OrgID: c.OrgID, OrgName: c.OrgName},
			Period: domain.Period{From: fromMsPtr(c.From), To: fromMsPtr(c.To), Reason: c.Reason},
		})
	}
	return out, nil
}
