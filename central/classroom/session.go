package classroom

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sync/atomic"
	"time"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// Meta keys of a classroom's database.
const (
	metaClock       = "classroom.clock"
	metaTrainees    = "classroom.trainees"
	metaSeeded      = "classroom.seeded."       // + copy prefix: real ms when the copy was seeded or last reset
	metaSeededFirst = "classroom.seeded-first." // + copy prefix: real ms when it was seeded
	metaFired       = "classroom.fired."        // + copy prefix + "." + event id
	metaSource      = "classroom.scenario-source"
)

// ClockState is the session clock, kept in the classroom's database so the
// instructor's commands (another process) move the serving central's
// clock. The session time is Anchor, plus the real time since RealAnchor
// unless Paused.
type ClockState struct {
	Start      time.Time `json:"start"`       // the session start (scenario time of day)
	Anchor     time.Time `json:"anchor"`      // session time at RealAnchor
	RealAnchor time.Time `json:"real_anchor"` // real time
	Paused     bool      `json:"paused"`
}

// Now is the session time at real time real.
func (c ClockState) Now(real time.Time) time.Time {
	if c.Paused {
		return c.Anchor
	}
	return c.Anchor.Add(real.Sub(c.RealAnchor))
}

// Session is a classroom's database with its scenario and trainees.
type Session struct {
	Store    *central.Store
	Scenario *Scenario
	Trainees []Trainee
	Loc      *time.Location
	// Real is the wall clock; nil means time.Now.
	Real func() time.Time
	// Source is the scenario file's text, kept in the database by Create
	// so the instructor's commands read the scenario from there.
	Source []byte

	clock atomic.Pointer[ClockState]
}

func (s *Session) real() time.Time {
	if s.Real != nil {
		return s.Real()
	}
	return time.Now()
}

// Now is the session clock as last loaded (Refresh) or set.
func (s *Session) Now() time.Time {
	c := s.clock.Load()
	if c == nil {
		return s.real()
	}
	return c.Now(s.real())
}

// Clock is the session clock's state as last loaded or set.
func (s *Session) Clock() ClockState {
	if c := s.clock.Load(); c != nil {
		return *c
	}
	return ClockState{}
}

// Refresh loads the clock from the database (another process may have
// moved it).
func (s *Session) Refresh(ctx context.Context) error {
	v, err := s.Store.Meta(ctx, metaClock)
	if err != nil {
		return err
	}
	if v == "" {
		return fmt.Errorf("classroom: the database has no session clock; it was not made by `telehjerte-central classroom start`")
	}
	var c ClockState
	if err := json.Unmarshal([]byte(v), &c); err != nil {
		return fmt.Errorf("classroom: session clock: %w", err)
	}
	s.clock.Store(&c)
	return nil
}

func (s *Session) saveClock(ctx context.Context, c ClockState) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if err := s.Store.SetMeta(ctx, metaClock, string(b)); err != nil {
		return err
	}
	s.clock.Store(&c)
	return nil
}

// update changes the clock as the database has it now.
func (s *Session) update(ctx context.Context, fn func(c *ClockState)) error {
	if err := s.Refresh(ctx); err != nil {
		return err
	}
	c := s.Clock()
	real := s.real()
	c.Anchor, c.RealAnchor = c.Now(real), real
	fn(&c)
	return s.saveClock(ctx, c)
}

// Pause stops the session clock.
func (s *Session) Pause(ctx context.Context) error {
	return s.update(ctx, func(c *ClockState) { c.Paused = true })
}

// Resume lets the session clock run again from where it stopped.
func (s *Session) Resume(ctx context.Context) error {
	return s.update(ctx, func(c *ClockState) { c.Paused = false })
}

// Advance moves the session clock by d (e.g. a day) for everyone.
func (s *Session) Advance(ctx context.Context, d time.Duration) error {
	return s.update(ctx, func(c *ClockState) { c.Anchor = c.Anchor.Add(d) })
}

// Server is a central on the session clock.
func (s *Session) Server(tokens *central.Tokens) (*central.Server, error) {
	return central.NewServer(central.Config{Store: s.Store, Tokens: tokens, Loc: s.Loc, Now: s.Now})
}

// Create seeds a new classroom: marks the database as a classroom's
// training database, puts teams, trainees and each trainee's copy of the
// patients on it, and starts the session clock (paused at the start until
// the instructor starts it, unless running).
func (s *Session) Create(ctx context.Context, srv *central.Server, start time.Time, running bool) error {
	empty, err := s.Store.Empty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		return fmt.Errorf("classroom: the database already holds data; a classroom starts on a new database")
	}
	if err := s.Store.MarkClassroom(ctx, s.Scenario.Name); err != nil {
		return err
	}
	tb, err := json.Marshal(s.Trainees)
	if err != nil {
		return err
	}
	if err := s.Store.SetMeta(ctx, metaTrainees, string(tb)); err != nil {
		return err
	}
	if err := s.Store.SetMeta(ctx, metaSource, string(s.Source)); err != nil {
		return err
	}
	if err := s.saveClock(ctx, ClockState{Start: start, Anchor: start, RealAnchor: s.real(), Paused: true}); err != nil {
		return err
	}
	if err := SeedTeams(ctx, s.Store, s.Scenario, s.Trainees); err != nil {
		return err
	}
	// The questionnaire the patients' regimes name, as `seed` and the DEMO
	// serve it: without it a trainee's regime form offers only the answers
	// given so far.
	if err := s.Store.SeedQuestionnaires(ctx, []domain.Questionnaire{central.SymptomQuestionnaire()}); err != nil {
		return err
	}
	for _, t := range s.Scenario.copies(s.Trainees) {
		if err := s.seedCopy(ctx, srv, t, start); err != nil {
			return err
		}
	}
	if running {
		return s.Resume(ctx)
	}
	return nil
}

func (s *Session) seedCopy(ctx context.Context, srv *central.Server, t Trainee, start time.Time) error {
	if err := SeedCopy(ctx, srv, s.Store, s.Scenario, t, start, s.Loc); err != nil {
		return err
	}
	at := fmt.Sprint(s.real().UnixMilli())
	if err := s.Store.SetMeta(ctx, metaSeededFirst+s.Scenario.copyPrefix(t), at); err != nil {
		return err
	}
	return s.Store.SetMeta(ctx, metaSeeded+s.Scenario.copyPrefix(t), at)
}

// Open reads a classroom's trainees and clock from its database.
func Open(ctx context.Context, store *central.Store, sc *Scenario, loc *time.Location) (*Session, error) {
	name, err := store.Classroom(ctx)
	if err != nil {
		return nil, err
	}
	if name == "" {
		return nil, fmt.Errorf("classroom: not a classroom's database (made by `telehjerte-central classroom start`)")
	}
	if name != sc.Name {
		return nil, fmt.Errorf("classroom: the database holds scenario %q, not %q", name, sc.Name)
	}
	s := &Session{Store: store, Scenario: sc, Loc: loc}
	v, err := store.Meta(ctx, metaTrainees)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(v), &s.Trainees); err != nil {
		return nil, fmt.Errorf("classroom: trainees: %w", err)
	}
	if err := s.Refresh(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// OpenDB opens the classroom held in store with the scenario kept in it.
func OpenDB(ctx context.Context, store *central.Store, loc *time.Location) (*Session, error) {
	name, err := store.Classroom(ctx)
	if err != nil {
		return nil, err
	}
	src, err := store.Meta(ctx, metaSource)
	if err != nil {
		return nil, err
	}
	if name == "" || src == "" {
		return nil, fmt.Errorf("classroom: not a classroom's database (made by `telehjerte-central classroom start`)")
	}
	sc, err := Parse([]byte(src), name+".yaml")
	if err != nil {
		return nil, err
	}
	s, err := Open(ctx, store, sc, loc)
	if err != nil {
		return nil, err
	}
	s.Source = []byte(src)
	return s, nil
}

// Trainee returns trainee n (1-based).
func (s *Session) Trainee(n int) (Trainee, error) {
	for _, t := range s.Trainees {
		if t.N == n {
			return t, nil
		}
	}
	return Trainee{}, fmt.Errorf("classroom: no trainee %d (there are %d)", n, len(s.Trainees))
}

// FireDue plays every timed event whose time the session clock has passed
// and that has not been played for a copy yet; it returns how many.
func (s *Session) FireDue(ctx context.Context, srv *central.Server) (int, error) {
	now := s.Now()
	start := s.Clock().Start
	n := 0
	for _, t := range s.Scenario.copies(s.Trainees) {
		for _, e := range s.Scenario.Events {
			at := start.Add(e.offset)
			if at.After(now) {
				continue
			}
			fired, err := s.claim(ctx, t, e.ID)
			if err != nil {
				return n, err
			}
			if fired {
				continue
			}
			if err := fire(ctx, srv, s.Scenario, t, e, at); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// claim marks event id played for t's copy; true when it already was
// (by this or another process).
func (s *Session) claim(ctx context.Context, t Trainee, id string) (bool, error) {
	key := metaFired + s.Scenario.copyPrefix(t) + "." + id
	won, err := s.Store.ClaimMeta(ctx, key, s.Now().UTC().Format(time.RFC3339))
	return !won, err
}

// FireNow plays event id now for every copy (the instructor's trigger),
// whether or not its time has come or it was played before.
func (s *Session) FireNow(ctx context.Context, srv *central.Server, id string) error {
	now := s.Now()
	for _, t := range s.Scenario.copies(s.Trainees) {
		if err := Fire(ctx, srv, s.Scenario, t, id, now); err != nil {
			return err
		}
		if _, err := s.claim(ctx, t, id); err != nil {
			return err
		}
	}
	return nil
}

// Reset puts trainee t's copy (the shared copy in shared mode) back to the
// scenario's start: every resource about its patients is restored to the
// version it had when the copy was seeded, and what arose since (her
// messages, new readings and items) is marked entered-in-error, since the
// central deletes nothing. The timed events are played again as the
// session clock passes them. The access log is untouched.
func (s *Session) Reset(ctx context.Context, srv *central.Server, t Trainee) error {
	t = s.CopyOwner(t)
	prefix := s.Scenario.copyPrefix(t)
	v, err := s.Store.Meta(ctx, metaSeededFirst+prefix)
	if err != nil {
		return err
	}
	var seededMs int64
	if _, err := fmt.Sscan(v, &seededMs); err != nil {
		return fmt.Errorf("classroom: reset %s: no record of when the copy was seeded", t.Name)
	}
	seeded := time.UnixMilli(seededMs)
	for _, p := range s.Scenario.Patients {
		pid := s.Scenario.PatientID(t, p.Key)
		for _, typ := range []string{"Patient", "EpisodeOfCare", "CarePlan", "ServiceRequest", "Observation", "QuestionnaireResponse",
			"ClinicalImpression", "Task", "Communication"} {
			if err := s.resetType(ctx, typ, pid, seeded); err != nil {
				return fmt.Errorf("classroom: reset %s: %w", t.Name, err)
			}
		}
	}
	for _, e := range s.Scenario.Events {
		if err := s.Store.SetMeta(ctx, metaFired+prefix+"."+e.ID, ""); err != nil {
			return err
		}
	}
	// What changes from now on is the trainee's again.
	return s.Store.SetMeta(ctx, metaSeeded+prefix, fmt.Sprint(s.real().UnixMilli()))
}

// seededAt is when t's copy was seeded or last reset.
func (s *Session) seededAt(ctx context.Context, t Trainee) (time.Time, error) {
	v, err := s.Store.Meta(ctx, metaSeeded+s.Scenario.copyPrefix(t))
	if err != nil {
		return time.Time{}, err
	}
	var ms int64
	if _, err := fmt.Sscan(v, &ms); err != nil {
		return time.Time{}, fmt.Errorf("classroom: no record of when %s's copy was seeded", t.Name)
	}
	return time.UnixMilli(ms), nil
}

func (s *Session) resetType(ctx context.Context, typ, pid string, seeded time.Time) error {
	var hist []central.Stored
	var err error
	if typ == "Patient" {
		hist, err = s.Store.PatientResources(ctx, typ, pid) // a Patient keeps its seeded version
		if err != nil {
			return err
		}
	} else if hist, err = s.Store.ResourceHistory(ctx, typ, pid); err != nil {
		return err
	}
	type state struct {
		last   central.Stored
		atSeed *central.Stored
	}
	byID := map[string]*state{}
	var order []string
	for _, st := range hist {
		x := byID[st.ID]
		if x == nil {
			x = &state{}
			byID[st.ID] = x
			order = append(order, st.ID)
		}
		x.last = st
		if !st.LastUpdated.After(seeded) {
			cp := st
			x.atSeed = &cp
		}
	}
	var puts []fhir.Resource
	for _, id := range order {
		x := byID[id]
		switch {
		case x.atSeed != nil && x.atSeed.VersionID == x.last.VersionID:
			continue // unchanged since the start
		case x.atSeed != nil:
			r, err := decode(typ, x.atSeed.JSON)
			if err != nil {
				return err
			}
			puts = append(puts, r)
		default:
			r, err := decode(typ, x.last.JSON)
			if err != nil {
				return err
			}
			if status(r) == "entered-in-error" {
				continue
			}
			if !setStatus(r, "entered-in-error") {
				continue
			}
			puts = append(puts, r)
		}
	}
	if len(puts) == 0 {
		return nil
	}
	return s.Store.Put(ctx, puts...)
}

func decode(typ string, js []byte) (fhir.Resource, error) {
	r, ok := fhir.NewResource(typ)
	if !ok {
		return nil, fmt.Errorf("unknown resource type %s", typ)
	}
	if err := json.Unmarshal(js, r); err != nil {
		return nil, fmt.Errorf("decode %s: %w", typ, err)
	}
	return r, nil
}

func statusField(r fhir.Resource) reflect.Value {
	v := reflect.ValueOf(r)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return reflect.Value{}
	}
	f := v.Elem().FieldByName("Status")
	if !f.IsValid() || f.Kind() != reflect.String {
		return reflect.Value{}
	}
	return f
}

func status(r fhir.Resource) string {
	if f := statusField(r); f.IsValid() {
		return f.String()
	}
	return ""
}

func setStatus(r fhir.Resource, st string) bool {
	f := statusField(r)
	if !f.IsValid() || !f.CanSet() {
		return false
	}
	f.SetString(st)
	return true
}

// CopyOwner is the trainee whose copy t works on (herself, or the first
// trainee's shared copy).
func (s *Session) CopyOwner(t Trainee) Trainee {
	if s.Scenario.Shared && len(s.Trainees) > 0 {
		return s.Trainees[0]
	}
	return t
}

// describe is a line for the instructor.
func (c ClockState) describe(real time.Time, loc *time.Location) string {
	now := c.Now(real)
	state := "kører"
	if c.Paused {
		state = "pause"
	}
	d := now.Sub(c.Start).Truncate(time.Minute)
	sign := "+"
	if d < 0 {
		sign, d = "-", -d
	}
	days, rest := int(d/(24*time.Hour)), d%(24*time.Hour)
	return fmt.Sprintf("øvelsesur %s (start %s%dd%02dh%02dm, %s)", now.In(loc).Format("02.01.2006 15:04"), sign, days, int(rest/time.Hour), int(rest%time.Hour/time.Minute), state)
}

// Describe is the session clock for the instructor.
func (s *Session) Describe() string { return s.Clock().describe(s.real(), s.Loc) }

// Restart puts the session clock back to the start, paused.
func (s *Session) Restart(ctx context.Context) error {
	return s.update(ctx, func(c *ClockState) { c.Anchor, c.Paused = c.Start, true })
}
