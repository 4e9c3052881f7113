package main

// End-to-end tests of writing a message, changing a threshold, planning
// holiday cover and refusing bad input in the forms, through the
// real console in tmux against the real telehjerte-central (rig in
// e2e_actions_rig_test.go).

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// openPatient filters the worklist to name and opens that patient.
func (a *actConsole) openPatient(name string) string {
	a.t.Helper()
	a.send("/")
	a.send("-l", name)
	a.send("Enter")
	a.waitFor(name+" alone on the worklist", func(s string) bool {
		rows := worklistRows(s)
		_, ok := rows[name]
		return ok && len(rows) == 1
	})
	a.send("Enter")
	return a.waitFor("the patient view of "+name, func(s string) bool {
		return strings.Contains(s, "Vægtkurve") && strings.Contains(s, name)
	})
}

// messageHead is the heading line of the thread message titled title (the
// line above the title), or "".
func messageHead(scr, title string) string {
	lines := strings.Split(scr, "\n")
	for i := 1; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == title {
			return lines[i-1]
		}
	}
	return ""
}

// communicationsTitled counts the Communications on the central whose
// title (topic.text) is title.
func communicationsTitled(c *actCentral, title string) int {
	c.t.Helper()
	n := 0
	for _, r := range c.search(actNurse, "Communication", nil) {
		var m struct {
			Topic *struct {
				Text string `json:"text"`
			} `json:"topic"`
		}
		if err := json.Unmarshal(r.Raw, &m); err != nil {
			c.t.Fatal(err)
		}
		if m.Topic != nil && m.Topic.Text == title {
			n++
		}
	}
	return n
}

// A message written while the central is down is shown pending in the
// thread; once the central is back it is sent, shown so, and exists on the
// central exactly once.
func TestE2EMessageOfflineThenSent(t *testing.T) {
	requireTmux(t)
	c := newActCentral(t)
	con := startActConsole(t, c, actNurse, "0")
	onlineWorklist(con)
	name := patientName(c, "pat-0006") // the dizzy-message story
	con.openPatient(name)
	con.send("4") // messages
	c.stop()
	con.waitFor("the console to notice the central is down", func(s string) bool { return strings.Contains(s, "○ offline") })

	title := fmt.Sprintf("E2E kontrol %d", time.Now().UnixNano()%100000)
	con.send("n")
	con.waitFor("the composer", func(s string) bool { return strings.Contains(s, "Besked til "+name) })
	con.send("-l", title)
	con.send("Tab")
	body := "Vi ringer til dig i morgen formiddag."
	con.send("-l", body)
	con.waitFor("the typed body and its count", func(s string) bool {
		return strings.Contains(s, "formiddag") && strings.Contains(s, fmt.Sprintf("%d/2000", len(body)))
	})
	con.send("C-s")
	scr := con.waitFor("the message pending in the thread", func(s string) bool {
		return strings.Contains(messageHead(s, title), "⧗ afventer")
	})
	if !strings.Contains(scr, "○ offline") {
		t.Errorf("the console claims to be online with the central down:\n%s", scr)
	}

	c.start("0") // same database, same address
	con.send("C-r")
	con.waitFor("the message sent", func(s string) bool {
		return strings.Contains(messageHead(s, title), "✓ sendt") && strings.Contains(s, "● online")
	})
	if n := communicationsTitled(c, title); n != 1 {
		t.Errorf("%d Communications titled %q on the central right after sending, want 1", n, title)
	}
	// Later rounds send nothing more.
	con.send("C-r")
	con.quit()
	if n := communicationsTitled(c, title); n != 1 {
		t.Errorf("%d Communications titled %q on the central at the end, want 1", n, title)
	}
	st := openCache(t, con.cache)
	if n := outboxLen(t, st); n != 0 {
		t.Errorf("%d entries left in the outbox, want 0", n)
	}
}

// openCache opens the console's cache (after the console quit) and closes
// it at the end of the test.
func openCache(t *testing.T, path string) *cache.Store {
	t.Helper()
	st, err := cache.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("open the console's cache: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// outboxLen counts the outbox entries in every state.
func outboxLen(t *testing.T, st *cache.Store) int {
	t.Helper()
	es, err := st.Outbox(context.Background(), "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

// pulseYellowHigh reads the yellow (GAL) upper pulse limit of the
// patient's active pulse ServiceRequests on the central.
func pulseYellowHigh(c *actCentral, patient string) (high []float64) {
	c.t.Helper()
	for _, r := range c.search(actNurse, "ServiceRequest", url.Values{"patient": {"Patient/" + patient}}) {
		if r.Status != "active" || r.Code == nil || len(r.Code.Coding) == 0 || r.Code.Coding[0].Code != "NPU21692" {
			continue
		}
		var sr struct {
			Extension []struct {
				URL       string `json:"url"`
				Extension []struct {
					URL                  string                   `json:"url"`
					ValueQuantity        *struct{ Value float64 } `json:"valueQuantity"`
					ValueCodeableConcept *struct {
						Coding []struct{ Code string } `json:"coding"`
					} `json:"valueCodeableConcept"`
				} `json:"extension"`
			} `json:"extension"`
		}
		if err := json.Unmarshal(r.Raw, &sr); err != nil {
			c.t.Fatal(err)
		}
		for _, e := range sr.Extension {
			if !strings.HasSuffix(e.URL, "ehealth-referenceRange") {
				continue
			}
			var hi float64
			var gal bool
			for _, x := range e.Extension {
				switch {
				case x.URL == "high" && x.ValueQuantity != nil:
					hi = x.ValueQuantity.Value
				case x.URL == "type" && x.ValueCodeableConcept != nil:
					for _, cd := range x.ValueCodeableConcept.Coding {
						gal = gal || cd.Code == "GAL"
					}
				}
			}
			if gal {
				high = append(high, hi)
			}
		}
	}
	return high
}

// countMark counts a reading with its mark ("85✓", "85!") on the screen.
func countMark(scr, mark string) int { return strings.Count(scr, mark) }

// A pulse threshold lowered in the regime form reaches the central as the
// pulse ServiceRequest's yellow limit; the next reading is coloured by it
// (yellow), the earlier one keeps its green.
func TestE2EThresholdChangeColoursTheNextReading(t *testing.T) {
	requireTmux(t)
	c := newActCentral(t)
	const pid = "pat-0001" // stable story: default pulse limits
	if got := pulseYellowHigh(c, pid); len(got) != 1 || got[0] != 90 {
		t.Fatalf("seeded pulse yellow high = %v, want [90]", got)
	}
	if out := c.submit(pid, "pulse", 85); !strings.Contains(out, "green") {
		t.Fatalf("pulse 85 under the default limits: %s", out)
	}
	name := patientName(c, pid)
	con := startActConsole(t, c, actNurse, "0")
	onlineWorklist(con)
	con.openPatient(name)
	con.waitFor("the green reading", func(s string) bool { return countMark(s, "85✓") == 1 })

	con.toPulseYellowHigh(name, "Puls ligger lavt, tidligere reaktion")
	con.send("End", "C-u")
	con.send("-l", "80")
	con.waitFor("the new pulse limits", func(s string) bool { return pulseRow(s) == "> Puls 40 45 80 100" })
	con.send("C-s")
	con.waitFor("the regime saved", func(s string) bool { return strings.Contains(s, "Ny version af måleregimet gemt.") })

	eventually(t, "the new limit on the central", func() (bool, string) {
		got := pulseYellowHigh(c, pid)
		return len(got) == 1 && got[0] == 80, fmt.Sprint(got)
	})
	if out := c.submit(pid, "pulse", 85); !strings.Contains(out, "yellow") {
		t.Errorf("pulse 85 under the new limits: %s", out)
	}
	// The day's row shows its most severe reading, now the yellow one, and
	// that there are several ("+").
	con.waitFor("the new reading yellow", func(s string) bool { return countMark(s, "85!+") == 1 })
	// The open items list each reading with its own colour.
	con.send("5")
	scr := con.waitFor("both readings in the open items", func(s string) bool {
		return countMark(s, "Puls 85!") == 1 && strings.Contains(s, "Måling til vurdering")
	})
	if countMark(scr, "Puls 85✓") != 1 {
		t.Errorf("the earlier reading lost its green:\n%s", scr)
	}
	con.quit()
}

// centralVersions maps every CarePlan, ServiceRequest, EpisodeOfCare and
// Communication the nurse may read to its version.
func centralVersions(c *actCentral) map[string]string {
	c.t.Helper()
	out := map[string]string{}
	for _, typ := range []string{"CarePlan", "ServiceRequest", "EpisodeOfCare", "Communication"} {
		for _, r := range c.search(actNurse, typ, nil) {
			out[typ+"/"+r.ID] = r.Meta.VersionID
		}
	}
	return out
}

// lineAfter is the screen line after the first one containing marker, or "".
func lineAfter(scr, marker string) string {
	lines := strings.Split(scr, "\n")
	for i := 0; i+1 < len(lines); i++ {
		if strings.Contains(lines[i], marker) {
			return lines[i+1]
		}
	}
	return ""
}

// clinicDate is today plus days in the clinic's zone, as the forms read
// dates.
func clinicDate(t *testing.T, days int) string {
	t.Helper()
	loc, err := time.LoadLocation(clinicZone)
	if err != nil {
		t.Fatal(err)
	}
	return time.Now().In(loc).AddDate(0, 0, days).Format("02.01.2006")
}

// toPulseYellowHigh opens the regime form of the open patient name, types
// reason and moves the focus to the pulse yellow-high limit: reason,
// physician, effective from, phase, start, end, re-evaluation,
// 5×(frequency, detail, deadline), reference weight, 4 weight limits, then
// the pulse limits: red low, yellow low, yellow high (the 30th field).
func (a *actConsole) toPulseYellowHigh(name, reason string) {
	a.t.Helper()
	a.send("e")
	a.waitFor("the regime form", func(s string) bool { return strings.Contains(s, "Måleregime for "+name) })
	a.send("-l", reason)
	tabs := make([]string, 29)
	for i := range tabs {
		tabs[i] = "Tab"
	}
	a.send(tabs...)
	a.waitFor("the focus on the pulse limits", func(s string) bool { return pulseRow(s) != "" })
}

// pulseRow is the focused pulse row of the regime form as its words ("> Puls"
// and the four limits, without brackets and cursor), or "" when the focus
// is elsewhere.
func pulseRow(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "> Puls") {
			return strings.Join(strings.Fields(strings.NewReplacer("[", " ", "]", " ", "█", " ").Replace(l)), " ")
		}
	}
	return ""
}

// discard leaves a form or the composer with something typed in it.
func (a *actConsole) discard(question string) {
	a.t.Helper()
	a.send("Escape")
	a.waitFor("the discard question", func(s string) bool { return strings.Contains(s, question) })
	a.send("y")
	a.waitFor("the patient view again", func(s string) bool { return !strings.Contains(s, question) && strings.Contains(s, "Vægtkurve") })
}

// Bad input in the regime form (limits out of order), the composer (3,000
// characters) and the cover form (end before start) is refused with the
// problem next to the field; nothing reaches the outbox or the central.
func TestE2EBadInputSavesNothing(t *testing.T) {
	requireTmux(t)
	c := newActCentral(t)
	before := centralVersions(c)
	name := patientName(c, "pat-0003") // pulse 92 story: on the worklist
	con := startActConsole(t, c, actNurse, "0")
	onlineWorklist(con)
	con.openPatient(name)

	// Regime: pulse yellow high 30, below yellow low 45.
	con.toPulseYellowHigh(name, "Forkert grænse")
	con.send("End", "C-u")
	con.send("-l", "30")
	con.send("C-s")
	scr := con.waitFor("the order problem under the pulse limits", func(s string) bool {
		return strings.Contains(lineAfter(s, "> Puls"), "✗ skal passe i rækkefølgen")
	})
	if strings.Contains(scr, "Ny version af måleregimet gemt.") {
		t.Errorf("the regime was saved:\n%s", scr)
	}
	con.discard("Kassér det indtastede?")

	// Composer: 3,000 characters, pasted (bracketed paste through a tmux
	// buffer, as a terminal delivers a paste; typing them key by key takes
	// over a minute under -race).
	con.send("4")
	con.send("n")
	con.waitFor("the composer", func(s string) bool { return strings.Contains(s, "Besked til "+name) })
	con.send("-l", "For lang besked")
	con.send("Tab")
	con.paste(strings.Repeat("abcdefghi ", 300))
	con.waitFor("the counter over the limit", func(s string) bool { return strings.Contains(s, "3000/2000") })
	con.send("C-s")
	scr = con.waitFor("the length problem", func(s string) bool { return strings.Contains(s, "✗ højst 2000 tegn") })
	if strings.Contains(scr, "Beskeden er lagt i kø") {
		t.Errorf("the message was queued:\n%s", scr)
	}
	con.discard("Kassér beskeden?")

	// Cover: the last day before the first.
	con.send("t")
	con.waitFor("the responsibility form", func(s string) bool { return strings.Contains(s, "Monitoreringsansvar for "+name) })
	from, to := clinicDate(t, 5), clinicDate(t, 2)
	con.send("Tab", "Tab") // mode (holiday cover), team, from
	con.send("-l", from)
	con.send("Tab")
	con.send("-l", to)
	con.send("C-s")
	scr = con.waitFor("the end-before-start problem under the last day", func(s string) bool {
		return strings.Contains(lineAfter(s, "Til og med"), "✗ skal ligge efter")
	})
	if strings.Contains(scr, "dækker "+from[:5]) {
		t.Errorf("the cover was planned:\n%s", scr)
	}
	con.discard("Kassér det indtastede?")

	con.quit()
	if n := outboxLen(t, openCache(t, con.cache)); n != 0 {
		t.Errorf("%d entries in the outbox after refused input, want 0", n)
	}
	after := centralVersions(c)
	for k, v := range after {
		if before[k] != v {
			t.Errorf("%s changed on the central: version %q → %q", k, before[k], v)
		}
	}
	if len(after) != len(before) {
		t.Errorf("%d resources on the central before, %d after", len(before), len(after))
	}
}

// startActConsoleOn is startActConsole on an existing cache (a console
// restarted with its clock moved).
func startActConsoleOn(t *testing.T, c *actCentral, nurse, offset, cachePath string) *actConsole {
	t.Helper()
	bin := buildBinary(t)
	env := isolatedEnv(t,
		"TELEHJERTE_CENTRAL_URL="+c.url,
		"TELEHJERTE_CENTRAL_TOKEN="+c.nurseToken(nurse),
		"TELEHJERTE_USER="+nurse,
		"TELEHJERTE_SYNC_INTERVAL=1s",
		"TELEHJERTE_CACHE_PATH="+cachePath,
		"TELEHJERTE_CLOCK_OFFSET="+offset,
	)
	return &actConsole{tmuxSession: startTmux(t, bin, env), bin: bin, cache: cachePath, env: env}
}

// coveredOnCentral lists the patients whose EpisodeOfCare carries a cover
// by team (read as the home team's nurse).
func coveredOnCentral(c *actCentral, team string) []string {
	c.t.Helper()
	var out []string
	for _, r := range c.search(actNurse, "EpisodeOfCare", nil) {
		var e struct {
			Patient struct {
				Reference string `json:"reference"`
			} `json:"patient"`
			Extension []struct {
				URL       string          `json:"url"`
				Extension json.RawMessage `json:"extension"`
			} `json:"extension"`
		}
		if err := json.Unmarshal(r.Raw, &e); err != nil {
			c.t.Fatal(err)
		}
		for _, x := range e.Extension {
			if strings.HasSuffix(x.URL, "/cover") && strings.Contains(string(x.Extension), "CareTeam/"+team) {
				out = append(out, e.Patient.Reference)
				break
			}
		}
	}
	return out
}

var headCountRE = regexp.MustCompile(`(\d+) borgere \(alle\)`)

// allCount is the number of patients the worklist heading states in the
// all-patients mode.
func allCount(scr string) (int, bool) {
	m := headCountRE.FindStringSubmatch(scr)
	if m == nil {
		return 0, false
	}
	n, _ := strconv.Atoi(m[1])
	return n, true
}

// Holiday cover planned by the home team for all its patients: on the
// central each EpisodeOfCare carries it; a console of the covering team
// with the clock two days on shows them, marked as cover for the home
// team; with the clock five days on (after the period) they are gone.
func TestE2EHolidayCover(t *testing.T) {
	requireTmux(t)
	c := newActCentral(t)
	const nord = "team-hf-demo-nord"
	visible := func() int { return len(c.search(actCoverNurse, "Patient", nil)) }
	if n := visible(); n != 0 {
		t.Fatalf("the covering team's nurse sees %d patients before any cover", n)
	}
	name := patientName(c, "pat-0003")

	// Nurse A plans the cover: from tomorrow, three days, all patients.
	a := startActConsole(t, c, actNurse, "0")
	onlineWorklist(a)
	a.openPatient(name)
	a.send("t")
	a.waitFor("the responsibility form", func(s string) bool { return strings.Contains(s, "Monitoreringsansvar for "+name) })
	a.send("Tab", "Tab") // mode (holiday cover), team (the only other one), from
	a.send("-l", clinicDate(t, 1))
	a.send("Tab")
	a.send("-l", clinicDate(t, 3))
	a.send("Tab", "Right") // scope: all patients of the home team
	a.waitFor("the team scope", func(s string) bool { return strings.Contains(s, "alle borgere hos Hjertesvigtsklinik Demo") })
	a.send("C-s")
	a.waitFor("the cover planned", func(s string) bool {
		return strings.Contains(s, "Hjertesvigtsklinik Demo Nord dækker "+clinicDate(t, 1)[:5])
	})
	eventually(t, "the cover on the central", func() (bool, string) {
		got := coveredOnCentral(c, nord)
		return len(got) == 12, fmt.Sprint(len(got), " covered: ", got)
	})
	a.quit()
	if n := visible(); n != 0 {
		t.Errorf("the covering team's nurse sees %d patients before the period starts", n)
	}

	// Two days on: the covering team's console sees the patients.
	c.restart("2d")
	if n := visible(); n != 12 {
		t.Errorf("the covering team's nurse sees %d patients during the period, want 12", n)
	}
	b := startActConsole(t, c, actCoverNurse, "2d")
	// Wide enough for the responsibility column to show the cover mark (the
	// column is capped: the home team is cut; the patient header has it).
	b.tmux("resize-window", "-t", "e2e", "-x", "180", "-y", "30")
	b.waitFor("the moved clock and the sync", func(s string) bool {
		return strings.Contains(s, "Klokke forskudt") && strings.Contains(s, "● online")
	})
	b.send("a")
	scr := b.waitFor("the covered patients", func(s string) bool {
		n, ok := allCount(s)
		return ok && n >= 12
	})
	if _, ok := worklistRows(scr)[name]; !ok {
		t.Errorf("%s not on the covering team's worklist:\n%s", name, scr)
	}
	for _, l := range strings.Split(scr, "\n") {
		if strings.Contains(l, "-xxxx") && !strings.Contains(l, "Hjertesvigtsklinik Demo Nord (afløsning)") {
			t.Errorf("worklist row not marked as cover: %q", l)
		}
	}
	b.send("/")
	b.send("-l", name)
	b.send("Enter")
	b.waitFor(name+" alone", func(s string) bool { return len(worklistRows(s)) == 1 })
	b.send("Enter")
	b.waitFor("the patient marked as cover", func(s string) bool {
		return strings.Contains(s, "Hjertesvigtsklinik Demo Nord (dækker for Hjertesvigtsklinik Demo)")
	})
	b.quit()
	cachePath := b.cache

	// Five days on, the period is over: gone from the same console's cache.
	c.restart("5d")
	if n := visible(); n != 0 {
		t.Errorf("the covering team's nurse sees %d patients after the period", n)
	}
	b = startActConsoleOn(t, c, actCoverNurse, "5d", cachePath)
	b.waitFor("the moved clock and the sync", func(s string) bool {
		return strings.Contains(s, "Klokke forskudt") && strings.Contains(s, "● online")
	})
	b.send("a")
	b.waitFor("the covered patients gone", func(s string) bool {
		n, ok := allCount(s)
		return ok && n == 0
	})
	b.quit()
}
