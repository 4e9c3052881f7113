package main

// The rig for the end-to-end tests of the nurse actions: the real
// telehjerte-central (seeded, served on loopback, restartable with a moved
// clock) and the real console in tmux syncing with it.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/demo"
)

// actCentral is a seeded central served by the telehjerte-central binary.
type actCentral struct {
	t          *testing.T
	bin        string
	db, tokens string
	addr, url  string
	// token maps a principal ("Practitioner/x", "Patient/y") to its token.
	token map[string]string
	serve *exec.Cmd
	log   *lockedBuffer
}

// actPatients are the demo patients given patient tokens.
var actPatients = []string{"pat-0001", "pat-0003", "pat-0004"}

// newActCentral seeds a 12-patient, 14-day demo clinic (the ten story
// patients and two more), adds patient tokens and serves it.
func newActCentral(t *testing.T) *actCentral {
	t.Helper()
	c := &actCentral{t: t, bin: buildCentral(t), token: map[string]string{}}
	dir := t.TempDir()
	c.db, c.tokens = filepath.Join(dir, "central.db"), filepath.Join(dir, "tokens.json")
	if out, err := exec.Command(c.bin, "seed", "--db", c.db, "--patients", "12", "--days", "14", "--tokens-out", c.tokens).CombinedOutput(); err != nil {
		t.Fatalf("telehjerte-central seed: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(c.tokens)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for i, p := range actPatients {
		m[fmt.Sprintf("e2e-patient-token-%02d-0123456789", i)] = "Patient/" + p
	}
	for tok, who := range m {
		c.token[who] = tok
	}
	raw, _ = json.Marshal(m)
	if err := os.WriteFile(c.tokens, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	c.addr = freeAddr(t)
	c.url = "http://" + c.addr
	c.start("0")
	t.Cleanup(c.stop)
	return c
}

// lockedBuffer collects a child process's output; the test may read it
// while the process still writes (a race on a bare strings.Builder).
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// start serves the central with its clock moved by offset and waits until
// it answers.
func (c *actCentral) start(offset string) {
	c.t.Helper()
	c.log = &lockedBuffer{}
	c.serve = exec.Command(c.bin, "serve", "--addr", c.addr, "--db", c.db, "--tokens", c.tokens, "--scan-every", "0", "--clock-offset", offset)
	c.serve.Stdout, c.serve.Stderr = c.log, c.log
	if err := c.serve.Start(); err != nil {
		c.t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(c.url + "/metadata")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("central did not come up on %s: %v\n%s", c.url, err, c.log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (c *actCentral) stop() {
	if c.serve != nil && c.serve.Process != nil {
		_ = c.serve.Process.Kill()
		_ = c.serve.Wait()
		c.serve = nil
	}
}

// restart serves the same database again with a new clock offset.
func (c *actCentral) restart(offset string) {
	c.t.Helper()
	c.stop()
	c.start(offset)
}

// nurseToken is the token of a practitioner.
func (c *actCentral) nurseToken(id string) string {
	c.t.Helper()
	tok := c.token["Practitioner/"+id]
	if tok == "" {
		c.t.Fatalf("no token for %s", id)
	}
	return tok
}

// fhirRes is the part of a resource the tests read.
type fhirRes struct {
	ResourceType string `json:"resourceType"`
	ID           string `json:"id"`
	Status       string `json:"status"`
	Meta         struct {
		VersionID string `json:"versionId"`
	} `json:"meta"`
	For *struct {
		Reference string `json:"reference"`
	} `json:"for"`
	Code *struct {
		Coding []struct {
			Code string `json:"code"`
		} `json:"coding"`
	} `json:"code"`
	Payload []struct {
		ContentString string `json:"contentString"`
	} `json:"payload"`
	Interpretation []struct {
		Coding []struct {
			Code string `json:"code"`
		} `json:"coding"`
	} `json:"interpretation"`
	Raw json.RawMessage `json:"-"`
}

// search reads every resource of typ matching query (all pages) as
// practitioner who.
func (c *actCentral) search(who, typ string, query url.Values) []fhirRes {
	c.t.Helper()
	if query == nil {
		query = url.Values{}
	}
	query.Set("_count", "500")
	next := c.url + "/" + typ + "?" + query.Encode()
	var out []fhirRes
	for next != "" {
		var b struct {
			Link []struct {
				Relation string `json:"relation"`
				URL      string `json:"url"`
			} `json:"link"`
			Entry []struct {
				Resource json.RawMessage `json:"resource"`
			} `json:"entry"`
		}
		c.get(who, next, &b)
		next = ""
		for _, l := range b.Link {
			if l.Relation == "next" {
				next = l.URL
			}
		}
		for _, e := range b.Entry {
			var r fhirRes
			if err := json.Unmarshal(e.Resource, &r); err != nil {
				c.t.Fatalf("%s: %v", typ, err)
			}
			r.Raw = e.Resource
			out = append(out, r)
		}
	}
	return out
}

// read reads one resource as practitioner who.
func (c *actCentral) read(who, typ, id string) fhirRes {
	c.t.Helper()
	var r fhirRes
	c.get(who, c.url+"/"+typ+"/"+id, &r)
	return r
}

func (c *actCentral) get(who, u string, v any) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.nurseToken(who))
	req.Header.Set("Accept", "application/fhir+json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("GET %s: %v", u, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		c.t.Fatalf("GET %s: %s\n%s", u, res.Status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		c.t.Fatalf("GET %s: %v", u, err)
	}
}

// submit sends one reading as the patient through `telehjerte-central
// patient submit` and returns its output ("... colour yellow").
func (c *actCentral) submit(patient, kind string, value float64) string {
	c.t.Helper()
	cmd := exec.Command(c.bin, "patient", "submit", "--server", c.url, "--patient", patient, "--kind", kind, "--value", fmt.Sprint(value))
	cmd.Env = append(os.Environ(), "TELEHJERTE_PATIENT_TOKEN="+c.token["Patient/"+patient])
	out, err := cmd.CombinedOutput()
	if err != nil {
		c.t.Fatalf("patient submit: %v\n%s", err, out)
	}
	return string(out)
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		var ok bool
		if ok, last = cond(); ok {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s; last: %s", what, last)
}

// actConsole is the console in tmux, in central mode, syncing every
// second, acting as practitioner nurse, its clock moved by offset.
type actConsole struct {
	*tmuxSession
	bin, cache string
	env        []string
}

func startActConsole(t *testing.T, c *actCentral, nurse, offset string) *actConsole {
	t.Helper()
	bin := buildBinary(t)
	cachePath := filepath.Join(t.TempDir(), "replica.sqlite")
	env := isolatedEnv(t,
		"TELEHJERTE_CENTRAL_URL="+c.url,
		"TELEHJERTE_CENTRAL_TOKEN="+c.nurseToken(nurse),
		"TELEHJERTE_USER="+nurse,
		"TELEHJERTE_SYNC_INTERVAL=1s",
		"TELEHJERTE_CACHE_PATH="+cachePath,
		"TELEHJERTE_CLOCK_OFFSET="+offset,
	)
	s := startTmux(t, bin, env)
	return &actConsole{tmuxSession: s, bin: bin, cache: cachePath, env: env}
}

// onWorklist reports whether the screen is the worklist with nothing open
// on it (its footer offers q to quit).
func onWorklist(scr string) bool {
	lines := strings.Split(strings.TrimRight(scr, "\n "), "\n")
	foot := lines[len(lines)-1]
	return (strings.Contains(foot, "q afslut") || strings.Contains(foot, "q quit")) &&
		(strings.Contains(scr, " St Navn") || strings.Contains(scr, " St Name"))
}

// quit leaves the console and checks it exited cleanly: back to the
// worklist one screen at a time, each escape answered (the screen changed)
// before the next key; no fixed pauses, which timed out on a loaded
// machine.
func (a *actConsole) quit() {
	a.t.Helper()
	for range 6 {
		scr := a.screen()
		if onWorklist(scr) {
			break
		}
		a.send("Escape")
		a.waitFor("the escape to be taken", func(s string) bool { return s != scr })
	}
	a.waitFor("the worklist", onWorklist)
	a.pressQuit()
}

// pressQuit presses q once on the worklist and checks the console exited
// cleanly. The screen may change for other reasons (the status bar) while
// an escape is still unread, so the q can reach the program together with
// it: the console takes that as the escape and then q
// (TestE2EEscapeAndQuitWhileBusy), and one q is all a nurse needs.
func (a *actConsole) pressQuit() {
	a.t.Helper()
	a.send("q")
	scr := a.waitFor("the console to exit after one q", func(scr string) bool { return strings.Contains(scr, "EXITED") })
	if !strings.Contains(scr, "EXITED 0") {
		a.t.Errorf("console did not exit cleanly:\n%s", scr)
	}
}

// The demo clinic's home team and its cover team (with its own nurse).
const (
	actNurse      = demo.NurseA
	actCoverNurse = "prac-demo-nord-nurse-1"
)

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}
