package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls cond until it holds or 30 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func getJSON(t *testing.T, url, token string, v any) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode
}

func TestClassroomStartGivesEachTraineeALoginAndHerOwnPatients(t *testing.T) {
	dir := t.TempDir()
	db, logins := filepath.Join(dir, "classroom.db"), filepath.Join(dir, "logins")
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuf{}
	done := make(chan error, 1)
	go func() {
		cmd := rootCmd()
		cmd.SetOut(out)
		cmd.SetErr(out)
		cmd.SetArgs([]string{"classroom", "start", "--scenario", "forste-dag", "--trainees", "3", "--db", db, "--out", logins, "--addr", "127.0.0.1:0", "--tick", "50ms"})
		done <- cmd.ExecuteContext(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	urlRe := regexp.MustCompile(`på (http://127\.0\.0\.1:\d+)`)
	waitFor(t, "the logins", func() bool { return strings.Contains(out.String(), "Kursist 3:") })
	url := urlRe.FindStringSubmatch(out.String())[1]

	tokens := map[int]string{}
	for n := 1; n <= 3; n++ {
		base := filepath.Join(logins, "kursist-0"+string(rune('0'+n)))
		for _, p := range []string{base + ".yaml", base + ".token"} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s mode %v, want 0600", p, fi.Mode().Perm())
			}
		}
		cfg, _ := os.ReadFile(base + ".yaml")
		if !strings.Contains(string(cfg), "url: "+url) || !strings.Contains(string(cfg), "token_file: "+base+".token") {
			t.Errorf("config of trainee %d does not connect to the classroom:\n%s", n, cfg)
		}
		if !strings.Contains(out.String(), "telehjerte-tui --config "+base+".yaml") {
			t.Errorf("no console command printed for trainee %d:\n%s", n, out.String())
		}
		tok, _ := os.ReadFile(base + ".token")
		tokens[n] = strings.TrimSpace(string(tok))
	}

	// The central says it holds test data (standard: v3-ActReason HTEST).
	var cs fhir.CapabilityStatement
	getJSON(t, url+"/metadata", "", &cs)
	if cs.Meta == nil || len(cs.Meta.Tag) == 0 || cs.Meta.Tag[0].Code != fhir.CodeTestData {
		t.Errorf("CapabilityStatement not tagged as test data: %+v", cs.Meta)
	}
	// Each login is the trainee by name and sees her own copy only.
	var who map[string]any
	getJSON(t, url+"/"+fhir.OpWhoAmI, tokens[2], &who)
	if b, _ := json.Marshal(who); !strings.Contains(string(b), "Kursist 2") {
		t.Errorf("$whoami for trainee 2: %s", b)
	}
	var bundle fhir.Bundle
	if st := getJSON(t, url+"/Patient", tokens[1], &bundle); st != http.StatusOK {
		t.Fatalf("Patient search: %d", st)
	}
	if len(bundle.Entry) != 3 {
		t.Errorf("trainee 1 sees %d patients, want her 3", len(bundle.Entry))
	}
	for _, e := range bundle.Entry {
		if b, _ := json.Marshal(e.Resource); !strings.Contains(string(b), "ovelse-k01-") {
			t.Errorf("trainee 1 sees another copy's patient: %s", b)
		}
	}

	// A classroom's database is not served as an ordinary central, and a
	// classroom does not start on an existing database.
	if _, err := run(t, "serve", "--db", db, "--token", "abcdefghij=Practitioner/x"); err == nil || !strings.Contains(err.Error(), "training classroom") {
		t.Errorf("serve opened the classroom's database: %v", err)
	}
	if _, err := run(t, "classroom", "start", "--db", db, "--out", filepath.Join(dir, "x")); err == nil || !strings.Contains(err.Error(), "new database") {
		t.Errorf("classroom started on an existing database: %v", err)
	}
	// Nor are the instructor's commands run on any other database.
	seeded := filepath.Join(dir, "seeded.db")
	if o, err := run(t, "seed", "--db", seeded, "--patients", "2", "--days", "3"); err != nil {
		t.Fatal(err, o)
	}
	for _, args := range [][]string{{"status"}, {"clock", "+1d"}, {"reset", "--all"}, {"fire", "bent-puls"}} {
		if _, err := run(t, append([]string{"classroom", args[0], "--db", seeded}, args[1:]...)...); err == nil || !strings.Contains(err.Error(), "not a classroom's database") {
			t.Errorf("classroom %s on a seeded database: %v", args[0], err)
		}
	}

	// The instructor moves the clock a day: the serving central follows.
	if o, err := run(t, "classroom", "clock", "--db", db, "+1d"); err != nil || !strings.Contains(o, "start +1d00h00m") {
		t.Fatalf("clock +1d: %v %s", err, o)
	}
	csv, err := run(t, "classroom", "status", "--db", db, "--format", "csv")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(csv, "trainee,case_id,case,state,found\n") || strings.Count(csv, "\n") != 1+3*4 {
		t.Errorf("status csv:\n%s", csv)
	}
	if strings.Contains(csv, "løst") {
		t.Errorf("a case counts as done or done wrongly though nobody did anything:\n%s", csv)
	}
}
