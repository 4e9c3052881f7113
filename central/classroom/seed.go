package classroom

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// Trainee is one login of a classroom.
type Trainee struct {
	N            int    // 1-based
	Name         string // shown in her console's header
	Practitioner string // Practitioner id her token belongs to
}

// Trainees makes n trainees named "Kursist 1" … "Kursist n".
func Trainees(n int) []Trainee {
	out := make([]Trainee, n)
	for i := range out {
		out[i] = Trainee{N: i + 1, Name: fmt.Sprintf("Kursist %d", i+1), Practitioner: fmt.Sprintf("prac-kursist-%02d", i+1)}
	}
	return out
}

// physician is the scenario's responsible physician.
const physician = "prac-ovelse-laege"

// copyPrefix is the id prefix of a trainee's copy of the patients ("s" for
// the one shared copy).
func (s *Scenario) copyPrefix(t Trainee) string {
	if s.Shared {
		return "s"
	}
	return fmt.Sprintf("k%02d", t.N)
}

// PatientID is the id of trainee t's copy of the scenario patient key.
func (s *Scenario) PatientID(t Trainee, key string) string {
	return "ovelse-" + s.copyPrefix(t) + "-" + key
}

// TeamOf is the team trainee t works in.
func (s *Scenario) TeamOf(t Trainee) domain.Team {
	if s.Shared {
		return domain.Team{ID: "team-ovelse", Name: s.Team.Name, OrgID: "org-ovelse", OrgName: s.Team.Org}
	}
	return domain.Team{ID: fmt.Sprintf("team-ovelse-k%02d", t.N), Name: fmt.Sprintf("%s (%s)", s.Team.Name, t.Name), OrgID: "org-ovelse", OrgName: s.Team.Org}
}

// coverTeam is the scenario's cover team (one for the whole classroom).
func (s *Scenario) coverTeam() (domain.Team, bool) {
	if s.CoverTeam == nil {
		return domain.Team{}, false
	}
	return domain.Team{ID: "team-ovelse-afloser", Name: s.CoverTeam.Name, OrgID: "org-ovelse-afloser", OrgName: s.CoverTeam.Org}, true
}

// SessionStart is the session clock's start on the day of real: the
// scenario's start time of day, local.
func (s *Scenario) SessionStart(real time.Time, loc *time.Location) time.Time {
	y, m, d := real.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc).Add(s.startOfDay)
}

// copies are the distinct copies of the patients: one per trainee, or the
// shared one (owned by the first trainee).
func (s *Scenario) copies(trainees []Trainee) []Trainee {
	if s.Shared && len(trainees) > 0 {
		return trainees[:1]
	}
	return trainees
}

// SeedTeams puts the teams, the trainees and the physician on the central.
func SeedTeams(ctx context.Context, store *central.Store, s *Scenario, trainees []Trainee) error {
	var teams []domain.Team
	members := map[string][]string{}
	seen := map[string]bool{}
	for _, t := range trainees {
		team := s.TeamOf(t)
		if !seen[team.ID] {
			seen[team.ID] = true
			teams = append(teams, team)
		}
		members[team.ID] = append(members[team.ID], t.Practitioner)
	}
	if ct, ok := s.coverTeam(); ok {
		teams = append(teams, ct)
	}
	if err := store.SeedTeams(ctx, teams, members); err != nil {
		return err
	}
	var prs []fhir.Resource
	for _, t := range trainees {
		prs = append(prs, &fhir.Practitioner{Base: fhir.Base{ResourceType: "Practitioner", ID: t.Practitioner}, Name: []fhir.HumanName{{Text: t.Name}}})
	}
	prs = append(prs, &fhir.Practitioner{Base: fhir.Base{ResourceType: "Practitioner", ID: physician}, Name: []fhir.HumanName{{Text: "Overlæge (øvelse)"}}})
	return store.Put(ctx, prs...)
}

// SeedCopy puts trainee t's copy of the scenario's patients on the central
// as they are at the session start: regime, reviewed baseline readings, and
// the unreviewed history (triaged by the central as it arrives). srv's
// clock must be at or after start.
func SeedCopy(ctx context.Context, srv *central.Server, store *central.Store, s *Scenario, t Trainee, start time.Time, loc *time.Location) error {
	for i, p := range s.Patients {
		if err := seedPatient(ctx, srv, store, s, t, i, p, start, loc); err != nil {
			return fmt.Errorf("seed %s for %s: %w", p.Key, t.Name, err)
		}
	}
	return nil
}

// dayStart is local midnight of the day start+days.
func dayStart(start time.Time, days int, loc *time.Location) time.Time {
	y, m, d := start.In(loc).Date()
	return time.Date(y, m, d+days, 0, 0, 0, 0, loc)
}

func seedPatient(ctx context.Context, srv *central.Server, store *central.Store, s *Scenario, t Trainee, idx int, p *Patient, start time.Time, loc *time.Location) error {
	pid := s.PatientID(t, p.Key)
	th, err := p.thresholds()
	if err != nil {
		return err
	}
	days := 1
	if p.Baseline != nil {
		days = p.Baseline.Days
	}
	regStart := dayStart(start, -days, loc)
	deadline, _ := timeOfDay(p.Deadline)
	reg := domain.Regime{ID: "cp-" + pid, Version: "1", PatientID: pid, EffectiveFrom: regStart, Start: regStart,
		Phase: domain.PhaseOngoing, Thresholds: th, Author: physician, Physician: domain.PractitionerRef(physician), Reason: "Øvelse",
		// The symptom questionnaire Create puts on the central.
		Questionnaires: []string{central.SymptomQuestionnaireCanonical}}
	for _, k := range p.Measure {
		reg.Schedules = append(reg.Schedules, domain.Schedule{Kind: domain.Kind(k), Freq: domain.Frequency{Kind: domain.Daily}, Deadline: deadline})
	}
	patient := domain.Patient{ID: pid, CPR: p.CPR(idx), Name: p.Name, BirthDate: p.birth, Programmes: p.Diagnosis, Synthetic: true}
	seed := central.PatientSeed{Patient: patient, Responsibility: domain.Responsibility{Home: s.TeamOf(t)}, Regimes: []domain.Regime{reg}}
	if p.Baseline != nil {
		seed.Readings = baseline(pid, p, th, start, loc, s.missesToday(p.Key))
	}
	if err := store.SeedPatient(ctx, seed, start); err != nil {
		return err
	}
	hist := append([]*Event(nil), p.History...)
	sort.SliceStable(hist, func(i, j int) bool { return hist[i].offset < hist[j].offset })
	for _, e := range hist {
		if err := fire(ctx, srv, s, t, e, start.Add(e.offset)); err != nil {
			return err
		}
	}
	return nil
}

// missesToday are the kinds of the patient's missed-measurement events:
// the session day's morning has no baseline reading of them (its deadline passes during the
// session and the central's scan lists it).
func (s *Scenario) missesToday(key string) map[string]bool {
	out := map[string]bool{}
	for _, e := range s.Events {
		if e.Patient == key && e.Missed != "" {
			out[e.Missed] = true
		}
	}
	return out
}

// baseline are the reviewed morning readings before the session: one per
// kind each morning at 07:30 for Days days, and on the session day too
// unless the session starts before then, the patient has her own reading
// that morning in the history or misses it.
func baseline(pid string, p *Patient, th domain.Thresholds, start time.Time, loc *time.Location, misses map[string]bool) []domain.Reading {
	var out []domain.Reading
	ownToday := false
	for _, e := range p.History {
		if len(e.Reading) > 0 && dayStart(start.Add(e.offset), 0, loc).Equal(dayStart(start, 0, loc)) {
			ownToday = true
		}
	}
	kinds := sortedKeys(p.Baseline.Values)
	for d := -p.Baseline.Days; d <= 0; d++ {
		taken := dayStart(start, d, loc).Add(7*time.Hour + 30*time.Minute)
		if d == 0 && (ownToday || !taken.Before(start)) {
			continue
		}
		for _, k := range kinds {
			if d == 0 && misses[k] {
				continue
			}
			m := domain.Measurement{ID: fmt.Sprintf("obs-%s-b%d-%s", pid, -d, k), PatientID: pid, Kind: domain.Kind(k),
				Taken: taken, Received: taken.Add(2 * time.Minute), Value: p.Baseline.Values[k]}
			out = append(out, domain.Reading{Measurement: m, Classification: domain.Classify(m, th), Acknowledged: true})
		}
	}
	return out
}

// fire plays one event for trainee t's copy at time at (the session
// clock's time of the event).
func fire(ctx context.Context, srv *central.Server, s *Scenario, t Trainee, e *Event, at time.Time) error {
	pid := s.PatientID(t, e.Patient)
	var p *Patient
	for _, q := range s.Patients {
		if q.Key == e.Patient {
			p = q
		}
	}
	switch {
	case len(e.Reading) > 0:
		for _, k := range sortedKeys(e.Reading) {
			if k == "bp-diastolic" {
				continue
			}
			m := domain.Measurement{PatientID: pid, Kind: domain.Kind(k), Taken: at, Value: e.Reading[k]}
			if k == string(domain.KindBloodPressure) {
				m.Value2 = e.Reading["bp-diastolic"]
			}
			if _, err := srv.Submit(ctx, m); err != nil {
				return fmt.Errorf("event %s: %w", e.ID, err)
			}
		}
	case e.Message != nil:
		title := e.Message.Title
		msg := domain.Message{PatientID: pid, FromPatient: true, Sender: p.Name, Title: title, Body: e.Message.Body, Sent: at}
		if _, err := srv.SubmitAs(ctx, pid, fhir.MessageToCommunication(msg)); err != nil {
			return fmt.Errorf("event %s: %w", e.ID, err)
		}
	case len(e.Questionnaire) > 0:
		pro := domain.ProResponse{PatientID: pid, Taken: at}
		for _, a := range e.Questionnaire {
			c, _ := colour(a.Colour)
			pro.Answers = append(pro.Answers, domain.ProAnswer{Question: a.Question, Answer: a.Answer, Severity: c})
		}
		if _, err := srv.SubmitAs(ctx, pid, fhir.ProToQuestionnaireResponse(pro)); err != nil {
			return fmt.Errorf("event %s: %w", e.ID, err)
		}
	case e.Missed != "":
		// Nothing arrives; the central's scan lists the missing reading
		// once its deadline has passed.
		if _, err := srv.ScanMissing(ctx, at); err != nil {
			return fmt.Errorf("event %s: %w", e.ID, err)
		}
	}
	return nil
}

// Fire plays timed event id for trainee t now (the instructor's "trigger
// now", or the session clock passing it).
func Fire(ctx context.Context, srv *central.Server, s *Scenario, t Trainee, id string, at time.Time) error {
	for _, e := range s.Events {
		if e.ID == id {
			return fire(ctx, srv, s, t, e, at)
		}
	}
	return fmt.Errorf("no event %q in scenario %s", id, s.Name)
}
