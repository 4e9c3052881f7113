package actions_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pressly/goose/v3"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/sync/actions"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// TestSyncProblemsOfAnUpgradedCache: entries an older console (cache
// schema 7) parked for the nurse are named on the sync-problems screen as
// what she did, after the cache is upgraded: a transaction of a Patient is
// her enrolment, of a CarePlan her regime change, an acknowledgement stays
// one. Before, the screen read these from the engine's action name; now
// from the label the migration gave them.
func TestSyncProblemsOfAnUpgradedCache(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cache.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, os.DirFS(filepath.Join("..", "cache", "migrations")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	bundle := `{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient","name":[{"text":"Ny Borger"}]},"request":{"method":"POST","url":"Patient"}}]}`
	for i, r := range []struct{ uuid, action, typ, id, payload string }{
		{"u1", "transaction", "Patient", "", bundle},
		{"u2", "transaction", "CarePlan", "cp1", `{"resourceType":"Bundle","type":"transaction","entry":[]}`},
		{"u3", "acknowledge", "Task", "t1", `[{"op":"replace","path":"/status","value":"completed"}]`},
	} {
		if _, err := db.ExecContext(ctx, `INSERT INTO outbox (uuid, created, action, resource_type, resource_id, payload,
	if_match, state) VALUES (?, ?, ?, ?, ?, ?, '1', 'conflict')`, r.uuid, int64(1000+i), r.action, r.typ, r.id, r.payload); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := cache.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := actions.New(st, userA, func() time.Time { return time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC) }, uuid.NewString)
	if err != nil {
		t.Fatal(err)
	}
	probs, err := svc.SyncProblems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]console.SyncChange{"u1": console.SyncChangeEnrol, "u2": console.SyncChangeRegime, "u3": console.SyncChangeAck}
	if len(probs) != len(want) {
		t.Fatalf("%d problems, want %d: %+v", len(probs), len(want), probs)
	}
	for _, p := range probs {
		if p.Change != want[p.UUID] || p.State != console.SyncConflict {
			t.Errorf("%s: %v %v, want %v conflict", p.UUID, p.Change, p.State, want[p.UUID])
		}
		if p.UUID == "u1" && p.Title != "Ny Borger" {
			t.Errorf("enrolment titled %q, want the enrolled name", p.Title)
		}
	}
}
