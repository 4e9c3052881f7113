package main

// End-to-end proof of the patient's course (issue 12) with the real
// console in tmux against the real central.

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
)

const (
	courseCPR  = "0101801233"
	courseName = "Enrol Testesen"
)

// addPatientToken gives the patient a token the central accepts (the
// central reads its tokens file at start, so it is restarted).
func addPatientToken(c *actCentral, pid string) {
	c.t.Helper()
	raw, err := os.ReadFile(c.tokens)
	if err != nil {
		c.t.Fatal(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(raw, &m); err != nil {
		c.t.Fatal(err)
	}
	tok := "e2e-enrolled-patient-token-0123456789"
	m[tok] = "Patient/" + pid
	c.token["Patient/"+pid] = tok
	raw, _ = json.Marshal(m)
	if err := os.WriteFile(c.tokens, raw, 0o600); err != nil {
		c.t.Fatal(err)
	}
	c.restart("0")
}

// enrolPatient fills the enrolment form on the worklist and saves it.
func enrolPatient(con *actConsole) {
	con.t.Helper()
	con.send("n")
	con.waitFor("the enrolment form", func(s string) bool {
		return strings.Contains(s, "Opret borger") && strings.Contains(s, "Opstart hjertesvigt")
	})
	con.send("-l", "010180-1233")
	con.send("Tab")
	con.send("-l", courseName)
	con.send("Tab", "Tab") // contact stays empty
	con.waitFor("the home team chosen", func(s string) bool {
		return strings.Contains(s, "Hjertesvigtsklinik Demo (Demo Hospital)")
	})
	con.send("Tab")
	con.send("-l", "Dr. Hansen")
	con.send("Tab")
	con.send("-l", "80")
	for range 4 { // EF, titration, able, consent
		con.send("Tab", "Space")
	}
	con.waitFor("the checklist ticked", func(s string) bool { return strings.Count(s, "[x]") == 4 })
	con.send("C-s")
	con.waitFor("the enrolment stored", func(s string) bool { return strings.Contains(s, "Borger oprettet") })
}

// A patient enrolled from the console reaches the central with an active
// EpisodeOfCare, a PITEOC Consent and the start-up regime; their first
// pulse of 101 is red under the template's thresholds and puts them on the
// worklist in the red group.
func TestE2EEnrolAndFirstRedPulse(t *testing.T) {
	requireTmux(t)
	c := newActCentral(t)
	con := startActConsole(t, c, actNurse, "0")
	onlineWorklist(con)
	enrolPatient(con)

	var pid string
	eventually(t, "the patient on the central", func() (bool, string) {
		ps := c.search(actNurse, "Patient", url.Values{"identifier": {"urn:oid:1.2.208.176.1.2|" + courseCPR}})
		if len(ps) == 1 {
			pid = ps[0].ID
		}
		return len(ps) == 1, fmt.Sprint(len(ps))
	})
	eps := c.search(actNurse, "EpisodeOfCare", url.Values{"patient": {pid}})
	if len(eps) != 1 || eps[0].Status != "active" {
		t.Fatalf("episodes %+v", eps)
	}
	cons := c.search(actNurse, "Consent", url.Values{"patient": {pid}})
	if len(cons) != 1 || !strings.Contains(string(cons[0].Raw), "PITEOC") || !strings.Contains(string(cons[0].Raw), "Practitioner/"+actNurse) {
		t.Fatalf("consent %+v", cons)
	}
	cps := c.search(actNurse, "CarePlan", url.Values{"patient": {pid}})
	if len(cps) != 1 || !strings.Contains(string(cps[0].Raw), "startup") {
		t.Fatalf("care plans %+v", cps)
	}

	addPatientToken(c, pid)
	if out := c.submit(pid, "pulse", 101); !strings.Contains(out, "red") {
		t.Fatalf("pulse 101 under the template thresholds: %s", out)
	}
	if out := c.submit(pid, "bp", 150); strings.Contains(out, "green") {
		t.Fatalf("blood pressure without thresholds must not be green: %s", out)
	}
	scr := con.waitFor("the new patient red on the worklist", func(s string) bool {
		return worklistRows(s)[courseName] == "!!" && strings.Contains(s, "101!!")
	})
	if !strings.Contains(scr, "010180-xxxx") {
		t.Errorf("the CPR is not masked on the worklist:\n%s", scr)
	}
	con.quit()
}
