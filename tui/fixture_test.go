package tui

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the tests need Europe/Copenhagen wherever they run

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// The fixed clinic of the tests: "now" is Tuesday 10 March 2026 10:00 in
// Copenhagen.
var (
	cph, _   = time.LoadLocation("Europe/Copenhagen")
	testNow  = time.Date(2026, 3, 10, 10, 0, 0, 0, cph)
	teamA    = domain.Team{ID: "team-a", Name: "Hjertesvigt Aarhus", OrgID: "org-a", OrgName: "Aarhus Universitetshospital"}
	teamB    = domain.Team{ID: "team-b", Name: "Hjertesvigt Viborg", OrgID: "org-b", OrgName: "Regionshospitalet Viborg"}
	testUser = "sygeplejerske-1"
)

func ago(d time.Duration) time.Time { return testNow.Add(-d) }

func daysAgo(n int, hour int) time.Time {
	return time.Date(2026, 3, 10-n, hour, 0, 0, 0, cph)
}

// recordingSource wraps the cache and remembers the audit entries, so tests
// can check them without reading the audit table back.
type recordingSource struct {
	*cache.Store
	mu      sync.Mutex
	audited []domain.AuditEntry
}

func (r *recordingSource) Audit(ctx context.Context, e domain.AuditEntry) error {
	if err := r.Store.Audit(ctx, e); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.audited = append(r.audited, e)
	return nil
}

func (r *recordingSource) entries() []domain.AuditEntry {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]domain.AuditEntry(nil), r.audited...)
}

func testOptions() Options {
	return Options{Clinic: "Hjertesvigtsklinikken, AUH", User: testUser, Now: func() time.Time { return testNow }, Loc: cph, Days: 14}
}

// newClinic opens a real cache in a temporary directory and fills it with a
// small fixed clinic covering every worklist group.
func newClinic(t testing.TB) *recordingSource {
	t.Helper()
	ctx := context.Background()
	st, err := cache.Open(ctx, filepath.Join(t.TempDir(), "cache.db"))
	if err != nil {
		t.Fatalf("open cache: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Write(ctx, fillClinic); err != nil {
		t.Fatalf("fill clinic: %v", err)
	}
	return &recordingSource{Store: st}
}

var meta = cache.Meta{VersionID: "1", LastUpdated: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}

func fillClinic(tx *cache.Tx) error {
	type pat struct {
		id, name, cpr string
		born          time.Time
		resp          domain.Responsibility
		programmes    []string
	}
	cover := domain.Responsibility{Home: teamA, Cover: &domain.Cover{Team: teamB, Period: domain.Period{From: daysAgo(5, 0), To: daysAgo(-5, 0), Reason: "ferie"}}}
	pats := []pat{
		{"p-anna", "Anna Andersen", "0103451234", time.Date(1945, 3, 1, 0, 0, 0, 0, time.UTC), domain.Responsibility{Home: teamA}, nil},
		{"p-bent", "Bent Berg", "1207521235", time.Date(1952, 7, 12, 0, 0, 0, 0, time.UTC), cover, nil},
		{"p-carla", "Carla Christensen", "2309601236", time.Date(1960, 9, 23, 0, 0, 0, 0, time.UTC), domain.Responsibility{Home: teamA}, nil},
		{"p-dorte", "Dorte Dahl", "0511481238", time.Date(1948, 11, 5, 0, 0, 0, 0, time.UTC), domain.Responsibility{Home: teamB}, nil},
		{"p-erik", "Erik Eriksen", "1402391237", time.Date(1939, 2, 14, 0, 0, 0, 0, time.UTC), domain.Responsibility{Home: teamA}, []string{domain.ProgrammeHeartFailure, domain.ProgrammeCOPD}},
		{"p-frida", "Frida Friis", "3006551230", time.Date(1955, 6, 30, 0, 0, 0, 0, time.UTC), domain.Responsibility{Home: teamA}, nil},
		{"p-gustav", "Gustav Holm", "0808671239", time.Date(1967, 8, 8, 0, 0, 0, 0, time.UTC), domain.Responsibility{Home: teamB}, nil},
		{"p-hanne", "Hanne Iversen", "1010501232", time.Date(1950, 10, 10, 0, 0, 0, 0, time.UTC), domain.Responsibility{Home: teamA}, nil},
		// Hostile text from the server must not reach the terminal raw.
		{"p-ib", "Ib \x1b[31mJensen\x1b]0;pwn\x07\u202e", "0404441231", time.Date(1944, 4, 4, 0, 0, 0, 0, time.UTC), domain.Responsibility{Home: teamA}, nil},
	}
	for _, p := range pats {
		progs := p.programmes
		if progs == nil {
			progs = []string{domain.ProgrammeHeartFailure}
		}
		if err := tx.PutPatient(domain.Patient{ID: p.id, CPR: p.cpr, Name: p.name, BirthDate: p.born, Programmes: progs, Synthetic: true}, meta); err != nil {
			return err
		}
		if err := tx.PutResponsibility(p.id, p.resp, cache.Meta{ID: "eoc-" + p.id, VersionID: "1", LastUpdated: meta.LastUpdated}); err != nil {
			return err
		}
		th := domain.DefaultThresholds(82)
		if p.id == "p-anna" {
			th.ByKind[domain.KindBloodPressure] = domain.KindThresholds{
				Primary:   domain.Limits{RedLow: domain.L(85), YellowLow: domain.L(95), YellowHigh: domain.L(150), RedHigh: domain.L(170)},
				Secondary: domain.Limits{RedLow: domain.L(45), YellowLow: domain.L(50), YellowHigh: domain.L(95), RedHigh: domain.L(105)},
			}
		}
		if p.id == "p-gustav" {
			th = domain.Thresholds{}
		}
		phase := domain.PhaseOngoing
		if p.id == "p-bent" {
			phase = domain.PhaseStartUp
		}
		reg := domain.Regime{
			ID: "cp-" + p.id, Version: "1", PatientID: p.id, EffectiveFrom: time.Date(2026, 1, 15, 0, 0, 0, 0, cph),
			Start: time.Date(2026, 1, 15, 0, 0, 0, 0, cph), Phase: phase, Thresholds: th,
			Schedules:    []domain.Schedule{{Kind: domain.KindWeight, Freq: domain.Frequency{Kind: domain.Daily}, Deadline: 12 * time.Hour}},
			Reevaluation: time.Date(2026, 4, 15, 0, 0, 0, 0, cph), Physician: "Dr. Hjerte",
		}
		if err := tx.PutRegime(reg, cache.Meta{LastUpdated: meta.LastUpdated}); err != nil {
			return err
		}
	}

	n := 0
	read := func(pid string, k domain.Kind, taken time.Time, v, v2 float64, c domain.Color, implausible string) string {
		n++
		id := pid + "-obs-" + itoa(n)
		r := domain.Reading{
			Measurement:    domain.Measurement{ID: id, PatientID: pid, Kind: k, Taken: taken, Received: taken.Add(2 * time.Minute), Value: v, Value2: v2},
			Classification: domain.Classification{Color: c, Implausible: implausible},
		}
		if err := tx.PutReading(r, meta); err != nil {
			panic(err)
		}
		return id
	}
	task := func(pid, focus string, c domain.Color, implausible bool, created time.Time) {
		n++
		if err := tx.PutTask(domain.Task{ID: pid + "-task-" + itoa(n), PatientID: pid, Category: domain.TaskMeasurement, FocusID: focus, Color: c, Implausible: implausible, Created: created}, meta); err != nil {
			panic(err)
		}
	}
	msg := func(pid string, fromPatient, read bool, sent time.Time, sender, title, body string) {
		n++
		if err := tx.PutMessage(domain.Message{ID: pid + "-msg-" + itoa(n), PatientID: pid, ThreadID: "th-" + pid, FromPatient: fromPatient, Sender: sender, Title: title, Body: body, Sent: sent, Read: read}, meta); err != nil {
			panic(err)
		}
	}

	// Anna: two weeks of history, an open red pulse and a yellow weight.
	weights := []float64{82.1, 82.4, 82.0, 82.3, 82.6, 82.9, 83.1, 83.0, 83.4, 83.8, 84.0, 84.3}
	for i, w := range weights {
		day := len(weights) - 1 - i
		c := domain.Green
		if w >= 84 {
			c = domain.Yellow
		}
		id := read("p-anna", domain.KindWeight, daysAgo(day, 7), w, 0, c, "")
		if day == 0 {
			task("p-anna", id, c, false, daysAgo(0, 7))
		}
		pc := domain.Green
		pulse := 70.0 + float64(i)
		if day == 0 {
			pulse, pc = 104, domain.Red
		}
		pid := read("p-anna", domain.KindPulse, daysAgo(day, 7).Add(time.Minute), pulse, 0, pc, "")
		if day == 0 {
			task("p-anna", pid, pc, false, daysAgo(0, 7).Add(time.Minute))
		}
		if day%3 == 0 {
			read("p-anna", domain.KindBloodPressure, daysAgo(day, 7).Add(2*time.Minute), 128+float64(i), 78, domain.Green, "")
		}
	}
	read("p-anna", domain.KindPulse, daysAgo(2, 19), 92, 0, domain.Yellow, "") // an extra evening reading
	if err := tx.PutQuestionnaire(domain.ProResponse{ID: "q-anna-1", PatientID: "p-anna", Taken: daysAgo(0, 7).Add(5 * time.Minute), Answers: []domain.ProAnswer{
		{Question: "Har du taget på i vægt?", Answer: "Ja, over 2 kg", Severity: domain.Yellow},
		{Question: "Er du mere forpustet end før?", Answer: "Ja, ved let aktivitet", Severity: domain.Red},
		{Question: "Hvordan er din energi?", Answer: "Som sædvanlig", Severity: domain.Green},
	}}, meta); err != nil {
		return err
	}
	if err := tx.PutQuestionnaire(domain.ProResponse{ID: "q-anna-0", PatientID: "p-anna", Taken: daysAgo(7, 8), Answers: []domain.ProAnswer{
		{Question: "Har du taget på i vægt?", Answer: "Nej", Severity: domain.Green},
	}}, meta); err != nil {
		return err
	}
	msg("p-anna", true, true, daysAgo(3, 18), "Anna Andersen", "Hævede ankler", "Mine ankler er lidt hævede om aftenen.\nSkal jeg gøre noget?")
	msg("p-anna", false, true, daysAgo(2, 9), "Sygeplejerske Mette", "Sv: Hævede ankler", "Tak for beskeden. Hold øje med vægten hver morgen.")
	msg("p-anna", true, false, ago(90*time.Minute), "Anna Andersen", "Svimmel\x1b[2J", "Jeg er svimmel i dag.\x07\r\nPulsen føles hurtig.")

	// Bent: start-up, yellow weight and an unread message, covered by team B.
	id := read("p-bent", domain.KindWeight, ago(26*time.Hour), 84.3, 0, domain.Yellow, "")
	task("p-bent", id, domain.Yellow, false, ago(26*time.Hour))
	read("p-bent", domain.KindPulse, ago(26*time.Hour), 88, 0, domain.Green, "")
	msg("p-bent", true, false, ago(5*time.Hour), "Bent Berg", "Spørgsmål", "Skal jeg tage vanddrivende i dag?")

	// Carla: a missing weight.
	read("p-carla", domain.KindWeight, daysAgo(2, 7), 71.2, 0, domain.Green, "")
	n++
	if err := tx.PutTask(domain.Task{ID: "p-carla-missing", PatientID: "p-carla", Category: domain.TaskMissing, Kind: domain.KindWeight, Created: daysAgo(1, 12), Due: daysAgo(1, 12)}, meta); err != nil {
		return err
	}

	// Dorte: two unread messages only.
	read("p-dorte", domain.KindWeight, daysAgo(1, 7), 66.0, 0, domain.Green, "")
	msg("p-dorte", true, false, ago(3*24*time.Hour), "Dorte Dahl", "Ferie", "Jeg er på ferie i næste uge.")
	msg("p-dorte", true, false, ago(2*24*time.Hour), "Dorte Dahl", "Ferie 2", "Glemte at sige: jeg måler stadig.")

	// Erik: three green readings open, SpO2 (COPD).
	for i, k := range []domain.Kind{domain.KindWeight, domain.KindPulse, domain.KindSpO2} {
		v := []float64{80.5, 66, 95}[i]
		id := read("p-erik", k, ago(40*time.Minute), v, 0, domain.Green, "")
		task("p-erik", id, domain.Green, false, ago(40*time.Minute))
	}

	// Frida: an implausible weight.
	id = read("p-frida", domain.KindWeight, ago(3*time.Hour), 400, 0, domain.Unclassified, "weight 400 kg outside 0–350")
	task("p-frida", id, domain.Unclassified, true, ago(3*time.Hour))

	// Gustav: no thresholds, so an unclassified reading.
	id = read("p-gustav", domain.KindPulse, ago(6*time.Hour), 72, 0, domain.Unclassified, "")
	task("p-gustav", id, domain.Unclassified, false, ago(6*time.Hour))
	read("p-gustav", domain.KindBloodPressure, ago(6*time.Hour), 135, 85, domain.Unclassified, "")

	// Hanne: nothing open (only with "all").
	read("p-hanne", domain.KindWeight, daysAgo(1, 7), 90.2, 0, domain.Green, "")

	// Ib: hostile name, one red BP.
	id = read("p-ib", domain.KindBloodPressure, ago(50*time.Hour), 182, 110, domain.Red, "")
	task("p-ib", id, domain.Red, false, ago(50*time.Hour))
	return nil
}
