package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
)

// TestFullThenIncrementalSyncAgainstCentral: a first round pulls exactly
// what the nurse may see (and nothing of another team), and a later round
// after new readings pulls just those.
func TestFullThenIncrementalSyncAgainstCentral(t *testing.T) {
	c := newCentral(t)
	now := time.Now()
	seedClinic(t, c.store, 6, 10, now)
	con := newConsole(t, c.url(), tokNurseA, engine.Options{PageSize: 100}, client.Options{})

	rep := mustOnce(t, con)
	server := assertCacheEqualsServer(t, con, c.url(), tokNurseA)
	if server.count() == 0 || len(server["Observation"]) == 0 || len(server["Task"]) == 0 {
		t.Fatalf("the seeded clinic gave the nurse nothing to see: %v", server)
	}
	for typ, m := range server {
		t.Logf("%s: %d on the server and in the cache", typ, len(m))
	}
	if got := rep.Pulled["Observation"]; got != len(server["Observation"]) {
		t.Errorf("first round pulled %d observations, server has %d", got, len(server["Observation"]))
	}
	if st := con.eng.Status(); !st.Online || st.LastSync.IsZero() || st.LastError != "" || st.Parked != 0 {
		t.Errorf("status after a clean first round: %+v", st)
	}
	assertNothingOfOtherTeam(t, con)

	// A round with nothing new on the server stores nothing.
	rep = mustOnce(t, con)
	for typ, n := range rep.Pulled {
		if n != 0 {
			t.Errorf("idle round pulled %d %s", n, typ)
		}
	}

	// New readings arrive (triaged on arrival: new tasks too); the other
	// team's patient sends one as well.
	pid := firstPatient(t, con)
	for i := 0; i < 5; i++ {
		m := domain.Measurement{PatientID: pid, Kind: domain.KindPulse, Value: float64(60 + i), Taken: now.Add(time.Duration(i) * time.Second)}
		if _, err := c.srv.Submit(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.srv.Submit(context.Background(), domain.Measurement{PatientID: otherPID, Kind: domain.KindPulse, Value: 150, Taken: now}); err != nil {
		t.Fatal(err)
	}
	rep = mustOnce(t, con)
	if got := rep.Pulled["Observation"]; got != 5 {
		t.Errorf("incremental round pulled %d observations, want the 5 new ones", got)
	}
	assertCacheEqualsServer(t, con, c.url(), tokNurseA)
	assertNothingOfOtherTeam(t, con)
}

// firstPatient returns a patient the console has in its cache.
func firstPatient(t testing.TB, con *console) string {
	t.Helper()
	rows, err := con.store.Worklist(context.Background(), true)
	if err != nil || len(rows) == 0 {
		t.Fatalf("worklist: %d rows, %v", len(rows), err)
	}
	return rows[0].Patient.ID
}

// assertNothingOfOtherTeam checks the other team's patient, reading, task,
// message and team are not in the cache.
func assertNothingOfOtherTeam(t testing.TB, con *console) {
	t.Helper()
	cached, ph := cacheVersions(t, con.path, engine.DefaultTypes)
	for _, probe := range []struct{ typ, id string }{{"Patient", otherPID}, {"Observation", "obs-other-1"},
		{"Task", "task-other-1"}, {"Communication", "msg-other-1"}, {"EpisodeOfCare", "eoc-" + otherPID}} {
		if _, ok := cached[probe.typ][probe.id]; ok {
			t.Errorf("%s/%s of another team is in the cache", probe.typ, probe.id)
		}
		if _, ok := ph[probe.typ][probe.id]; ok {
			t.Errorf("%s/%s of another team is in the cache as a placeholder", probe.typ, probe.id)
		}
	}
	rows, err := con.store.Worklist(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Patient.ID == otherPID {
			t.Errorf("the other team's patient is on the worklist")
		}
		if r.Responsibility.Home.ID != demo.TeamDemoID {
			t.Errorf("patient %s has home team %q", r.Patient.ID, r.Responsibility.Home.ID)
		}
	}
}
