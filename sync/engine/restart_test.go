package engine_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
	"github.com/telehjerte/telehjerte-tui/sync/faultproxy"
)

// TestCentralRestartDuringPull stops the central while the engine is paging
// through Observations (the proxy holds the third page request, the test
// closes the server and its database, then lets the request go on to the
// dead address), and starts a new central on the same database file and
// address. The interrupted round fails cleanly (offline, retryable, the
// pages already stored stay); the next round completes and the cache
// equals the server.
func TestCentralRestartDuringPull(t *testing.T) {
	c := newCentral(t)
	seedClinic(t, c.store, 5, 10, time.Now())
	dbPath, addr := c.dbPath, c.addr

	px, err := faultproxy.New(c.url(), faultproxy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	obsPages := 0
	px.Stall(faultproxy.BeforeServer, func(r *http.Request) bool {
		if r.Method != http.MethodGet || r.URL.Path != "/Observation" {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		obsPages++
		return obsPages == 3
	})
	ps := httptest.NewServer(px)
	t.Cleanup(ps.Close)
	con := newConsole(t, ps.URL, tokNurseA, engine.Options{PageSize: 25}, client.Options{Timeout: 20 * time.Second})

	type result struct {
		rep engine.Report
		err error
	}
	done := make(chan result, 1)
	go func() {
		rep, err := con.eng.Once(context.Background())
		done <- result{rep, err}
	}()
	select {
	case <-px.Stalled():
	case r := <-done:
		t.Fatalf("the round ended before the third Observation page: %+v %v", r.rep, r.err)
	case <-time.After(60 * time.Second):
		t.Fatal("the third Observation page was never requested")
	}
	if st := con.eng.Status(); !st.Syncing {
		t.Errorf("status while paging: %+v, want syncing", st)
	}
	c.stop()
	px.Release()
	var r result
	select {
	case r = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("the round did not end after the central went away")
	}
	if r.err == nil || !client.IsRetryable(r.err) {
		t.Fatalf("round during the restart: %v, want a retryable error", r.err)
	}
	if st := con.eng.Status(); st.Online || st.Syncing || st.LastError == "" {
		t.Errorf("status after the failed round: %+v, want offline with an error", st)
	}
	if r.rep.Pulled["Observation"] != 50 {
		t.Errorf("observations stored before the restart: %d, want the two pages (50)", r.rep.Pulled["Observation"])
	}
	wm, err := con.store.Watermark(context.Background(), "Observation")
	if err != nil || wm.IsZero() {
		t.Errorf("watermark after two stored pages: %v, %v", wm, err)
	}

	// The central comes back on the same file and address.
	c2 := startCentral(t, dbPath, addr, nil)
	rep := mustOnce(t, con)
	if rep.Pulled["Observation"] == 0 {
		t.Errorf("the round after the restart pulled no observations: %+v", rep)
	}
	assertCacheEqualsServer(t, con, c2.url(), tokNurseA)
	if st := con.eng.Status(); !st.Online || st.LastError != "" {
		t.Errorf("status after recovery: %+v", st)
	}
}
