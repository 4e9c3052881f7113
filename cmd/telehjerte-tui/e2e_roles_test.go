package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telehjerte/telehjerte-tui/demo"
)

// The real binaries: a municipal nurse (read-only) whose
// token and se-adgang to one patient are made with `telehjerte-central
// admin` logs in to the console; she sees only that patient, under
// SE-ADGANG, and an action key only tells her why she cannot act; when the
// grant has run out (the central's clock moved past its 3 months) the
// patient is gone from her cache; the authorisation report lists her
// grant and her look-ups; no log file holds the patient's name, CPR number
// or the token.
func TestE2EReadOnlyMunicipalNurse(t *testing.T) {
	requireTmux(t)
	c := newActCentral(t)
	admin := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(c.bin, append([]string{"admin", "--db", c.db, "--by", "e2e-admin"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("admin %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	const muni, patient = "muni-1", "pat-0003"
	admin("user", "add", "--id", muni, "--name", "Mette Kommune", "--role", "read-only")
	tok := strings.TrimSpace(admin("token", "add", "--tokens", c.tokens, "--user", muni))
	c.token["Practitioner/"+muni] = tok
	admin("grant", "add", "--user", muni, "--patient", patient, "--granted-by", actNurse, "--reason", "støtte til egenomsorg")
	c.restart("0") // serve reads the new token

	var pat struct {
		Name []struct {
			Text string `json:"text"`
		} `json:"name"`
		Identifier []struct {
			Value string `json:"value"`
		} `json:"identifier"`
	}
	c.get(actNurse, c.url+"/Patient/"+patient, &pat)
	if len(pat.Name) == 0 || len(pat.Identifier) == 0 {
		t.Fatalf("patient %s has no name or CPR", patient)
	}
	name, cpr := pat.Name[0].Text, pat.Identifier[0].Value

	con := startActConsole(t, c, muni, "0")
	scr := con.waitFor("her worklist with the granted patient", func(s string) bool {
		return onWorklist(s) && strings.Contains(s, name)
	})
	if !strings.Contains(scr, "SE-ADGANG") || !strings.Contains(scr, "1 borger") {
		t.Errorf("worklist of a read-only user:\n%s", scr)
	}
	if strings.Contains(scr, "x kvitter") {
		t.Errorf("the footer offers acknowledging:\n%s", scr)
	}
	con.send("x")
	con.waitFor("the explanation on the worklist", func(s string) bool { return strings.Contains(s, "du har kun læseadgang") })
	con.send("Escape")
	con.waitFor("the worklist again", onWorklist)
	con.send("Enter")
	scr = con.waitFor("the patient view", func(s string) bool { return strings.Contains(s, name) && !onWorklist(s) })
	if !strings.Contains(scr, "SE-ADGANG") {
		t.Errorf("the patient view lacks SE-ADGANG:\n%s", scr)
	}
	con.send("r")
	con.waitFor("the explanation on the patient view", func(s string) bool { return strings.Contains(s, "du har kun læseadgang") })
	con.send("Escape")

	// The grant (3 months by default) runs out: the patient leaves her
	// cache at the next round.
	c.restart("100d")
	worklist := func() []jsonRow {
		out, errOut, err := runBinary(t, con.bin, con.env, "worklist", "--format", "json", "--all")
		if err != nil {
			t.Fatalf("worklist: %v\n%s", err, errOut)
		}
		var rows []jsonRow
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatalf("worklist JSON: %v\n%s", err, out)
		}
		return rows
	}
	eventually(t, "the patient to leave her cache", func() (bool, string) {
		rows := worklist()
		return len(rows) == 0, strings.TrimSpace(con.screen()) + "\n" + consoleLog(con.env)
	})
	con.quit()

	// The authorisation report lists her grant and her look-ups.
	out, err := exec.Command(c.bin, "report", "access", "--db", c.db, "--since", "6mo", "--format", "json", "--by", "e2e-lead").CombinedOutput()
	if err != nil {
		t.Fatalf("report: %v\n%s", err, out)
	}
	var rep []struct {
		User    string `json:"user"`
		Role    string `json:"role"`
		LookUps int    `json:"lookups"`
		Grants  []struct {
			Patients []string `json:"patients"`
			To       string   `json:"to"`
		} `json:"grants"`
		Outside []struct {
			Patient string `json:"patient"`
			Via     string `json:"via"`
		} `json:"outside_own_teams"`
		LastLogin string `json:"last_login"`
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("report JSON: %v\n%s", err, out)
	}
	found := false
	for _, u := range rep {
		if u.User != muni {
			continue
		}
		found = true
		if u.Role != "read-only" || u.LookUps == 0 || len(u.Grants) != 1 || len(u.Grants[0].Patients) != 1 || u.Grants[0].Patients[0] != patient ||
			u.Grants[0].To == "" || len(u.Outside) != 1 || u.Outside[0].Patient != patient || !strings.HasPrefix(u.Outside[0].Via, "se-adgang ") || u.LastLogin == "" {
			t.Errorf("her line in the report: %+v", u)
		}
	}
	if !found {
		t.Errorf("%s is not in the report:\n%s", muni, out)
	}

	// Her look-ups in the console reached the central's log too (as the
	// console's AuditEvents, in the patient's compartment).
	var aes []fhirRes
	eventually(t, "her console's look-ups on the central", func() (bool, string) {
		aes = c.search(actNurse, "AuditEvent", url.Values{"patient": {patient}})
		for _, ae := range aes {
			if strings.Contains(string(ae.Raw), `"site":"telehjerte-tui"`) && strings.Contains(string(ae.Raw), "Practitioner/"+muni) &&
				strings.Contains(string(ae.Raw), `"code":"view-patient"`) {
				return true, ""
			}
		}
		return false, fmt.Sprintf("%d AuditEvents of the patient", len(aes))
	})

	// Nothing identifying in any log file.
	logs := map[string]string{"central": c.log.String()}
	_ = filepath.Walk(envValue(con.env, "XDG_STATE_HOME"), func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			b, _ := os.ReadFile(p)
			logs[p] = string(b)
		}
		return nil
	})
	if len(logs) < 2 {
		t.Fatalf("no console log file found")
	}
	for file, text := range logs {
		for what, secret := range map[string]string{"name": name, "CPR": cpr, "token": tok, "her name": "Mette Kommune"} {
			if strings.Contains(text, secret) {
				t.Errorf("%s log holds the %s", file, what)
			}
		}
	}
}

// consoleLog is the console's log file (no personal data by design).
func consoleLog(env []string) string {
	b, _ := os.ReadFile(filepath.Join(envValue(env, "XDG_STATE_HOME"), "telehjerte", "telehjerte.log"))
	return string(b)
}

// Se-adgang for a whole team, given from the console on the real binary:
// the nurse chooses "alle borgere i <team>" in the responsibility form;
// the municipal nurse then syncs every patient of that team, and only
// those.
func TestE2ETeamReadAccessFromTheConsole(t *testing.T) {
	requireTmux(t)
	c := newActCentral(t)
	const muni = "muni-team"
	for _, args := range [][]string{{"user", "add", "--id", muni, "--name", "Mette Kommune", "--role", "read-only"}} {
		if out, err := exec.Command(c.bin, append([]string{"admin", "--db", c.db, "--by", "e2e-admin"}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("admin %v: %v\n%s", args, err, out)
		}
	}
	out, err := exec.Command(c.bin, "admin", "--db", c.db, "--by", "e2e-admin", "token", "add", "--tokens", c.tokens, "--user", muni).CombinedOutput()
	if err != nil {
		t.Fatalf("token: %v\n%s", err, out)
	}
	c.token["Practitioner/"+muni] = strings.TrimSpace(string(out))
	c.restart("0")
	// The clinic team's patients, as the nurse sees them.
	team := map[string]bool{}
	for _, ep := range c.search(actNurse, "EpisodeOfCare", url.Values{"status": {"active"}}) {
		if strings.Contains(string(ep.Raw), "CareTeam/"+demo.TeamDemoID) {
			var e struct {
				Patient struct{ Reference string } `json:"patient"`
			}
			_ = json.Unmarshal(ep.Raw, &e)
			team[strings.TrimPrefix(e.Patient.Reference, "Patient/")] = true
		}
	}
	if len(team) < 2 {
		t.Fatalf("the clinic team's patients: %v", team)
	}

	con := startActConsole(t, c, actNurse, "0")
	onlineWorklist(con)
	con.send("Enter")
	con.waitFor("a patient view", func(s string) bool { return strings.Contains(s, "Vægtkurve") })
	con.send("t")
	con.waitFor("the responsibility form", func(s string) bool { return strings.Contains(s, "Monitoreringsansvar for") })
	con.send("Space")
	con.send("Space")
	con.waitFor("se-adgang chosen", func(s string) bool { return strings.Contains(s, "Giv se-adgang") && strings.Contains(s, "Omfang") })
	con.send("Tab")
	con.send("-l", muni)
	con.send("Tab", "Tab") // the proposed end stays
	con.send("Space")      // every patient of the team
	con.waitFor("the whole team chosen", func(s string) bool { return strings.Contains(s, "alle borgere i ") })
	con.send("Tab")
	con.send("-l", "kommunal opfølgning")
	con.send("C-s")
	con.waitFor("the grant queued", func(s string) bool { return strings.Contains(s, "Se-adgang for "+muni) })

	env := isolatedEnv(t,
		"TELEHJERTE_CENTRAL_URL="+c.url,
		"TELEHJERTE_CENTRAL_TOKEN="+c.token["Practitioner/"+muni],
		"TELEHJERTE_USER="+muni,
		"TELEHJERTE_CACHE_PATH="+filepath.Join(t.TempDir(), "muni.sqlite"),
	)
	eventually(t, "the municipal nurse's cache holds the team's patients", func() (bool, string) {
		if _, errOut, err := runBinary(t, con.bin, env, "sync", "--once"); err != nil {
			return false, errOut
		}
		out, errOut, err := runBinary(t, con.bin, env, "worklist", "--format", "json", "--all")
		if err != nil {
			return false, errOut
		}
		var rows []jsonRow
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			return false, out
		}
		got := map[string]bool{}
		for _, r := range rows {
			got[r.PatientID] = true
		}
		if len(got) != len(team) {
			return false, fmt.Sprint(len(got), " of ", len(team))
		}
		for id := range got {
			if !team[id] {
				t.Fatalf("she sees %s, not a patient of the team", id)
			}
		}
		return true, ""
	})
	con.quit()
}
