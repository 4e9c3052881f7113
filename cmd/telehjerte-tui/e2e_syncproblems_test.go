package main

// On the real binary: a real 412 regime conflict from a
// direct FHIR write on the real telehjerte-central is counted on the
// status bar, shown on the Synk-problemer screen (S) with both versions,
// settled both ways (keep mine, keep the central's), and an
// acknowledgement raced by another nurse is flashed as "Allerede kvitteret
// af X kl. HH:MM".

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/sync/faultproxy"
)

// put writes raw to typ/id as practitioner who with If-Match: W/"version".
func (c *actCentral) put(who, typ, id, version string, raw []byte) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPut, c.url+"/"+typ+"/"+id, bytes.NewReader(raw))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.nurseToken(who))
	req.Header.Set("Content-Type", "application/fhir+json")
	req.Header.Set("If-Match", `W/"`+version+`"`)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("PUT %s/%s: %v", typ, id, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusCreated {
		c.t.Fatalf("PUT %s/%s: %s\n%s", typ, id, res.Status, body)
	}
}

// carePlanOf is the patient's CarePlan on the central.
func carePlanOf(c *actCentral, pid string) fhirRes {
	c.t.Helper()
	plans := c.search(actNurse, "CarePlan", url.Values{"patient": {pid}})
	if len(plans) != 1 {
		c.t.Fatalf("%d CarePlans for %s, want 1", len(plans), pid)
	}
	return plans[0]
}

// setPulseYellowHigh changes the yellow high pulse limit in the regime form
// of the open patient name and saves it (in the cache and its outbox).
func (a *actConsole) setPulseYellowHigh(name, value string) {
	a.t.Helper()
	a.toPulseYellowHigh(name, "Ændret offline")
	a.send("End", "C-u")
	a.send("-l", value)
	a.waitFor("the new pulse limit", func(s string) bool {
		f := strings.Fields(pulseRow(s))
		return len(f) == 6 && f[4] == value
	})
	a.send("C-s")
	a.waitFor("the regime saved", func(s string) bool { return strings.Contains(s, "Ny version af måleregimet gemt.") })
}

// switchableProxy serves target at addr until down is set: then
// it refuses every connection (the network is gone) until down is cleared.
func switchableProxy(t *testing.T, target string) (addr string, down *atomic.Bool) {
	t.Helper()
	down = new(atomic.Bool)
	px, err := faultproxy.New(target, faultproxy.Options{Choose: func(*http.Request) faultproxy.Kind {
		if down.Load() {
			return faultproxy.Refuse
		}
		return ""
	}})
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(px)
	t.Cleanup(front.Close)
	return front.URL, down
}

var alreadyDoneRE = regexp.MustCompile(`Allerede kvitteret af .+ kl\. \d\d:\d\d`)

func TestE2ESyncProblemsOnTheRealBinary(t *testing.T) {
	requireTmux(t)
	c := newActCentral(t)
	// The console reaches the central through a proxy that can cut it off;
	// the other nurse writes to the central directly.
	front, offline := switchableProxy(t, c.url)
	con := startActConsoleAt(t, c, actNurse, front)
	onlineWorklist(con)

	// Two patients with open tasks (both on the worklist of open items).
	var open []string
	for _, st := range tasksOnCentral(c) {
		if st.status != "completed" && st.status != "cancelled" && st.patient != "" && !slices.Contains(open, st.patient) {
			open = append(open, st.patient)
		}
	}
	slices.Sort(open)
	if len(open) < 2 {
		t.Fatalf("patients with open tasks: %v", open)
	}
	mine, theirs := open[0], open[1]
	mineName, theirsName := patientName(c, mine), patientName(c, theirs)
	mineBefore, theirsBefore := carePlanOf(c, mine), carePlanOf(c, theirs)

	offline.Store(true)
	con.waitFor("offline", func(s string) bool { return strings.Contains(s, "offline") })

	// Offline: two regime changes and one acknowledgement, all in the
	// outbox.
	con.openPatient(mineName)
	con.setPulseYellowHigh(mineName, "80")
	con.send("5") // open items
	itemsScr := con.waitFor("the open items", func(s string) bool { return strings.Count(s, "opstået") > 0 })
	con.cursorToReading(itemsScr, strings.Count(itemsScr, "opstået"))
	con.send("x")
	con.waitFor("the one-item acknowledgement", func(s string) bool { return oneItemRE.MatchString(s) })
	con.send("C-s")
	con.waitFor("the acknowledgement stored", func(s string) bool { return !oneItemRE.MatchString(s) })
	acked := ""
	con.waitFor("the acknowledgement in the outbox", func(string) bool {
		st := openCache(t, con.cache)
		defer st.Close()
		items, err := st.Outbox(t.Context(), "", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.ResourceType == "Task" {
				acked = it.ResourceID
			}
		}
		return acked != ""
	})
	con.send("Escape")
	con.waitFor("the worklist", onWorklist)
	con.send("Escape") // clear the search
	con.waitFor("the whole worklist", func(s string) bool { return len(worklistRows(s)) > 1 })
	con.openPatient(theirsName)
	con.setPulseYellowHigh(theirsName, "85")

	// Meanwhile nurse B changes both regimes on the central (a new CarePlan
	// version each) and acknowledges the same task.
	for _, p := range []fhirRes{mineBefore, theirsBefore} {
		c.put(demo.NurseB, "CarePlan", p.ID, p.Meta.VersionID, p.Raw)
	}
	task := c.read(demo.NurseB, "Task", acked)
	var tk map[string]any
	body := readRaw(c, demo.NurseB, "Task", acked)
	if err := json.Unmarshal(body, &tk); err != nil {
		t.Fatal(err)
	}
	tk["status"] = "completed"
	tk["owner"] = map[string]any{"reference": "Practitioner/" + demo.NurseB, "display": "Sygeplejerske B"}
	tk["executionPeriod"] = map[string]any{"end": time.Now().UTC().Format(time.RFC3339)}
	b, _ := json.Marshal(tk)
	c.put(demo.NurseB, "Task", acked, task.Meta.VersionID, b)
	mineTheirs, theirsTheirs := carePlanOf(c, mine), carePlanOf(c, theirs)

	// Back online: the two regime changes meet nurse B's (412), the
	// acknowledgement was already done.
	offline.Store(false)
	scr := con.waitFor("two conflicts counted and the raced acknowledgement flashed", func(s string) bool {
		return strings.Contains(s, "2 konflikter") && alreadyDoneRE.MatchString(s)
	})
	if !strings.Contains(scr, "● online") {
		t.Errorf("not online after the round:\n%s", scr)
	}

	// S lists them; the first conflict shows both versions.
	con.send("S")
	con.waitFor("the sync problems", func(s string) bool {
		return strings.Contains(s, "Synk-problemer") && strings.Count(s, "Ændring af måleregime") == 2
	})
	settle := func(name, key, confirm string) {
		t.Helper()
		con.waitFor("the sync problems list", func(s string) bool { return strings.Contains(s, "Synk-problemer") })
		// Move to the entry of this patient's regime, from the top.
		con.send("g")
		con.waitFor("the cursor on the first problem", func(s string) bool {
			return strings.Contains(s, "Synk-problemer\n\n  ▶") || strings.Contains(s, "Synk-problemer\n\n▶")
		})
		for range 4 {
			scr := con.screen()
			if line := cursorLine(scr); strings.Contains(line, "måleregime") && strings.Contains(line, name) {
				break
			}
			con.send("Down")
			con.waitFor("the cursor to move", func(s string) bool { return cursorLine(s) != cursorLine(scr) })
		}
		if line := cursorLine(con.screen()); !strings.Contains(line, name) {
			t.Fatalf("no regime conflict of %s on the list:\n%s", name, con.screen())
		}
		con.send("Enter")
		con.waitFor("both versions", func(s string) bool {
			return strings.Contains(s, "Min version (på v") && strings.Contains(s, "Serverens (")
		})
		con.send(key)
		con.waitFor("the confirmation", func(s string) bool { return strings.Contains(s, confirm) })
		con.send("y")
	}
	settle(mineName, "m", "Send min ændring oven på serverens version?")
	eventually(t, "my regime on top of nurse B's", func() (bool, string) {
		p := carePlanOf(c, mine)
		hi := pulseYellowHigh(c, mine)
		return p.Meta.VersionID != mineTheirs.Meta.VersionID && len(hi) == 1 && hi[0] == 80, fmt.Sprint(p.Meta.VersionID, hi)
	})
	settle(theirsName, "t", "Kassér min ændring og behold serverens?")
	con.waitFor("no conflicts left", func(s string) bool { return !strings.Contains(s, "konflikt") })
	if p := carePlanOf(c, theirs); p.Meta.VersionID != theirsTheirs.Meta.VersionID {
		t.Errorf("keep the central's: CarePlan of %s went from version %s to %s", theirs, theirsTheirs.Meta.VersionID, p.Meta.VersionID)
	}
	if hi := pulseYellowHigh(c, theirs); len(hi) != 1 || hi[0] == 85 {
		t.Errorf("keep the central's: pulse yellow high of %s is %v, the discarded change reached the central", theirs, hi)
	}

	// A change by nurse B that arrives while the form is open: saving
	// shows both versions and overwrites nothing; esc goes back to the
	// form.
	con.send("Escape")
	con.waitFor("the patient view", func(s string) bool { return strings.Contains(s, "Vægtkurve") && strings.Contains(s, theirsName) })
	// Keep the central's: the patient view no longer shows the discarded
	// limit (it did until something else reloaded the screen).
	con.waitFor("the central's pulse limits in force", func(s string) bool {
		l := lineWith(s, "Puls (/min)")
		return l != "" && !strings.Contains(l, " 85 ")
	})
	con.toPulseYellowHigh(theirsName, "Ændret imens")
	con.send("End", "C-u")
	con.send("-l", "77")
	con.waitFor("her new pulse limit", func(s string) bool {
		f := strings.Fields(pulseRow(s))
		return len(f) == 6 && f[4] == "77"
	})
	versions := func() int {
		st := openCache(t, con.cache)
		defer st.Close()
		h, err := st.RegimeHistory(t.Context(), theirs)
		if err != nil {
			t.Fatal(err)
		}
		return len(h)
	}
	had := versions()
	p := carePlanOf(c, theirs)
	c.put(demo.NurseB, "CarePlan", p.ID, p.Meta.VersionID, p.Raw)
	eventually(t, "nurse B's regime version in the console's cache", func() (bool, string) {
		n := versions()
		return n > had, fmt.Sprint(n, " versions")
	})
	con.send("C-s")
	con.waitFor("the regime conflict", func(s string) bool {
		return strings.Contains(s, "har ændret måleregimet imens") && strings.Contains(s, "esc: tilbage til formularen")
	})
	con.send("Escape") // BackToForm
	// The form now builds on nurse B's version and keeps what she typed,
	// so saving again goes through (it met the same conflict again and
	// again: only discarding her input got her out).
	con.waitFor("back in the form, built on nurse B's version", func(s string) bool {
		return strings.Contains(s, "Måleregime for "+theirsName) && !strings.Contains(s, "har ændret måleregimet imens") &&
			strings.Contains(s, "Bygger nu på versionen gemt af") &&
			slices.Contains(strings.Fields(strings.NewReplacer("[", " ", "]", " ").Replace(lineWith(s, "Puls  "))), "77")
	})
	byB := carePlanOf(c, theirs)
	if byB.Meta.VersionID == p.Meta.VersionID {
		t.Errorf("nurse B's version did not land: %s", byB.Meta.VersionID)
	}
	con.send("C-s")
	con.waitFor("the regime saved on top of nurse B's", func(s string) bool {
		return strings.Contains(s, "Ny version af måleregimet gemt.") && !strings.Contains(s, "har ændret måleregimet imens")
	})
	eventually(t, "her change on the central after nurse B's", func() (bool, string) {
		q := carePlanOf(c, theirs)
		hi := pulseYellowHigh(c, theirs)
		return q.Meta.VersionID != byB.Meta.VersionID && len(hi) == 1 && hi[0] == 77, fmt.Sprint(q.Meta.VersionID, hi)
	})
	con.quit()
}

// readRaw reads typ/id as practitioner who and returns the JSON.
func readRaw(c *actCentral, who, typ, id string) []byte {
	c.t.Helper()
	var raw json.RawMessage
	c.get(who, c.url+"/"+typ+"/"+id, &raw)
	return raw
}

// cursorLine is the screen line the cursor marker (">") starts.
func cursorLine(scr string) string {
	for _, l := range strings.Split(scr, "\n") {
		if t := strings.TrimLeft(l, " "); strings.HasPrefix(t, ">") || strings.HasPrefix(t, "▶") {
			return l
		}
	}
	return ""
}

// startActConsoleAt is startActConsole against the central at url (e.g.
// a proxy in front of c).
func startActConsoleAt(t *testing.T, c *actCentral, nurse, url string, extra ...string) *actConsole {
	t.Helper()
	bin := buildBinary(t)
	cachePath := t.TempDir() + "/replica.sqlite"
	env := isolatedEnv(t,
		"TELEHJERTE_CENTRAL_URL="+url,
		"TELEHJERTE_CENTRAL_TOKEN="+c.nurseToken(nurse),
		"TELEHJERTE_USER="+nurse,
		"TELEHJERTE_SYNC_INTERVAL=1s",
		"TELEHJERTE_CACHE_PATH="+cachePath,
	)
	env = append(env, extra...)
	s := startTmux(t, bin, env)
	return &actConsole{tmuxSession: s, bin: bin, cache: cachePath, env: env}
}

// lineWith is the first screen line containing marker, or "".
func lineWith(scr, marker string) string {
	for _, l := range strings.Split(scr, "\n") {
		if strings.Contains(l, marker) {
			return l
		}
	}
	return ""
}
