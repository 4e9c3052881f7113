package main

// End-to-end proof of the patient's course with the real
// console in tmux against the real central.

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"slices"
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

// enrolledPatientID waits until the central holds the one patient enrolled
// with courseCPR and returns its id.
func enrolledPatientID(t *testing.T, c *actCentral) string {
	t.Helper()
	var pid string
	eventually(t, "the patient on the central", func() (bool, string) {
		ps := c.search(actNurse, "Patient", url.Values{"identifier": {"urn:oid:1.2.208.176.1.2|" + courseCPR}})
		if len(ps) == 1 {
			pid = ps[0].ID
		}
		return len(ps) == 1, fmt.Sprint(len(ps))
	})
	return pid
}

// A patient enrolled from the console reaches the central with an active
// EpisodeOfCare, a PITEOC Consent and the start-up regime; their first
// pulse of 101 is red under the template's thresholds and puts them on the
// worklist in the red group. Ending the course is refused while the
// reading is open, then closes it with the end: the central's EpisodeOfCare
// is finished and its CarePlan completed, the patient leaves the worklist
// and stays readable in the list of ended courses (F).
func TestE2EEnrolRedPulseAndEnd(t *testing.T) {
	requireTmux(t)
	c := newActCentral(t)
	con := startActConsole(t, c, actNurse, "0")
	onlineWorklist(con)
	enrolPatient(con)

	pid := enrolledPatientID(t, c)
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
	// Both readings must be in the console before the course is ended:
	// the end form counts the open items it knows (2 new, in "Åbent").
	scr := con.waitFor("the new patient red on the worklist with both readings open", func(s string) bool {
		return worklistRows(s)[courseName] == "!!" && strings.Contains(s, "101!!") && strings.Contains(rowOf(s, courseName), " 2n ")
	})
	if !strings.Contains(scr, "010180-xxxx") {
		t.Errorf("the CPR is not masked on the worklist:\n%s", scr)
	}

	// End the course: refused while the red reading is open, then ended
	// with the open items closed.
	openByName(con, courseName)
	con.send("A")
	con.waitFor("the end form", func(s string) bool { return strings.Contains(s, "Afslut forløb for "+courseName) })
	con.send("C-s")
	con.waitFor("the open items named", func(s string) bool {
		return strings.Count(s, "åbne opgaver skal kvitteres eller lukkes") >= 2
	})
	// The focus is on the first field in error: closing the open items.
	con.waitFor("the focus on closing the open items", func(s string) bool { return strings.Contains(s, "> Luk åbne opgaver (2)") })
	con.send("Space")
	con.waitFor("closing the open items ticked", func(s string) bool { return strings.Contains(s, "[x]") })
	con.send("C-s")
	con.waitFor("the course ended", func(s string) bool { return strings.Contains(s, "Forløb afsluttet") })
	eventually(t, "the episode finished and the plan completed on the central", func() (bool, string) {
		eps := c.search(actNurse, "EpisodeOfCare", url.Values{"patient": {pid}})
		cps := c.search(actNurse, "CarePlan", url.Values{"patient": {pid}})
		if len(eps) != 1 || len(cps) != 1 {
			return false, fmt.Sprint(len(eps), len(cps))
		}
		return eps[0].Status == "finished" && cps[0].Status == "completed", eps[0].Status + " " + cps[0].Status
	})
	if tasks := c.search(actNurse, "Task", url.Values{"patient": {pid}, "status": {"ready"}}); len(tasks) != 0 {
		t.Errorf("open tasks left on the central: %d", len(tasks))
	}
	con.send("Escape")
	con.waitFor("the worklist without the ended course", func(s string) bool {
		return strings.Contains(s, "borgere (kun åbne)") && rowOf(s, courseName) == ""
	})
	con.send("Escape") // clear the search
	con.waitFor("the search cleared", func(s string) bool { return !strings.Contains(s, "Søg: ") && len(worklistRows(s)) > 0 })
	con.send("a") // every patient: the ended course is not among them either
	scr = con.waitFor("all patients", func(s string) bool { return strings.Contains(s, "borgere (alle)") })
	if rowOf(scr, courseName) != "" {
		t.Errorf("the ended course is still on the worklist:\n%s", scr)
	}
	con.send("F")
	con.waitFor("the ended course listed", func(s string) bool {
		return strings.Contains(s, "Afsluttede forløb") && strings.Contains(s, courseName)
	})
	con.send("Enter")
	con.waitFor("the ended course readable", func(s string) bool {
		return strings.Contains(s, courseName) && strings.Contains(s, "Fase: afsluttet")
	})

	// Enrolled again: a new course of the same record, announced as a new
	// patient; the ended course stays in the list of ended courses.
	for range 4 {
		scr := con.screen()
		if onWorklist(scr) {
			break
		}
		con.send("Escape")
		con.waitFor("the escape to be taken", func(s string) bool { return s != scr })
	}
	enrolPatient(con)
	eventually(t, "a new course of the same record on the central", func() (bool, string) {
		ps := c.search(actNurse, "Patient", url.Values{"identifier": {"urn:oid:1.2.208.176.1.2|" + courseCPR}})
		eps := c.search(actNurse, "EpisodeOfCare", url.Values{"patient": {pid}})
		var st []string
		for _, e := range eps {
			st = append(st, e.Status)
		}
		slices.Sort(st)
		return len(ps) == 1 && ps[0].ID == pid && strings.Join(st, ",") == "active,finished", fmt.Sprint(len(ps), st)
	})
	scr = con.screen()
	if !strings.Contains(scr, "borgere (alle)") {
		con.send("a")
	}
	// She was opened in her first course on this console; the new course
	// announces her again until she is opened in it.
	con.waitFor("the patient back on the worklist as a new patient", func(s string) bool {
		return strings.Contains(s, "borgere (alle)") && strings.Contains(rowOf(s, courseName), "ny borger")
	})
	con.send("F")
	con.waitFor("the ended course still listed", func(s string) bool {
		return strings.Contains(s, "Afsluttede forløb") && strings.Contains(s, courseName)
	})
	con.quit()
}

// rowOf is the worklist line naming name ("" when none).
func rowOf(scr, name string) string {
	for _, l := range strings.Split(scr, "\n") {
		if strings.Contains(l, name) && strings.Contains(l, "-xxxx") {
			return l
		}
	}
	return ""
}

// openByName searches the worklist for name and opens the patient (a row
// with only reminders leads with ↻, which openPatient's row pattern does
// not know).
func openByName(con *actConsole, name string) string {
	con.t.Helper()
	con.send("/")
	con.send("-l", name)
	con.send("Enter")
	con.waitFor(name+" found", func(s string) bool { return rowOf(s, name) != "" && strings.Contains(s, "1 af") })
	con.send("Enter")
	return con.waitFor("the patient view of "+name, func(s string) bool {
		return strings.Contains(s, "Vægtkurve") && strings.Contains(s, name)
	})
}

// The course reminders on the real console: a new patient is announced
// ("ny borger") until opened; with the console's clock moved past the
// start-up period the reminder to set individual limits shows; a week
// before the re-evaluation date it is due, and after it overdue in the
// yellow group.
func TestE2ECourseReminders(t *testing.T) {
	requireTmux(t)
	c := newActCentral(t)
	con := startActConsole(t, c, actNurse, "0")
	onlineWorklist(con)
	enrolPatient(con)
	scr := con.waitFor("the new patient announced", func(s string) bool {
		return strings.Contains(rowOf(s, courseName), "ny borger")
	})
	// Nothing open, only the reminder: the row still leads with a symbol.
	if row := rowOf(scr, courseName); !strings.HasPrefix(strings.TrimLeft(row, " >"), "↻ ") {
		t.Errorf("the reminder-only row has no status symbol: %q", row)
	}
	openByName(con, courseName)
	con.send("Escape")
	con.waitFor("the worklist again", func(s string) bool { return strings.Contains(s, "borgere (kun åbne)") })
	con.send("Escape") // clear the search
	con.waitFor("the reminder gone once opened", func(s string) bool {
		return strings.Contains(s, "● online") && !strings.Contains(s, courseName)
	})
	con.quit()

	// A console whose clock is 15 days on: the start-up is over.
	later := startActConsole(t, c, actNurse, "15d")
	later.waitFor("start-up over on the worklist", func(s string) bool {
		return strings.Contains(rowOf(s, courseName), "mangler målinger")
	})
	scr = openByName(later, courseName)
	scr = later.waitFor("the reminders in the header", func(s string) bool {
		return strings.Contains(s, "opstart slut: sæt individuelle grænser") && strings.Contains(s, "ikke set i 15 dage")
	})
	later.quit()
	// The worklist subcommand lists the same reminders (JSON, CSV, table).
	out, errOut, err := runBinary(t, later.bin, later.env, "worklist", "--format", "json")
	if err != nil {
		t.Fatalf("worklist --format json: %v\n%s", err, errOut)
	}
	var rows []struct {
		Name      string `json:"name"`
		Status    string `json:"status"`
		Reminders []struct {
			Kind string `json:"kind"`
			Days int    `json:"days"`
		} `json:"reminders"`
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("worklist JSON: %v\n%s", err, out)
	}
	kinds := map[string]int{}
	for _, r := range rows {
		if r.Name == courseName {
			for _, x := range r.Reminders {
				kinds[x.Kind] = x.Days
			}
		}
	}
	if _, ok := kinds["startup-ended"]; !ok || kinds["not-seen"] != 15 {
		t.Errorf("the enrolled patient's reminders in the JSON export: %v\n%s", kinds, out)
	}
	out, errOut, err = runBinary(t, later.bin, later.env, "worklist", "--format", "csv")
	if err != nil || !strings.Contains(out, ",reminders\n") || !strings.Contains(out, "startup-ended") || !strings.Contains(out, "not-seen:15") {
		t.Errorf("worklist CSV: %v %s\n%s", err, errOut, out)
	}
	out, errOut, err = runBinary(t, later.bin, later.env, "worklist", "--width", "160")
	if err != nil || !strings.Contains(rowOf(out, courseName), "opstart slut") {
		t.Errorf("worklist table: %v %s\n%s", err, errOut, out)
	}

	due := startActConsole(t, c, actNurse, "85d")
	due.waitFor("the patient on the worklist", func(s string) bool { return rowOf(s, courseName) != "" })
	openByName(due, courseName)
	due.waitFor("re-evaluation due in the header", func(s string) bool {
		return strings.Contains(s, "revurdering om 5 d")
	})
	due.quit()

	over := startActConsole(t, c, actNurse, "92d")
	scr = over.waitFor("re-evaluation overdue", func(s string) bool {
		return strings.Contains(rowOf(s, courseName), "revurdering 2 d over tid")
	})
	if row := rowOf(scr, courseName); !strings.HasPrefix(strings.TrimLeft(row, " >"), "!") {
		t.Errorf("overdue re-evaluation not in the yellow group: %q", row)
	}
	over.quit()
}

// R on the real console against the real central, each outcome:
// continue writes a regime version with the next date; change the
// regime records it and opens the regime form of that patient; end
// records it and opens the end form.
func TestE2EReevaluationOutcomes(t *testing.T) {
	requireTmux(t)
	c := newActCentral(t)
	con := startActConsole(t, c, actNurse, "0")
	onlineWorklist(con)
	enrolPatient(con)
	pid := enrolledPatientID(t, c)
	planSays := func(what string) {
		t.Helper()
		eventually(t, "the central's plan says "+what, func() (bool, string) {
			cps := c.search(actNurse, "CarePlan", url.Values{"patient": {pid}})
			if len(cps) != 1 {
				return false, fmt.Sprint(len(cps))
			}
			return strings.Contains(string(cps[0].Raw), what), string(cps[0].Raw)
		})
	}
	con.waitFor("the enrolled patient on the worklist", func(s string) bool { return rowOf(s, courseName) != "" })
	openByName(con, courseName)
	reeval := func(outcome int) {
		t.Helper()
		con.send("R")
		con.waitFor("the re-evaluation form", func(s string) bool { return strings.Contains(s, "Revurdering af "+courseName) })
		for range outcome {
			con.send("Right")
		}
		con.send("C-s")
	}

	reeval(0) // continue
	con.waitFor("the re-evaluation recorded", func(s string) bool { return strings.Contains(s, "Revurdering registreret") })
	planSays("revurdering: continue")

	reeval(1) // change the regime
	con.waitFor("the regime form of the patient", func(s string) bool {
		return strings.Contains(s, "Måleregime for "+courseName)
	})
	planSays("revurdering: change")
	con.send("Escape")
	con.waitFor("back on the patient", func(s string) bool {
		return !strings.Contains(s, "Måleregime for ") && strings.Contains(s, "Vægtkurve")
	})

	reeval(2) // end
	con.waitFor("the end form", func(s string) bool { return strings.Contains(s, "Afslut forløb for "+courseName) })
	con.quit()
}
