package engine_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
	"github.com/telehjerte/telehjerte-tui/sync/faultproxy"
)

// Environment of the child processes in TestTwoProcessesOneCache.
const (
	envSyncChild = "TELEHJERTE_TEST_SYNC_CHILD"
	envSyncCache = "TELEHJERTE_TEST_SYNC_CACHE"
	envSyncURL   = "TELEHJERTE_TEST_SYNC_URL"
)

// childRoundPrefix starts the line on which a child reports its round.
const childRoundPrefix = "CHILD ROUND: "

// TestSyncChildHelper is a second console process (as `sync --once` is):
// it runs one sync round on the given cache and server and prints how it
// ended. It does nothing in a normal test run.
func TestSyncChildHelper(t *testing.T) {
	if os.Getenv(envSyncChild) != "1" {
		t.Skip("only run as the child of TestTwoProcessesOneCache")
	}
	st, err := cache.Open(context.Background(), os.Getenv(envSyncCache))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cl, err := client.New(client.Options{BaseURL: os.Getenv(envSyncURL), Token: tokNurseA, Timeout: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := engine.New(st, cl, engine.Options{Logger: quiet}).Once(context.Background())
	fmt.Printf("%spid=%d pushed=%d resolved=%d busy=%v err=%v\n", childRoundPrefix, os.Getpid(), rep.Pushed, rep.Resolved,
		errors.Is(err, cache.ErrSyncBusy), err)
}

// startSyncChild starts a console process running one round on the cache
// at path against url; its output goes to out.
func startSyncChild(t *testing.T, path, url string, out *bytes.Buffer) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestSyncChildHelper$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), envSyncChild+"=1", envSyncCache+"="+path, envSyncURL+"="+url)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// childRound is the line on which a finished child reported its round.
func childRound(t *testing.T, out *bytes.Buffer) string {
	t.Helper()
	for _, l := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(l, childRoundPrefix) {
			return strings.TrimPrefix(l, childRoundPrefix)
		}
	}
	t.Fatalf("the child reported no round:\n%s", out.String())
	return ""
}

// TestTwoProcessesOneCache: the nurse has acknowledged three readings
// (Task patch, assessment, receipt each). One console process is pushing
// them and is held by the network in the middle of its first write; a
// second process on the same cache (`sync --once` beside the console) and
// a second engine in this process are each refused at once with a clear
// message naming the process that syncs, and change nothing; reading the
// cache meanwhile works. When the first process has finished, every
// acknowledgement is on the central exactly once and the cache equals the
// central.
func TestTwoProcessesOneCache(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	ctx := context.Background()
	c := newCentral(t)
	seedClinic(t, c.store, 3, 3, time.Now())
	px, ps := proxied(t, c, faultproxy.Options{})

	path := filepath.Join(t.TempDir(), "cache.db")
	con := openConsole(t, path, c.url(), tokNurseA, engine.Options{}, client.Options{})
	mustOnce(t, con)
	acks := acknowledge(t, con, measurementTasks(t, con, 3))
	queued, err := con.store.Outbox(ctx, "", time.Time{})
	if err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	patches := 0
	px.Stall(faultproxy.BeforeServer, func(r *http.Request) bool {
		if r.Method != http.MethodPut || !strings.HasPrefix(r.URL.Path, "/Task/") {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		patches++
		return patches == 1
	})
	var outA bytes.Buffer
	a := startSyncChild(t, path, ps.URL, &outA)
	exitedA := make(chan error, 1)
	go func() { exitedA <- a.Wait() }()
	select {
	case <-px.Stalled():
	case err := <-exitedA:
		t.Fatalf("the first process ended before its first write: %v\n%s", err, outA.String())
	case <-time.After(90 * time.Second):
		_ = a.Process.Kill()
		t.Fatal("the first process's write never reached the proxy")
	}

	// A second process: refused, naming the first.
	var outB bytes.Buffer
	b := startSyncChild(t, path, c.url(), &outB)
	if err := b.Wait(); err != nil {
		t.Fatalf("second process: %v\n%s", err, outB.String())
	}
	round := childRound(t, &outB)
	if !strings.Contains(round, "busy=true") || !strings.Contains(round, "another process is syncing this cache") ||
		!strings.Contains(round, "process "+strconv.Itoa(a.Process.Pid)) {
		t.Errorf("second process's round: %s\nwant refused as busy, naming process %d", round, a.Process.Pid)
	}
	// A second engine in this process: refused too.
	if _, err := con.eng.Once(ctx); !errors.Is(err, cache.ErrSyncBusy) {
		t.Errorf("second engine's round: %v, want ErrSyncBusy", err)
	}
	if st := con.eng.Status(); st.State != engine.StateBusy || st.Problem != "busy" || st.Syncing {
		t.Errorf("second engine's status after the refused round: %+v", st)
	}
	// Readers are not held up.
	if _, err := con.store.Worklist(ctx, false); err != nil {
		t.Errorf("worklist while another process syncs: %v", err)
	}
	left, err := con.store.Outbox(ctx, "", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != len(queued) {
		t.Errorf("outbox while the first process is held: %d entries, want all %d (nobody else pushed)", len(left), len(queued))
	}

	px.Release()
	select {
	case err := <-exitedA:
		if err != nil {
			t.Fatalf("first process: %v\n%s", err, outA.String())
		}
	case <-time.After(2 * time.Minute):
		_ = a.Process.Kill()
		t.Fatal("the first process did not finish after the release")
	}
	if round := childRound(t, &outA); !strings.Contains(round, "pushed="+strconv.Itoa(len(queued))+" ") || !strings.Contains(round, "err=<nil>") {
		t.Errorf("first process's round: %s, want all %d entries pushed", round, len(queued))
	}
	mustOnce(t, con)
	assertAcksOnceEach(t, con, c.url(), acks)
	assertCacheEqualsServer(t, con, c.url(), tokNurseA)
}

// TestTwoProcessesRace: two console processes start a round on the same
// cache at the same moment, with nothing holding either back (the issue's
// "two sync --once"). Whichever gets the cache first pushes; the other is
// refused as busy or finds nothing left to push. Afterwards every
// acknowledgement is on the central exactly once and the cache equals the
// central. Repeated a few times, since the order is up to the scheduler.
func TestTwoProcessesRace(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	for i := range 3 {
		t.Run(strconv.Itoa(i+1), func(t *testing.T) {
			c := newCentral(t)
			seedClinic(t, c.store, 3, 3, time.Now())
			path := filepath.Join(t.TempDir(), "cache.db")
			con := openConsole(t, path, c.url(), tokNurseA, engine.Options{}, client.Options{})
			mustOnce(t, con)
			acks := acknowledge(t, con, measurementTasks(t, con, 3))
			var outA, outB bytes.Buffer
			a := startSyncChild(t, path, c.url(), &outA)
			b := startSyncChild(t, path, c.url(), &outB)
			if err := a.Wait(); err != nil {
				t.Fatalf("first process: %v\n%s", err, outA.String())
			}
			if err := b.Wait(); err != nil {
				t.Fatalf("second process: %v\n%s", err, outB.String())
			}
			for _, round := range []string{childRound(t, &outA), childRound(t, &outB)} {
				if !strings.Contains(round, "err=<nil>") && !strings.Contains(round, "busy=true") {
					t.Errorf("a process's round: %s; want it done or refused as busy", round)
				}
			}
			mustOnce(t, con)
			assertAcksOnceEach(t, con, c.url(), acks)
			assertCacheEqualsServer(t, con, c.url(), tokNurseA)
		})
	}
}
