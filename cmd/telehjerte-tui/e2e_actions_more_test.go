package main

// End-to-end tests of writing a message, changing a threshold, planning
// holiday cover and refusing bad input in the forms (issue 4), through the
// real console in tmux against the real telehjerte-central (rig in
// e2e_actions_rig_test.go).

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
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

var _ = url.Values{}
