package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
)

// On the real central, an idle console's rounds stop fetching the
// resources at each type's watermark once it has settled, so they no longer
// fill the central's access log (every answer with patient data is logged
// there); a reading that arrives afterwards is still pulled, and logged.
func TestSettledRoundsLeaveTheAccessLogAlone(t *testing.T) {
	c := newCentral(t)
	ctx := context.Background()
	now := time.Now()
	seedClinic(t, c.store, 3, 3, now)
	con := newConsole(t, c.url(), tokNurseA, engine.Options{Settle: time.Nanosecond, NoReconcile: true}, client.Options{})
	mustOnce(t, con) // the first sync
	mustOnce(t, con) // from every watermark again: nothing new, settled

	logged := func(since time.Time) int {
		t.Helper()
		acc, err := c.store.AccessLog(ctx, since)
		if err != nil {
			t.Fatal(err)
		}
		return len(acc)
	}
	before := time.Now()
	for range 3 {
		if rep := mustOnce(t, con); rep.Known != 0 {
			t.Errorf("an idle round fetched %d resources the cache holds", rep.Known)
		}
	}
	if n := logged(before); n != 0 {
		t.Errorf("three idle rounds left %d entries in the central's access log, want none", n)
	}

	pid := firstPatient(t, con)
	if _, err := c.srv.Submit(ctx, domain.Measurement{PatientID: pid, Kind: domain.KindPulse, Value: 64, Taken: time.Now()}); err != nil {
		t.Fatal(err)
	}
	after := time.Now()
	if rep := mustOnce(t, con); rep.Pulled["Observation"] != 1 {
		t.Errorf("the round after a reading pulled %d observations, want it", rep.Pulled["Observation"])
	}
	if n := logged(after); n == 0 {
		t.Error("the reading's pull left nothing in the access log")
	}
	assertCacheEqualsServer(t, con, c.url(), tokNurseA)
}
