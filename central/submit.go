package central

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// Submit creates a reading as the patient would (principal Patient/m.PatientID),
// through the same path as an HTTP create: conditional on a fresh client
// identifier, triaged on arrival.
func (s *Server) Submit(ctx context.Context, m domain.Measurement) (*fhir.Observation, error) {
	o := fhir.MeasurementToObservation(m, nil)
	o.ID = ""
	ident := fhir.ClientIdentifier(uuid.NewString())
	o.Identifier = []fhir.Identifier{ident}
	var st Stored
	err := s.store.inTx(ctx, func(t *tx) error {
		var err error
		st, _, err = s.createIn(t, Principal{Patient: m.PatientID}, o, fhir.IdentifierQuery(ident), "")
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("submit %s reading: %w", m.Kind, err)
	}
	return fhir.Decode[*fhir.Observation](st.JSON)
}

// Simulator plays the patients' app for synthetic patients (those tagged
// synthetic), for demos and training: each Tick submits one plausible
// reading per scheduled kind for every synthetic patient with a regime in
// force.
type Simulator struct {
	Server *Server
	Rand   *rand.Rand // nil means a fixed seed
}

// Tick submits readings taken at now and returns how many it submitted.
func (sim *Simulator) Tick(ctx context.Context, now time.Time) (int, error) {
	rng := sim.Rand
	if rng == nil {
		rng = rand.New(rand.NewPCG(1, 2))
	}
	type plan struct {
		pid string
		reg domain.Regime
	}
	var plans []plan
	err := sim.Server.store.inTx(ctx, func(t *tx) error {
		pids, err := t.patientsWithType("CarePlan")
		if err != nil {
			return err
		}
		for _, pid := range pids {
			st, err := t.current("Patient", pid)
			if err != nil {
				continue
			}
			p, err := fhir.Decode[*fhir.Patient](st.JSON)
			if err != nil {
				continue
			}
			dp, err := fhir.PatientFromFHIR(p)
			if err != nil || !dp.Synthetic {
				continue
			}
			versions, _, err := t.regimes(pid)
			if err != nil {
				return err
			}
			if reg, ok := domain.RegimeAt(versions, now); ok {
				plans = append(plans, plan{pid, reg})
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("simulator: %w", err)
	}
	n := 0
	for _, pl := range plans {
		for _, sc := range pl.reg.Schedules {
			m := domain.Measurement{PatientID: pl.pid, Kind: sc.Kind, Taken: now}
			switch sc.Kind {
			case domain.KindWeight:
				base := pl.reg.Thresholds.ReferenceWeight
				if base <= 0 {
					base = 80
				}
				m.Value = float64(int((base+rng.NormFloat64()*1.2)*10)) / 10
			case domain.KindPulse:
				m.Value = float64(55 + rng.IntN(45))
			case domain.KindBloodPressure:
				m.Value = float64(105 + rng.IntN(45))
				m.Value2 = float64(60 + rng.IntN(30))
			case domain.KindSteps:
				m.Value = float64(1000 + rng.IntN(7000))
			case domain.KindSpO2:
				m.Value = float64(90 + rng.IntN(9))
			}
			if _, err := sim.Server.Submit(ctx, m); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// PatientClient submits readings over HTTP with a patient token, as the
// patients' app would: a client-made identifier and If-None-Exist make a
// retried submission idempotent.
type PatientClient struct {
	BaseURL string // e.g. http://127.0.0.1:8090
	Token   string
	HTTP    *http.Client // nil means http.DefaultClient
}

// SubmitMeasurement posts m as an Observation and returns what the server
// stored (classified, with its limits). ident is the client identifier
// (a UUID); "" makes a new one.
func (c *PatientClient) SubmitMeasurement(ctx context.Context, m domain.Measurement, ident string) (*fhir.Observation, error) {
	if ident == "" {
		ident = uuid.NewString()
	}
	o := fhir.MeasurementToObservation(m, nil)
	o.ID = ""
	id := fhir.ClientIdentifier(ident)
	o.Identifier = []fhir.Identifier{id}
	body, err := fhir.Encode(o)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(c.BaseURL, "/")+"/Observation", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("submit: %w", err)
	}
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set("Accept", ContentType)
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("If-None-Exist", fhir.IdentifierQuery(id))
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("submit: %w", err)
	}
	defer res.Body.Close()
	rb, err := io.ReadAll(io.LimitReader(res.Body, fhir.MaxResourceBytes+1))
	if err != nil {
		return nil, fmt.Errorf("submit: read response: %w", err)
	}
	if res.StatusCode != http.StatusCreated && res.StatusCode != http.StatusOK {
		var oo fhir.OperationOutcome
		msg := res.Status
		if json.Unmarshal(rb, &oo) == nil && len(oo.Issue) > 0 {
			msg += ": " + oo.Issue[0].Diagnostics
		}
		return nil, fmt.Errorf("submit: server said %s", msg)
	}
	return fhir.Decode[*fhir.Observation](rb)
}
