package fhir

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

var t0 = time.Date(2026, 3, 2, 7, 15, 30, 123e6, time.UTC)

// viaJSON encodes r and decodes it strictly, so every round trip also
// covers the JSON form.
func viaJSON[T Resource](t *testing.T, r T) T {
	t.Helper()
	b, err := Encode(r)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Decode[T](b)
	if err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return out
}

func TestObservationRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		m    domain.Measurement
		cls  *domain.Classification
	}{
		{"weight with limits", domain.Measurement{ID: "o1", PatientID: "p1", Kind: domain.KindWeight, Taken: t0, Received: t0.Add(time.Minute), Value: 82.1, Extra: true},
			&domain.Classification{Color: domain.Yellow, Limits: domain.KindThresholds{Primary: domain.Limits{RedLow: domain.L(77), YellowLow: domain.L(78), YellowHigh: domain.L(82), RedHigh: domain.L(83)}}}},
		{"pulse one-sided limits", domain.Measurement{ID: "o2", PatientID: "p1", Kind: domain.KindPulse, Taken: t0, Value: 0},
			&domain.Classification{Color: domain.Unclassified, Implausible: "pulse 0 outside 0–300", Limits: domain.KindThresholds{Primary: domain.Limits{YellowHigh: domain.L(90), RedHigh: domain.L(100)}}}},
		{"bp per component", domain.Measurement{ID: "o3", PatientID: "p2", Kind: domain.KindBloodPressure, Taken: t0, Value: 150, Value2: 95},
			&domain.Classification{Color: domain.Red, Limits: domain.KindThresholds{
				Primary:   domain.Limits{RedLow: domain.L(90), RedHigh: domain.L(160), YellowHigh: domain.L(140)},
				Secondary: domain.Limits{RedHigh: domain.L(100), YellowHigh: domain.L(90)}}}},
		{"steps untriaged", domain.Measurement{ID: "o4", PatientID: "p2", Kind: domain.KindSteps, Taken: t0, Value: 4000}, nil},
		{"spo2 green no limits", domain.Measurement{ID: "o5", PatientID: "p2", Kind: domain.KindSpO2, Taken: t0, Value: 97}, &domain.Classification{Color: domain.Green}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := viaJSON(t, MeasurementToObservation(c.m, c.cls))
			m, cls, err := ObservationToMeasurement(o)
			if err != nil {
				t.Fatal(err)
			}
			if !m.Taken.Equal(c.m.Taken) || !m.Received.Equal(c.m.Received) {
				t.Errorf("times %v %v, want %v %v", m.Taken, m.Received, c.m.Taken, c.m.Received)
			}
			m.Taken, m.Received = c.m.Taken, c.m.Received
			if !reflect.DeepEqual(m, c.m) {
				t.Errorf("measurement %+v, want %+v", m, c.m)
			}
			if !reflect.DeepEqual(cls, c.cls) {
				t.Errorf("classification %+v, want %+v", cls, c.cls)
			}
		})
	}
}

func TestObservationJSONShape(t *testing.T) {
	m := domain.Measurement{ID: "o3", PatientID: "p2", Kind: domain.KindBloodPressure, Taken: t0, Value: 150, Value2: 95}
	cls := domain.Classification{Color: domain.Red, Limits: domain.KindThresholds{Primary: domain.Limits{RedHigh: domain.L(160)}}}
	b, _ := Encode(MeasurementToObservation(m, &cls))
	s := string(b)
	for _, want := range []string{`"resourceType":"Observation"`, `"code":"ZZ3170"`, `"system":"urn:oid:1.2.208.176.2.4"`, `"code":"DNK05472"`,
		`"code":"DNK05473"`, `"code":"mm[Hg]"`, `"system":"http://unitsofmeasure.org"`, `"code":"RAL"`, `"effectiveDateTime":"2026-03-02T07:15:30.123Z"`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON lacks %s: %s", want, s)
		}
	}
	if strings.Contains(s, `"valueQuantity":{"value":150`) && !strings.Contains(s, `"component"`) {
		t.Errorf("bp must use components: %s", s)
	}
}

func TestRegimeRoundTrip(t *testing.T) {
	th := domain.DefaultThresholds(80)
	th.ByKind[domain.KindBloodPressure] = domain.KindThresholds{
		Primary:   domain.Limits{RedLow: domain.L(85), YellowLow: domain.L(95), YellowHigh: domain.L(150), RedHigh: domain.L(170)},
		Secondary: domain.Limits{RedLow: domain.L(40), YellowLow: domain.L(50), YellowHigh: domain.L(95), RedHigh: domain.L(105)},
	}
	r := domain.Regime{
		ID: "cp1", Version: "3", PatientID: "p1", EffectiveFrom: t0, Start: t0.Add(-48 * time.Hour), End: t0.Add(90 * 24 * time.Hour),
		Phase: domain.PhaseOngoing,
		Schedules: []domain.Schedule{
			{Kind: domain.KindWeight, Freq: domain.Frequency{Kind: domain.Daily}, Deadline: 12 * time.Hour},
			{Kind: domain.KindPulse, Freq: domain.Frequency{Kind: domain.OnWeekdays, Weekdays: []time.Weekday{time.Monday, time.Thursday}}, Deadline: 10*time.Hour + 30*time.Minute},
			{Kind: domain.KindBloodPressure, Freq: domain.Frequency{Kind: domain.Weekly, Weekdays: []time.Weekday{time.Sunday}}, Deadline: 24 * time.Hour},
			{Kind: domain.KindSteps, Freq: domain.Frequency{Kind: domain.TimesPerWeek, N: 3}, Deadline: 20 * time.Hour},
		},
		Thresholds:   th,
		TrendRule:    &domain.TrendRule{GainKg: 2, Days: 3, Color: domain.Yellow},
		Reevaluation: t0.Add(60 * 24 * time.Hour),
		Pauses:       []domain.Period{{From: t0, To: t0.Add(72 * time.Hour), Reason: "indlagt"}, {From: t0.Add(240 * time.Hour)}},
		Author:       "nurse-1", Physician: "Dr. Jensen", Reason: "titrering",
	}
	cp, srs := RegimeToFHIR(r)
	if len(srs) != 4 || len(cp.Activity) != 4 {
		t.Fatalf("want 4 ServiceRequests, got %d (activities %d)", len(srs), len(cp.Activity))
	}
	cp = viaJSON(t, cp)
	for i := range srs {
		srs[i] = viaJSON(t, srs[i])
	}
	got, err := RegimeFromFHIR(cp, srs)
	if err != nil {
		t.Fatal(err)
	}
	if !got.EffectiveFrom.Equal(r.EffectiveFrom) || !got.Start.Equal(r.Start) || !got.End.Equal(r.End) || !got.Reevaluation.Equal(r.Reevaluation) {
		t.Errorf("times differ: %+v", got)
	}
	for i := range got.Pauses {
		if !got.Pauses[i].From.Equal(r.Pauses[i].From) || !got.Pauses[i].To.Equal(r.Pauses[i].To) {
			t.Errorf("pause %d: %+v want %+v", i, got.Pauses[i], r.Pauses[i])
		}
		got.Pauses[i].From, got.Pauses[i].To = r.Pauses[i].From, r.Pauses[i].To
	}
	got.EffectiveFrom, got.Start, got.End, got.Reevaluation = r.EffectiveFrom, r.Start, r.End, r.Reevaluation
	if !reflect.DeepEqual(got, r) {
		t.Errorf("regime\n got %+v\nwant %+v", got, r)
	}
	// The weight thresholds are written as relative levels.
	b, _ := json.Marshal(srs[0])
	if !strings.Contains(string(b), `"code":"RELRAL"`) || !strings.Contains(string(b), ExtReferenceRange) {
		t.Errorf("weight ServiceRequest lacks relative ehealth-referenceRange: %s", b)
	}
}

func TestTaskRoundTripAndPriority(t *testing.T) {
	cases := []struct {
		task     domain.Task
		priority string
	}{
		{domain.Task{ID: "t1", PatientID: "p1", Category: domain.TaskMeasurement, FocusID: "o1", Color: domain.Red, Created: t0}, "asap"},
		{domain.Task{ID: "t2", PatientID: "p1", Category: domain.TaskMeasurement, FocusID: "QuestionnaireResponse/q1", Color: domain.Yellow, Created: t0,
			Done: true, DoneBy: "nurse-1", DoneAt: t0.Add(time.Hour), Note: "ringet op"}, "urgent"},
		{domain.Task{ID: "t3", PatientID: "p1", Category: domain.TaskMeasurement, FocusID: "o3", Color: domain.Green, Created: t0}, "routine"},
		{domain.Task{ID: "t4", PatientID: "p1", Category: domain.TaskMeasurement, FocusID: "o4", Implausible: true, Created: t0}, "urgent"},
		{domain.Task{ID: "t5", PatientID: "p1", Category: domain.TaskMissing, Kind: domain.KindWeight, Created: t0, Due: t0}, "routine"},
	}
	for _, c := range cases {
		ft := viaJSON(t, TaskToFHIR(c.task))
		if ft.Priority != c.priority {
			t.Errorf("%s: priority %q, want %q", c.task.ID, ft.Priority, c.priority)
		}
		got, err := TaskFromFHIR(ft)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []struct{ a, b *time.Time }{{&got.Created, &c.task.Created}, {&got.Due, &c.task.Due}, {&got.DoneAt, &c.task.DoneAt}} {
			if !p.a.Equal(*p.b) {
				t.Errorf("%s: time %v want %v", c.task.ID, *p.a, *p.b)
			}
			*p.a = *p.b
		}
		if !reflect.DeepEqual(got, c.task) {
			t.Errorf("task\n got %+v\nwant %+v", got, c.task)
		}
	}
}

func TestOtherRoundTrips(t *testing.T) {
	msg := domain.Message{ID: "c1", PatientID: "p1", ThreadID: "th1", FromPatient: true, Sender: "Borger", Title: "Vægt", Body: "Jeg har tabt mig æøå", Sent: t0, Read: true}
	gm, err := CommunicationToMessage(viaJSON(t, MessageToCommunication(msg)))
	if err != nil {
		t.Fatal(err)
	}
	gm.Sent = msg.Sent
	if !reflect.DeepEqual(gm, msg) {
		t.Errorf("message %+v want %+v", gm, msg)
	}

	pro := domain.ProResponse{ID: "q1", PatientID: "p1", Taken: t0, Answers: []domain.ProAnswer{{Question: "Åndenød?", Answer: "Ja", Severity: domain.Red}, {Question: "Træt?", Answer: "Nej", Severity: domain.Green}}}
	gp, err := QuestionnaireResponseToPro(viaJSON(t, ProToQuestionnaireResponse(pro)))
	if err != nil {
		t.Fatal(err)
	}
	gp.Taken = pro.Taken
	if !reflect.DeepEqual(gp, pro) || gp.Color() != domain.Red {
		t.Errorf("pro %+v want %+v", gp, pro)
	}

	pat := domain.Patient{ID: "p1", CPR: "0101701234", Name: "Test Testesen", BirthDate: time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), Programmes: []string{domain.ProgrammeHeartFailure, domain.ProgrammeCOPD}, Synthetic: true}
	gpat, err := PatientFromFHIR(viaJSON(t, PatientToFHIR(pat)))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gpat, pat) {
		t.Errorf("patient %+v want %+v", gpat, pat)
	}

	home := domain.Team{ID: "team-a", Name: "Monitorering A", OrgID: "org-a", OrgName: "Hjertesvigtsklinik A"}
	cover := domain.Team{ID: "team-b", Name: "Monitorering B", OrgID: "org-b", OrgName: "Hjertesvigtsklinik B"}
	resp := domain.Responsibility{Home: home, Cover: &domain.Cover{Team: cover, Period: domain.Period{From: t0, To: t0.Add(14 * 24 * time.Hour), Reason: "ferie"}}}
	pid, gr, err := EpisodeOfCareToResponsibility(viaJSON(t, ResponsibilityToEpisodeOfCare("eoc1", "p1", resp)))
	if err != nil || pid != "p1" {
		t.Fatal(pid, err)
	}
	if !gr.Cover.Period.From.Equal(t0) {
		t.Errorf("cover from %v", gr.Cover.Period.From)
	}
	gr.Cover.Period.From, gr.Cover.Period.To = resp.Cover.Period.From, resp.Cover.Period.To
	if !reflect.DeepEqual(gr, resp) {
		t.Errorf("responsibility %+v want %+v", gr, resp)
	}

	ct, org := TeamToFHIR(home)
	if got := TeamFromFHIR(viaJSON(t, ct), viaJSON(t, org)); got != home {
		t.Errorf("team %+v want %+v", got, home)
	}
	if got := TeamFromFHIR(ct, nil); got != home {
		t.Errorf("team without org %+v want %+v", got, home)
	}
}
