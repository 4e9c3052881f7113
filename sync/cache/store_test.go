package cache

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

func mode(t *testing.T, p string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatalf("stat: %v", err)
	}
	return fi.Mode().Perm()
}

func TestOpenKeepsFilesPrivate(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "a", "b")
	path := filepath.Join(dir, "cache.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	mustWrite(t, s, func(tx *Tx) error { return addPatient(tx, "p1", "Test Patient") })
	if got := mode(t, dir); got != 0o700 {
		t.Errorf("directory mode %o, want 700", got)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if got := mode(t, p); got != 0o600 {
			t.Errorf("%s mode %o, want 600", filepath.Base(p), got)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	// A file someone opened up is restricted again on reopen.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if _, err := os.Stat(p); err == nil {
			if got := mode(t, p); got != 0o600 {
				t.Errorf("after reopen %s mode %o, want 600", filepath.Base(p), got)
			}
		}
	}
}

func TestOpenRestrictsExistingCompanionFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache.db")
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, 0o644); err != nil { // whatever the umask
			t.Fatal(err)
		}
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if got := mode(t, p); got != 0o600 {
			t.Errorf("%s mode %o, want 600", filepath.Base(p), got)
		}
	}
}

func TestMigrationsIdempotentAndVersioned(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cache.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	v, err := s.SchemaVersion(ctx)
	if err != nil || v != latestMigration {
		t.Fatalf("SchemaVersion = %d, %v; want %d", v, err, latestMigration)
	}
	mustWrite(t, s, func(tx *Tx) error { return tx.SetInfo("clinic", "A") })
	s.Close()

	for i := 0; i < 2; i++ {
		s, err = Open(ctx, path)
		if err != nil {
			t.Fatalf("reopen %d: %v", i, err)
		}
		if v, err := s.SchemaVersion(ctx); err != nil || v != latestMigration {
			t.Errorf("reopen %d: SchemaVersion = %d, %v; want %d", i, v, err, latestMigration)
		}
		var applied int
		if err := s.w.QueryRowContext(ctx, `SELECT count(*) FROM goose_db_version WHERE version_id = 1`).Scan(&applied); err != nil {
			t.Fatal(err)
		}
		if applied != 1 {
			t.Errorf("migration 1 recorded %d times", applied)
		}
		info, err := s.Info(ctx)
		if err != nil || info["clinic"] != "A" {
			t.Errorf("Info after reopen = %v, %v", info, err)
		}
		s.Close()
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cache.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (99, 1)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, path); !errors.Is(err, ErrSchemaTooNew) {
		t.Errorf("Open of a newer schema: %v, want ErrSchemaTooNew", err)
	}
}

func TestConnectionPragmas(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	type pragma struct{ q, want string }
	common := []pragma{{"PRAGMA journal_mode", "wal"}, {"PRAGMA foreign_keys", "1"}, {"PRAGMA busy_timeout", "5000"}, {"PRAGMA synchronous", "1"}}
	// temp_store 2: the writer's sub-journal (savepoints) is kept in memory.
	for _, p := range append(common, pragma{"PRAGMA query_only", "0"}, pragma{"PRAGMA temp_store", "2"}) {
		var got string
		if err := s.w.QueryRowContext(ctx, p.q).Scan(&got); err != nil || got != p.want {
			t.Errorf("writer %s = %q, %v; want %q", p.q, got, err, p.want)
		}
	}
	// Hold several reader connections at once: each must have the pragmas.
	var conns []interface{ Close() error }
	for i := 0; i < readPoolSize; i++ {
		c, err := s.r.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		for _, p := range append(common, pragma{"PRAGMA query_only", "1"}) {
			var got string
			if err := c.QueryRowContext(ctx, p.q).Scan(&got); err != nil || got != p.want {
				t.Errorf("reader %d %s = %q, %v; want %q", i, p.q, got, err, p.want)
			}
		}
	}
	for _, c := range conns {
		c.Close()
	}
	if n := s.w.Stats().MaxOpenConnections; n != 1 {
		t.Errorf("writer MaxOpenConnections = %d, want 1", n)
	}
}

func TestClosedStoreGivesClearError(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Worklist(ctx, true); !errors.Is(err, ErrClosed) {
		t.Errorf("Worklist after Close: %v, want ErrClosed", err)
	}
	if err := s.Write(ctx, func(*Tx) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("Write after Close: %v, want ErrClosed", err)
	}
	if _, err := s.Patient(ctx, "p1", day(0)); !errors.Is(err, ErrClosed) {
		t.Errorf("Patient after Close: %v, want ErrClosed", err)
	}
	if err := s.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close: %v, want ErrClosed", err)
	}
}

func TestCorruptFileGivesClearError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache.db")
	garbage := []byte(strings.Repeat("this is not an SQLite database. ", 256))
	if err := os.WriteFile(path, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), path)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Open of garbage: %v, want ErrCorrupt", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the file", err)
	}
	// The file is left as it was: nothing is lost.
	if b, _ := os.ReadFile(path); string(b) != string(garbage) {
		t.Error("Open changed the corrupt file")
	}
}

func TestOpenRejectsBadPaths(t *testing.T) {
	ctx := context.Background()
	if _, err := Open(ctx, ""); err == nil {
		t.Error("empty path accepted")
	}
	if _, err := Open(ctx, filepath.Join(t.TempDir(), "x?mode=ro")); err == nil {
		t.Error("path with '?' accepted")
	}
	// A directory where the file should be.
	if _, err := Open(ctx, t.TempDir()); err == nil {
		t.Error("directory accepted as cache file")
	}
}

func TestWriteRollsBackOnError(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	boom := errors.New("boom")
	err := s.Write(ctx, func(tx *Tx) error {
		if err := addPatient(tx, "p1", "A"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write = %v, want boom", err)
	}
	if _, err := s.Patient(ctx, "p1", day(0)); !errors.Is(err, ErrNotFound) {
		t.Errorf("patient of rolled-back write: %v, want ErrNotFound", err)
	}
	// The writer is usable after a rollback.
	mustWrite(t, s, func(tx *Tx) error { return addPatient(tx, "p2", "B") })
	if _, err := s.Patient(ctx, "p2", day(0)); err != nil {
		t.Errorf("Patient p2: %v", err)
	}
}

func TestForeignKeysEnforced(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	cases := map[string]func(tx *Tx) error{
		"reading": func(tx *Tx) error {
			return tx.PutReading(reading("o1", "ghost", domain.KindPulse, day(0), 70, domain.Green), Meta{})
		},
		"task":    func(tx *Tx) error { return tx.PutTask(openTask("t1", "ghost", domain.Red, day(0)), Meta{}) },
		"message": func(tx *Tx) error { return tx.PutMessage(domain.Message{ID: "m1", PatientID: "ghost"}, Meta{}) },
		"episode": func(tx *Tx) error { return tx.PutResponsibility("ghost", domain.Responsibility{Home: teamA}, Meta{}) },
		"regime": func(tx *Tx) error {
			return tx.PutRegime(domain.Regime{ID: "cp", Version: "1", PatientID: "ghost"}, Meta{})
		},
		"question": func(tx *Tx) error {
			return tx.PutQuestionnaire(domain.ProResponse{ID: "q", PatientID: "ghost", Taken: day(0)}, Meta{})
		},
	}
	for name, fn := range cases {
		err := s.Write(ctx, fn)
		if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
			t.Errorf("%s for unknown patient: %v, want a foreign key error", name, err)
		}
	}
}

func TestPutRejectsBadInput(t *testing.T) {
	s := openTest(t)
	mustWrite(t, s, func(tx *Tx) error { return addPatient(tx, "p1", "A") })
	bad := map[string]func(tx *Tx) error{
		"no kind": func(tx *Tx) error { return tx.PutReading(reading("o1", "p1", "", day(0), 1, domain.Green), Meta{}) },
		"no taken": func(tx *Tx) error {
			r := reading("o1", "p1", domain.KindPulse, day(0), 1, domain.Green)
			r.Taken = time.Time{}
			return tx.PutReading(r, Meta{})
		},
		"no id":       func(tx *Tx) error { return tx.PutPatient(domain.Patient{}, Meta{}) },
		"id mismatch": func(tx *Tx) error { return tx.PutPatient(patient("p1", "A"), Meta{ID: "p2"}) },
		"no patient":  func(tx *Tx) error { return tx.PutTask(domain.Task{ID: "t", Category: domain.TaskMissing}, Meta{}) },
		"no version":  func(tx *Tx) error { return tx.PutRegime(domain.Regime{ID: "cp", PatientID: "p1"}, Meta{}) },
		"info key":    func(tx *Tx) error { return tx.SetInfo("", "x") },
		"audit":       func(tx *Tx) error { return tx.Audit(domain.AuditEntry{}) },
	}
	for name, fn := range bad {
		if err := s.Write(context.Background(), fn); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestCancelledContextAbortsWrite(t *testing.T) {
	s := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Write(ctx, func(tx *Tx) error { return addPatient(tx, "p1", "A") }); err == nil {
		t.Error("Write with a cancelled context succeeded")
	}
	if _, err := s.Patient(context.Background(), "p1", time.Time{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("patient written under a cancelled context: %v", err)
	}
	mustWrite(t, s, func(tx *Tx) error { return addPatient(tx, "p1", "A") })
}

// A Write whose context ends while it runs stops at its next statement
// with the context's error, and nothing of it is committed. (Statements
// run without the context's cancellation, see Tx.)
func TestContextCancelledDuringWrite(t *testing.T) {
	s := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	err := s.Write(ctx, func(tx *Tx) error {
		if err := addPatient(tx, "p1", "A"); err != nil {
			return err
		}
		cancel()
		return addPatient(tx, "p2", "B")
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Write cancelled midway = %v, want context.Canceled", err)
	}
	for _, id := range []string{"p1", "p2"} {
		if _, err := s.Patient(context.Background(), id, time.Time{}); !errors.Is(err, ErrNotFound) {
			t.Errorf("patient %s of a cancelled write: %v, want ErrNotFound", id, err)
		}
	}
	// The statements prepared meanwhile serve the next Write.
	mustWrite(t, s, func(tx *Tx) error { return addPatient(tx, "p1", "A") })
	mustWrite(t, s, func(tx *Tx) error { return addPatient(tx, "p2", "B") })
	if _, err := s.Patient(context.Background(), "p2", time.Time{}); err != nil {
		t.Errorf("patient p2: %v", err)
	}
}

func TestTruncatedFileGivesCorrupt(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	seedPatients(t, s, 20)
	bulk(t, s, 0, 4000, 20, true, 3900)
	path := s.Path()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, fi.Size()/2); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, path)
	if err == nil {
		defer s.Close()
		_, err = s.Worklist(ctx, true)
	}
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("truncated cache: %v, want ErrCorrupt", err)
	}
}
