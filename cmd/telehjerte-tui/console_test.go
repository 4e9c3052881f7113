package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
	"github.com/telehjerte/telehjerte-tui/tui"
)

func TestShellReloadsTheWorklistOnlyWhenARoundChangedSomething(t *testing.T) {
	ctx := context.Background()
	e, _, _ := testEnv(t)
	store, err := buildDemo(ctx, filepath.Join(t.TempDir(), "c.sqlite"), demo.Options{Patients: 10, Days: 3, Now: e.now(), Loc: e.loc})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	audits := func() int {
		t.Helper()
		log, err := store.AuditLog(ctx, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		return len(log)
	}
	sh := shell{tui.New(ctx, store, tui.Options{User: "unit-nurse", Now: e.now, Loc: e.loc})}
	if _, cmd := sh.Update(syncedMsg{changed: false}); cmd != nil {
		t.Error("a round that changed nothing reloads the worklist")
	}
	before := audits()
	m, cmd := sh.Update(syncedMsg{changed: true})
	if cmd == nil {
		t.Fatal("a round that changed something does not reload the worklist")
	}
	cmd() // the load: audited, then read
	if audits() != before+1 {
		t.Errorf("reload wrote %d audit entries, want 1", audits()-before)
	}
	if v := m.View(); !v.AltScreen {
		t.Error("the console is not on the alternate screen")
	}
}

func TestSyncStatusAdaptsTheEngineStatus(t *testing.T) {
	at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	got := syncStatus(func() engine.Status {
		return engine.Status{Online: true, LastSync: at, Pending: 2, Conflicts: 1, Failed: 3, LastError: "x"}
	})()
	want := tui.SyncStatus{Online: true, LastSync: at, Pending: 2, Conflicts: 1, Failed: 3}
	if got != want {
		t.Errorf("syncStatus = %+v, want %+v", got, want)
	}
}
