package classroom

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"testing"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// A classroom's central serves the symptom questionnaire's definition, as
// `seed` and the DEMO do, and a training patient's regime names it: the
// trainee's regime form offers every answer of the questionnaire (not only
// the answers given so far).
func TestClassroomServesTheQuestionnaireItsRegimesName(t *testing.T) {
	r := newRig(t, "forste-dag", 2)
	hs := httptest.NewServer(r.srv.Handler())
	t.Cleanup(hs.Close)
	get := func(path string) []fhir.SearchsetEntry {
		t.Helper()
		req, err := http.NewRequestWithContext(r.ctx, http.MethodGet, hs.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+traineeToken)
		res, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, res.StatusCode, body)
		}
		_, entries, err := fhir.DecodeSearchset(body)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		return entries
	}
	want := central.SymptomQuestionnaire()
	entries := get("/Questionnaire?url=" + url.QueryEscape(domain.SymptomQuestionnaire))
	if len(entries) != 1 {
		t.Fatalf("the classroom's central serves %d symptom questionnaires; want 1", len(entries))
	}
	fq, err := fhir.Decode[*fhir.Questionnaire](entries[0].Raw)
	if err != nil {
		t.Fatal(err)
	}
	got, err := fhir.QuestionnaireToDomain(fq)
	if err != nil {
		t.Fatal(err)
	}
	if got.URL != want.URL || got.Version != want.Version || !reflect.DeepEqual(got.Questions, want.Questions) {
		t.Errorf("served questionnaire %+v; want %+v", got, want)
	}
	for _, key := range []string{"bent", "inge"} {
		pid := r.sess.Scenario.PatientID(r.sess.Trainees[0], key)
		plans := get("/CarePlan?patient=" + url.QueryEscape(pid))
		if len(plans) == 0 {
			t.Fatalf("%s has no regime", pid)
		}
		for _, e := range plans {
			cp, err := fhir.Decode[*fhir.CarePlan](e.Raw)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(cp.InstantiatesCanonical, central.SymptomQuestionnaireCanonical) {
				t.Errorf("%s's regime %s names %q; want %q", pid, cp.ID, cp.InstantiatesCanonical, central.SymptomQuestionnaireCanonical)
			}
		}
	}
}
