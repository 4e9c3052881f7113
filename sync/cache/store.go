package cache

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	// The pure-Go SQLite driver, registered as "sqlite".
	_ "modernc.org/sqlite"
)

// Sentinel errors, for errors.Is.
var (
	// ErrNotFound is wrapped when a requested patient (or row) is not in the cache.
	ErrNotFound = errors.New("not found in cache")
	// ErrClosed is returned by every method after Close.
	ErrClosed = errors.New("cache is closed")
	// ErrCorrupt is wrapped when the file is not a readable SQLite database.
	ErrCorrupt = errors.New("cache file is corrupt or not an SQLite database")
)

// busyTimeout is how long a connection waits for a lock before SQLITE_BUSY.
const busyTimeout = 5 * time.Second

// readPoolSize is the number of read-only connections.
const readPoolSize = 4

// Store is an open cache file.
type Store struct {
	path   string
	w      *sql.DB // the one writer connection
	r      *sql.DB // read-only pool
	closed atomic.Bool
	stmts  stmtCache // statements prepared on w, kept across transactions
	rstmts stmtCache // statements prepared on r (readStmt)
	now    func() time.Time
	// audit, when set, stamps every audit entry (see WithAuditClock).
	audit func() time.Time
}

// Option configures Open.
type Option func(*Store)

// WithClock makes the Store read "now" from now instead of time.Now: the
// regime in force shown by Patient, and the times it records itself (when a
// resource was parked, when an outbox entry was resolved). A training
// session or an end-to-end test with a moved clock passes the same clock to
// the Store, the sync engine, the nurse actions and the UI. A nil now keeps
// time.Now.
func WithClock(now func() time.Time) Option {
	return func(s *Store) {
		if now != nil {
			s.now = now
		}
	}
}

// WithAuditClock makes the Store stamp every audit entry with audit's time,
// whatever time the caller put in it. The audit log is a real record: on a
// moved clock (training, tests; WithClock) it must still say when a look-up
// or action really happened, so the program passes the real clock here.
// Without it the entry's own time is kept.
func WithAuditClock(audit func() time.Time) Option {
	return func(s *Store) { s.audit = audit }
}

// Open opens (creating if needed) the cache at path, brings its schema up to
// date and returns the Store. The parent directory is created with mode 0700;
// the file and its -wal/-shm companions are kept at mode 0600.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	if path == "" {
		return nil, errors.New("cache: open: empty path")
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("cache: open %s: path must not contain '?' or '#'", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("cache: create directory for %s: %w", path, err)
	}
	if err := createPrivate(path); err != nil {
		return nil, err
	}

	w, err := openDB(ctx, path, false)
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("cache: open %s: %w", path, classify(err))
	}

	r, err := openDB(ctx, path, true)
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(readPoolSize)
	r.SetMaxIdleConns(readPoolSize)

	if err := restrictFiles(path); err != nil {
		r.Close()
		w.Close()
		return nil, err
	}
	st := &Store{path: path, w: w, r: r, now: time.Now}
	for _, o := range opts {
		o(st)
	}
	return st, nil
}

// Now is the Store's clock (see WithClock).
func (s *Store) Now() time.Time { return s.now() }

// Close closes both connection pools. Further calls return ErrClosed.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return ErrClosed
	}
	s.stmts.close()
	s.rstmts.close()
	errR := s.r.Close()
	errW := s.w.Close()
	if err := errors.Join(errR, errW); err != nil {
		return fmt.Errorf("cache: close %s: %w", s.path, err)
	}
	return nil
}

// Path is the file the Store was opened from.
func (s *Store) Path() string { return s.path }

func (s *Store) check() error {
	if s == nil || s.closed.Load() {
		return ErrClosed
	}
	return nil
}

// createPrivate creates the file with mode 0600 if it is missing and tightens
// the mode of an existing one.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("cache: create %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("cache: create %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("cache: restrict %s to 0600: %w", path, err)
	}
	return nil
}

// restrictFiles sets mode 0600 on the database file and on the -wal and -shm
// files that exist.
func restrictFiles(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("cache: stat %s: %w", p, err)
		}
		if fi.Mode().Perm() != 0o600 {
			if err := os.Chmod(p, 0o600); err != nil {
				return fmt.Errorf("cache: restrict %s to 0600: %w", p, err)
			}
		}
	}
	return nil
}

// dsn builds the driver's data source name. The pragmas are DSN parameters
// so every pooled connection gets them.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		// Savepoints (a page stored in one, ApplyPage) and statement
		// journals keep the pages they change in the sub-journal: in memory
		// rather than a temporary file written page by page (a quarter of
		// the initial sync's CPU went into those writes).
		q.Add("_pragma", "temp_store(MEMORY)")
		// Take the write lock at BEGIN: no lock upgrade, no deadlock.
		q.Set("_txlock", "immediate")
	}
	return path + "?" + q.Encode()
}

func openDB(ctx context.Context, path string, readOnly bool) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn(path, readOnly))
	if err != nil {
		return nil, fmt.Errorf("cache: open %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cache: open %s: %w", path, classify(err))
	}
	// A file that is not a database may still open; reading the schema tells.
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&n); err != nil {
		db.Close()
		return nil, fmt.Errorf("cache: open %s: %w", path, classify(err))
	}
	return db, nil
}

// SQLite result codes the cache tells apart.
const (
	sqliteCorrupt = 11
	sqliteNotADB  = 26
)

// classify wraps driver errors that mean a damaged file with ErrCorrupt.
func classify(err error) error {
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		switch coded.Code() & 0xff {
		case sqliteCorrupt, sqliteNotADB:
			return fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
	}
	return err
}
