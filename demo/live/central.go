package live

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/domain"
)

// CoverNurse is the practitioner of the demo's cover team (demo names only
// the home team's nurses); the same id as `telehjerte-central seed` uses.
const CoverNurse = "prac-demo-nord-nurse-1"

// Options configures Start. Zero fields take defaults.
type Options struct {
	// DBPath is the central's SQLite file; an existing file (and its
	// journal companions) is replaced. Required.
	DBPath string
	// Patients, Days and Seed are the demo.Options of the clinic.
	Patients, Days int
	Seed           int64
	// Now is the clinic's clock: the moment the history is generated up to,
	// and the central's clock for triage and tasks (time.Now).
	Now func() time.Time
	// GenerateAt, when set, is the moment the history is generated up to
	// instead of Now(): a console that has written the same clinic
	// straight into its cache (demo.SeedCache with the same options) passes
	// the same moment, so the central holds exactly what the cache does.
	GenerateAt time.Time
	// Loc is the clinic's time zone (Europe/Copenhagen).
	Loc *time.Location
	// Nurse is the practitioner the console's token acts for (demo.NurseA).
	Nurse string
	// Logger gets the central's request log and start/stop lines; never
	// tokens or personal data (nil discards).
	Logger *slog.Logger
}

// Central is a running embedded central with the demo clinic.
type Central struct {
	// URL is the FHIR base URL, http://127.0.0.1:<port>.
	URL string
	// Token is the bearer token of the demo nurse (Options.Nurse). Secret:
	// never print or log it.
	Token string
	// Nurse is the practitioner id Token acts for.
	Nurse string
	// Patients is the number of patients seeded.
	Patients int

	server   *central.Server
	store    *central.Store
	hs       *http.Server
	served   chan error
	fresh    freshConns // connections no request has arrived on yet
	log      *slog.Logger
	now      func() time.Time
	loc      *time.Location
	plans    []patientPlan     // synthetic patients with their regime versions, in id order
	patToken map[string]string // patient id -> bearer token for the patient side
}

// patientPlan is what the simulator needs of one patient.
type patientPlan struct {
	id       string
	versions []domain.Regime
}

// Start builds a fresh central database from the demo generator and serves
// it on 127.0.0.1 (a free port). Close stops it.
func Start(ctx context.Context, opts Options) (*Central, error) {
	if opts.DBPath == "" {
		return nil, errors.New("live: Options.DBPath is required")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Loc == nil {
		loc, err := time.LoadLocation(demo.DefaultLocation)
		if err != nil {
			return nil, fmt.Errorf("live: load %s: %w", demo.DefaultLocation, err)
		}
		opts.Loc = loc
	}
	if opts.Nurse == "" {
		opts.Nurse = demo.NurseA
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	start := time.Now()
	store, err := openFreshStore(ctx, opts.DBPath)
	if err != nil {
		return nil, err
	}
	// Synthetic patients only: a training database.
	if err := store.MarkTraining(ctx); err != nil {
		store.Close()
		return nil, fmt.Errorf("live: %w", err)
	}
	c := &Central{Nurse: opts.Nurse, store: store, log: opts.Logger, now: opts.Now, loc: opts.Loc,
		patToken: map[string]string{}}
	if err := c.seed(ctx, opts); err != nil {
		store.Close()
		return nil, err
	}
	seeded := time.Since(start)
	if err := c.serve(opts); err != nil {
		store.Close()
		return nil, err
	}
	c.log.Info("embedded central started", "patients", c.Patients, "seed_ms", seeded.Milliseconds(), "addr", c.URL)
	return c, nil
}

// openFreshStore replaces path with a new central database, private to the
// user.
func openFreshStore(ctx context.Context, path string) (*central.Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("live: central database directory: %w", err)
	}
	if err := RemoveDB(path); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("live: create central database: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("live: create central database: %w", err)
	}
	store, err := central.OpenStore(ctx, path, nil)
	if err != nil {
		return nil, fmt.Errorf("live: open central database: %w", err)
	}
	if err := restrict(path); err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}

// RemoveDB deletes an SQLite file and its journal companions, so a stale
// write-ahead log is never applied to a new file. Missing files are fine.
func RemoveDB(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("live: remove %s: %w", p, err)
		}
	}
	return nil
}

// restrict sets mode 0600 on the database and the companions that exist.
func restrict(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("live: restrict %s to 0600: %w", p, err)
		}
	}
	return nil
}

// seed loads the teams (with their nurses) and every patient, remembering
// what the simulator needs.
func (c *Central) seed(ctx context.Context, opts Options) error {
	members := map[string][]string{demo.TeamDemoID: {demo.NurseA, demo.NurseB}, demo.TeamCoverID: {CoverNurse}}
	if err := c.store.SeedTeams(ctx, demo.Teams(), members); err != nil {
		return fmt.Errorf("live: seed teams: %w", err)
	}
	if err := c.store.SeedPractitioners(ctx, demo.PractitionerNames()); err != nil {
		return fmt.Errorf("live: %w", err)
	}
	if err := c.store.SeedQuestionnaires(ctx, demo.Questionnaires()); err != nil {
		return fmt.Errorf("live: %w", err)
	}
	now := opts.GenerateAt
	if now.IsZero() {
		now = opts.Now()
	}
	err := demo.Generate(demo.Options{Patients: opts.Patients, Days: opts.Days, Seed: opts.Seed, Now: now, Loc: opts.Loc},
		func(rec demo.PatientRecord) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := c.store.SeedPatient(ctx, central.PatientSeed{Patient: rec.Patient, Responsibility: rec.Responsibility,
				Regimes: rec.Regimes, Readings: rec.Readings, Questionnaires: rec.Questionnaires,
				Messages: rec.Messages, Tasks: rec.Tasks}, now); err != nil {
				return err
			}
			c.Patients++
			if rec.Patient.Synthetic && len(rec.Regimes) > 0 {
				c.plans = append(c.plans, patientPlan{id: rec.Patient.ID, versions: rec.Regimes})
			}
			return nil
		})
	if err != nil {
		return fmt.Errorf("live: seed the demo clinic: %w", err)
	}
	return nil
}

// serve makes the tokens, the server and the listener.
func (c *Central) serve(opts Options) error {
	tokens := map[string]string{}
	var err error
	if c.Token, err = newToken(); err != nil {
		return err
	}
	tokens[c.Token] = "Practitioner/" + c.Nurse
	for _, p := range c.plans {
		tok, err := newToken()
		if err != nil {
			return err
		}
		c.patToken[p.id] = tok
		tokens[tok] = "Patient/" + p.id
	}
	toks, err := central.NewTokens(tokens)
	if err != nil {
		return fmt.Errorf("live: tokens: %w", err)
	}
	c.server, err = central.NewServer(central.Config{Store: c.store, Tokens: toks, Loc: opts.Loc, Now: opts.Now,
		Logger: c.log.With("component", "central")})
	if err != nil {
		return fmt.Errorf("live: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("live: listen on loopback: %w", err)
	}
	c.URL = "http://" + ln.Addr().String()
	c.hs = &http.Server{Handler: c.server.Handler(), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: time.Minute, WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(c.log.Handler(), slog.LevelWarn), ConnState: c.fresh.track}
	c.served = make(chan error, 1)
	go func() { c.served <- c.hs.Serve(ln) }()
	return nil
}

// freshConns are the server's connections in state new: accepted, no
// request read yet.
type freshConns struct {
	mu      sync.Mutex
	conns   map[net.Conn]struct{}
	closing bool // closeAll was called: a connection accepted since is closed at once
}

// track is the server's ConnState hook.
func (f *freshConns) track(conn net.Conn, st http.ConnState) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if st != http.StateNew {
		delete(f.conns, conn)
		return
	}
	if f.closing {
		_ = conn.Close()
		return
	}
	if f.conns == nil {
		f.conns = map[net.Conn]struct{}{}
	}
	f.conns[conn] = struct{}{}
}

// closeAll closes the connections still new, and those accepted after it
// (until Shutdown has closed the listener). A request whose header was
// read just as they are closed is still handled, but its answer is lost
// with the connection: a client asking at the moment the central stops
// gets an error, as it would a moment later.
func (f *freshConns) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closing = true
	for conn := range f.conns {
		_ = conn.Close()
		delete(f.conns, conn)
	}
}

// newToken returns 24 random bytes in hex.
func newToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("live: make token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// Server is the central's FHIR server (for ScanMissing and tests).
func (c *Central) Server() *central.Server { return c.server }

// Close stops serving (waiting up to 5 s for requests in flight) and closes
// the database. It is safe to call more than once.
func (c *Central) Close() error {
	if c.hs == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- c.hs.Shutdown(ctx) }()
	// Shutdown waits for connections that have not sent a request yet as
	// if one were in flight (up to 5 s). A sync round that cancels its
	// searches leaves such connections with its client: nothing is being
	// served on them, so they are closed now.
	c.fresh.closeAll()
	err := <-done
	if serr := <-c.served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	c.hs = nil
	err = errors.Join(err, c.store.Close())
	if err != nil {
		return fmt.Errorf("live: stop central: %w", err)
	}
	c.log.Info("embedded central stopped")
	return nil
}
