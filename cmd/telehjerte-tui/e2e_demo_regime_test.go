package main

import (
	"strings"
	"testing"
	"time"
)

// A regime change in the DEMO, as a nurse makes it, reaches the embedded
// central: the console's user setting (here the operating system's user,
// e2e-nurse) is not the practitioner the demo's token belongs to, and a
// version authored by it was refused (403) and ended as a failed sync
// entry. The history then shows the central's version with the reason,
// never "ny, ikke sendt endnu", and the status bar no failure.
func TestE2EDemoRegimeChangeReachesTheCentral(t *testing.T) {
	requireTmux(t)
	bin := buildBinary(t)
	env := isolatedEnv(t)
	rows := demoWorklist(t, bin, env)
	s := startTmux(t, bin, env, "--demo-every", "0")
	s.waitFor("the worklist", func(scr string) bool {
		_, _, ok := firstPatientLine(scr, rows)
		return ok
	})
	s.send("Enter")
	s.waitFor("the patient view", func(scr string) bool { return strings.Contains(scr, "Vægtkurve") })
	s.send("e")
	s.waitFor("the regime form", func(scr string) bool { return strings.Contains(scr, "Måleregime for") })
	const reason = "Demo titrering e2e"
	s.paste(reason)
	s.send("C-s")
	s.waitFor("the version saved", func(scr string) bool { return strings.Contains(scr, "Ny version af måleregimet gemt.") })
	// The history shows the versions as they were when it opened: until
	// the push has been answered it rightly says "ny, ikke sendt endnu".
	// It is opened again, each time after the status bar says online with
	// nothing waiting, until the central's version is there; a refused
	// push never gets there (the deadline ends the test).
	deadline := time.Now().Add(90 * time.Second)
	var scr string
	for {
		s.send("v")
		scr = s.waitFor("the history", func(scr string) bool { return strings.Contains(scr, "Årsag: "+reason) })
		if !strings.Contains(scr, "ny, ikke sendt endnu") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the regime version was not sent:\n%s", scr)
		}
		s.send("Escape")
		s.waitFor("the patient view, online with nothing waiting", func(scr string) bool {
			return strings.Contains(scr, "Vægtkurve") && strings.Contains(scr, "online") && !strings.Contains(scr, "afventer")
		})
	}
	if strings.Contains(scr, "fejlet") {
		t.Errorf("a sync entry failed:\n%s", scr)
	}
	s.send("Escape")
	s.waitFor("the patient view again", func(scr string) bool { return strings.Contains(scr, "Vægtkurve") })
	s.send("S")
	scr = s.waitFor("the sync problems", func(scr string) bool { return strings.Contains(scr, "Synk-problemer") })
	if strings.Contains(scr, "Ændring af måleregime") {
		t.Errorf("the regime change is a sync problem:\n%s", scr)
	}
}
