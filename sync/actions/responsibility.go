package actions

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// Transfer moves monitoring responsibility permanently: the EpisodeOfCare
// gets the receiving team as team (PUT, If-Match), and covers planned by
// the giving team are dropped with it. The handover note becomes an
// important handover note on the patient, sent before the episode so the
// giving nurse still has access when it reaches the central.
func (s *Service) Transfer(ctx context.Context, t domain.Transfer) error {
	if err := t.Validate(); err != nil {
		return err
	}
	at := s.clock()
	return s.write(ctx, "transfer", func(tx *cache.Tx) error {
		es, ok, err := tx.EpisodeForUpdate(t.PatientID)
		if err != nil {
			return err
		}
		if !ok {
			return problem("patient", domain.CodeInvalid, "the patient has no episode of care in the cache")
		}
		old := es.Responsibility
		if t.From.ID != "" && t.From.ID != old.Home.ID {
			return problem("from", domain.CodeInvalid, fmt.Sprintf("the patient is with %s now, not %s", old.Home.ID, t.From.ID))
		}
		if t.To.ID == old.Home.ID {
			return problem("to", domain.CodeSame, "the patient is already with the receiving team")
		}
		to := t.To
		if err := s.queueNote(tx, at, domain.Note{ID: s.newUUID(), PatientID: t.PatientID, Author: s.user.Name,
			Text: strings.TrimSpace(t.Note), Important: true, Created: at}, old.Home); err != nil {
			return err
		}
		next := domain.Responsibility{Home: to}
		if err := s.putEpisode(tx, at, es, next); err != nil {
			return err
		}
		return s.audit(tx, at, AuditTransfer, t.PatientID, map[string]any{
			"episode": es.Meta.ID, "old": responsibilityJSON(old), "new": responsibilityJSON(next),
		})
	})
}

// PlanCover plans holiday cover for one patient or for every patient of a
// team: a cover extension (team + period) added to each EpisodeOfCare (PUT,
// If-Match). It is checked against every existing cover of every affected
// patient; an overlap is a domain.Problems on "from" and nothing is
// written. Covers that have ended are dropped when an episode is written.
func (s *Service) PlanCover(ctx context.Context, c domain.CoverPlan) error {
	at := s.clock()
	if c.At.IsZero() {
		c.At = at
	}
	if c.ID == "" {
		c.ID = s.newUUID()
	}
	return s.write(ctx, "plan cover", func(tx *cache.Tx) error {
		var patients []string
		switch c.Scope {
		case domain.CoverPatient:
			patients = []string{c.PatientID}
		case domain.CoverTeam:
			ids, err := tx.PatientsOfTeam(c.Home.ID)
			if err != nil {
				return err
			}
			patients = ids
		}
		var episodes []cache.EpisodeState
		var existing []domain.Cover
		for _, pid := range patients {
			if pid == "" {
				continue
			}
			es, ok, err := tx.EpisodeForUpdate(pid)
			if err != nil {
				return err
			}
			if !ok {
				return problem("patient", domain.CodeInvalid, "the patient has no episode of care in the cache")
			}
			if c.Scope == domain.CoverPatient && c.Home.ID == "" {
				c.Home = es.Responsibility.Home
			}
			episodes = append(episodes, es)
			existing = append(existing, es.Responsibility.Covers()...)
		}
		if err := c.Validate(existing); err != nil {
			overlapPatient(err, episodes)
			return err
		}
		if len(episodes) == 0 {
			return problem("scope", domain.CodeInvalid, "the team has no patients to cover")
		}
		for _, es := range episodes {
			old := es.Responsibility
			next := withCover(old, c.Cover(), at)
			if err := s.putEpisode(tx, at, es, next); err != nil {
				return err
			}
			if err := s.audit(tx, at, AuditCover, es.PatientID, map[string]any{
				"episode": es.Meta.ID, "plan": c.ID, "scope": c.Scope,
				"old": responsibilityJSON(old), "new": responsibilityJSON(next),
			}); err != nil {
				return err
			}
		}
		return nil
	})
}

// withCover returns r with cover added, covers that ended by now dropped,
// the earliest remaining as Cover and the rest as Planned.
func withCover(r domain.Responsibility, cover domain.Cover, now time.Time) domain.Responsibility {
	var all []domain.Cover
	for _, c := range append(r.Covers(), cover) {
		if c.Period.To.IsZero() || c.Period.To.After(now) {
			all = append(all, c)
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Period.From.Before(all[j].Period.From) })
	out := domain.Responsibility{Home: r.Home}
	if len(all) > 0 {
		first := all[0]
		out.Cover = &first
		out.Planned = append([]domain.Cover(nil), all[1:]...)
	}
	return out
}

// putEpisode writes the new responsibility locally (keeping the episode's
// server identity, so the central's next version replaces it) and queues
// the change of the EpisodeOfCare: only the team, organisation and cover
// elements that differ are changed in the server's JSON (its period and
// anything else the console does not model stay), sent with If-Match.
func (s *Service) putEpisode(tx *cache.Tx, at time.Time, es cache.EpisodeState, next domain.Responsibility) error {
	if err := tx.PutResponsibility(es.PatientID, next, es.Meta); err != nil {
		if isForeignKey(err) {
			return problem("to", domain.CodeInvalid, "the team is not known")
		}
		return err
	}
	before := fhir.ResponsibilityToEpisodeOfCare(es.Meta.ID, es.PatientID, es.Responsibility)
	after := fhir.ResponsibilityToEpisodeOfCare(es.Meta.ID, es.PatientID, next)
	ch, err := change("EpisodeOfCare", es.Meta.ID, es.Meta.VersionID, before, after)
	if err != nil {
		return err
	}
	_, err = s.queueChanges(tx, at, OutboxEpisode, ch)
	return err
}

func responsibilityJSON(r domain.Responsibility) map[string]any {
	covers := []map[string]string{}
	for _, c := range r.Covers() {
		covers = append(covers, map[string]string{"team": c.Team.ID, "from": fhir.FormatInstant(c.Period.From),
			"to": fhir.FormatInstant(c.Period.To)})
	}
	return map[string]any{"home": r.Home.ID, "covers": covers}
}

// overlapPatient names the patient whose cover an overlap problem is about,
// so a team-wide plan says which patient's cover it collides with.
func overlapPatient(err error, episodes []cache.EpisodeState) {
	for _, e := range domain.AsProblems(err) {
		if e.Overlap == nil || e.OverlapPatient != "" {
			continue
		}
		for _, es := range episodes {
			for _, c := range es.Responsibility.Covers() {
				if e.OverlapPatient == "" && c.Team.ID == e.Overlap.Team.ID && c.Period.From.Equal(e.Overlap.Period.From) && c.Period.To.Equal(e.Overlap.Period.To) {
					e.OverlapPatient = es.PatientID
				}
			}
		}
	}
}
