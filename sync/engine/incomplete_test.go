package engine

import (
	"net/http"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// A patient who becomes visible to this console with her Patient resource
// changed after its watermark arrives through the incremental pull, but
// her earlier readings lie before the Observation watermark: the round
// pulls them too, and says she appeared. (Before, she sat in the cache
// with none of her readings, and the comparison of the visible patients
// with the cached ones, which found her cached, never fetched them: a
// covering nurse saw a patient with no readings.)
func TestPatientStoredByThePullGetsHerEarlierRecords(t *testing.T) {
	r := newRig(t, Options{})
	r.seedPatient("p1")
	t0 := r.env.srv.now
	r.seedObservation("o1", "p1", t0.Add(-time.Hour), 60)
	if _, err := r.eng.Once(ctx); err != nil {
		t.Fatal(err)
	}
	r.env.srv.setNow(t0.Add(time.Hour))
	r.seedObservation("o2", "p1", t0.Add(30*time.Minute), 61)
	if _, err := r.eng.Once(ctx); err != nil {
		t.Fatal(err)
	}

	// p2's records from before the Observation watermark, then her Patient
	// resource changed after it.
	r.env.srv.setNow(t0.Add(30 * time.Minute))
	r.env.srv.put(fhir.ResponsibilityToEpisodeOfCare("eoc-p2", "p2", domain.Responsibility{Home: domain.Team{ID: "team-a", Name: "Klinik A", OrgID: "org-a"}}))
	for i, id := range []string{"o3", "o4", "o5"} {
		r.seedObservation(id, "p2", t0.Add(time.Duration(i)*time.Minute), 70)
	}
	r.env.srv.setNow(t0.Add(2 * time.Hour))
	r.env.srv.put(fhir.PatientToFHIR(domain.Patient{ID: "p2", Name: "Anden Testesen", CPR: "0202702345", Programmes: []string{domain.ProgrammeHeartFailure}}))

	rep, err := r.eng.Once(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := r.readings(t, "p2"); n != 3 {
		t.Fatalf("p2 has %d readings in the cache, want her 3", n)
	}
	if rep.Appeared != 1 {
		t.Errorf("the round says %d patients appeared, want 1", rep.Appeared)
	}
	inc, err := r.store.Incomplete(ctx)
	if err != nil || len(inc) != 0 {
		t.Errorf("patients still incomplete after the round: %v (%v)", inc, err)
	}
	// The next round has nothing more to fetch for her.
	rep, err = r.eng.Once(ctx)
	if err != nil || rep.Appeared != 0 {
		t.Errorf("next round: appeared %d (%v), want 0", rep.Appeared, err)
	}
}

// A round that stores such a patient but fails before it compares the
// visible patients with the cached ones (a later type's search fails)
// leaves her marked; the next round, though nothing new comes and no
// comparison is due by time or rounds, pulls her earlier records.
func TestIncompletePatientLeftByAFailedRoundIsCompletedNext(t *testing.T) {
	r := newRig(t, Options{ReconcileRounds: 1000, ReconcileEvery: 24 * time.Hour})
	r.seedPatient("p1")
	t0 := r.env.srv.now
	r.seedObservation("o1", "p1", t0.Add(-time.Hour), 60)
	if _, err := r.eng.Once(ctx); err != nil {
		t.Fatal(err)
	}
	r.env.srv.setNow(t0.Add(time.Hour))
	r.seedObservation("o2", "p1", t0.Add(30*time.Minute), 61)
	if _, err := r.eng.Once(ctx); err != nil {
		t.Fatal(err)
	}
	r.env.srv.setNow(t0.Add(30 * time.Minute))
	r.env.srv.put(fhir.ResponsibilityToEpisodeOfCare("eoc-p2", "p2", domain.Responsibility{Home: domain.Team{ID: "team-a", Name: "Klinik A", OrgID: "org-a"}}))
	r.seedObservation("o3", "p2", t0, 70)
	r.env.srv.setNow(t0.Add(2 * time.Hour))
	r.env.srv.put(fhir.PatientToFHIR(domain.Patient{ID: "p2", Name: "Anden Testesen", CPR: "0202702345", Programmes: []string{domain.ProgrammeHeartFailure}}))

	r.env.srv.mu.Lock()
	r.env.srv.unserved = map[string]int{"Communication": http.StatusInternalServerError}
	r.env.srv.mu.Unlock()
	if _, err := r.eng.Once(ctx); err == nil {
		t.Fatal("the round with a failing search did not fail")
	}
	if inc, err := r.store.Incomplete(ctx); err != nil || !inc["p2"] {
		t.Fatalf("after the failed round p2 is not marked incomplete: %v (%v)", inc, err)
	}
	r.env.srv.mu.Lock()
	r.env.srv.unserved = nil
	r.env.srv.mu.Unlock()
	rep, err := r.eng.Once(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := r.readings(t, "p2"); n != 1 || rep.Appeared != 1 {
		t.Fatalf("the next round: p2 has %d readings, %d appeared; want her 1 reading and 1", n, rep.Appeared)
	}
}
