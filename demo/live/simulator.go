package live

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// DefaultEvery is the simulator's default pause between events.
const DefaultEvery = 5 * time.Second

// EventKind says what a simulated patient did.
type EventKind string

// Event kinds.
const (
	EventReading EventKind = "reading"
	EventMessage EventKind = "message"
)

// Event is one thing the simulator did. It holds no personal data (ids and
// codes only), so it may be logged.
type Event struct {
	Kind      EventKind
	PatientID string
	// Measurement and Color describe a reading: its kind and the colour the
	// central's triage gave it.
	Measurement domain.Kind
	Color       domain.Color
	// ID is the id the central gave the new resource.
	ID string
}

// Simulator plays the patients' app against a Central: each Step submits
// one reading (mostly green, now and then yellow or red) or, now and then,
// a message, over HTTP with the patient's own token, exactly as the app
// would. The same seed gives the same sequence of patients, kinds and aims.
type Simulator struct {
	c    *Central
	rng  *rand.Rand
	now  func() time.Time
	http *http.Client
}

// Simulator returns a simulator for c's synthetic patients; seed fixes its
// choices, now is the time the readings are taken (nil: c's clock).
func (c *Central) Simulator(seed uint64, now func() time.Time) *Simulator {
	if now == nil {
		now = c.now
	}
	return &Simulator{c: c, rng: rand.New(rand.NewPCG(seed, seed^0x7e1e4)), now: now,
		http: &http.Client{Timeout: 30 * time.Second}}
}

// Chances of an event, in percent.
const (
	messageChance = 12 // of events, a message rather than a reading
	redChance     = 10 // of readings, aimed at red
	yellowChance  = 20 // of readings, aimed at yellow
)

// patientMessages are what simulated patients write (synthetic text).
var patientMessages = [...]struct{ title, body string }{
	{"Vægt", "Min vægt er gået lidt op de sidste dage. Skal jeg tage en ekstra vanddrivende?"},
	{"Åndenød", "Jeg bliver mere forpustet end normalt, når jeg går op ad trappen."},
	{"Måler", "Vægten viste en fejlkode i morges, så jeg målte igen bagefter."},
	{"Medicin", "Apoteket havde ikke min sædvanlige pille. Er den nye den samme?"},
	{"Hævede ben", "Mine ankler er mere hævede i aften end de plejer."},
	{"Ferie", "Jeg er på sommerhus i næste uge og tager vægten med."},
}

// Step does one event.
func (s *Simulator) Step(ctx context.Context) (Event, error) {
	if len(s.c.plans) == 0 {
		return Event{}, errors.New("live: simulator: no synthetic patient with a regime")
	}
	now := s.now()
	// Several tries, because a patient may have no regime in force now.
	for range 20 {
		p := s.c.plans[s.rng.IntN(len(s.c.plans))]
		reg, ok := domain.RegimeAt(p.versions, now)
		if !ok || len(reg.Schedules) == 0 {
			continue
		}
		if s.rng.IntN(100) < messageChance {
			return s.message(ctx, p.id, now)
		}
		kind := reg.Schedules[s.rng.IntN(len(reg.Schedules))].Kind
		return s.reading(ctx, p.id, kind, reg.Thresholds, now)
	}
	return Event{}, errors.New("live: simulator: no patient with a regime in force now")
}

// aim picks the colour a reading should have.
func (s *Simulator) aim() domain.Color {
	switch n := s.rng.IntN(100); {
	case n < redChance:
		return domain.Red
	case n < redChance+yellowChance:
		return domain.Yellow
	}
	return domain.Green
}

// sample draws a plausible value of kind, widely enough that every colour
// occurs.
func (s *Simulator) sample(kind domain.Kind, th domain.Thresholds) domain.Measurement {
	m := domain.Measurement{Kind: kind}
	switch kind {
	case domain.KindWeight:
		base := th.ReferenceWeight
		if base <= 0 {
			base = 80
		}
		m.Value = float64(int((base+(s.rng.Float64()*9-4.5))*10)) / 10
	case domain.KindPulse:
		m.Value = float64(36 + s.rng.IntN(80))
	case domain.KindBloodPressure:
		m.Value = float64(85 + s.rng.IntN(100))
		m.Value2 = float64(45 + s.rng.IntN(min(60, int(m.Value)-45)))
	case domain.KindSteps:
		m.Value = float64(500 + s.rng.IntN(9000))
	case domain.KindSpO2:
		m.Value = float64(84 + s.rng.IntN(16))
	}
	return m
}

// reading submits one reading of kind, drawn until the local classification
// has the aimed colour (the central triages it again on arrival).
func (s *Simulator) reading(ctx context.Context, pid string, kind domain.Kind, th domain.Thresholds, now time.Time) (Event, error) {
	want := s.aim()
	var m domain.Measurement
	for range 200 {
		m = s.sample(kind, th)
		m.PatientID, m.Taken = pid, now
		c := domain.Classify(m, th)
		if c.Implausible == "" && (c.Color == want || c.Color == domain.Unclassified) {
			break
		}
	}
	pc := &central.PatientClient{BaseURL: s.c.URL, Token: s.c.patToken[pid], HTTP: s.http}
	o, err := pc.SubmitMeasurement(ctx, m, "")
	if err != nil {
		return Event{}, fmt.Errorf("live: simulated %s reading: %w", kind, err)
	}
	ev := Event{Kind: EventReading, PatientID: pid, Measurement: kind, ID: o.ID}
	if _, cls, err := fhir.ObservationToMeasurement(o); err == nil && cls != nil {
		ev.Color = cls.Color
	}
	return ev, nil
}

// message posts a message from the patient as a Communication, with a
// client identifier and If-None-Exist as the app does.
func (s *Simulator) message(ctx context.Context, pid string, now time.Time) (Event, error) {
	text := patientMessages[s.rng.IntN(len(patientMessages))]
	c := fhir.MessageToCommunication(domain.Message{PatientID: pid, FromPatient: true, Title: text.title, Body: text.body, Sent: now})
	c.ID = ""
	ident := fhir.ClientIdentifier(uuid.NewString())
	c.Identifier = []fhir.Identifier{ident}
	body, err := fhir.Encode(c)
	if err != nil {
		return Event{}, fmt.Errorf("live: simulated message: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.c.URL+"/Communication", bytes.NewReader(body))
	if err != nil {
		return Event{}, fmt.Errorf("live: simulated message: %w", err)
	}
	req.Header.Set("Content-Type", central.ContentType)
	req.Header.Set("Accept", central.ContentType)
	req.Header.Set("Authorization", "Bearer "+s.c.patToken[pid])
	req.Header.Set("If-None-Exist", fhir.IdentifierQuery(ident))
	res, err := s.http.Do(req)
	if err != nil {
		return Event{}, fmt.Errorf("live: simulated message: %w", err)
	}
	defer res.Body.Close()
	rb, err := io.ReadAll(io.LimitReader(res.Body, fhir.MaxResourceBytes+1))
	if err != nil {
		return Event{}, fmt.Errorf("live: simulated message: read response: %w", err)
	}
	if res.StatusCode != http.StatusCreated && res.StatusCode != http.StatusOK {
		return Event{}, fmt.Errorf("live: simulated message: central answered %s", res.Status)
	}
	got, err := fhir.Decode[*fhir.Communication](rb)
	if err != nil {
		return Event{}, fmt.Errorf("live: simulated message: %w", err)
	}
	return Event{Kind: EventMessage, PatientID: pid, ID: got.ID}, nil
}

// Run does a Step every interval until ctx ends, calling after with each
// event (e.g. to trigger a sync). A failed step is passed to after too and
// does not stop the simulator. It returns ctx's error.
func (s *Simulator) Run(ctx context.Context, every time.Duration, after func(Event, error)) error {
	if every <= 0 {
		every = DefaultEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		ev, err := s.Step(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if after != nil {
			after(ev, err)
		}
	}
}
