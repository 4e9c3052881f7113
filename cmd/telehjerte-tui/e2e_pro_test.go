package main

// End-to-end proof that a questionnaire answer is coloured by the
// patient's own PRO rules, set in the regime form for an answer she has
// never given: the real console in tmux, the real central, the patient's
// answer sent with `telehjerte-central patient submit`.

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The nurse opens the regime form of a patient on the symptom
// questionnaire (pat-0001: she has answered it, never "Ja, 1–2 kg" to the
// weight question, which the questionnaire itself calls yellow), gives
// that answer red for her and saves; the patient then gives that answer
// and the console shows her in the red group with its symbol, and
// `worklist --format json` says red. Before the console knew the
// questionnaire's definition the form offered only the answers given, so
// the answer was not in it (the test then fails waiting for its row).
func TestE2EProRuleForAnAnswerNeverGiven(t *testing.T) {
	requireTmux(t)
	const pid, question, answer = "pat-0001", "Har du taget på i vægt de seneste tre dage?", "Ja, 1–2 kg"
	c := newActCentral(t)
	for _, qr := range c.search(actNurse, "QuestionnaireResponse", url.Values{"patient": {pid}}) {
		if strings.Contains(string(qr.Raw), `"`+answer+`"`) {
			t.Fatalf("the patient has given %q already: the test needs an answer never given\n%s", answer, qr.Raw)
		}
	}
	name := patientName(c, pid)
	con := startActConsole(t, c, actNurse, "0")
	scr := onlineWorklist(con)
	if worklistRows(scr)[name] == "!!" {
		t.Fatalf("%s is red before the answer:\n%s", name, scr)
	}

	// She has nothing open: every patient, then her.
	con.send("a")
	con.waitFor("all patients", func(s string) bool { return strings.Contains(s, "borgere (alle)") })
	openByName(con, name)
	con.send("e")
	con.waitFor("the regime form with the questionnaire", func(s string) bool {
		return strings.Contains(s, "Måleregime for") && strings.Contains(s, "Årsag")
	})
	// The reason is the first field.
	con.paste("PRO: vægtøgning 1–2 kg er rød for hende")
	// Tab to the answer's row: the form lists it although she never gave
	// it, under its question, "as the questionnaire (yellow)".
	focused := func(s string) string {
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(strings.TrimLeft(l, " │"), "> ") {
				return l
			}
		}
		return ""
	}
	scr = con.screen()
	for i := 0; !strings.Contains(focused(scr), answer); i++ {
		if i > 80 {
			t.Fatalf("no row for %q in the regime form:\n%s", answer, scr)
		}
		before := scr
		con.send("Tab")
		scr = con.waitFor("the focus to move", func(s string) bool { return s != before })
	}
	if !strings.Contains(focused(scr), "som spørgeskemaet (gul)") {
		t.Errorf("the row does not say what no rule means for it: %q", focused(scr))
	}
	if !strings.Contains(scr, question) {
		t.Errorf("the answer is not under its question:\n%s", scr)
	}
	for range 3 { // as the questionnaire → green → yellow → red
		before := scr
		con.send("Right")
		scr = con.waitFor("the severity to change", func(s string) bool { return s != before })
	}
	if !strings.Contains(focused(scr), "rød") {
		t.Fatalf("the answer is not set red: %q\n%s", focused(scr), scr)
	}
	con.send("C-s")
	con.waitFor("the version saved", func(s string) bool { return strings.Contains(s, "Ny version af måleregimet gemt.") })
	eventually(t, "the rule on the central's CarePlan", func() (bool, string) {
		cps := c.search(actNurse, "CarePlan", url.Values{"patient": {pid}})
		if len(cps) != 1 {
			return false, fmt.Sprint(len(cps))
		}
		raw := string(cps[0].Raw)
		return strings.Contains(raw, "pro-severity") && strings.Contains(raw, `"valueString":"`+answer+`"`) && strings.Contains(raw, `"valueCode":"red"`), raw
	})

	out := c.submitAnswers(pid, "q1="+answer)
	if !strings.Contains(out, "colour red") {
		t.Fatalf("the central did not colour the answer by her rule: %s", out)
	}
	con.send("Escape")
	con.waitFor("the worklist", func(s string) bool { return strings.Contains(s, "borgere (") })
	con.send("Escape") // clear the search
	scr = con.waitFor(name+" in the red group", func(s string) bool { return worklistRows(s)[name] == "!!" })
	if !strings.Contains(rowOf(scr, name), "!!") {
		t.Errorf("the red row has no symbol: %q", rowOf(scr, name))
	}
	con.quit()
	wl, errOut, err := runBinary(t, con.bin, con.env, "worklist", "--format", "json")
	if err != nil {
		t.Fatalf("worklist --format json: %v\n%s", err, errOut)
	}
	var rows []struct {
		Name   string `json:"name"`
		Status string `json:"status"`
	}
	if err := json.Unmarshal([]byte(wl), &rows); err != nil {
		t.Fatalf("worklist JSON: %v\n%s", err, wl)
	}
	found := false
	for _, r := range rows {
		if r.Name == name {
			found = true
			if r.Status != "red" {
				t.Errorf("worklist --format json: %s is %q, want red", name, r.Status)
			}
		}
	}
	if !found {
		t.Errorf("worklist --format json has no %s:\n%s", name, wl)
	}
}

// submitAnswers sends the patient's answers (question=answer) through
// `telehjerte-central patient submit --kind questionnaire` and returns its
// output ("... colour red").
func (c *actCentral) submitAnswers(patient string, answers ...string) string {
	c.t.Helper()
	args := []string{"patient", "submit", "--server", c.url, "--patient", patient, "--kind", "questionnaire"}
	for _, a := range answers {
		args = append(args, "--answer", a)
	}
	cmd := exec.Command(c.bin, args...)
	cmd.Env = append(os.Environ(), "TELEHJERTE_PATIENT_TOKEN="+c.token["Patient/"+patient])
	out, err := cmd.CombinedOutput()
	if err != nil {
		c.t.Fatalf("patient submit: %v\n%s", err, out)
	}
	return string(out)
}
