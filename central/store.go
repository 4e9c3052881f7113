package central

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // the SQLite driver

	"github.com/telehjerte/telehjerte-tui/fhir"
)

const schema = `
CREATE TABLE IF NOT EXISTS resources (
	type         TEXT NOT NULL,
	id           TEXT NOT NULL,
	version_id   INTEGER NOT NULL,
	last_updated INTEGER NOT NULL, -- unix ms, global and non-decreasing
	patient_id   TEXT NOT NULL DEFAULT '',
	json         TEXT NOT NULL,
	PRIMARY KEY (type, id)
);
CREATE INDEX IF NOT EXISTS resources_by_time ON resources(type, last_updated, id);
CREATE INDEX IF NOT EXISTS resources_by_patient ON resources(type, patient_id);
-- Superseded versions (the current one is in resources), json packed
-- (history.go).
CREATE TABLE IF NOT EXISTS history (
	type         TEXT NOT NULL,
	id           TEXT NOT NULL,
	version_id   INTEGER NOT NULL,
	last_updated INTEGER NOT NULL,
	json         TEXT NOT NULL,
	PRIMARY KEY (type, id, version_id)
);
-- Token search parameters extracted from the current version, stored in
-- their look-up order (a token search is a range of the primary key).
-- When a resource changes, the rows of the version it supersedes are
-- found through that version's own parameters (reindex), so no second
-- copy ordered by owner is kept. (Before schema version 4 a rowid table
-- with the look-up as a third copy; before version 6 with an index by
-- owner, a second copy: upgrade rebuilds and drops them.)
CREATE TABLE IF NOT EXISTS params (
	type  TEXT NOT NULL,
	name  TEXT NOT NULL,
	value TEXT NOT NULL,
	id    TEXT NOT NULL,
	PRIMARY KEY (type, name, value, id)
) WITHOUT ROWID;
-- Who may see which patient: teams from EpisodeOfCare (home team open-ended,
-- cover with its period) and team members from CareTeam.
CREATE TABLE IF NOT EXISTS access (
	episode_id TEXT NOT NULL,
	patient_id TEXT NOT NULL,
	team_id    TEXT NOT NULL,
	from_ms    INTEGER,
	to_ms      INTEGER
);
CREATE INDEX IF NOT EXISTS access_by_team ON access(team_id);
CREATE INDEX IF NOT EXISTS access_by_episode ON access(episode_id);
-- A search checks each row's patient (visibleClause): one look-up per row
-- returned, not a list of every patient visible built for each search.
CREATE INDEX IF NOT EXISTS access_by_patient ON access(patient_id);
CREATE TABLE IF NOT EXISTS members (
	team_id         TEXT NOT NULL,
	practitioner_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS members_by_practitioner ON members(practitioner_id);
-- Read-only grants (se-adgang CareTeams): the grantee sees a patient, or
-- every patient whose home team is team_id, from from_ms until to_ms.
CREATE TABLE IF NOT EXISTS grants (
	grant_id        TEXT NOT NULL,
	practitioner_id TEXT NOT NULL,
	patient_id      TEXT NOT NULL DEFAULT '',
	team_id         TEXT NOT NULL DEFAULT '',
	from_ms         INTEGER NOT NULL,
	to_ms           INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS grants_by_practitioner ON grants(practitioner_id);
CREATE INDEX IF NOT EXISTS grants_by_grant ON grants(grant_id);
-- Users' roles (domain.Role) and when each last signed in; a practitioner
-- without a row is a monitoring nurse.
CREATE TABLE IF NOT EXISTS users (
	practitioner_id TEXT PRIMARY KEY,
	role            TEXT NOT NULL,
	last_login_ms   INTEGER
);
-- When each TeleHjerte reading (an Observation that maps to a
-- measurement) was taken: slot evaluation and the weight trend read a
-- patient's few days through readings_by_patient instead of decoding the
-- year.
-- void is 1 for a reading marked entered-in-error or cancelled: it fills
-- no slot. Slot evaluation reads id, kind and time from here alone,
-- without decoding the Observation.
CREATE TABLE IF NOT EXISTS readings (
	id         TEXT PRIMARY KEY,
	patient_id TEXT NOT NULL,
	kind       TEXT NOT NULL,
	taken_ms   INTEGER NOT NULL,
	void       INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS readings_by_patient ON readings(patient_id, taken_ms);
CREATE TABLE IF NOT EXISTS clock (k INTEGER PRIMARY KEY CHECK (k = 1), ms INTEGER NOT NULL);
`

// Store is the central's SQLite database. It is safe for concurrent use;
// writes are serialised by SQLite.
type Store struct {
	db  *sql.DB
	now func() time.Time
	// stmts are the statements run on every arrival, prepared once when
	// the store opens (filled before first use, only read after).
	stmts map[string]*sql.Stmt
	// regimeCache holds patients' regimes between transactions
	// (cachedRegimes).
	regimeCache struct {
		mu sync.Mutex
		m  map[string]cachedRegime
	}
	// rdb is the read pool: look-ups that write nothing, and checkpoints.
	rdb *sql.DB
	// rstmts are statements prepared for the read pool, by SQL text
	// (readStmt); nil while the store opens.
	rstmts *readCache
	// life ends when the store closes; warmers are the statements being
	// prepared for the read pool in the background (warm).
	life    context.Context
	endLife context.CancelFunc
	warmers sync.WaitGroup
	// path is the database file; walLimit the size of its write-ahead
	// log past which the writer checkpoints it itself (writer.go).
	path     string
	walLimit int64
	// batches counts the writer's batches (boundWAL); only the writer
	// touches it.
	batches int
	// The writer (writer.go): jobs waiting for the write connection.
	jobs       chan *job
	queued     atomic.Int32 // jobs waiting to be taken
	writerDone chan struct{}
	// The checkpointer (checkpoint.go).
	commits  atomic.Int64
	kick     chan struct{}
	stop     chan struct{}
	ckptDone chan struct{}
	// lastTick is the last lastUpdated this Store handed out, in unix ms
	// (tick).
	lastTick atomic.Int64
	// access is the clock for cover periods in access checks: the
	// Server's Now (see Server.accessClock); nil means now.
	access atomic.Pointer[func() time.Time]
}

// OpenStore opens (creating if needed) the database file at path. now is
// the clock for lastUpdated; nil means time.Now.
func OpenStore(ctx context.Context, path string, now func() time.Time) (*Store, error) {
	if now == nil {
		now = time.Now
	}
	// The database holds CPR numbers and names: the file and its -wal and
	// -shm companions (SQLite gives them the main file's mode) are 0600.
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	db, err := openPool(path, true)
	if err != nil {
		return nil, err
	}
	// One writing connection: every write transaction is serialised, so
	// reads inside a write transaction see its own writes and no two
	// writers interleave.
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("create schema in %s: %w", path, err)
	}
	if err := restrictFiles(path); err != nil {
		db.Close()
		return nil, err
	}
	st := &Store{db: db, now: now, path: path, walLimit: defaultWALLimit}
	if err := st.upgrade(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("upgrade %s: %w", path, err)
	}
	if err := st.prepare(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("prepare statements for %s: %w", path, err)
	}
	// Readers of the write-ahead log see the last commit and never wait
	// for a writer; the same pool checkpoints the log in the background.
	if st.rdb, err = openPool(path, false); err != nil {
		st.Close()
		return nil, err
	}
	st.rdb.SetMaxOpenConns(readConns)
	st.rdb.SetMaxIdleConns(readConns)
	if st.rstmts, err = newReadCache(readStatements); err != nil {
		st.Close()
		return nil, err
	}
	st.life, st.endLife = context.WithCancel(context.Background())
	st.startCheckpointer()
	st.startWriter()
	return st, nil
}

// reader is the read pool, or the write connection while the store opens.
func (s *Store) reader() *sql.DB {
	if s.rdb != nil {
		return s.rdb
	}
	return s.db
}

// readConns is the size of the read pool.
const readConns = 4

// openPool opens the database at path: the writing connection (immediate
// transactions, no automatic checkpoint: the checkpointer does it off the
// request path) or a reading pool (query_only).
func openPool(path string, write bool) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	if write {
		// A batch of arrivals dirties pages all over the indexes: a
		// 64 MB page cache keeps them from spilling into the log before
		// the commit and keeps the hot index pages in memory.
		q.Add("_pragma", "cache_size(-65536)")
		q.Add("_pragma", "wal_autocheckpoint(0)")
		// A log that grew under a long burst is cut back to this size
		// once it starts over.
		q.Add("_pragma", fmt.Sprintf("journal_size_limit(%d)", defaultWALLimit))
		q.Add("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

// createPrivate creates the database file with mode 0600 when it is missing
// and tightens an existing one.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	return restrictFiles(path)
}

// restrictFiles sets mode 0600 on the database file and on its -wal and
// -shm files when they exist.
func restrictFiles(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("stat %s: %w", p, err)
		}
		if fi.Mode().Perm() != 0o600 {
			if err := os.Chmod(p, 0o600); err != nil {
				return fmt.Errorf("restrict %s to 0600: %w", p, err)
			}
		}
	}
	return nil
}

// Close stops the checkpointer and closes the database.
func (s *Store) Close() error {
	s.stopCheckpointer() // also ends the writer
	for _, st := range s.stmts {
		_ = st.Close()
	}
	if s.endLife != nil {
		s.endLife()
		s.warmers.Wait()
	}
	if s.rstmts != nil {
		s.rstmts.Purge() // closes each
	}
	if s.rdb != nil {
		_ = s.rdb.Close()
	}
	return s.db.Close()
}

// Stored is one stored resource version.
type Stored struct {
	Type, ID    string
	VersionID   int64
	LastUpdated time.Time
	PatientID   string
	JSON        []byte
	// packed is the stored column when it was packed (history.go), so
	// that a version moving to history is not packed again.
	packed []byte
}

// ETag is the weak ETag of the version.
func (s Stored) ETag() string { return fmt.Sprintf(`W/"%d"`, s.VersionID) }

// ErrNotFound is returned for an unknown type/id/version.
var ErrNotFound = errors.New("not found")

// ErrVersionConflict is returned when If-Match names a stale version.
var ErrVersionConflict = errors.New("version conflict")

// tx is one write (or read) transaction.
type tx struct {
	s   *Store
	sql *sql.Tx
	ctx context.Context
	// regimes memoises regimes per patient for the transaction (triage
	// and the late-arrival check of one reading both need them); a write
	// of a CarePlan or ServiceRequest clears it.
	regimeMemo map[string]regimeSet
	// read marks a transaction on the read pool (readTx): the prepared
	// statements belong to the write connection.
	read bool
	// held are the read pool's statements the transaction took
	// (readStmt), by text; releases let go of them when it ends. own are
	// statements prepared on the transaction itself, closed with it.
	held     map[string]*sql.Stmt
	releases []func()
	own      map[string]*sql.Stmt
}

// inTx runs fn in a write transaction, committing on nil error; it
// returns once fn's work is committed (or rolled back). Concurrent calls
// are grouped by the writer (writer.go): their fns run one after the other
// in one transaction, each inside its own savepoint, and one commit makes
// them all durable, so what a commit costs is shared by the arrivals that
// came together. fn must not keep t after it returns.
func (s *Store) inTx(ctx context.Context, fn func(*tx) error) error {
	if s.jobs == nil {
		return s.runTx(ctx, fn) // still opening
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	j := &job{ctx: ctx, fn: fn, done: make(chan struct{})}
	s.queued.Add(1)
	select {
	case s.jobs <- j:
		s.queued.Add(-1)
	case <-ctx.Done():
		s.queued.Add(-1)
		return ctx.Err()
	case <-s.stop:
		s.queued.Add(-1)
		return errStoreClosed
	}
	<-j.done
	if j.panicked != nil {
		panic(j.panicked)
	}
	return j.err
}

// readTx runs fn in a read transaction on the read pool: it sees the last
// commit, never waits for the writer and may not write (the connection is
// query_only).
func (s *Store) readTx(ctx context.Context, fn func(*tx) error) error {
	if s.rdb == nil {
		return s.inTx(ctx, fn)
	}
	t, err := s.rdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	rt := &tx{s: s, sql: t, ctx: ctx, read: true}
	defer func() {
		_ = t.Rollback()
		for _, release := range rt.releases {
			release()
		}
	}()
	return fn(rt)
}

// runTx runs fn alone in one immediate transaction.
func (s *Store) runTx(ctx context.Context, fn func(*tx) error) error {
	t, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(&tx{s: s, sql: t, ctx: ctx}); err != nil {
		_ = t.Rollback()
		return err
	}
	if err := t.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	s.committed()
	return nil
}

// tick returns the next lastUpdated: the clock in ms, never before the last
// one handed out (ties allowed).
//
// The clock row holds the last one handed out by any process writing the
// database (telehjerte-central admin and scan write to it while the server
// runs). It used to be read and then written on every write, the look-ups'
// AuditEvents included: most of what a tick cost, since reading a row
// costs more here than writing one. Now one guarded UPDATE sets the row to
// the later of the clock and the last tick this Store handed out, only if
// the row is not ahead of that; when it is (another process ticked later)
// or missing (a new database), the row is read and moved as before. A tick
// rolled back with its job or batch leaves the Store's memory ahead of the
// row, which only ever hands out a later time.
func (t *tx) tick() (time.Time, error) {
	ms := max(t.s.now().UnixMilli(), t.s.lastTick.Load())
	res, err := t.exec(qTickIfAhead, ms)
	if err != nil {
		return time.Time{}, fmt.Errorf("tick the clock: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		var last int64
		err := t.queryRow(qClock).Scan(&last)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return time.Time{}, fmt.Errorf("read clock: %w", err)
		}
		ms = max(ms, last)
		if _, err := t.exec(qSetClock, ms); err != nil {
			return time.Time{}, fmt.Errorf("write clock: %w", err)
		}
	}
	t.s.lastTick.Store(ms)
	return time.UnixMilli(ms).UTC(), nil
}

func scanStored(row interface{ Scan(...any) error }) (Stored, error) {
	var st Stored
	var lu int64
	var js []byte
	if err := row.Scan(&st.Type, &st.ID, &st.VersionID, &lu, &st.PatientID, &js); err != nil {
		return st, err
	}
	st.LastUpdated = time.UnixMilli(lu).UTC()
	if packed(js) {
		st.packed = js
	}
	var err error
	st.JSON, err = unpackJSON(js)
	return st, err
}

const storedCols = `type, id, version_id, last_updated, patient_id, json`

func (t *tx) current(typ, id string) (Stored, error) {
	st, err := scanStored(t.queryRow(qCurrent, typ, id))
	if errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("%s/%s: %w", typ, id, ErrNotFound)
	}
	if err != nil {
		return st, fmt.Errorf("read %s/%s: %w", typ, id, err)
	}
	return st, nil
}

func (t *tx) version(typ, id string, vid int64) (Stored, error) {
	// The current version is the resources row; history holds the
	// superseded ones.
	cur, err := t.current(typ, id)
	if err == nil && cur.VersionID == vid {
		return cur, nil
	}
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Stored{}, err
	}
	st, err := scanStored(t.sql.QueryRowContext(t.ctx,
		`SELECT h.type, h.id, h.version_id, h.last_updated, COALESCE(r.patient_id, ''), h.json
		 FROM history h LEFT JOIN resources r ON r.type = h.type AND r.id = h.id
		 WHERE h.type = ? AND h.id = ? AND h.version_id = ?`, typ, id, vid))
	if errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("%s/%s/_history/%d: %w", typ, id, vid, ErrNotFound)
	}
	if err != nil {
		return st, fmt.Errorf("read %s/%s/_history/%d: %w", typ, id, vid, err)
	}
	return st, nil
}

// write stores r as a new version of its type/id (version 1 when new). When
// ifMatch is > 0 the current version must equal it. It sets r's id (a new
// UUID when empty) and meta, extracts the search columns and returns the
// stored row.
func (t *tx) write(r fhir.Resource, ifMatch int64) (Stored, error) {
	h := r.Header()
	// An id made up here is new (a random UUID): there is no current
	// version to look up.
	fresh := h.ID == ""
	if fresh {
		h.ID = newID()
	}
	var vid int64 = 1
	cur, err := Stored{}, ErrNotFound
	if !fresh {
		cur, err = t.current(h.ResourceType, h.ID)
	}
	switch {
	case err == nil:
		vid = cur.VersionID + 1
		if ifMatch > 0 && cur.VersionID != ifMatch {
			return Stored{}, fmt.Errorf("%s/%s is at version %d, not %d: %w", h.ResourceType, h.ID, cur.VersionID, ifMatch, ErrVersionConflict)
		}
	case errors.Is(err, ErrNotFound):
		if ifMatch > 0 {
			return Stored{}, fmt.Errorf("%s/%s does not exist: %w", h.ResourceType, h.ID, ErrVersionConflict)
		}
	default:
		return Stored{}, err
	}
	lu, err := t.tick()
	if err != nil {
		return Stored{}, err
	}
	if vid > 1 {
		// The version being superseded moves to history, packed.
		packed := cur.packed
		if packed == nil {
			if packed, err = packDocument(cur.Type, cur.JSON); err != nil {
				return Stored{}, err
			}
		}
		if _, err := t.exec(qPutHistory, cur.Type, cur.ID, cur.VersionID, cur.LastUpdated.UnixMilli(), packed); err != nil {
			return Stored{}, fmt.Errorf("write history %s/%s: %w", h.ResourceType, h.ID, err)
		}
	}
	meta := fhir.Meta{}
	if h.Meta != nil {
		meta = *h.Meta
	}
	meta.VersionID = fmt.Sprint(vid)
	meta.LastUpdated = fhir.FormatInstant(lu)
	h.Meta = &meta
	js, err := fhir.Encode(r)
	if err != nil {
		return Stored{}, err
	}
	ix := extract(r)
	// The parameters of the version being superseded say which rows of
	// params to remove; nil when it does not decode.
	var old *index
	if vid > 1 {
		if prev, err := fhir.DecodeResource(cur.JSON); err == nil && prev.Header().ResourceType == h.ResourceType {
			pix := extract(prev)
			old = &pix
		}
	}
	if h.ResourceType == "CarePlan" || h.ResourceType == "ServiceRequest" {
		t.regimeMemo = nil // a regime changes
	}
	packed, err := packDocument(h.ResourceType, js)
	if err != nil {
		return Stored{}, err
	}
	if _, err := t.exec(qPutCurrent,
		h.ResourceType, h.ID, vid, lu.UnixMilli(), ix.patientID, packed); err != nil {
		return Stored{}, fmt.Errorf("write %s/%s: %w", h.ResourceType, h.ID, err)
	}
	if err := t.reindex(h.ResourceType, h.ID, ix, vid > 1, old); err != nil {
		return Stored{}, err
	}
	return Stored{Type: h.ResourceType, ID: h.ID, VersionID: vid, LastUpdated: lu, PatientID: ix.patientID, JSON: js, packed: packed}, nil
}

// reindex brings the search tables in step with the new version ix of
// typ/id. existed says that it supersedes a version, whose parameters are
// old: its rows of params that ix does not have are removed by key. When
// the superseded version did not decode (old nil), they are found by a
// walk of the type's parameters instead, slow but complete.
//
// A change to the parameters extract computes therefore needs an upgrade
// step that indexes the stored resources again: rows the old rules made
// would otherwise never be found to remove.
func (t *tx) reindex(typ, id string, ix index, existed bool, old *index) error {
	switch {
	case existed && old == nil:
		if _, err := t.exec(qDeleteParams, typ, id); err != nil {
			return fmt.Errorf("reindex %s/%s: %w", typ, id, err)
		}
	case existed:
		for _, p := range old.params {
			if slices.Contains(ix.params, p) {
				continue
			}
			if _, err := t.exec(qDeleteParam, typ, p[0], p[1], id); err != nil {
				return fmt.Errorf("reindex %s/%s: %w", typ, id, err)
			}
		}
	}
	for _, p := range ix.params {
		if _, err := t.exec(qPutParam, typ, id, p[0], p[1]); err != nil {
			return fmt.Errorf("index %s/%s: %w", typ, id, err)
		}
	}
	switch typ {
	case "EpisodeOfCare":
		if _, err := t.exec(`DELETE FROM access WHERE episode_id = ?`, id); err != nil {
			return fmt.Errorf("reindex access %s: %w", id, err)
		}
		for _, a := range ix.access {
			if _, err := t.exec(`INSERT INTO access(episode_id, patient_id, team_id, from_ms, to_ms) VALUES (?, ?, ?, ?, ?)`,
				id, ix.patientID, a.teamID, a.from, a.to); err != nil {
				return fmt.Errorf("index access %s: %w", id, err)
			}
		}
	case "Observation":
		if err := t.indexReading(id, ix); err != nil {
			return err
		}
	case "CareTeam":
		if _, err := t.exec(`DELETE FROM members WHERE team_id = ?`, id); err != nil {
			return fmt.Errorf("reindex members %s: %w", id, err)
		}
		if _, err := t.exec(`DELETE FROM grants WHERE grant_id = ?`, id); err != nil {
			return fmt.Errorf("reindex grants %s: %w", id, err)
		}
		for _, g := range ix.grants {
			if _, err := t.exec(`INSERT INTO grants(grant_id, practitioner_id, patient_id, team_id, from_ms, to_ms) VALUES (?, ?, ?, ?, ?, ?)`,
				id, g.practitioner, g.patientID, g.teamID, g.from, g.to); err != nil {
				return fmt.Errorf("index grants %s: %w", id, err)
			}
		}
		for _, m := range ix.members {
			if _, err := t.exec(`INSERT INTO members(team_id, practitioner_id) VALUES (?, ?)`, id, m); err != nil {
				return fmt.Errorf("index members %s: %w", id, err)
			}
		}
	}
	return nil
}

// qFindByParam looks a token up through the params primary key. Sorting and
// de-duplicating are done on the few ids found: asked to in SQL, SQLite
// walked an index by owner instead (there was one before schema version
// 6) to get ids in order, reading every parameter row of the type.
const qFindByParam = `SELECT id FROM params WHERE type = ? AND name = ? AND value = ?`

// findByParam returns the ids of type whose token parameter name equals
// value, sorted, each once.
func (t *tx) findByParam(typ, name, value string) ([]string, error) {
	rows, err := t.query(qFindByParam, typ, name, value)
	if err != nil {
		return nil, fmt.Errorf("find %s by %s: %w", typ, name, err)
	}
	ids, err := collectIDs(rows)
	if err != nil {
		return nil, fmt.Errorf("find %s by %s: %w", typ, name, err)
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// byPatient returns every current resource of typ in the patient's
// compartment, oldest first. They are found through resources_by_patient
// and sorted here: asked to order them, SQLite walks every resource of the
// type in time order instead.
func (t *tx) byPatient(typ, patientID string) ([]Stored, error) {
	rows, err := t.query(qByPatient, typ, patientID)
	if err != nil {
		return nil, fmt.Errorf("list %s of patient: %w", typ, err)
	}
	out, err := collectStored(rows)
	if err != nil {
		return nil, fmt.Errorf("list %s of patient: %w", typ, err)
	}
	slices.SortFunc(out, func(a, b Stored) int {
		if c := a.LastUpdated.Compare(b.LastUpdated); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// patientsWithType lists the patient ids that have at least one typ.
func (t *tx) patientsWithType(typ string) ([]string, error) {
	rows, err := t.query(`SELECT DISTINCT patient_id FROM resources WHERE type = ? AND patient_id != '' ORDER BY patient_id`, typ)
	if err != nil {
		return nil, fmt.Errorf("list patients: %w", err)
	}
	return collectIDs(rows)
}

// Put writes resources as they are (keeping their ids; no triage, no access
// checks) in one transaction: for seeding and tests. Each becomes a new
// version.
func (s *Store) Put(ctx context.Context, rs ...fhir.Resource) error {
	return s.inTx(ctx, func(t *tx) error {
		for _, r := range rs {
			if r.Header().ID == "" {
				return fmt.Errorf("put %s: id is required", r.Header().ResourceType)
			}
			if _, err := t.write(r, 0); err != nil {
				return err
			}
		}
		return nil
	})
}

// collectStored reads every row of a query over storedCols and closes rows.
func collectStored(rows *sql.Rows) ([]Stored, error) {
	defer rows.Close()
	var out []Stored
	for rows.Next() {
		st, err := scanStored(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// collectIDs reads a one-column query of ids and closes rows.
func collectIDs(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
