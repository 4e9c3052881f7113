package central

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// PatientSeed is one patient's record to load as it is (no triage: the
// readings carry their classification, the tasks their state).
type PatientSeed struct {
	Patient        domain.Patient
	Responsibility domain.Responsibility
	Regimes        []domain.Regime // versions oldest first; they share the CarePlan id
	Readings       []domain.Reading
	Questionnaires []domain.ProResponse
	Messages       []domain.Message
	Tasks          []domain.Task
}

// SeedTeams stores CareTeams (with the given practitioner members), their
// Organizations and the Practitioners.
func (s *Store) SeedTeams(ctx context.Context, teams []domain.Team, members map[string][]string) error {
	var rs []fhir.Resource
	seen := map[string]bool{}
	for _, t := range teams {
		ct, org := fhir.TeamToFHIR(t)
		for _, m := range members[t.ID] {
			ct.Participant = append(ct.Participant, fhir.CareTeamParticipant{Member: fhir.Ref("Practitioner", m)})
			if !seen[m] {
				seen[m] = true
				rs = append(rs, &fhir.Practitioner{Base: fhir.Base{ResourceType: "Practitioner", ID: m}})
			}
		}
		rs = append(rs, ct)
		if org != nil {
			rs = append(rs, org)
		}
	}
	if err := s.Put(ctx, rs...); err != nil {
		return fmt.Errorf("seed teams: %w", err)
	}
	return nil
}

// SeedPractitioners stores a named Practitioner per id of names (over one
// SeedTeams stored without a name), so what names them by id can be shown
// by name.
func (s *Store) SeedPractitioners(ctx context.Context, names map[string]string) error {
	var rs []fhir.Resource
	for _, id := range slices.Sorted(maps.Keys(names)) {
		rs = append(rs, &fhir.Practitioner{Base: fhir.Base{ResourceType: "Practitioner", ID: id}, Name: []fhir.HumanName{{Text: names[id]}}})
	}
	if err := s.Put(ctx, rs...); err != nil {
		return fmt.Errorf("seed practitioners: %w", err)
	}
	return nil
}

// SeedQuestionnaires stores questionnaire definitions (not over the API:
// nobody writes a Questionnaire there).
func (s *Store) SeedQuestionnaires(ctx context.Context, qs []domain.Questionnaire) error {
	var rs []fhir.Resource
	for _, q := range qs {
		rs = append(rs, fhir.QuestionnaireFromDomain(q))
	}
	if err := s.Put(ctx, rs...); err != nil {
		return fmt.Errorf("seed questionnaires: %w", err)
	}
	return nil
}

// SeedPatient stores one patient's record in one transaction.
func (s *Store) SeedPatient(ctx context.Context, p PatientSeed, now time.Time) error {
	var rs []fhir.Resource
	rs = append(rs, fhir.PatientToFHIR(p.Patient), fhir.ResponsibilityToEpisodeOfCare("eoc-"+p.Patient.ID, p.Patient.ID, p.Responsibility))
	for _, r := range p.Regimes {
		cp, srs := fhir.RegimeToFHIR(r)
		rs = append(rs, cp)
		for _, sr := range srs {
			rs = append(rs, sr)
		}
	}
	for _, r := range p.Readings {
		cls := r.Classification
		o := fhir.MeasurementToObservation(r.Measurement, &cls)
		rs = append(rs, o)
	}
	for _, q := range p.Questionnaires {
		rs = append(rs, fhir.ProToQuestionnaireResponse(q))
	}
	for _, m := range p.Messages {
		rs = append(rs, fhir.MessageToCommunication(m))
	}
	for _, t := range p.Tasks {
		ft := fhir.TaskToFHIR(t)
		team, _ := p.Responsibility.HolderAt(now)
		ft.Extension = append(ft.Extension,
			fhir.Extension{URL: fhir.ExtTaskResponsible, ValueReference: fhir.Ref("CareTeam", team.ID)},
			fhir.Extension{URL: fhir.ExtTaskEpisodeOfCare, ValueReference: fhir.Ref("EpisodeOfCare", "eoc-"+p.Patient.ID)})
		rs = append(rs, ft)
	}
	for _, r := range rs {
		if r.Header().ID == "" {
			return fmt.Errorf("seed patient: a %s has no id", r.Header().ResourceType)
		}
		if !fhir.ValidID(r.Header().ID) {
			return fmt.Errorf("seed patient: %s id %q is not a valid FHIR id", r.Header().ResourceType, r.Header().ID)
		}
	}
	if err := s.Put(ctx, rs...); err != nil {
		return fmt.Errorf("seed patient: %w", err)
	}
	return nil
}
