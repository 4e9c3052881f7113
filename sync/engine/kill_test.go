package engine_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
	"github.com/telehjerte/telehjerte-tui/sync/faultproxy"
)

// Environment of the child process in TestKillDuringPush.
const (
	envKillChild = "TELEHJERTE_TEST_KILL_CHILD"
	envKillCache = "TELEHJERTE_TEST_KILL_CACHE"
	envKillURL   = "TELEHJERTE_TEST_KILL_URL"
)

// TestKillChildHelper is the console process that TestKillDuringPush kills:
// it runs one sync round on the given cache and server. It does nothing in
// a normal test run.
func TestKillChildHelper(t *testing.T) {
	if os.Getenv(envKillChild) != "1" {
		t.Skip("only run as the child of TestKillDuringPush")
	}
	st, err := cache.Open(context.Background(), os.Getenv(envKillCache))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cl, err := client.New(client.Options{BaseURL: os.Getenv(envKillURL), Token: tokNurseA, Timeout: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	_, err = engine.New(st, cl, engine.Options{Logger: quiet}).Once(context.Background())
	t.Fatalf("the round ended (%v); it should have been killed", err)
}

// TestKillDuringPush kills the console (SIGKILL) while the server has
// processed a pushed entry but its answer is still on the way (the proxy
// holds it), then restarts: nothing is lost (the outbox still has every
// entry not confirmed) and nothing is on the server twice.
func TestKillDuringPush(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	// The second write is an acknowledgement (PATCH), the third a message
	// (conditional create).
	for _, stallAt := range []int{2, 3} {
		t.Run("write"+strconv.Itoa(stallAt), func(t *testing.T) { killRun(t, stallAt) })
	}
}

func killRun(t *testing.T, stallAt int) {
	c := newCentral(t)
	seedClinic(t, c.store, 3, 3, time.Now())
	px, err := faultproxy.New(c.url(), faultproxy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	writes := 0
	px.Stall(faultproxy.AfterServer, func(r *http.Request) bool {
		if r.Method == http.MethodGet {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		writes++
		return writes == stallAt
	})
	ps := httptest.NewServer(px)
	t.Cleanup(ps.Close)

	// The console syncs, the nurse acts, the console is closed.
	path := filepath.Join(t.TempDir(), "cache.db")
	con := openConsole(t, path, c.url(), tokNurseA, engine.Options{}, client.Options{})
	mustOnce(t, con)
	open := openTasks(t, con)
	if len(open) < 2 {
		t.Fatalf("%d open tasks", len(open))
	}
	type action struct{ uuid, task, version string }
	var acts []action
	add := func(a action) { acts = append(acts, a) }
	add(action{uuid: enqueueMessage(t, con.store, open[0].patient, "første")})
	add(action{uuid: enqueueAck(t, con.store, open[0].id, open[0].version), task: open[0].id, version: open[0].version})
	add(action{uuid: enqueueMessage(t, con.store, open[1].patient, "anden")})
	add(action{uuid: enqueueAck(t, con.store, open[1].id, open[1].version), task: open[1].id, version: open[1].version})
	add(action{uuid: enqueueMessage(t, con.store, open[1].patient, "tredje")})
	if err := con.store.Close(); err != nil {
		t.Fatal(err)
	}

	// The console process pushes through the proxy and is killed while
	// the answer to write stallAt is held.
	killChildAtStall(t, path, ps.URL, px)

	// Restart: entries 1..stallAt-1 were confirmed and are gone; write
	// stallAt is on the server but unconfirmed, so it is still queued, as
	// is everything after it.
	con = openConsole(t, path, c.url(), tokNurseA, engine.Options{}, client.Options{})
	left, err := con.store.Outbox(context.Background(), "", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != len(acts)-(stallAt-1) {
		t.Fatalf("outbox after the kill holds %d entries, want %d", len(left), len(acts)-(stallAt-1))
	}
	for i, e := range left {
		if e.UUID != acts[stallAt-1+i].uuid {
			t.Errorf("outbox[%d] = %s, want %s (order kept)", i, e.UUID, acts[stallAt-1+i].uuid)
		}
	}
	onServer := func(a action) int {
		if a.task == "" {
			return serverCountByIdentifier(t, c.url(), tokNurseA, "Communication", a.uuid)
		}
		tk, vid := serverTask(t, c.url(), tokNurseA, a.task)
		if tk.Status == fhir.TaskStatusCompleted {
			if vid != nextVersion(a.version) {
				t.Errorf("Task/%s completed at version %s, want %s", a.task, vid, nextVersion(a.version))
			}
			return 1
		}
		return 0
	}
	for i, a := range acts {
		want := 0
		if i < stallAt {
			want = 1
		}
		if got := onServer(a); got != want {
			t.Errorf("after the kill, action %d is on the server %d times, want %d", i+1, got, want)
		}
	}

	rep := mustOnce(t, con)
	if rep.Pushed+rep.Resolved != len(left) || rep.Conflicts+rep.Failed != 0 {
		t.Errorf("round after restart: %+v", rep)
	}
	if n, _ := con.store.OutboxCounts(context.Background()); n != (cache.OutboxCounts{}) {
		t.Errorf("outbox after restart: %+v", n)
	}
	for i, a := range acts {
		if got := onServer(a); got != 1 {
			t.Errorf("after restart, action %d is on the server %d times, want exactly once", i+1, got)
		}
	}
	assertCacheEqualsServer(t, con, c.url(), tokNurseA)
}

// killChildAtStall runs a console process (TestKillChildHelper) syncing the
// cache at path with the server at url, waits until px holds one of its
// requests, kills it with SIGKILL and releases the proxy.
func killChildAtStall(t *testing.T, path, url string, px *faultproxy.Proxy) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestKillChildHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), envKillChild+"=1", envKillCache+"="+path, envKillURL+"="+url)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-px.Stalled():
	case err := <-exited:
		t.Fatalf("the child ended before the stalled write: %v", err)
	case <-time.After(90 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the stalled write never reached the proxy")
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-exited
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child state %v, want killed by SIGKILL", cmd.ProcessState)
	}
	px.Release()
}

// TestKillDuringAckPush: the nurse acknowledges two readings (Task patch,
// assessment, receipt each); the console is killed (SIGKILL) after the
// central applied the first Task patch but before its answer arrived. The
// restarted console finds the Task completed by its own write and sends
// the rest: every acknowledgement is on the central exactly once (one
// completion, one assessment, one receipt) and the cache equals the
// central.
func TestKillDuringAckPush(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	c := newCentral(t)
	seedClinic(t, c.store, 3, 3, time.Now())
	px, ps := proxied(t, c, faultproxy.Options{})

	path := filepath.Join(t.TempDir(), "cache.db")
	con := openConsole(t, path, c.url(), tokNurseA, engine.Options{}, client.Options{})
	mustOnce(t, con)
	acks := acknowledge(t, con, measurementTasks(t, con, 2))
	if err := con.store.Close(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	patches := 0
	px.Stall(faultproxy.AfterServer, func(r *http.Request) bool {
		if r.Method != http.MethodPut || !strings.HasPrefix(r.URL.Path, "/Task/") {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		patches++
		return patches == 1
	})
	killChildAtStall(t, path, ps.URL, px)
	if tk, _ := serverTask(t, c.url(), tokNurseA, acks[0].task.id); tk.Status != fhir.TaskStatusCompleted {
		t.Fatalf("Task/%s is %s on the central: the Task write held at the kill was not applied", acks[0].task.id, tk.Status)
	}

	con = openConsole(t, path, c.url(), tokNurseA, engine.Options{}, client.Options{})
	rep := mustOnce(t, con)
	if rep.Resolved+rep.Conflicts+rep.Failed != 0 {
		t.Errorf("round after restart: %+v, want every entry pushed", rep)
	}
	assertAcksOnceEach(t, con, c.url(), acks)
	assertCacheEqualsServer(t, con, c.url(), tokNurseA)
}
