package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/demo"
)

// The access report from the console (`report access`, and U on the
// worklist) on the real binaries: a nurse of the clinic gets her team's part (her colleagues,
// with her own look-ups from a sync round), the cover team's nurse gets
// her own team's part and nothing of the clinic's patients; table and CSV
// carry the same lines.
func TestE2EAccessReportFromTheConsole(t *testing.T) {
	c := newActCentral(t)
	bin := buildBinary(t)
	envFor := func(nurse string) []string {
		return isolatedEnv(t,
			"TELEHJERTE_CENTRAL_URL="+c.url,
			"TELEHJERTE_CENTRAL_TOKEN="+c.nurseToken(nurse),
			"TELEHJERTE_USER="+nurse,
			"TELEHJERTE_CACHE_PATH="+filepath.Join(t.TempDir(), "replica.sqlite"),
		)
	}
	nurse := envFor(actNurse)
	if out, errOut, err := runBinary(t, bin, nurse, "sync", "--once"); err != nil {
		t.Fatalf("sync --once: %v\n%s%s", err, out, errOut)
	}
	report := func(env []string, args ...string) []map[string]any {
		t.Helper()
		out, errOut, err := runBinary(t, bin, env, append([]string{"report", "access", "--since", "30d", "--format", "json"}, args...)...)
		if err != nil {
			t.Fatalf("report access: %v\n%s", err, errOut)
		}
		var rows []map[string]any
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatalf("report JSON: %v\n%s", err, out)
		}
		return rows
	}
	byUser := func(rows []map[string]any) map[string]map[string]any {
		m := map[string]map[string]any{}
		for _, r := range rows {
			m[r["user"].(string)] = r
		}
		return m
	}
	clinic := byUser(report(nurse))
	me, ok := clinic[actNurse]
	if !ok || me["lookups"].(float64) < 1 || me["last_lookup"] == "" {
		t.Errorf("the nurse's own line: %v", me)
	}
	if _, ok := clinic["prac-demo-nurse-2"]; !ok {
		t.Errorf("her colleague is missing: %v", clinic)
	}
	if _, ok := clinic[actCoverNurse]; ok {
		t.Errorf("the cover team's nurse, who looked nothing of the clinic up, is in the clinic's report: %v", clinic[actCoverNurse])
	}
	cover := byUser(report(envFor(actCoverNurse)))
	if _, ok := cover[actNurse]; ok || len(cover) != 1 {
		t.Errorf("the cover team's report: %v", cover)
	}
	out, errOut, err := runBinary(t, bin, nurse, "report", "access", "--format", "csv")
	if err != nil || !strings.HasPrefix(out, "user,name,role,teams,grants,last_login,last_lookup,lookups,patients,outside_own_teams,unused,opened,opened_patients,last_opened\n") ||
		!strings.Contains(out, actNurse) {
		t.Errorf("CSV: %v %s\n%s", err, errOut, out)
	}
	out, _, err = runBinary(t, bin, nurse, "report", "access")
	if err != nil || !strings.Contains(out, "prac-demo-nurse-2") {
		t.Errorf("table: %v\n%s", err, out)
	}
	if _, errOut, err := runBinary(t, bin, nurse, "report", "access", "--since", "soon"); err == nil || !strings.Contains(errOut, "not a period") {
		t.Errorf("a bad --since: %v %s", err, errOut)
	}

	// The same report on the console's screen (U on the worklist).
	requireTmux(t)
	con := startActConsole(t, c, actNurse, "0")
	onlineWorklist(con)
	con.send("U")
	// On screen a user is her name (the central's Practitioner), not her id.
	colleague := demo.PractitionerNames()[demo.NurseB]
	scr := con.waitFor("the access report on screen", func(s string) bool {
		return strings.Contains(s, "Adgangsrapport") && strings.Contains(s, colleague)
	})
	if strings.Contains(scr, actCoverNurse) {
		t.Errorf("the cover team's nurse is in the clinic's report:\n%s", scr)
	}
	con.send("Escape")
	con.waitFor("the worklist again", onWorklist)
	con.quit()
}

// The DEMO offers the access report too (U): its nurse is a member of the
// demo clinic's team on the embedded central, which gives her team's part
// as a configured central does.
func TestE2EAccessReportInTheDemo(t *testing.T) {
	requireTmux(t)
	s := startTmux(t, buildBinary(t), isolatedEnv(t), "--demo-every", "0")
	s.waitFor("the DEMO online", func(scr string) bool {
		return strings.Contains(scr, "● online") && strings.Contains(scr, "borgere (kun åbne)")
	})
	help := func(scr string) bool { return strings.Contains(scr, "adgangsrapport") }
	s.send("?")
	s.waitFor("U in the help", help)
	s.send("Escape")
	s.waitFor("the worklist again", func(scr string) bool { return !help(scr) && strings.Contains(scr, "borgere (kun åbne)") })
	s.send("U")
	s.waitFor("the access report of the demo team", func(scr string) bool {
		names := demo.PractitionerNames()
		return strings.Contains(scr, "Adgangsrapport") && strings.Contains(scr, names[demo.NurseA]) && strings.Contains(scr, names[demo.NurseB])
	})
	s.send("Escape")
	s.waitFor("the worklist again", func(scr string) bool {
		return !strings.Contains(scr, "Adgangsrapport") && strings.Contains(scr, "borgere (kun åbne)")
	})
	s.send("q")
	s.waitFor("the console to exit", func(scr string) bool { return strings.Contains(scr, "EXITED 0") })
}

// The DEMO's access report says what it counts: its nurse's console
// fetched her patients from the embedded central by itself (the sync), and
// that is not her opening them; the screen says so in words, shows her 0
// patients opened, and once she opens one (her console sends its audit
// log to the central after a sync round) 1 opened of 1 patient.
func TestE2EAccessReportTellsSyncFromOpening(t *testing.T) {
	requireTmux(t)
	s := startTmux(t, buildBinary(t), isolatedEnv(t), "--demo-every", "0")
	s.waitFor("the DEMO online", func(scr string) bool {
		return strings.Contains(scr, "● online") && strings.Contains(scr, "borgere (kun åbne)")
	})
	names := demo.PractitionerNames()
	// lineOf is the report's line of the demo nurse.
	lineOf := func(scr string) string {
		for _, l := range strings.Split(scr, "\n") {
			if strings.Contains(l, names[demo.NurseA]) {
				return l
			}
		}
		return ""
	}
	fetched := regexp.MustCompile(`hentet [1-9][0-9]*/[1-9][0-9]*`)
	report := func() string {
		s.send("U")
		return s.waitFor("the access report of the demo team", func(scr string) bool {
			// Her colleague's name, which the screen may cut beside her figures.
			return strings.Contains(scr, "Adgangsrapport") && lineOf(scr) != "" && strings.Contains(scr, string([]rune(names[demo.NurseB])[:24]))
		})
	}
	closeReport := func() {
		s.send("Escape")
		s.waitFor("the worklist again", func(scr string) bool {
			return !strings.Contains(scr, "Adgangsrapport") && strings.Contains(scr, "borgere (")
		})
	}
	scr := report()
	flat := strings.Join(strings.Fields(scr), " ") // the explanation wraps
	for _, want := range []string{"åbnet: gange/borgere · hentet: svar/borgere",
		"Konsollens automatiske synkronisering henter alle borgere, brugeren må se", "ikke opslag, brugeren selv har gjort"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the report does not say %q:\n%s", want, scr)
		}
	}
	if l := lineOf(scr); !strings.Contains(l, "åbnet 0/0") || !fetched.MatchString(l) {
		t.Errorf("the nurse, who opened no patient, and whose console fetched them: %q", l)
	}
	closeReport()

	// She opens the first patient on her worklist and goes back.
	s.send("Enter")
	s.waitFor("a patient opened", func(scr string) bool { return strings.Contains(scr, "Referencevægt") })
	s.send("Escape")
	s.waitFor("the worklist again", func(scr string) bool { return strings.Contains(scr, "borgere (kun åbne)") })
	// Her console sends its audit log after its next sync round: the
	// report is asked again until it counts the patient she opened.
	deadline := time.Now().Add(60 * time.Second)
	for {
		scr = report()
		if l := lineOf(scr); strings.Contains(l, "åbnet 1/1") {
			if !fetched.MatchString(l) {
				t.Errorf("the nurse's fetched figures: %q", l)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the patient she opened is not counted in the report:\n%s", scr)
		}
		closeReport()
	}
	closeReport()
	s.send("q")
	s.waitFor("the console to exit", func(scr string) bool { return strings.Contains(scr, "EXITED 0") })
}
