package central

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

func TestScanMissingAndLateArrival(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	rep, err := e.srv.ScanMissing(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Patients != 1 || rep.Created < 3 {
		t.Fatalf("report %+v: want the weekend's three missed weights", rep)
	}
	again, err := e.srv.ScanMissing(ctx, t0)
	if err != nil || again.Created != 0 {
		t.Fatalf("rescan created %d (%v)", again.Created, err)
	}
	missing := e.searchAll(tokNurseA, "/Task?category=MissingMeasurementResolving&status=ready")
	if len(missing) != rep.Created {
		t.Fatalf("%d open missing tasks, report says %d", len(missing), rep.Created)
	}

	// Monday's noon deadline passes; the scan flags it; a reading taken at
	// 12:30 then arrives late and resolves it.
	monNoon := time.Date(2026, 3, 2, 12, 0, 0, 0, cph)
	e.clock.Set(monNoon.Add(time.Hour))
	rep, err = e.srv.ScanMissing(ctx, monNoon.Add(time.Hour))
	if err != nil || rep.Created != 1 {
		t.Fatalf("monday scan %+v %v", rep, err)
	}
	id := domain.MissingTaskID("p1", domain.KindWeight, monNoon)
	e.want(e.do(http.MethodPost, "/Observation", tokPatient1, weightObs("p1", 80.2, monNoon.Add(30*time.Minute), "")), http.StatusCreated)
	r := e.want(e.do(http.MethodGet, "/Task/"+id, tokNurseA, nil), http.StatusOK)
	task, _ := fhir.Decode[*fhir.Task](r.body)
	if task.Status != fhir.TaskStatusCompleted || task.Owner == nil || task.Owner.Display != domain.LateArrival {
		t.Fatalf("late arrival did not resolve %s: %s", id, r.body)
	}
	// The weekend's tasks stay open: nothing arrived for them.
	if open := e.searchAll(tokNurseA, "/Task?category=MissingMeasurementResolving&status=ready"); len(open) != len(missing) {
		t.Fatalf("%d open missing tasks, want %d", len(open), len(missing))
	}
}

func TestPatientClient(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	pc := &PatientClient{BaseURL: e.http.URL, Token: tokPatient1, HTTP: e.http.Client()}
	m := domain.Measurement{PatientID: "p1", Kind: domain.KindPulse, Value: 101, Taken: t0}
	o1, err := pc.SubmitMeasurement(ctx, m, "99999999-0000-0000-0000-000000000000")
	if err != nil {
		t.Fatal(err)
	}
	o2, err := pc.SubmitMeasurement(ctx, m, "99999999-0000-0000-0000-000000000000")
	if err != nil || o2.ID != o1.ID {
		t.Fatalf("retry not idempotent: %v %s %s", err, o1.ID, o2.ID)
	}
	if c, _ := fhir.ColourOf(o1.Interpretation); c != domain.Red {
		t.Errorf("pulse 101 classified %v", c)
	}
	bad := &PatientClient{BaseURL: e.http.URL, Token: "not-a-token", HTTP: e.http.Client()}
	if _, err := bad.SubmitMeasurement(ctx, m, ""); err == nil {
		t.Fatal("bad token accepted")
	}
}

// TestVoidReadingFillsNoSlot: a reading marked entered-in-error no longer
// counts for its slot, so the scan asks for it again; a late reading
// marked entered-in-error before it resolved anything resolves nothing.
func TestVoidReadingFillsNoSlot(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.srv.ScanMissing(ctx, t0); err != nil {
		t.Fatal(err)
	}
	monNoon := time.Date(2026, 3, 2, 12, 0, 0, 0, cph)
	id := domain.MissingTaskID("p1", domain.KindWeight, monNoon)
	// Monday's weight arrives on time, then is marked entered-in-error.
	e.clock.Set(monNoon)
	r := e.want(e.do(http.MethodPost, "/Observation", tokPatient1, weightObs("p1", 80.2, monNoon.Add(-time.Hour), "")), http.StatusCreated)
	o, _ := fhir.Decode[*fhir.Observation](r.body)
	e.clock.Set(monNoon.Add(time.Hour))
	rep, err := e.srv.ScanMissing(ctx, monNoon.Add(time.Hour))
	if err != nil || rep.Created != 0 {
		t.Fatalf("a valid on-time weight: scan %+v %v, want nothing created", rep, err)
	}
	o.Status = "entered-in-error"
	e.want(e.do(http.MethodPut, "/Observation/"+o.ID, tokNurseA, o), http.StatusOK)
	rep, err = e.srv.ScanMissing(ctx, monNoon.Add(time.Hour))
	if err != nil || rep.Created != 1 {
		t.Fatalf("after entered-in-error: scan %+v %v, want Monday's weight missing", rep, err)
	}
	e.want(e.do(http.MethodGet, "/Task/"+id, tokNurseA, nil), http.StatusOK)
}
