package cache

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// syncTables are the tables migration 00002 adds.
var syncTables = []string{"sync_resources", "sync_parked", "outbox_conflicts", "outbox_results"}

// makeV1 writes a cache file at schema version 1, as a console built before
// migration 00002 left it; withSyncTables adds what that console's sync
// engine created on demand, with one parked resource in it.
func makeV1(t *testing.T, path string, withSyncTables bool) {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := newProvider(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 1); err != nil {
		t.Fatalf("migrate to version 1: %v", err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO info (key, value) VALUES ('clinic', 'A')`); err != nil {
		t.Fatal(err)
	}
	if !withSyncTables {
		return
	}
	// The tables exactly as the on-demand creation made them.
	const onDemand = `
CREATE TABLE IF NOT EXISTS sync_resources (resource_type TEXT NOT NULL, id TEXT NOT NULL, version_id TEXT NOT NULL DEFAULT '',
    last_updated INTEGER NOT NULL DEFAULT 0, plan_id TEXT NOT NULL DEFAULT '', json TEXT NOT NULL CHECK (json_valid(json)),
    PRIMARY KEY (resource_type, id));
CREATE INDEX IF NOT EXISTS sync_resources_plan ON sync_resources (plan_id) WHERE plan_id <> '';
CREATE TABLE IF NOT EXISTS sync_parked (resource_type TEXT NOT NULL, id TEXT NOT NULL, version_id TEXT NOT NULL DEFAULT '',
    last_updated INTEGER NOT NULL DEFAULT 0, json TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', parked INTEGER NOT NULL,
    PRIMARY KEY (resource_type, id));
CREATE TABLE IF NOT EXISTS outbox_conflicts (uuid TEXT PRIMARY KEY, server_json TEXT NOT NULL DEFAULT '',
    server_version TEXT NOT NULL DEFAULT '', detected INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS outbox_results (seq INTEGER PRIMARY KEY, uuid TEXT NOT NULL, resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL DEFAULT '', outcome TEXT NOT NULL, by_whom TEXT NOT NULL DEFAULT '', at INTEGER,
    detail TEXT NOT NULL DEFAULT '', recorded INTEGER NOT NULL);
INSERT INTO sync_parked (resource_type, id, version_id, last_updated, json, reason, parked)
    VALUES ('Observation', 'obs-1', '1', 1000, '{"resourceType":"Observation"}', 'patient not in cache', 2000);`
	if _, err := db.ExecContext(ctx, onDemand); err != nil {
		t.Fatalf("create on-demand sync tables: %v", err)
	}
}

func schemaHas(t *testing.T, s *Store, typ, name string) bool {
	t.Helper()
	var n int
	if err := s.r.QueryRowContext(context.Background(),
		`SELECT count(*) FROM sqlite_schema WHERE type = ? AND name = ?`, typ, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

func TestVersion1CacheMigratesToSyncTables(t *testing.T) {
	for _, tt := range []struct {
		name           string
		withSyncTables bool
	}{
		{"before any sync", false},
		{"sync tables made on demand", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "v1.sqlite")
			makeV1(t, path, tt.withSyncTables)

			s, err := Open(ctx, path)
			if err != nil {
				t.Fatalf("Open of a version 1 cache: %v", err)
			}
			defer s.Close()
			if v, err := s.SchemaVersion(ctx); err != nil || v != latestMigration {
				t.Fatalf("SchemaVersion = %d, %v; want %d", v, err, latestMigration)
			}
			for _, name := range syncTables {
				if !schemaHas(t, s, "table", name) {
					t.Errorf("table %s missing after migration", name)
				}
			}
			if !schemaHas(t, s, "index", "sync_resources_plan") {
				t.Error("index sync_resources_plan missing after migration")
			}
			// What was there is kept.
			if info, err := s.Info(ctx); err != nil || info["clinic"] != "A" {
				t.Errorf("info after migration = %v, %v", info, err)
			}
			parked, err := s.ParkedCount(ctx)
			want := 0
			if tt.withSyncTables {
				want = 1
			}
			if err != nil || parked != want {
				t.Errorf("ParkedCount = %d, %v; want %d (kept across the migration)", parked, err, want)
			}
			// The tables are usable without any preparation.
			if err := s.PrepareSync(ctx); err != nil {
				t.Errorf("PrepareSync: %v", err)
			}
			if _, err := s.OutboxCounts(ctx); err != nil {
				t.Errorf("OutboxCounts: %v", err)
			}
		})
	}
}

func TestSyncTablesMigrationGoesDownAndUp(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.sqlite")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := newProvider(s.w)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 1); err != nil {
		t.Fatalf("down to version 1: %v", err)
	}
	for _, name := range syncTables {
		if schemaHas(t, s, "table", name) {
			t.Errorf("table %s still there after down", name)
		}
	}
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen after down: %v", err)
	}
	defer s.Close()
	if v, err := s.SchemaVersion(ctx); err != nil || v != latestMigration {
		t.Errorf("SchemaVersion after reopen = %d, %v; want %d", v, err, latestMigration)
	}
}

func TestPrepareSyncOnClosedStore(t *testing.T) {
	s := openTest(t)
	s.Close()
	if err := s.PrepareSync(context.Background()); !errorsIs(err, ErrClosed) {
		t.Errorf("PrepareSync after Close = %v, want ErrClosed", err)
	}
}
