package engine

import (
	"net/http"
	"testing"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// Questionnaire definitions are pulled like the rest; a server that has
// no Questionnaire type (404, or 400 for a type it does not support) or
// does not let us read them (403) is no failed round: the console goes
// on without them.
func TestQuestionnairesArePulledAndOptional(t *testing.T) {
	r := newRig(t, Options{})
	r.seedPatient("p1")
	r.env.srv.put(fhir.QuestionnaireFromDomain(domain.Questionnaire{ID: "pro", URL: "http://example.org/Questionnaire/pro", Version: "1",
		Questions: []domain.Question{{LinkID: "q1", Text: "Forpustet?", Options: []domain.AnswerOption{{Text: "Nej"}}}}}))
	rep, err := r.eng.Once(ctx)
	if err != nil {
		t.Fatalf("Once: %v", err)
	}
	if rep.Pulled["Questionnaire"] != 1 {
		t.Errorf("pulled %d questionnaires, want 1 (%+v)", rep.Pulled["Questionnaire"], rep.Pulled)
	}
	for _, status := range []int{http.StatusNotFound, http.StatusBadRequest, http.StatusForbidden} {
		r.env.srv.mu.Lock()
		r.env.srv.unserved = map[string]int{"Questionnaire": status}
		r.env.srv.mu.Unlock()
		r.seedObservation("o-"+http.StatusText(status)[:3], "p1", r.env.srv.now, 60)
		rep, err := r.eng.Once(ctx)
		if err != nil {
			t.Fatalf("a server answering %d for Questionnaire: round failed: %v", status, err)
		}
		if rep.Pulled["Observation"] != 1 {
			t.Errorf("%d: pulled %+v, want the new reading", status, rep.Pulled)
		}
	}
	// Anything else still fails the round.
	r.env.srv.mu.Lock()
	r.env.srv.unserved = map[string]int{"Questionnaire": http.StatusUnauthorized}
	r.env.srv.mu.Unlock()
	if _, err := r.eng.Once(ctx); err == nil {
		t.Error("a refused token on Questionnaire passed for a server without the type")
	}
}
