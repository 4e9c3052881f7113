package cache

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

func fullRegime(version string, effective time.Time) domain.Regime {
	th := domain.DefaultThresholds(82.5)
	th.ByKind[domain.KindBloodPressure] = domain.KindThresholds{
		Primary:   domain.Limits{RedLow: domain.L(85), YellowLow: domain.L(95), YellowHigh: domain.L(150), RedHigh: domain.L(170)},
		Secondary: domain.Limits{YellowHigh: domain.L(95), RedHigh: domain.L(105)},
	}
	return domain.Regime{
		ID: "cp-1", Version: version, PatientID: "p1",
		EffectiveFrom: effective, Start: day(-30), End: day(60), Phase: domain.PhaseOngoing,
		Schedules: []domain.Schedule{
			{Kind: domain.KindWeight, Freq: domain.Frequency{Kind: domain.Daily}, Deadline: 12 * time.Hour},
			{Kind: domain.KindBloodPressure, Freq: domain.Frequency{Kind: domain.OnWeekdays, Weekdays: []time.Weekday{time.Monday, time.Thursday}}, Deadline: 10*time.Hour + 30*time.Minute},
			{Kind: domain.KindSteps, Freq: domain.Frequency{Kind: domain.TimesPerWeek, N: 3}, Deadline: 23 * time.Hour},
		},
		Thresholds:   th,
		TrendRule:    &domain.TrendRule{GainKg: 2, Days: 3, Color: domain.Yellow},
		Reevaluation: day(75),
		Pauses:       []domain.Period{{From: day(10), To: day(17), Reason: "ferie"}, {From: day(40)}},
		Author:       "nurse-1", Physician: "doc-1", Reason: "titration " + version,
	}
}

func TestRoundTripEveryPut(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)

	p := patient("p1", "Karen Hansen")
	p.Programmes = []string{domain.ProgrammeHeartFailure, domain.ProgrammeCOPD}
	resp := domain.Responsibility{Home: teamA, Cover: &domain.Cover{Team: teamB, Period: domain.Period{From: day(-1), To: day(13), Reason: "sommerferie"}}}
	v1, v2 := fullRegime("1", day(-30)), fullRegime("2", day(-2))
	v2.TrendRule, v2.Pauses = nil, nil

	// A red weight against its snapshot, a BP with two limit sets and a 0
	// limit, an implausible pulse with no limits, an extra steps reading.
	weight := reading("o-w", "p1", domain.KindWeight, day(-1), 86.1, domain.Red)
	weight.Limits, _ = v2.Thresholds.Absolute(domain.KindWeight)
	bp := reading("o-bp", "p1", domain.KindBloodPressure, day(-1).Add(time.Minute), 160, domain.Yellow)
	bp.Value2 = 90
	bp.Limits = domain.KindThresholds{Primary: domain.Limits{RedLow: domain.L(0), YellowHigh: domain.L(150), RedHigh: domain.L(170)}, Secondary: domain.Limits{YellowHigh: domain.L(95)}}
	bp.Acknowledged = true
	pulse := reading("o-p", "p1", domain.KindPulse, day(0), 0, domain.Unclassified)
	pulse.Implausible = "pulse 0 outside 0–300"
	steps := reading("o-s", "p1", domain.KindSteps, day(0).Add(2*time.Hour), 4321, domain.Unclassified)
	steps.Extra = true
	steps.Received = time.Time{}

	pro := domain.ProResponse{ID: "q1", PatientID: "p1", Taken: day(-1), Answers: []domain.ProAnswer{
		{Question: "Åndenød?", Answer: "Ja, ved let anstrengelse", Severity: domain.Yellow},
		{Question: "Træthed?", Answer: "Nej", Severity: domain.Green},
	}}
	task := domain.Task{ID: "t1", PatientID: "p1", Category: domain.TaskMeasurement, FocusID: "o-w", Color: domain.Red, Created: day(-1)}
	missing := domain.Task{ID: "t2", PatientID: "p1", Category: domain.TaskMissing, Kind: domain.KindWeight, Created: day(0), Due: day(0).Add(-4 * time.Hour)}
	implausibleTask := domain.Task{ID: "t3", PatientID: "p1", Category: domain.TaskMeasurement, FocusID: "o-p", Implausible: true, Created: day(0)}
	done := domain.Task{ID: "t4", PatientID: "p1", Category: domain.TaskMeasurement, FocusID: "o-bp", Color: domain.Yellow, Created: day(-1), Done: true, DoneBy: "nurse-1", DoneAt: day(0), Note: "ringet op"}
	msgs := []domain.Message{
		{ID: "m1", PatientID: "p1", ThreadID: "th1", FromPatient: true, Sender: "Karen Hansen", Title: "Vægt", Body: "Jeg har taget på <script>", Sent: day(-1), Read: false},
		{ID: "m2", PatientID: "p1", ThreadID: "th1", Sender: "nurse-1", Title: "Re: Vægt", Body: "Vi ringer", Sent: day(0), Read: true},
	}

	mustWrite(t, s, func(tx *Tx) error {
		for _, step := range []error{
			tx.PutTeam(teamA), tx.PutTeam(teamB),
			tx.PutPatient(p, Meta{VersionID: "3", LastUpdated: day(-2)}),
			tx.PutResponsibility("p1", resp, Meta{ID: "eoc-1", VersionID: "1", LastUpdated: day(-2)}),
			tx.PutRegime(v1, Meta{LastUpdated: day(-30)}),
			tx.PutRegime(v2, Meta{LastUpdated: day(-2)}),
			tx.PutReading(weight, Meta{VersionID: "1"}), tx.PutReading(bp, Meta{}),
			tx.PutReading(pulse, Meta{}), tx.PutReading(steps, Meta{}),
			tx.PutQuestionnaire(pro, Meta{}),
			tx.PutTask(task, Meta{}), tx.PutTask(missing, Meta{}), tx.PutTask(implausibleTask, Meta{}), tx.PutTask(done, Meta{}),
			tx.PutMessage(msgs[0], Meta{}), tx.PutMessage(msgs[1], Meta{}),
			tx.SetInfo("demo", "true"), tx.SetInfo("clinic", "Hjertesvigtsklinik A"), tx.SetInfo("clinic", "Klinik A"),
		} {
			if step != nil {
				return step
			}
		}
		return nil
	})

	d, err := s.Patient(ctx, "p1", time.Time{})
	if err != nil {
		t.Fatalf("Patient: %v", err)
	}
	check := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
		}
	}
	check("patient", d.Patient, p)
	check("responsibility", d.Responsibility, resp)
	check("regime in force", d.Regime, v2)
	check("readings", d.Readings, []domain.Reading{weight, bp, pulse, steps})
	check("questionnaires", d.Questionnaires, []domain.ProResponse{pro})
	check("messages", d.Messages, msgs)
	check("open tasks", d.OpenTasks, []domain.Task{task, missing, implausibleTask}) // same Created: by id

	hist, err := s.RegimeHistory(ctx, "p1")
	if err != nil {
		t.Fatalf("RegimeHistory: %v", err)
	}
	check("regime history", hist, []domain.Regime{v1, v2})

	info, err := s.Info(ctx)
	if err != nil {
		t.Fatalf("Info: %v", err)
	}
	check("info", info, map[string]string{"demo": "true", "clinic": "Klinik A"})

	// The done task is stored as completed with its details.
	var status, doneBy, note string
	if err := s.r.QueryRowContext(ctx, `SELECT status, done_by, note FROM tasks WHERE id = 't4'`).Scan(&status, &doneBy, &note); err != nil {
		t.Fatal(err)
	}
	check("done task", []string{status, doneBy, note}, []string{"completed", "nurse-1", "ringet op"})

	// The worklist row shows the latest reading per kind as stored.
	rows, err := s.Worklist(ctx, false)
	if err != nil || len(rows) != 1 {
		t.Fatalf("Worklist = %d rows, %v", len(rows), err)
	}
	check("latest", rows[0].Latest, map[domain.Kind]domain.Latest{
		domain.KindWeight:        {Value: 86.1, Color: domain.Red, Taken: day(-1)},
		domain.KindBloodPressure: {Value: 160, Value2: 90, Color: domain.Yellow, Taken: day(-1).Add(time.Minute)},
		domain.KindPulse:         {Value: 0, Implausible: true, Taken: day(0)},
		domain.KindSteps:         {Value: 4321, Taken: day(0).Add(2 * time.Hour)},
	})
	check("open", rows[0].Open, domain.OpenItems{Red: 1, Unclassified: 1, Implausible: 1, Missing: 1, Unread: 1, Oldest: day(-1)})
	check("worklist responsibility", rows[0].Responsibility, resp)
}

func TestRegimeInForceSkipsFutureVersion(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustWrite(t, s, func(tx *Tx) error {
		if err := addPatient(tx, "p1", "A"); err != nil {
			return err
		}
		if err := tx.PutRegime(fullRegime("1", day(-30)), Meta{}); err != nil {
			return err
		}
		return tx.PutRegime(fullRegime("2", day(5)), Meta{})
	})
	d, err := s.PatientAt(ctx, "p1", day(0), day(0))
	if err != nil {
		t.Fatal(err)
	}
	if d.Regime.Version != "1" {
		t.Errorf("regime in force = version %q, want 1 (2 starts in 5 days)", d.Regime.Version)
	}
	if d, _ = s.PatientAt(ctx, "p1", day(0), day(6)); d.Regime.Version != "2" {
		t.Errorf("regime in force after day 5 = version %q, want 2", d.Regime.Version)
	}
	if d, _ = s.PatientAt(ctx, "p1", day(0), day(-40)); d.Regime.Version != "2" {
		t.Errorf("regime before any version = %q, want the newest, 2", d.Regime.Version)
	}
}

func TestRegimeRefsKept(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	refs := map[domain.Kind]ServiceRequestRef{domain.KindWeight: {ID: "sr-w", VersionID: "4"}}
	mustWrite(t, s, func(tx *Tx) error {
		if err := addPatient(tx, "p1", "A"); err != nil {
			return err
		}
		if err := tx.PutRegimeRefs(fullRegime("1", day(0)), Meta{LastUpdated: day(0)}, refs); err != nil {
			return err
		}
		// Re-put without refs: the refs stay.
		return tx.PutRegime(fullRegime("1", day(0)), Meta{LastUpdated: day(0)})
	})
	var got string
	if err := s.r.QueryRowContext(ctx, `SELECT service_requests FROM regimes WHERE id = 'cp-1'`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := `{"weight":{"id":"sr-w","version_id":"4"}}`; got != want {
		t.Errorf("service_requests = %s, want %s", got, want)
	}
}

func TestUpsertKeepsNewestVersion(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	put := func(name, version string, lu time.Time) {
		t.Helper()
		mustWrite(t, s, func(tx *Tx) error {
			return tx.PutPatient(patient("p1", name), Meta{ID: "p1", VersionID: version, LastUpdated: lu})
		})
	}
	stored := func() (name, version string) {
		t.Helper()
		if err := s.r.QueryRowContext(ctx, `SELECT name, version_id FROM patients WHERE id = 'p1'`).Scan(&name, &version); err != nil {
			t.Fatal(err)
		}
		return name, version
	}
	put("v2", "2", day(2))
	put("v1", "1", day(1)) // older, arrives late: ignored
	if n, v := stored(); n != "v2" || v != "2" {
		t.Errorf("after older version: %s/%s, want v2/2", n, v)
	}
	put("v10", "10", day(2)) // same last_updated, higher version (numerically)
	if n, v := stored(); n != "v10" || v != "10" {
		t.Errorf("after version 10: %s/%s, want v10/10", n, v)
	}
	put("v9", "9", day(2))
	if n, v := stored(); n != "v10" || v != "10" {
		t.Errorf("after version 9 at same time: %s/%s, want v10/10", n, v)
	}
	put("local", "", time.Time{}) // no server version never overwrites one
	if n, v := stored(); n != "v10" {
		t.Errorf("after unversioned put: %s/%s, want v10/10", n, v)
	}
	put("v11", "11", day(3))
	if n, v := stored(); n != "v11" || v != "11" {
		t.Errorf("after version 11: %s/%s, want v11/11", n, v)
	}

	// An older reading version does not touch the reading or latest_readings.
	mustWrite(t, s, func(tx *Tx) error {
		if err := tx.PutResponsibility("p1", domain.Responsibility{Home: teamA}, Meta{}); err != nil {
			return err
		}
		if err := tx.PutReading(reading("o1", "p1", domain.KindPulse, day(1), 70, domain.Green), Meta{VersionID: "2", LastUpdated: day(2)}); err != nil {
			return err
		}
		return tx.PutReading(reading("o1", "p1", domain.KindPulse, day(1), 120, domain.Red), Meta{VersionID: "1", LastUpdated: day(1)})
	})
	d, err := s.Patient(ctx, "p1", time.Time{})
	if err != nil || len(d.Readings) != 1 || d.Readings[0].Value != 70 {
		t.Fatalf("readings after older version: %+v, %v", d.Readings, err)
	}
	rows, _ := s.Worklist(ctx, true)
	if l := rows[0].Latest[domain.KindPulse]; l.Value != 70 || l.Color != domain.Green {
		t.Errorf("latest pulse after older version = %+v", l)
	}
}

func TestLatestReadingsFollowNewest(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	latest := func() (string, float64) {
		t.Helper()
		var id string
		var v float64
		if err := s.r.QueryRowContext(ctx, `SELECT observation_id, value FROM latest_readings WHERE patient_id = 'p1' AND kind = 'weight'`).Scan(&id, &v); err != nil {
			t.Fatal(err)
		}
		return id, v
	}
	put := func(r domain.Reading) {
		t.Helper()
		mustWrite(t, s, func(tx *Tx) error { return tx.PutReading(r, Meta{}) })
	}
	mustWrite(t, s, func(tx *Tx) error { return addPatient(tx, "p1", "A") })
	put(reading("o3", "p1", domain.KindWeight, day(3), 83, domain.Green))
	put(reading("o1", "p1", domain.KindWeight, day(1), 81, domain.Green)) // late arrival of an older reading
	if id, _ := latest(); id != "o3" {
		t.Errorf("latest after older arrival = %s, want o3", id)
	}
	put(reading("o5", "p1", domain.KindWeight, day(5), 85, domain.Yellow))
	if id, _ := latest(); id != "o5" {
		t.Errorf("latest after newer arrival = %s, want o5", id)
	}
	// A corrected version of the latest reading updates the row in place.
	put(reading("o5", "p1", domain.KindWeight, day(5), 84.5, domain.Green))
	if id, v := latest(); id != "o5" || v != 84.5 {
		t.Errorf("latest after correction = %s %g, want o5 84.5", id, v)
	}
	// The latest reading corrected to an earlier time: the next newest takes over.
	put(reading("o5", "p1", domain.KindWeight, day(2), 84.5, domain.Green))
	if id, _ := latest(); id != "o3" {
		t.Errorf("latest after moving o5 back to day 2 = %s, want o3", id)
	}
	// An older reading corrected but still older changes nothing.
	put(reading("o1", "p1", domain.KindWeight, day(1), 80, domain.Green))
	if id, v := latest(); id != "o3" || v != 83 {
		t.Errorf("latest after correcting o1 = %s %g, want o3 83", id, v)
	}
	// Same time taken: the higher id wins, whatever the arrival order.
	put(reading("o3b", "p1", domain.KindWeight, day(3), 90, domain.Green))
	put(reading("o3a", "p1", domain.KindWeight, day(3), 91, domain.Green))
	if id, _ := latest(); id != "o3b" {
		t.Errorf("latest with equal times = %s, want o3b", id)
	}
	// Other kinds and patients are separate.
	put(reading("o9", "p1", domain.KindPulse, day(9), 70, domain.Green))
	if id, _ := latest(); id != "o3b" {
		t.Errorf("weight latest after a pulse = %s, want o3b", id)
	}
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM latest_readings`).Scan(&n); err != nil || n != 2 {
		t.Errorf("latest_readings rows = %d, %v; want 2", n, err)
	}
}

func TestPatientWindowAndNotFound(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustWrite(t, s, func(tx *Tx) error {
		if err := addPatients(tx, "p1", "p2"); err != nil {
			return err
		}
		for i := 0; i < 10; i++ {
			for _, k := range []domain.Kind{domain.KindWeight, domain.KindPulse} {
				if err := tx.PutReading(reading(string(k)+"-"+string(rune('a'+i)), "p1", k, day(i), float64(70+i), domain.Green), Meta{}); err != nil {
					return err
				}
			}
			if err := tx.PutReading(reading("other-"+string(rune('a'+i)), "p2", domain.KindWeight, day(i), 90, domain.Green), Meta{}); err != nil {
				return err
			}
			if err := tx.PutQuestionnaire(domain.ProResponse{ID: "q" + string(rune('a'+i)), PatientID: "p1", Taken: day(i)}, Meta{}); err != nil {
				return err
			}
		}
		return nil
	})
	d, err := s.Patient(ctx, "p1", day(7))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Readings) != 6 {
		t.Fatalf("readings since day 7 = %d, want 6 (days 7–9, two kinds)", len(d.Readings))
	}
	for i, r := range d.Readings {
		if r.PatientID != "p1" || r.Taken.Before(day(7)) {
			t.Errorf("reading %d outside window: %+v", i, r)
		}
		if i > 0 && r.Taken.Before(d.Readings[i-1].Taken) {
			t.Errorf("readings not oldest first at %d", i)
		}
	}
	if len(d.Questionnaires) != 3 {
		t.Errorf("questionnaires since day 7 = %d, want 3", len(d.Questionnaires))
	}

	if _, err := s.Patient(ctx, "nobody", day(0)); !errorsIs(err, ErrNotFound) {
		t.Errorf("Patient(nobody) = %v, want ErrNotFound", err)
	}
	if _, err := s.RegimeHistory(ctx, "nobody"); !errorsIs(err, ErrNotFound) {
		t.Errorf("RegimeHistory(nobody) = %v, want ErrNotFound", err)
	}
}
