package main

// The interoperability suite: the real console binary —
// `sync --once`, `worklist --format json`, and the console in tmux
// acknowledging, messaging, editing a regime and planning cover — against
// an independent FHIR R4 server (Medplum's FHIR router, in memory) and
// against telehjerte-central, seeded alike over plain FHIR REST (rig in
// interop_rig_test.go, clinic in interop_seed_test.go). After the actions
// every resource on the server is compared with its state before: exactly
// what the nurse did, once each, and nothing else changed.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func newTestUUID(t *testing.T) string {
	t.Helper()
	return uuid.NewString()
}

// interopEnv is the console's environment against srv as the home team's
// nurse, with its cache at cachePath.
func interopEnv(t *testing.T, c *interopClinic, cachePath string, extra ...string) []string {
	t.Helper()
	return isolatedEnv(t, append([]string{
		"TELEHJERTE_CENTRAL_URL=" + c.srv.url,
		"TELEHJERTE_CENTRAL_TOKEN=" + interopNurseToken,
		"TELEHJERTE_USER=" + c.nurse,
		"TELEHJERTE_CACHE_PATH=" + cachePath,
	}, extra...)...)
}

// worklistRow is the part of a `worklist --format json` row the suite
// reads.
type worklistRow struct {
	Status    string `json:"status"`
	PatientID string `json:"patient_id"`
	Name      string `json:"name"`
	CPR       string `json:"cpr"`
	Open      struct {
		New          int `json:"new"`
		Red          int `json:"red"`
		Green        int `json:"green"`
		Unclassified int `json:"unclassified"`
		Unread       int `json:"unread"`
	} `json:"open"`
	Latest map[string]struct {
		Value float64 `json:"value"`
		Color string  `json:"color"`
	} `json:"latest"`
	Team struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"team"`
	Reminders []struct {
		Kind string `json:"kind"`
		Days int    `json:"days"`
		Of   int    `json:"of"`
	} `json:"reminders"`
}

func interopWorklist(t *testing.T, bin string, env []string) map[string]worklistRow {
	t.Helper()
	out, stderr, err := runBinary(t, bin, env, "worklist", "--format", "json", "--all")
	if err != nil {
		t.Fatalf("worklist: %v\n%s", err, stderr)
	}
	var rows []worklistRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("worklist JSON: %v\n%s", err, out)
	}
	m := map[string]worklistRow{}
	for _, r := range rows {
		m[r.PatientID] = r
	}
	return m
}

func syncOnce(t *testing.T, bin string, env []string) syncJSON {
	t.Helper()
	out, stderr, err := runBinary(t, bin, env, "sync", "--once", "--json")
	if err != nil {
		t.Fatalf("sync --once: %v\nstdout:\n%s\nstderr:\n%s", err, out, stderr)
	}
	var rep syncJSON
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("sync --once --json: %v\n%s", err, out)
	}
	if !rep.OK || rep.Error != "" || rep.Outbox.Pending != 0 {
		t.Fatalf("sync --once: %+v\n%s", rep, stderr)
	}
	return rep
}

// The console pulls a clinic it did not seed itself from the server,
// shows it correctly in the worklist, pulls only what is new on later
// rounds (_lastUpdated ge + _sort, opaque versionIds) and writes nothing
// to the server while doing so.
func TestInteropSyncOnceAndWorklist(t *testing.T) {
	forEachServer(t, func(t *testing.T, srv *interopServer) {
		c := seedClinic(t, srv)
		r := srv.as(t, interopNurseToken)
		before := r.snapshot()
		bin := buildBinary(t)
		env := interopEnv(t, c, filepath.Join(t.TempDir(), "replica.sqlite"))

		rep := syncOnce(t, bin, env)
		tasks := 2
		if srv.triages {
			tasks = 3
		}
		orgs := 2
		if srv.noOrganizations {
			orgs = 0
		}
		want := map[string]int{"ClinicalImpression": tasks, "Organization": orgs, "CareTeam": 2, "Practitioner": 2, "Patient": 3, "EpisodeOfCare": 3,
			"ServiceRequest": 3, "CarePlan": 3, "Observation": 3, "Task": tasks, "Communication": 1}
		for typ, n := range want {
			if rep.Pulled[typ] != n {
				t.Errorf("first sync pulled %d %s, want %d (report %v)", rep.Pulled[typ], typ, n, rep.Pulled)
			}
		}
		rep = syncOnce(t, bin, env)
		for typ, n := range rep.Pulled {
			if n != 0 {
				t.Errorf("second sync pulled %d %s again, want nothing new", n, typ)
			}
		}

		rows := interopWorklist(t, bin, env)
		if len(rows) != 3 {
			t.Fatalf("worklist has %d patients, want 3: %v", len(rows), rows)
		}
		red, green, untri := rows[c.red.id], rows[c.green.id], rows[c.untri.id]
		if red.Name != nameRed || red.Status != "red" || red.Open.Red != 1 || red.Latest["pulse"].Value != 38 || red.Latest["pulse"].Color != "red" {
			t.Errorf("the red patient's row: %+v", red)
		}
		if red.CPR != "010150-xxxx" || red.Team.ID != c.teamHome || red.Team.Name != teamHomeName {
			t.Errorf("the red patient's CPR or team: %+v", red)
		}
		// Her regime has expected a daily reading for 30 days and she sent
		// only today's: the console's course rule flags her as failing to
		// measure (7 of the last 7 days; 6 when run just after midnight, as
		// her readings of the last hours then fill yesterday), which ranks
		// above her message.
		failing := len(green.Reminders) == 1 && green.Reminders[0].Kind == "failing-to-measure" && green.Reminders[0].Days >= 6 && green.Reminders[0].Of == 7
		if green.Name != nameGreen || green.Status != "missing" || !failing || green.Open.Unread != 1 || green.Open.Green != 1 || green.Latest["pulse"].Color != "green" {
			t.Errorf("the green patient's row (failing to measure, an unread message, a green reading): %+v", green)
		}
		if untri.Name != nameUntriaged || untri.Latest["pulse"].Value != 38 {
			t.Errorf("the third patient's row: %+v", untri)
		}
		untriRed := untri.Status == "red" && untri.Latest["pulse"].Color == "red" && untri.Open.Red == 1
		if srv.triages {
			if !untriRed {
				t.Errorf("a pulse of 38 the server triaged shows as %+v, want red", untri)
			}
		} else {
			expect(t, untriRed, "a pulse of 38 the server did not triage shows as status %q, colour %q, %d open red (want red, red, 1)",
				untri.Status, untri.Latest["pulse"].Color, untri.Open.Red)
		}

		// A new reading on the server reaches the worklist on the next
		// round, and nothing else is pulled again.
		createRedPulse(t, srv, r, c)
		rep = syncOnce(t, bin, env)
		if rep.Pulled["Observation"] != 1 || rep.Pulled["Task"] != 1 || rep.Pulled["Patient"] != 0 || rep.Pulled["CarePlan"] != 0 {
			t.Errorf("sync after one new reading pulled %v, want 1 Observation and 1 Task", rep.Pulled)
		}
		green = interopWorklist(t, bin, env)[c.green.id]
		if green.Status != "red" || green.Latest["pulse"].Value != 118 || green.Open.Red != 1 {
			t.Errorf("after a red pulse of 118 the green patient's row is %+v", green)
		}

		// Pulling wrote nothing: the server holds what the seed and the
		// new reading made, unchanged.
		after := r.snapshot()
		for key, b := range before {
			a, ok := after[key]
			if !ok {
				t.Errorf("%s disappeared from the server", key)
				continue
			}
			if d := changedPaths(b, a); len(d) > 0 {
				t.Errorf("%s changed on the server though the console only pulled: %v", key, d)
			}
		}
	})
}

// interopAllowed are, per resource the nurse's actions change, the JSON
// paths the action is meant to change (besides meta.versionId and
// meta.lastUpdated). Extension arrays are compared by url (see keyed).
type interopAllowed map[string][]string

// keyed rewrites every extension array in v into an object keyed by url
// ("url#n" for the n-th repeat), so a changed extension is told apart from
// one that moved in the array.
func keyed(v any) any {
	switch x := v.(type) {
	case obj:
		out := obj{}
		for k, e := range x {
			if arr, ok := e.([]any); ok && (k == "extension" || k == "modifierExtension") {
				m := obj{}
				seen := map[string]int{}
				for _, item := range arr {
					u, _ := at(item, "url").(string)
					key := fmt.Sprintf("[%s]#%d", u, seen[u])
					seen[u]++
					m[key] = keyed(item)
				}
				out[k] = m
				continue
			}
			out[k] = keyed(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = keyed(e)
		}
		return out
	}
	return v
}

func keyedObj(o obj) obj { k, _ := keyed(o).(obj); return k }

// extPath is the keyed path of the first extension with url.
func extPath(url string) string { return "/extension/[" + url + "]#0" }

// The nurse acknowledges a red reading, lowers a pulse limit, plans
// holiday cover, marks a message read, answers it and acknowledges a green
// reading whose Task is FUT-shaped (on Medplum) in the console; the server then holds
// exactly that, once each, and nothing else changed.
func TestInteropConsoleActions(t *testing.T) {
	requireTmux(t)
	forEachServer(t, func(t *testing.T, srv *interopServer) {
		c := seedClinic(t, srv)
		r := srv.as(t, interopNurseToken)
		before := r.snapshot()

		cachePath := filepath.Join(t.TempDir(), "replica.sqlite")
		env := interopEnv(t, c, cachePath, "TELEHJERTE_SYNC_INTERVAL=1s")
		con := &actConsole{tmuxSession: startTmux(t, buildBinary(t), env), bin: buildBinary(t), cache: cachePath, env: env}
		con.waitFor("the synced worklist", func(s string) bool {
			return strings.Contains(s, "● online") && strings.Contains(s, nameRed) && strings.Contains(s, nameGreen)
		})

		// 1. Acknowledge the red reading (its review Task).
		con.openPatient(nameRed)
		con.send("5")
		con.send("x")
		con.waitFor("the one-item acknowledgement", func(s string) bool {
			return strings.Contains(s, "Kvitter Puls 38") && strings.Contains(s, "for "+nameRed+"?")
		})
		con.send("Enter")
		eventually(t, "the red reading's task completed on the server", func() (bool, string) {
			st := str(r.read("Task", c.red.task), "status")
			return st == "completed", st
		})

		// 2. Lower the pulse yellow-high limit from 100 to 80 (the 30th
		// field of the regime form, as in the central's e2e test).
		con.toPulseYellowHigh(nameRed, "Puls ligger lavt")
		con.send("End", "C-u")
		con.send("-l", "80")
		con.waitFor("the new pulse limits", func(s string) bool { return pulseRow(s) == "> Puls 40 45 80 110" })
		con.send("C-s")
		con.waitFor("the regime saved", func(s string) bool { return strings.Contains(s, "Ny version af måleregimet gemt.") })
		eventually(t, "the new limit on the server", func() (bool, string) {
			sr := r.read("ServiceRequest", c.red.pulseSR)
			return slices.Contains(yellowHigh(sr), 80), fmt.Sprint(yellowHigh(sr))
		})

		// 3. Plan holiday cover for this patient: the other team, from
		// tomorrow for three days.
		con.send("t")
		con.waitFor("the responsibility form", func(s string) bool { return strings.Contains(s, "Monitoreringsansvar for "+nameRed) })
		con.send("Tab", "Tab")
		con.send("-l", clinicDate(t, 1))
		con.send("Tab")
		con.send("-l", clinicDate(t, 3))
		con.send("C-s")
		con.waitFor("the cover planned", func(s string) bool { return strings.Contains(s, teamCoverName+" dækker "+clinicDate(t, 1)[:5]) })
		eventually(t, "the cover on the server", func() (bool, string) {
			e := r.read("EpisodeOfCare", c.red.episode)
			return extOf(e, extCover) != nil, jsonText(at(e, "extension"))
		})

		// 4. Mark the green patient's message read and answer it.
		// Back to the whole worklist, one screen at a time (an escape
		// followed at once by another key would read as alt+key).
		con.send("Escape")
		con.waitFor("the worklist", func(s string) bool {
			return !strings.Contains(s, "Vægtkurve") && strings.Contains(s, "Søg: "+nameRed)
		})
		con.send("Escape")
		con.waitFor("the filter cleared", func(s string) bool {
			_, ok := worklistRows(s)[nameGreen]
			return ok && !strings.Contains(s, "/ "+nameRed)
		})
		con.openPatient(nameGreen)
		con.send("4")
		con.waitFor("the patient's message", func(s string) bool { return strings.Contains(s, "Hjertebanken") })
		con.send("u") // mark it read
		title := "Svar fra klinikken"
		body := "Vi ringer til dig i dag."
		con.send("n")
		con.waitFor("the composer", func(s string) bool { return strings.Contains(s, "Besked til "+nameGreen) })
		con.send("-l", title)
		con.send("Tab")
		con.send("-l", body)
		con.waitFor("the typed body", func(s string) bool { return strings.Contains(s, "i dag.") })
		con.send("C-s")
		con.waitFor("the message sent", func(s string) bool { return strings.Contains(messageHead(s, title), "✓ sendt") })
		eventually(t, "the message on the server", func() (bool, string) {
			n := 0
			for _, m := range r.search("Communication", map[string][]string{"subject": {"Patient/" + c.green.id}}) {
				if str(m, "topic", "text") == title {
					n++
				}
			}
			return n == 1, fmt.Sprint(n, " messages")
		})
		// 5. Acknowledge the green reading (on Medplum its Task is
		// FUT-shaped: focus on the triage ClinicalImpression).
		con.send("5")
		con.send("x")
		con.waitFor("the green reading's acknowledgement", func(s string) bool {
			return strings.Contains(s, "Kvitter Puls 72") && strings.Contains(s, "for "+nameGreen+"?")
		})
		con.send("Enter")
		eventually(t, "the green reading's task completed on the server", func() (bool, string) {
			st := str(r.read("Task", c.green.task), "status")
			return st == "completed", st
		})
		eventually(t, "the patient's message read on the server", func() (bool, string) {
			m := r.read("Communication", c.green.message)
			e := extOf(m, extAdmin)
			return str(e, "valueCoding", "code") == "read", jsonText(at(m, "extension"))
		})
		con.send("C-r")
		con.waitFor("a settled round", func(s string) bool { return strings.Contains(s, "● online") })
		interopQuit(con)

		// One more round from the same cache: nothing left to send.
		rep := syncOnce(t, con.bin, env)
		if rep.Pushed != nil && sumCounts(rep.Pushed) != 0 {
			t.Errorf("a later round pushed %v: the actions were sent more than once", rep.Pushed)
		}

		checkServerAfterActions(t, c, r, before, r.snapshot(), title, body)
	})
}

func sumCounts(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// yellowHigh lists the yellow (GAL) high limits in a ServiceRequest's
// ehealth-referenceRange extensions.
func yellowHigh(sr obj) []float64 {
	var out []float64
	exts, _ := at(sr, "extension").([]any)
	for _, e := range exts {
		if str(e, "url") != extRefRange {
			continue
		}
		level, high := "", -1.0
		subs, _ := at(e, "extension").([]any)
		for _, s := range subs {
			switch str(s, "url") {
			case "type":
				codings, _ := at(s, "valueCodeableConcept", "coding").([]any)
				for _, cd := range codings {
					if str(cd, "system") == sysAlarm {
						level = str(cd, "code")
					}
				}
			case "high":
				if v, ok := at(s, "valueQuantity", "value").(float64); ok {
					high = v
				}
			}
		}
		if level == "GAL" {
			out = append(out, high)
		}
	}
	return out
}

// checkServerAfterActions compares every resource on the server with its
// state before the actions.
func checkServerAfterActions(t *testing.T, c *interopClinic, r *rest, before, after snapshot, title, body string) {
	t.Helper()
	// Created: exactly one assessment of each acknowledged reading and one
	// message.
	var created []string
	for key := range after {
		if _, ok := before[key]; !ok {
			created = append(created, key)
		}
	}
	sort.Strings(created)
	var assessments, messages []obj
	for _, key := range created {
		o := after[key]
		switch {
		case strings.HasPrefix(key, "ClinicalImpression/") && str(o, "code", "coding", 0, "code") == "MeasurementAssessment":
			assessments = append(assessments, o)
		case strings.HasPrefix(key, "Communication/") && str(o, "topic", "text") == title:
			messages = append(messages, o)
		default:
			t.Errorf("the server holds a new %s nobody asked for:\n%s", key, jsonText(o))
		}
	}
	if len(assessments) != 2 {
		t.Errorf("%d assessments created, want 2 (the red and the green reading)", len(assessments))
	}
	if len(messages) != 1 {
		t.Errorf("%d messages titled %q created, want 1", len(messages), title)
	}
	for key := range before {
		if _, ok := after[key]; !ok {
			t.Errorf("%s was deleted from the server", key)
		}
	}

	// The assessments: one of each reading, by the nurse, after its triage.
	for _, p := range []*interopPatient{c.red, c.green} {
		var mine []obj
		for _, a := range assessments {
			if str(a, "investigation", 0, "item", 0, "reference") == "Observation/"+p.reading {
				mine = append(mine, a)
			}
		}
		if len(mine) != 1 {
			t.Errorf("%d assessments of %s's reading Observation/%s, want 1", len(mine), p.name, p.reading)
			continue
		}
		a := mine[0]
		if got := str(a, "assessor", "reference"); got != "Practitioner/"+c.nurse {
			t.Errorf("the assessment's assessor is %q, want Practitioner/%s", got, c.nurse)
		}
		prev := str(a, "previous", "reference")
		status, _, _ := r.do(http.MethodGet, prev, nil, nil)
		ok := prev == "ClinicalImpression/"+p.triage && status == http.StatusOK
		msg := fmt.Sprintf("the assessment of %s's reading has previous %q (GET: %d), want the triage ClinicalImpression/%s the server holds",
			p.name, prev, status, p.triage)
		expect(t, ok, "%s", msg)
	}
	// The message: to the patient, from the nurse.
	if len(messages) == 1 {
		m := messages[0]
		if str(m, "subject", "reference") != "Patient/"+c.green.id || str(m, "payload", 0, "contentString") != body {
			t.Errorf("the message: %s", jsonText(m))
		}
		if got := str(m, "sender", "reference"); got != "Practitioner/"+c.nurse {
			t.Errorf("the message's sender is %q, want Practitioner/%s", got, c.nurse)
		}
	}

	// Changed: exactly the resources the actions address, and in each only
	// the fields the action changes.
	allowed := interopAllowed{
		"Task/" + c.red.task:               {"/status", "/owner", "/executionPeriod", "/lastModified", "/note"},
		"Task/" + c.green.task:             {"/status", "/owner", "/executionPeriod", "/lastModified", "/note"},
		"CarePlan/" + c.red.plan:           {"/author", extPath(extReason), extPath(extEffective), extPath(extReeval)},
		"ServiceRequest/" + c.red.pulseSR:  {"/extension/[" + extRefRange + "]#1"},
		"EpisodeOfCare/" + c.red.episode:   {"/extension/[" + extCover + "]#0"},
		"Communication/" + c.green.message: {extPath(extAdmin), extPath(extThread)},
	}
	var changed, beyond []string
	for key, b := range before {
		a, ok := after[key]
		if !ok || len(changedPaths(b, a)) == 0 {
			continue
		}
		changed = append(changed, key)
		paths, meant := allowed[key]
		if !meant {
			t.Errorf("%s changed though no action addresses it: %v", key, changedPaths(b, a))
			continue
		}
		if extra := diffOutside(keyedObj(b), keyedObj(a), paths...); len(extra) > 0 {
			beyond = append(beyond, fmt.Sprintf("%s: the write changed %v beyond what the action changes\nbefore: %s\nafter: %s",
				key, extra, jsonText(b), jsonText(a)))
		}
	}
	expect(t, len(beyond) == 0, "%s", strings.Join(beyond, "\n"))
	for key := range allowed {
		if !slices.Contains(changed, key) {
			t.Errorf("%s did not change on the server, though an action addresses it", key)
		}
	}

	// Every reference the console wrote names a resource the server holds
	// (references the seed itself made are not the console's).
	seeded := map[string]bool{}
	for _, o := range before {
		for _, ref := range references(o) {
			seeded[ref] = true
		}
	}
	var dangling []string
	for _, key := range append(append([]string{}, created...), changed...) {
		for _, ref := range references(after[key]) {
			if _, ok := after[ref]; ok || seeded[ref] || !strings.Contains(ref, "/") {
				continue
			}
			if status, _, _ := r.do(http.MethodGet, ref, nil, nil); status != http.StatusOK {
				dangling = append(dangling, fmt.Sprintf("%s refers to %s (GET: %d)", key, ref, status))
			}
		}
	}
	expect(t, len(dangling) == 0, "references to resources the server does not hold:\n%s", strings.Join(dangling, "\n"))

	// The Task: completed by the nurse.
	task := after["Task/"+c.red.task]
	if str(task, "status") != "completed" || str(task, "owner", "reference") != "Practitioner/"+c.nurse {
		t.Errorf("the red reading's task: %s", jsonText(task))
	}
	// The cover: the other team.
	if e := extOf(after["EpisodeOfCare/"+c.red.episode], extCover); !strings.Contains(jsonText(e), "CareTeam/"+c.teamCover) {
		t.Errorf("the cover extension names no CareTeam/%s: %s", c.teamCover, jsonText(e))
	}

	// Each update was one write: where the server keeps history, the
	// resource has exactly one version more.
	for _, key := range changed {
		bv, av := versionOf(before[key]), versionOf(after[key])
		status, _, raw := r.do(http.MethodGet, key+"/_history", nil, nil)
		if status != http.StatusOK {
			continue // no _history on this server (telehjerte-central)
		}
		var h struct {
			Entry []struct {
				Resource obj `json:"resource"`
			} `json:"entry"`
		}
		if err := json.Unmarshal(raw, &h); err != nil {
			t.Fatalf("%s/_history: %v", key, err)
		}
		var versions []string
		for _, e := range h.Entry {
			versions = append(versions, versionOf(e.Resource))
		}
		if len(versions) != 2 || !slices.Contains(versions, bv) || !slices.Contains(versions, av) {
			t.Errorf("%s has versions %v, want exactly %s (seeded) and %s (the action)", key, versions, bv, av)
		}
	}
}

// references lists the relative literal references ("Type/id") in v.
func references(v any) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case obj:
			if r, ok := x["reference"].(string); ok && !strings.HasPrefix(r, "#") && !strings.Contains(r, ":") {
				out = append(out, r)
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// Rounds that search past a settled watermark (_lastUpdated=gt) work on
// every server: the console stays online while it asks so, and a reading
// created on the server afterwards reaches the worklist.
func TestInteropSettledRoundsPullANewReading(t *testing.T) {
	requireTmux(t)
	forEachServer(t, func(t *testing.T, srv *interopServer) {
		c := seedClinic(t, srv)
		r := srv.as(t, interopNurseToken)
		front, log := loggingProxy(t, srv.url)
		viaProxy := *c
		viaProxy.srv = &interopServer{name: srv.name, url: front}
		cachePath := filepath.Join(t.TempDir(), "replica.sqlite")
		env := interopEnv(t, &viaProxy, cachePath, "TELEHJERTE_SYNC_INTERVAL=1s", "TELEHJERTE_SYNC_SETTLE=1s")
		bin := buildBinary(t)
		con := &actConsole{tmuxSession: startTmux(t, bin, env), bin: bin, cache: cachePath, env: env}
		con.waitFor("the synced worklist", func(s string) bool {
			return strings.Contains(s, "● online") && strings.Contains(s, nameRed) && strings.Contains(s, nameGreen)
		})
		eventually(t, "two searches past the settled Observation watermark", func() (bool, string) {
			n, all := log.count("gt")
			return n >= 2, fmt.Sprintf("%d of %d", n, all)
		})
		con.waitFor("the console online after searching with gt", func(s string) bool { return strings.Contains(s, "● online") })

		_, asked := log.count("")
		createRedPulse(t, srv, r, c)
		eventually(t, "the new reading on the worklist", func() (bool, string) {
			g := interopWorklist(t, bin, env)[c.green.id]
			return g.Status == "red" && g.Latest["pulse"].Value == 118, fmt.Sprintf("%+v", g)
		})
		// The rounds were still past the watermark when the reading came:
		// a gt search brought it.
		if next := log.after(asked); len(next) == 0 || !strings.HasPrefix(next[0], "gt") {
			t.Errorf("the searches after the reading was created: %q, want the first past the settled watermark", next)
		}
		interopQuit(con)
	})
}

// createRedPulse creates a pulse of 118 for the green patient on the
// server, triaged red: by the server, or as the rig triages for one that
// does not.
func createRedPulse(t *testing.T, srv *interopServer, r *rest, c *interopClinic) {
	t.Helper()
	taken := time.Now().UTC().Truncate(time.Second)
	o := obj{"resourceType": "Observation", "status": "final",
		"code": concept(sysNPU, codePulse), "subject": ref("Patient", c.green.id),
		"effectiveDateTime": instant(taken), "valueQuantity": qty(118, pulseUnit)}
	if !srv.triages {
		o["interpretation"] = []any{concept(sysColour, "red")}
		o["referenceRange"] = pulseReferenceRanges()
	}
	o = r.create(o)
	if !srv.triages {
		p := *c.green
		p.reading, p.colour = idOf(o), "red"
		c.seedTriage(t, r, &p, taken, false)
	}
}
