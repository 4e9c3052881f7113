package main

// End-to-end tests of the nurse actions: the real console in
// tmux, syncing every second with the real telehjerte-central; each test
// asserts on the screen and on the central (read over HTTP with the
// nurse's token).

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// taskSnapshot maps every Task the nurse may read to its status and version.
type taskState struct{ status, version, patient string }

func tasksOnCentral(c *actCentral) map[string]taskState {
	c.t.Helper()
	out := map[string]taskState{}
	for _, r := range c.search(actNurse, "Task", nil) {
		p := ""
		if r.For != nil {
			p = strings.TrimPrefix(r.For.Reference, "Patient/")
		}
		out[r.ID] = taskState{r.Status, r.Meta.VersionID, p}
	}
	return out
}

// completedSince lists the tasks completed since before, failing when one
// changed more than once (its version moved by more than one).
func completedSince(t *testing.T, before, now map[string]taskState) []string {
	t.Helper()
	var done []string
	for id, b := range before {
		n := now[id]
		if b.status == "completed" || n.status != "completed" {
			continue
		}
		bv, _ := strconv.Atoi(b.version)
		nv, _ := strconv.Atoi(n.version)
		if nv != bv+1 {
			t.Errorf("task %s went from version %s to %s: written more than once", id, b.version, n.version)
		}
		done = append(done, id)
	}
	return done
}

var (
	scopeRE      = regexp.MustCompile(`Kvitter (\d+) grøn(?:ne)? måling(?:er)? for (\d+) borgere?\?`)
	perPatientRE = regexp.MustCompile(`Kvitter \d+ måling(?:er)? \((\d+ [a-zæøå]+(, )?)+\) for `)
	oneItemRE    = regexp.MustCompile(`Kvitter (Vægt|Puls|BT|Skridt|SpO2|Spørgeskema) .* \([a-zø]{3} \d\d\.\d\d \d\d:\d\d\) for `)
)

// worklistNames are the names on the worklist screen, by status symbol.
func worklistRows(scr string) map[string]string {
	rows := map[string]string{}
	re := regexp.MustCompile(`^[ >](!!|! |\? |✉ |✓ |· )\s*(\S+ \S+)\s+\d{6}-xxxx`)
	for _, l := range strings.Split(scr, "\n") {
		if m := re.FindStringSubmatch(l); m != nil {
			rows[m[2]] = strings.TrimSpace(m[1])
		}
	}
	return rows
}

// onlineWorklist waits for the worklist after the first sync: online,
// with rows, and no longer saying the first sync is running (during it the
// status is online too, while the list still fills).
func onlineWorklist(con *actConsole) string {
	return con.waitFor("the synced worklist", func(s string) bool {
		return strings.Contains(s, "● online") && !strings.Contains(s, "første synk") && len(worklistRows(s)) > 0
	})
}

// redCountRE reads the red group's count in the worklist header.
var redCountRE = regexp.MustCompile(`!! rød [1-9]`)

// seededWorklist waits for the seeded clinic's worklist after the first
// sync: online, the first sync over ("data fra …"), its red patients
// counted, and the rows on screen, in order, the ones the cache holds
// (`worklist --format json` on the same cache). "● online" and a red count
// can both be on screen while the worklist still shows a load taken while
// the readings and tasks were arriving: a patient then green turned yellow
// a moment later, which moved the rows under a test that had read them.
func seededWorklist(con *actConsole) string {
	t := con.t
	t.Helper()
	return con.waitFor("the seeded clinic's synced worklist, as the cache holds it", func(s string) bool {
		if !strings.Contains(s, "● online") || !strings.Contains(s, "data fra") || strings.Contains(s, "første synk") || !redCountRE.MatchString(s) {
			return false
		}
		names, status, _ := worklistOrder(s)
		if len(names) == 0 {
			return false
		}
		rows := demoWorklist(t, con.bin, con.env)
		if len(rows) != len(names) {
			return false
		}
		for i, r := range rows {
			if f := strings.Fields(r.Name); len(f) < 2 || f[0]+" "+f[1] != names[i] || screenStatus[r.Status] != status[i] {
				return false
			}
		}
		return true
	})
}

// screenStatus is the worklist's status mark for each `worklist --format
// json` status.
var screenStatus = map[string]string{
	"red": "!!", "yellow": "!", "missing": "?", "messages": "✉", "green": "✓", "unclassified": "·", "none": "↻",
}

// X on the worklist: the confirm line states the exact scope, computed
// from the stored tasks; after confirming, exactly that many tasks are
// completed on the central, each written once, and the all-green patients
// leave the worklist.
func TestE2EAckAllGreen(t *testing.T) {
	requireTmux(t)
	c := newActCentral(t)
	before := tasksOnCentral(c)
	con := startActConsole(t, c, actNurse, "0")
	scr := seededWorklist(con)
	var green []string
	for name, st := range worklistRows(scr) {
		if st == "✓" {
			green = append(green, name)
		}
	}
	if len(green) == 0 {
		t.Fatalf("no all-green patient on the worklist:\n%s", scr)
	}

	con.send("X")
	scr = con.waitFor("the scope of the acknowledgement", func(s string) bool { return scopeRE.MatchString(s) })
	m := scopeRE.FindStringSubmatch(scr)
	n, _ := strconv.Atoi(m[1])
	pats, _ := strconv.Atoi(m[2])
	if n < len(green) || pats < len(green) {
		t.Fatalf("scope %q smaller than the %d all-green patients on screen", m[0], len(green))
	}
	con.send("y")

	// On the central: exactly the stated number of tasks completed, for the
	// stated number of patients.
	eventually(t, "the acknowledgements on the central", func() (bool, string) {
		done := completedSince(t, before, tasksOnCentral(c))
		return len(done) >= n, strconv.Itoa(len(done)) + " completed"
	})
	after := tasksOnCentral(c)
	done := completedSince(t, before, after)
	who := map[string]bool{}
	for _, id := range done {
		who[after[id].patient] = true
	}
	if len(done) != n || len(who) != pats {
		t.Errorf("central: %d tasks of %d patients completed, the console stated %d for %d", len(done), len(who), n, pats)
	}
	// On screen: none of the patients acknowledged is all green any more.
	// A green patient whose only other readings were step counts leaves
	// the worklist (steps are information only); one with an unclassified
	// reading stays, as that needs a look of its own. Another patient may
	// turn all green meanwhile, as the training clinic's data moves on (CI
	// saw two such at 00:56 on the training clock, 17 hours waiting, not
	// among those acknowledged): only those acknowledged are waited for.
	scr = con.waitFor("no acknowledged patient all green", func(s string) bool {
		rows := worklistRows(s)
		for _, g := range green {
			if rows[g] == "✓" {
				return false
			}
		}
		return len(rows) > 0 && strings.Contains(s, "kvitteret")
	})
	// A green patient who stayed with something to acknowledge; one who
	// stayed only for a message she sent meanwhile (the training clinic's
	// patients write) has nothing to acknowledge.
	left, gone := "", ""
	rows := worklistRows(scr)
	for _, g := range green {
		switch st, ok := rows[g]; {
		case !ok:
			gone = g
		case st != "✉" && st != "?":
			left = g
		}
	}
	if left == "" {
		if gone == "" {
			t.Fatalf("every all-green patient stayed, none with anything to acknowledge:\n%s", scr)
		}
		// An all-green patient who left: nothing more to acknowledge.
		left = gone
		con.send("/")
		con.send("-l", left)
		con.send("Enter")
		con.waitFor(left+" not on the worklist", func(s string) bool { return strings.Contains(s, "0 af ") })
	} else {
		// x on one that stayed acknowledges the rest of what is open for
		// that patient: the patient leaves the worklist.
		con.send("/")
		con.send("-l", left)
		con.send("Enter")
		con.send("x")
		con.waitFor("the per-patient scope", func(s string) bool {
			// "Kvitter 3 målinger (1 gul, 2 grønne) for NAME?"
			return perPatientRE.MatchString(s) && strings.Contains(s, " for "+left+"?")
		})
		con.send("y")
		con.waitFor(left+" to leave the worklist", func(s string) bool {
			_, ok := worklistRows(s)[left]
			return !ok && strings.Contains(s, "kvitteret")
		})
	}
	con.send("Escape") // clear the filter
	con.waitFor("the whole worklist", func(s string) bool { return len(worklistRows(s)) > 1 })
	// A second sync round completes nothing more (exactly once).
	con.send("X")
	con.waitFor("nothing green left", func(s string) bool { return !scopeRE.MatchString(s) && strings.Contains(s, "● online") })
	eventually(t, "the patient's remaining tasks on the central", func() (bool, string) {
		open := 0
		for _, st := range tasksOnCentral(c) {
			if st.status != "completed" && st.status != "cancelled" && patientName(c, st.patient) == left {
				open++
			}
		}
		return open == 0, strconv.Itoa(open) + " open"
	})
	con.quit()
}

// x in the patient view on one open item acknowledges that one task only.
func TestE2EAckOne(t *testing.T) {
	requireTmux(t)
	c := newActCentral(t)
	before := tasksOnCentral(c)
	con := startActConsole(t, c, actNurse, "0")
	seededWorklist(con)
	con.send("Enter") // the first (red) patient
	con.waitFor("the patient view", func(s string) bool { return strings.Contains(s, "Vægtkurve") })
	con.send("5") // open items
	scr := con.waitFor("the open items", func(s string) bool { return strings.Count(s, "opstået") > 1 })
	items := strings.Count(scr, "opstået")
	con.cursorToReading(scr, items)
	con.send("x")
	// The confirmation names the item: kind, value and time.
	con.waitFor("the one-item acknowledgement", func(s string) bool { return oneItemRE.MatchString(s) })
	con.send("C-s")
	eventually(t, "one acknowledgement on the central", func() (bool, string) {
		done := completedSince(t, before, tasksOnCentral(c))
		return len(done) >= 1, strconv.Itoa(len(done)) + " completed"
	})
	// The item left the list; still exactly one task, written once.
	con.waitFor("the item to leave the open items", func(s string) bool { return strings.Count(s, "opstået") == items-1 })
	if done := completedSince(t, before, tasksOnCentral(c)); len(done) != 1 {
		t.Errorf("%d tasks completed on the central, want 1: %v", len(done), done)
	}
	con.quit()
}

// cursorToReading moves the cursor of the open items (screen scr, n
// items) to the first reading to review. The first item is not always
// one: once a deadline has passed on the training clock (around
// midnight) a missing measurement may come first, whose x asks for a
// reason instead.
func (a *actConsole) cursorToReading(scr string, n int) {
	a.t.Helper()
	for range n {
		if strings.Contains(cursorLine(scr), "Måling til vurdering") {
			return
		}
		a.send("Down")
		before := scr
		scr = a.waitFor("the cursor to move", func(s string) bool { return cursorLine(s) != cursorLine(before) })
	}
	if !strings.Contains(cursorLine(scr), "Måling til vurdering") {
		a.t.Fatalf("no reading among the open items:\n%s", scr)
	}
}

// patientName is the name of a patient as the central has it: its text
// (the seed writes only that), else "given family" (the worklist shows it
// so).
func patientName(c *actCentral, id string) string {
	c.t.Helper()
	if id == "" {
		return ""
	}
	var p struct {
		Name []struct {
			Text   string   `json:"text"`
			Family string   `json:"family"`
			Given  []string `json:"given"`
		} `json:"name"`
	}
	c.get(actNurse, c.url+"/Patient/"+url.PathEscape(id), &p)
	if len(p.Name) == 0 {
		return ""
	}
	if p.Name[0].Text != "" {
		return p.Name[0].Text
	}
	return strings.Join(append(append([]string{}, p.Name[0].Given...), p.Name[0].Family), " ")
}

// worklistOrder is the worklist screen's rows top to bottom: each
// patient's name and status symbol, and which row the cursor is on (-1:
// none).
func worklistOrder(scr string) (names, status []string, selected int) {
	selected = -1
	re := regexp.MustCompile(`^([ >])(!!|! |\? |✉ |✓ |· |↻ )\s*(\S+ \S+)\s+\d{6}-xxxx`)
	for _, l := range strings.Split(scr, "\n") {
		if m := re.FindStringSubmatch(l); m != nil {
			if m[1] == ">" {
				selected = len(names)
			}
			names = append(names, m[3])
			status = append(status, strings.TrimSpace(m[2]))
		}
	}
	return names, status, selected
}

// moveCursorTo moves the worklist's cursor onto name with j and k, a row at
// a time, looking at the screen after each key: rows may move meanwhile
// (readings and messages keep arriving on a training clinic).
func moveCursorTo(t *testing.T, con *actConsole, name string) {
	t.Helper()
	scr := con.screen()
	for range 60 {
		n, _, sel := worklistOrder(scr)
		at := slices.Index(n, name)
		if at < 0 {
			t.Fatalf("%s is not on the worklist:\n%s", name, scr)
		}
		if sel == at {
			return
		}
		k := "j"
		if sel > at {
			k = "k"
		}
		con.send(k)
		scr = con.waitFor("the cursor to move", func(s string) bool {
			rows, _, now := worklistOrder(s)
			return now != sel || slices.Index(rows, name) != at
		})
	}
	t.Fatalf("the cursor did not reach %s:\n%s", name, scr)
}

// A nurse works down the worklist: after acknowledging the highlighted
// patient, whose row then leaves the list (nothing of hers is open any
// more), the cursor is on the patient who took her place, not back at the
// top.
func TestE2ECursorStaysInPlaceAfterAcknowledging(t *testing.T) {
	requireTmux(t)
	c := newActCentral(t)
	con := startActConsole(t, c, actNurse, "0")
	names, status, _ := worklistOrder(seededWorklist(con))
	at := -1
	for i := 1; i < len(names)-1; i++ {
		if status[i] == "✓" {
			at = i
			break
		}
	}
	if at < 0 {
		t.Fatalf("no green patient with a row below her on the worklist: %v %v", names, status)
	}
	gone, next := names[at], names[at+1]
	moveCursorTo(t, con, gone)
	con.send("x")
	con.waitFor("the acknowledgement's question", func(s string) bool { return perPatientRE.MatchString(s) })
	con.send("y")
	scr := con.waitFor(gone+" to leave the worklist", func(s string) bool {
		n, _, _ := worklistOrder(s)
		return len(n) > 0 && !slices.Contains(n, gone)
	})
	// The cursor stays on her row, now the next patient's: on a clinic
	// where readings and messages keep arriving the rows below may have
	// moved meanwhile, so the row, not the name, is what must hold (the
	// name was next unless something arrived).
	n, _, sel := worklistOrder(scr)
	if want := min(at, len(n)-1); sel != want {
		t.Errorf("after acknowledging %s the cursor is on row %d %v, want row %d (%s, unless the list moved):\n%s", gone, sel, n, want, next, scr)
	}
	con.quit()
}

// The patterns the end-to-end tests wait for match the dialogs in the
// singular too: the training clinic's patients keep writing, so a patient
// may have exactly one reading open (TestE2EAckAllGreen waited in vain for
// "målinger" when the dialog said "Kvitter 1 måling (1 uklassificeret)").
func TestAckDialogPatternsMatchOneAndMany(t *testing.T) {
	for _, c := range []struct {
		re *regexp.Regexp
		s  string
	}{
		{scopeRE, "Kvitter 1 grøn måling for 1 borger?"},
		{scopeRE, "Kvitter 5 grønne målinger for 3 borgere?"},
		{perPatientRE, "Kvitter 1 måling (1 uklassificeret) for Niels Kristensen?"},
		{perPatientRE, "Kvitter 3 målinger (1 gul, 2 grønne) for Anna?"},
	} {
		if !c.re.MatchString(c.s) {
			t.Errorf("%s does not match %q", c.re, c.s)
		}
	}
}
