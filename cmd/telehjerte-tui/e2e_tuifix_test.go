package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// highlightedItem is the open-items line under the cursor ("> ..."), the
// marker and trailing blanks cut; "" when there is none.
func highlightedItem(scr string) string {
	for _, l := range strings.Split(scr, "\n") {
		if strings.HasPrefix(l, "> ") && strings.Contains(l, "opstået") {
			return strings.TrimSpace(strings.TrimPrefix(l, "> "))
		}
	}
	return ""
}

// itemValueRE finds the reading in an open-items line: "Vægt 111,6!!".
var (
	itemValueRE = regexp.MustCompile(`(Vægt|Puls|BT|Skridt|SpO2) \S+`)
	dueRE       = regexp.MustCompile(`frist \S+ \d\d\.\d\d \d\d:\d\d`)
)

// In the real binary, G in the open items moves the cursor to the last item
// and x acknowledges that highlighted item, and its confirmation names it
// (the defect: G scrolled while x acknowledged an old, hidden row).
func TestE2EEndKeyAcknowledgesTheHighlightedItem(t *testing.T) {
	requireTmux(t)
	c := newActCentral(t)
	before := tasksOnCentral(c)
	con := startActConsole(t, c, actNurse, "0")
	onlineWorklist(con)
	con.send("Enter") // the first (red) patient
	con.waitFor("the patient view", func(s string) bool { return strings.Contains(s, "Kurve") || strings.Contains(s, "Vægtkurve") })
	con.send("5")
	scr := con.waitFor("the open items", func(s string) bool { return strings.Count(s, "opstået") > 1 && highlightedItem(s) != "" })
	items := strings.Count(scr, "opstået")
	first := highlightedItem(scr)
	con.send("G")
	scr = con.waitFor("the cursor on the last item", func(s string) bool {
		h := highlightedItem(s)
		return h != "" && h != first
	})
	last := highlightedItem(scr)
	// The highlighted item is the last one on screen.
	var lines []string
	for _, l := range strings.Split(scr, "\n") {
		if strings.Contains(l, "opstået") {
			lines = append(lines, strings.TrimSpace(strings.TrimPrefix(l, "> ")))
		}
	}
	if lines[len(lines)-1] != last {
		t.Fatalf("after G the cursor is on %q, not the last item %q", last, lines[len(lines)-1])
	}
	con.send("x")
	if due := dueRE.FindString(last); strings.Contains(last, "Manglende måling") && due != "" {
		// A missing measurement is resolved with a reason; the form names
		// the one highlighted.
		con.waitFor("the resolve form naming the highlighted item", func(s string) bool {
			return strings.Contains(s, "Manglende måling: ") && strings.Contains(s, due)
		})
		con.send("Enter")
	} else {
		value := itemValueRE.FindString(last)
		if value == "" {
			t.Fatalf("no reading in the highlighted item %q", last)
		}
		con.waitFor("a confirmation naming the highlighted item", func(s string) bool {
			return oneItemRE.MatchString(s) && strings.Contains(s, "Kvitter "+value+" (")
		})
		con.send("C-s")
	}
	eventually(t, "one task done on the central", func() (bool, string) {
		done := completedSince(t, before, tasksOnCentral(c))
		return len(done) >= 1, strconv.Itoa(len(done)) + " completed"
	})
	// What was highlighted is what left the list, and only that.
	con.waitFor("the highlighted item to leave", func(s string) bool {
		return strings.Count(s, "opstået") == items-1 && !strings.Contains(s, last)
	})
	if done := completedSince(t, before, tasksOnCentral(c)); len(done) != 1 {
		t.Errorf("%d tasks completed on the central, want 1", len(done))
	}
	con.quit()
}

// In the real binary, X under a search acknowledges the green items of the
// patients the search shows only, and says so.
func TestE2EBulkAcknowledgementFollowsTheSearch(t *testing.T) {
	requireTmux(t)
	c := newActCentral(t)
	before := tasksOnCentral(c)
	con := startActConsole(t, c, actNurse, "0")
	allGreen := func(s string) []string {
		var green []string
		for name, st := range worklistRows(s) {
			if st == "✓" {
				green = append(green, name)
			}
		}
		return green
	}
	onlineWorklist(con)
	scr := con.waitFor("two all-green patients on the worklist", func(s string) bool { return len(allGreen(s)) >= 2 })
	green := allGreen(scr)
	name := green[0]
	con.send("/")
	con.send("-l", name)
	con.send("Enter")
	con.waitFor("the search", func(s string) bool { return strings.Contains(s, "1 af ") })
	con.send("X")
	re := regexp.MustCompile(`Kvitter (\d+) grøn(?:ne)? måling(?:er)? for 1 borger – kun dem søgningen »` + regexp.QuoteMeta(name) + `« viser\?`)
	scr = con.waitFor("the scope under the search", func(s string) bool { return re.MatchString(s) })
	n, _ := strconv.Atoi(re.FindStringSubmatch(scr)[1])
	con.send("y")
	eventually(t, "the acknowledgements on the central", func() (bool, string) {
		done := completedSince(t, before, tasksOnCentral(c))
		return len(done) >= n, strconv.Itoa(len(done)) + " completed"
	})
	after := tasksOnCentral(c)
	done := completedSince(t, before, after)
	if len(done) != n {
		t.Errorf("%d tasks completed, the console stated %d", len(done), n)
	}
	for _, id := range done {
		if got := patientName(c, after[id].patient); got != name {
			t.Errorf("task %s of %s completed; the search showed only %s", id, got, name)
		}
	}
	// The other green patients are untouched.
	con.send("Escape")
	con.waitFor("the other green patients still green", func(s string) bool {
		rows := worklistRows(s)
		for _, g := range green[1:] {
			if rows[g] != "✓" {
				return false
			}
		}
		return true
	})
	con.quit()
}

// On a first start with a new cache, the real binary never claims there
// are no patients while the first sync runs: every frame until the
// patients are on screen is checked.
func TestE2EFirstSyncNeverSaysNoPatients(t *testing.T) {
	requireTmux(t)
	c := newActCentral(t)
	con := startActConsole(t, c, actNurse, "0")
	var bad []string
	scr := con.waitFor("the patients of the first sync", func(s string) bool {
		for _, lie := range []string{"Ingen borgere med åbne opgaver", " 0 borgere ("} {
			if strings.Contains(s, lie) {
				bad = append(bad, s)
			}
		}
		return len(worklistRows(s)) > 0 && strings.Contains(s, "● online")
	})
	if len(bad) > 0 {
		t.Errorf("%d frames said there were no patients during the first sync; the first:\n%s", len(bad), bad[0])
	}
	if strings.Contains(scr, "aldrig synkroniseret") {
		t.Errorf("online with patients, but 'never synced':\n%s", scr)
	}
	con.quit()
}
