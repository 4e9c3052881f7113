package classroom

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// State is how far a trainee has come with a case.
type State string

// States of a case.
const (
	NotStarted State = "ikke startet" // nothing about the case's patient changed
	Done       State = "løst"         // the check holds
	Wrong      State = "løst forkert" // something changed, the check does not hold
)

// Result is one trainee × case.
type Result struct {
	Trainee Trainee
	Case    *Case
	State   State
	// Found says what the check found (what holds and what does not).
	Found string
}

// Status checks every case for every trainee.
func (ss *Session) Status(ctx context.Context) ([]Result, error) {
	var out []Result
	for _, t := range ss.Trainees {
		for _, c := range ss.Scenario.Cases {
			r, err := ss.Check(ctx, t, c)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// facts are what a check reads about one patient copy.
type facts struct {
	touched  bool
	tasks    []domain.Task
	messages []domain.Message
	resp     domain.Responsibility
	regime   domain.Regime
	regimeOK bool
}

// readFacts reads one patient copy; a resource changed after since (the
// copy's seeding or last reset) counts as touched.
func readFacts(ctx context.Context, store *central.Store, pid string, since time.Time) (facts, error) {
	var f facts
	read := func(typ string, each func(central.Stored) error) error {
		rs, err := store.PatientResources(ctx, typ, pid)
		if err != nil {
			return err
		}
		for _, st := range rs {
			// A new version since the seeding or reset is the trainee's
			// (events and the central's scan only create).
			if st.VersionID > 1 && st.LastUpdated.After(since) {
				f.touched = true
			}
			if err := each(st); err != nil {
				return fmt.Errorf("%s/%s: %w", st.Type, st.ID, err)
			}
		}
		return nil
	}
	var cps []*fhir.CarePlan
	var srs []*fhir.ServiceRequest
	steps := []struct {
		typ  string
		each func(central.Stored) error
	}{
		{"Task", func(st central.Stored) error {
			ft, err := fhir.Decode[*fhir.Task](st.JSON)
			if err != nil {
				return err
			}
			if ft.Status == "entered-in-error" || ft.Status == "cancelled" {
				return nil
			}
			if dt, err := fhir.TaskFromFHIR(ft); err == nil {
				f.tasks = append(f.tasks, dt)
			}
			return nil
		}},
		{"Communication", func(st central.Stored) error {
			fc, err := fhir.Decode[*fhir.Communication](st.JSON)
			if err != nil {
				return err
			}
			if fc.Status == "entered-in-error" {
				return nil
			}
			if m, err := fhir.CommunicationToMessage(fc); err == nil {
				if !m.FromPatient && st.LastUpdated.After(since) {
					f.touched = true
				}
				f.messages = append(f.messages, m)
			}
			return nil
		}},
		{"EpisodeOfCare", func(st central.Stored) error {
			e, err := fhir.Decode[*fhir.EpisodeOfCare](st.JSON)
			if err != nil {
				return err
			}
			if _, r, err := fhir.EpisodeOfCareToResponsibility(e); err == nil {
				f.resp = r
			}
			return nil
		}},
		{"CarePlan", func(st central.Stored) error {
			cp, err := fhir.Decode[*fhir.CarePlan](st.JSON)
			cps = append(cps, cp)
			return err
		}},
		{"ServiceRequest", func(st central.Stored) error {
			sr, err := fhir.Decode[*fhir.ServiceRequest](st.JSON)
			srs = append(srs, sr)
			return err
		}},
	}
	for _, step := range steps {
		if err := read(step.typ, step.each); err != nil {
			return f, err
		}
	}
	if len(cps) > 0 {
		if r, err := fhir.RegimeFromFHIR(cps[0], srs); err == nil {
			f.regime, f.regimeOK = r, true
		}
	}
	return f, nil
}

// Check checks one case for one trainee (on her copy, or the shared one).
func (ss *Session) Check(ctx context.Context, t Trainee, c *Case) (Result, error) {
	res := Result{Trainee: t, Case: c}
	s, store, start := ss.Scenario, ss.Store, ss.Clock().Start
	since, err := ss.seededAt(ctx, ss.CopyOwner(t))
	if err != nil {
		return res, err
	}
	ch := c.Check
	f, err := readFacts(ctx, store, s.PatientID(ss.CopyOwner(t), ch.Patient), since)
	if err != nil {
		return res, fmt.Errorf("check %s for %s: %w", c.ID, t.Name, err)
	}
	var ok, bad []string
	note := func(holds bool, yes, no string) {
		if holds {
			ok = append(ok, yes)
		} else {
			bad = append(bad, no)
		}
	}
	if ch.Acknowledged {
		open, done, withNote := 0, 0, false
		for _, tk := range f.tasks {
			if tk.Category != domain.TaskMeasurement || (tk.Color != domain.Red && tk.Color != domain.Yellow) {
				continue
			}
			if tk.Done {
				done++
				if strings.TrimSpace(tk.Note) != "" {
					withNote = true
				}
			} else {
				open++
			}
		}
		note(open == 0 && done > 0, fmt.Sprintf("%d røde/gule kvitteret", done), fmt.Sprintf("%d røde/gule ikke kvitteret", open))
		if ch.WithNote {
			note(withNote, "med note", "kvittering uden note")
		}
	}
	if ch.MessageSent {
		sent := 0
		for _, m := range f.messages {
			if !m.FromPatient && !m.Sent.Before(start) {
				sent++
			}
		}
		note(sent > 0, fmt.Sprintf("%d besked(er) sendt", sent), "ingen besked sendt til borgeren")
	}
	if ch.MessagesRead {
		unread := 0
		for _, m := range f.messages {
			if m.FromPatient && !m.Read {
				unread++
			}
		}
		note(unread == 0, "beskeder læst", fmt.Sprintf("%d ulæst(e) besked(er)", unread))
	}
	if ch.MissingResolved {
		open, done := 0, 0
		for _, tk := range f.tasks {
			if tk.Category != domain.TaskMissing {
				continue
			}
			if tk.Done {
				done++
			} else {
				open++
			}
		}
		switch {
		case open+done == 0:
			bad = append(bad, "ingen manglende måling endnu (spol uret frem)")
		default:
			note(open == 0, fmt.Sprintf("%d manglende måling(er) afsluttet", done), fmt.Sprintf("%d manglende måling(er) åbne", open))
		}
	}
	if ch.CoverBy != "" {
		want := s.TeamOf(t)
		if ch.CoverBy == "cover-team" {
			want, _ = s.coverTeam()
		}
		found := false
		var covers []domain.Cover
		if f.resp.Cover != nil {
			covers = append(covers, *f.resp.Cover)
		}
		covers = append(covers, f.resp.Planned...)
		for _, cv := range covers {
			if cv.Team.ID == want.ID {
				found = true
			}
		}
		note(found, "afløsning ved "+want.Name+" planlagt", "ingen afløsning ved "+want.Name)
	}
	if th := ch.Threshold; th != nil {
		got, set := domain.Limit{}, false
		if f.regimeOK {
			if kt, ok := f.regime.Thresholds.ByKind[domain.Kind(th.Kind)]; ok {
				got = limitOf(kt.Primary, th.Limit)
				set = got.OK
			}
		}
		note(set && got.V == th.Value, fmt.Sprintf("%s %s er %g", th.Kind, th.Limit, th.Value),
			fmt.Sprintf("%s %s er %s, ikke %g", th.Kind, th.Limit, got.String(), th.Value))
	}
	switch {
	case len(bad) == 0:
		res.State = Done
	case !f.touched:
		res.State = NotStarted
	default:
		res.State = Wrong
	}
	res.Found = strings.Join(append(ok, bad...), "; ")
	return res, nil
}

func limitOf(l domain.Limits, name string) domain.Limit {
	switch name {
	case "red-high":
		return l.RedHigh
	case "yellow-high":
		return l.YellowHigh
	case "yellow-low":
		return l.YellowLow
	default:
		return l.RedLow
	}
}
