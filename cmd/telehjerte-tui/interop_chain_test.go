package main

// Against an independent server: changes queued offline to
// one resource are chained on the versionIds the server returns (opaque
// UUIDs on Medplum), not on version arithmetic.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var pulseRowRE = regexp.MustCompile(`^> Puls 40 45 (\d+) 110$`)

// editPulseYellowHigh sets the pulse yellow-high limit of the open patient
// to v in the regime form (the 30th field, as in the central's e2e test)
// and saves; it returns the limit the form showed when it opened, and the
// conflict screen when the console refused the save as a conflict ("" when
// saved).
func editPulseYellowHigh(con *actConsole, name, v string) (string, string) {
	con.t.Helper()
	con.toPulseYellowHigh(name, "Puls ligger lavt "+v)
	var shown string
	con.waitFor("the limits the form opened with", func(s string) bool {
		m := pulseRowRE.FindStringSubmatch(pulseRow(s))
		if m != nil {
			shown = m[1]
		}
		return m != nil
	})
	con.send("End", "C-u")
	con.send("-l", v)
	con.waitFor("the new pulse limits", func(s string) bool { return pulseRow(s) == "> Puls 40 45 "+v+" 110" })
	con.send("C-s")
	scr := con.waitFor("the regime saved or refused", func(s string) bool {
		saved := !strings.Contains(s, "Måleregime for "+name) && strings.Contains(s, "Ny version af måleregimet gemt.")
		return saved || strings.Contains(s, "har ændret måleregimet imens")
	})
	if strings.Contains(scr, "har ændret måleregimet imens") {
		// Back out: the conflict screen, then the form.
		con.send("Escape")
		con.waitFor("the form again", func(s string) bool { return strings.Contains(s, "Måleregime for "+name) })
		con.send("Escape")
		con.waitFor("the question whether to discard the form", func(s string) bool { return strings.Contains(s, "Kassér det indtastede?") })
		con.send("y")
		con.waitFor("the form closed", func(s string) bool { return !strings.Contains(s, "Måleregime for "+name) })
		return shown, scr
	}
	return shown, ""
}

// history lists the versions of typ/id on the server, newest first, or nil
// when the server keeps no _history (telehjerte-central).
func (r *rest) history(key string) []obj {
	r.t.Helper()
	status, _, raw := r.do(http.MethodGet, key+"/_history", nil, nil)
	if status != http.StatusOK {
		return nil
	}
	var h struct {
		Entry []struct {
			Resource obj `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		r.t.Fatalf("%s/_history: %v", key, err)
	}
	var out []obj
	for _, e := range h.Entry {
		out = append(out, e.Resource)
	}
	return out
}

// With the server unreachable the nurse marks a message read and unread
// again and changes one regime twice; back online, all four writes reach
// the server in order, each on the version the one before produced: no
// conflict, the final state is the last change, and (where the server
// keeps history) each resource has exactly the expected versions.
func TestInteropChainedOfflineChanges(t *testing.T) {
	requireTmux(t)
	forEachServer(t, func(t *testing.T, srv *interopServer) {
		c := seedClinic(t, srv)
		r := srv.as(t, interopNurseToken)
		front, down := switchableProxy(t, srv.url)
		viaProxy := *c
		viaProxy.srv = &interopServer{name: srv.name, url: front}

		cachePath := filepath.Join(t.TempDir(), "replica.sqlite")
		env := interopEnv(t, &viaProxy, cachePath, "TELEHJERTE_SYNC_INTERVAL=1s")
		bin := buildBinary(t)
		con := &actConsole{tmuxSession: startTmux(t, bin, env), bin: bin, cache: cachePath, env: env}
		con.waitFor("the synced worklist", func(s string) bool {
			return strings.Contains(s, "● online") && strings.Contains(s, nameRed) && strings.Contains(s, nameGreen)
		})
		msgKey, planKey, srKey := "Communication/"+c.green.message, "CarePlan/"+c.red.plan, "ServiceRequest/"+c.red.pulseSR
		before := map[string]string{}
		for _, k := range []string{msgKey, planKey, srKey} {
			typ, id, _ := strings.Cut(k, "/")
			before[k] = versionOf(r.read(typ, id))
		}

		down.Store(true)
		con.waitFor("the console to notice the server is unreachable", func(s string) bool { return strings.Contains(s, "offline") })

		con.openPatient(nameGreen)
		con.send("4")
		con.waitFor("the patient's message", func(s string) bool { return strings.Contains(s, "Hjertebanken") })
		con.send("u") // read
		con.waitFor("the message shown read", func(s string) bool {
			head := messageHead(s, "Hjertebanken")
			return strings.Contains(s, "Markeret som læst.") && head != "" && !strings.Contains(head, "ulæst")
		})
		con.send("u") // unread again
		con.waitFor("the message unread", func(s string) bool { return strings.Contains(s, "Markeret som ulæst.") })
		con.send("Escape")
		con.waitFor("the worklist", func(s string) bool {
			return !strings.Contains(s, "Vægtkurve") && strings.Contains(s, "Søg: "+nameGreen)
		})
		con.send("Escape")
		con.waitFor("the filter cleared", func(s string) bool { _, ok := worklistRows(s)[nameRed]; return ok })
		con.openPatient(nameRed)
		if got, conflict := editPulseYellowHigh(con, nameRed, "80"); got != "100" || conflict != "" {
			t.Fatalf("the first regime change: the form opened with pulse yellow-high %s (want the seeded 100), conflict:\n%s", got, conflict)
		}
		// The second change builds on the first, still queued.
		got, conflict := editPulseYellowHigh(con, nameRed, "70")
		chained := got == "80" && conflict == ""
		expect(t, chained, "the second offline regime change opened on pulse yellow-high %s (want the first, queued change's 80) "+
			"and was refused as a conflict: %v\n%s", got, conflict != "", conflict)

		down.Store(false)
		con.send("C-r")
		if chained {
			eventually(t, "the second regime change on the server", func() (bool, string) {
				sr := r.read("ServiceRequest", c.red.pulseSR)
				return slices.Equal(yellowHigh(sr), []float64{70}), fmt.Sprint(yellowHigh(sr))
			})
		}
		eventually(t, "both read-state changes on the server", func() (bool, string) {
			m := r.read("Communication", c.green.message)
			return versionOf(m) != before[msgKey] && str(extOf(m, extAdmin), "valueCoding", "code") == "activate", jsonText(m["meta"])
		})
		con.send("C-r")
		scr := con.waitFor("a settled round", func(s string) bool { return strings.Contains(s, "● online") })
		if !chained {
			// The rest is about the regime chain, which did not happen.
			interopQuit(con)
			return
		}
		if strings.Contains(scr, "konflikt") || strings.Contains(scr, "fejlet") {
			t.Errorf("the console reports a conflict or failure:\n%s", scr)
		}
		interopQuit(con)
		rep := syncOnce(t, bin, env)
		if sumCounts(rep.Pushed) != 0 {
			t.Errorf("a later round pushed %v: something was left over", rep.Pushed)
		}

		// Where the server keeps history: exactly two new versions of each,
		// in the order the nurse made them.
		if h := r.history(msgKey); h != nil {
			var states []string
			for _, v := range h {
				states = append(states, str(extOf(v, extAdmin), "valueCoding", "code"))
			}
			if !slices.Equal(states, []string{"activate", "read", "activate"}) {
				t.Errorf("%s read states, newest first: %v, want [activate read activate]", msgKey, states)
			}
		}
		if h := r.history(srKey); h != nil {
			var highs []string
			for _, v := range h {
				highs = append(highs, fmt.Sprint(yellowHigh(v)))
			}
			if !slices.Equal(highs, []string{"[70]", "[80]", "[100]"}) {
				t.Errorf("%s yellow-high limits, newest first: %v, want [70] [80] [100]", srKey, highs)
			}
		}
		if h := r.history(planKey); h != nil && len(h) != 3 {
			t.Errorf("%s has %d versions, want 3 (seeded and two changes)", planKey, len(h))
		}
	})
}

// interopQuit goes back to the unfiltered worklist one screen at a time,
// waiting for each screen to change, then quits and checks the exit.
func interopQuit(con *actConsole) {
	con.t.Helper()
	plain := func(s string) bool { return strings.Contains(s, "enter åbn borger") && !strings.Contains(s, "Søg:") }
	for range 8 {
		scr := con.screen()
		if plain(scr) {
			break
		}
		con.send("Escape")
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if con.screen() != scr {
				break
			}
		}
	}
	con.waitFor("the plain worklist", plain)
	con.pressQuit()
}
