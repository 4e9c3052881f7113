package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// `patient submit --kind questionnaire` answers the questionnaire the
// central gives the patient: each --answer names a question by linkId or
// text and an answer by text (any case); the central stores it naming the
// questionnaire and triages it; an unknown question or answer, or input
// for the other kind, is a clear error and nothing is sent.
func TestPatientSubmitsQuestionnaireAnswers(t *testing.T) {
	dir := t.TempDir()
	db, toks := filepath.Join(dir, "c.db"), filepath.Join(dir, "tokens.json")
	if out, err := run(t, "seed", "--db", db, "--patients", "3", "--days", "7", "--tokens-out", toks); err != nil {
		t.Fatal(err, out)
	}
	b, err := os.ReadFile(toks)
	if err != nil {
		t.Fatal(err)
	}
	var nurses map[string]string
	if err := json.Unmarshal(b, &nurses); err != nil {
		t.Fatal(err)
	}
	nurseTok := ""
	for tok, who := range nurses {
		if who == "Practitioner/"+demo.NurseA {
			nurseTok = tok
		}
	}
	serve := func() *httptest.Server {
		store, err := central.OpenStore(context.Background(), db, nil)
		if err != nil {
			t.Fatal(err)
		}
		tk, err := loadTokens(toks, nil)
		if err != nil {
			t.Fatal(err)
		}
		srv, err := central.NewServer(central.Config{Store: store, Tokens: tk})
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(srv.Handler())
		t.Cleanup(func() { hs.Close(); store.Close() })
		return hs
	}
	get := func(hs *httptest.Server, path string) []byte {
		req, _ := http.NewRequest(http.MethodGet, hs.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+nurseTok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body []byte
		body, err = readAll(res)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v %s", path, res.StatusCode, err, body)
		}
		return body
	}
	hs := serve()
	bundle, err := fhir.Decode[*fhir.Bundle](get(hs, "/Patient?_count=1"))
	if err != nil || len(bundle.Entry) == 0 {
		t.Fatalf("no patient: %v", err)
	}
	pat, err := fhir.Decode[*fhir.Patient](bundle.Entry[0].Resource)
	if err != nil {
		t.Fatal(err)
	}
	hs.Close()
	patTok, err := run(t, "admin", "patient-login", "--db", db, "--tokens", toks, "--patient", pat.ID)
	if err != nil {
		t.Fatal(err, patTok)
	}
	hs = serve()
	submit := func(args ...string) (string, error) {
		return run(t, append([]string{"patient", "submit", "--server", hs.URL, "--token", strings.TrimSpace(patTok), "--patient", pat.ID}, args...)...)
	}
	answerSets := func() int {
		var n struct {
			Entry []json.RawMessage `json:"entry"`
		}
		if err := json.Unmarshal(get(hs, "/QuestionnaireResponse?patient="+pat.ID+"&_count=1000"), &n); err != nil {
			t.Fatal(err)
		}
		return len(n.Entry)
	}
	seeded := answerSets()
	stored := regexp.MustCompile(`QuestionnaireResponse/(\S+) stored, colour (\w+)`)
	for _, tc := range []struct {
		answers []string
		colour  string
		linkID  string
	}{
		{[]string{"--answer", "q4=Ja, også i hvile"}, "red", "q4"},
		{[]string{"--answer", " er du mere træt end du plejer? = ja, lidt mere træt "}, "yellow", "q3"},
	} {
		out, err := submit(append([]string{"--kind", "questionnaire"}, tc.answers...)...)
		if err != nil {
			t.Fatalf("%q: %v %s", tc.answers, err, out)
		}
		m := stored.FindStringSubmatch(out)
		if m == nil || m[2] != tc.colour {
			t.Fatalf("%q: output %q, want colour %s", tc.answers, out, tc.colour)
		}
		qr, err := fhir.Decode[*fhir.QuestionnaireResponse](get(hs, "/QuestionnaireResponse/"+m[1]))
		if err != nil {
			t.Fatal(err)
		}
		if want := demo.SymptomQuestionnaireURL + "|" + demo.SymptomQuestionnaireVersion; qr.Questionnaire != want {
			t.Errorf("the answers name questionnaire %q, want %q", qr.Questionnaire, want)
		}
		if len(qr.Item) != 1 || qr.Item[0].LinkID != tc.linkID || qr.Item[0].Text == "" {
			t.Errorf("items %+v, want the one question %s with its text", qr.Item, tc.linkID)
		}
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--kind", "questionnaire", "--answer", "q9=Nej"}, []string{`no question "q9"`, `q1 "Har du taget på i vægt`}},
		{[]string{"--kind", "questionnaire", "--answer", "q1=Måske"}, []string{`has no answer "Måske"`, `"Ja, mere end 2 kg"`}},
		{[]string{"--kind", "questionnaire", "--answer", "q1"}, []string{"question=answer"}},
		{[]string{"--kind", "questionnaire", "--answer", "q1=Nej", "--answer", "q1=Nej"}, []string{"answered twice"}},
		{[]string{"--kind", "questionnaire"}, []string{"at least one --answer"}},
		{[]string{"--kind", "questionnaire", "--answer", "q1=Nej", "--value", "3"}, []string{"--value is for readings"}},
		{[]string{"--kind", "questionnaire", "--answer", "q1=Nej", "--questionnaire", "http://example.org/Questionnaire/none"}, []string{"no questionnaire http://example.org/Questionnaire/none"}},
		{[]string{"--kind", "pulse", "--answer", "q1=Nej", "--value", "60"}, []string{"go with --kind questionnaire"}},
		{[]string{"--kind", "pulse"}, []string{"needs --value"}},
	} {
		out, err := submit(tc.args...)
		if err == nil {
			t.Errorf("%q: no error: %s", tc.args, out)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q: error %q, want it to say %q", tc.args, err, w)
			}
		}
	}
	if got := answerSets(); got != seeded+2 {
		t.Errorf("the patient has %d answer sets, want the %d seeded and the 2 accepted: a refused one was sent", got, seeded)
	}
	if out, err := submit("--kind", "pulse", "--value", "70"); err != nil || !strings.Contains(out, "Observation/") {
		t.Errorf("a reading: %v %s", err, out)
	}
}
