package main

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// queryLog records the _lastUpdated of every Observation search that
// passes through it to the central.
type queryLog struct {
	mu   sync.Mutex
	seen []string
}

func (q *queryLog) count(prefix string) (n, all int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, s := range q.seen {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n, len(q.seen)
}

// loggingProxy forwards to target and logs the _lastUpdated of every
// incremental Observation search (not a patient's records, nor by id).
func loggingProxy(t *testing.T, target string) (string, *queryLog) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	log := &queryLog{}
	rp := httputil.NewSingleHostReverseProxy(u)
	ps := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/Observation") && q.Get("_id") == "" && q.Get("patient") == "" {
			log.mu.Lock()
			log.seen = append(log.seen, q.Get("_lastUpdated"))
			log.mu.Unlock()
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(ps.Close)
	return ps.URL, log
}

// after returns the searches logged after the first n.
func (q *queryLog) after(n int) []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]string(nil), q.seen[min(n, len(q.seen)):]...)
}

// startLoggedConsole starts the console on the central through a
// loggingProxy, with extra settings.
func startLoggedConsole(t *testing.T, c *actCentral, extra ...string) (*actConsole, *queryLog) {
	t.Helper()
	front, log := loggingProxy(t, c.url)
	bin := buildBinary(t)
	cachePath := filepath.Join(t.TempDir(), "replica.sqlite")
	env := isolatedEnv(t, append([]string{
		"TELEHJERTE_CENTRAL_URL=" + front,
		"TELEHJERTE_CENTRAL_TOKEN=" + c.nurseToken(actNurse),
		"TELEHJERTE_USER=" + actNurse,
		"TELEHJERTE_SYNC_INTERVAL=1s",
		"TELEHJERTE_CACHE_PATH=" + cachePath,
	}, extra...)...)
	return &actConsole{tmuxSession: startTmux(t, bin, env), bin: bin, cache: cachePath, env: env}, log
}

// The sync settings reach the binary's engine: by default an idle
// console's rounds come to search past the Observation watermark (gt); with
// sync.settle 0 they never do, however many rounds pass.
func TestE2ESyncSettleSetting(t *testing.T) {
	requireTmux(t)
	c := newActCentral(t)

	con, log := startLoggedConsole(t, c)
	onlineWorklist(con)
	eventually(t, "a search past the settled Observation watermark", func() (bool, string) {
		n, all := log.count("gt")
		return n > 0, strings.Repeat("·", all)
	})
	con.quit()

	off, offLog := startLoggedConsole(t, c, "TELEHJERTE_SYNC_SETTLE=0")
	onlineWorklist(off)
	// Rounds every second: wait for ten searches from the watermark,
	// which is several times what the default needs to settle.
	eventually(t, "ten Observation searches", func() (bool, string) {
		_, all := offLog.count("")
		return all >= 10, strings.Repeat("·", all)
	})
	if n, all := offLog.count("gt"); n != 0 {
		t.Errorf("with sync.settle 0, %d of %d Observation searches were past the watermark", n, all)
	}
	off.quit()
}
