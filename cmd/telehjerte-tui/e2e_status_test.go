package main

// On the real binary against the real central: a refused
// token is not shown as online (it was "● online · aldrig synkroniseret"
// for as long as one watched), and a console restarted with the central
// down still says how old its data are.

import (
	"strings"
	"testing"
)

func TestE2EStatusSaysWhatIsTrue(t *testing.T) {
	requireTmux(t)
	c := newActCentral(t)
	bin := buildBinary(t)
	cachePath := t.TempDir() + "/replica.sqlite"
	env := func(token string) []string {
		return isolatedEnv(t, "TELEHJERTE_CENTRAL_URL="+c.url, "TELEHJERTE_CENTRAL_TOKEN="+token,
			"TELEHJERTE_SYNC_INTERVAL=1s", "TELEHJERTE_CACHE_PATH="+cachePath)
	}

	wrong := startTmux(t, bin, env("a-token-the-central-does-not-know"))
	scr := wrong.waitFor("the refused token on the status bar", func(s string) bool {
		return strings.Contains(s, "adgang afvist")
	})
	if strings.Contains(scr, "● online") {
		t.Errorf("a refused token is shown online:\n%s", scr)
	}
	wrong.send("q")
	wrong.waitFor("the console to exit", func(s string) bool { return strings.Contains(s, "EXITED 0") })

	// A complete sync, then the central goes down and the console starts
	// again: offline, with the age of the data kept in the cache.
	good := env(c.nurseToken(actNurse))
	if out, stderr, err := runBinary(t, bin, good, "sync", "--once"); err != nil {
		t.Fatalf("sync --once: %v\n%s\n%s", err, out, stderr)
	}
	c.stop()
	down := startTmux(t, bin, good)
	scr = down.waitFor("offline with the data's age", func(s string) bool {
		return strings.Contains(s, "offline") && strings.Contains(s, "data fra ")
	})
	if strings.Contains(scr, "aldrig synkroniseret") || strings.Contains(scr, "● online") {
		t.Errorf("restarted with the central down:\n%s", scr)
	}
	down.send("q")
	down.waitFor("the console to exit", func(s string) bool { return strings.Contains(s, "EXITED 0") })
}
