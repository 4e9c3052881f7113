package live

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
)

// clinicNow is a fixed moment in the clinic's day, after the 08:00
// measurements (so the story patients have measured today).
func clinicNow(t testing.TB) time.Time {
	loc, err := time.LoadLocation(demo.DefaultLocation)
	if err != nil {
		t.Fatal(err)
	}
	return time.Date(2026, 3, 10, 10, 30, 0, 0, loc)
}

// rig is an embedded central with a synced console cache.
type rig struct {
	c     *Central
	store *cache.Store
	eng   *engine.Engine
}

func newRig(t testing.TB, patients, days int) *rig {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	now := clinicNow(t)
	c, err := Start(ctx, Options{DBPath: filepath.Join(dir, "central.sqlite"), Patients: patients, Days: days,
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	store, err := NewCache(ctx, filepath.Join(dir, "console.sqlite"))
	if err != nil {
		t.Fatalf("NewCache: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	cl, err := c.Client("live-test")
	if err != nil {
		t.Fatal(err)
	}
	return &rig{c: c, store: store, eng: engine.New(store, cl, engine.Options{})}
}

func (r *rig) sync(t testing.TB) engine.Report {
	t.Helper()
	rep, err := r.eng.Once(context.Background())
	if err != nil {
		t.Fatalf("sync round: %v", err)
	}
	return rep
}

// worklistKey reduces a worklist to what the nurse sees of its order.
func worklistKey(rows []domain.WorklistRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = fmt.Sprintf("%s:%v:%d/%d/%d", r.Patient.ID, r.Open.Group(), r.Open.New(), r.Open.Missing, r.Open.Unread)
	}
	return out
}

func TestSyncedDemoEqualsTheDirectDemo(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, 14, 21)
	rep := r.sync(t)
	if rep.Pulled["Patient"] != 14 || rep.Pulled["Observation"] == 0 || rep.Pulled["Task"] == 0 {
		t.Errorf("first pull: %+v", rep.Pulled)
	}
	if r.c.Patients != 14 {
		t.Errorf("Patients = %d, want 14", r.c.Patients)
	}
	got, err := r.store.Worklist(ctx, true)
	if err != nil {
		t.Fatal(err)
	}

	// The same clinic loaded straight into a cache, as the console did
	// before it had a central.
	direct, err := cache.Open(ctx, filepath.Join(t.TempDir(), "direct.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer direct.Close()
	if err := demo.SeedCache(ctx, direct, demo.Options{Patients: 14, Days: 21, Now: clinicNow(t)}); err != nil {
		t.Fatal(err)
	}
	want, err := direct.Worklist(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	gk, wk := worklistKey(got), worklistKey(want)
	if len(gk) != len(wk) {
		t.Fatalf("synced worklist has %d rows, direct %d", len(gk), len(wk))
	}
	for i := range gk {
		if gk[i] != wk[i] {
			t.Errorf("row %d: synced %s, direct %s", i, gk[i], wk[i])
		}
	}
	info, err := r.store.Info(ctx)
	if err != nil || info[demo.InfoDemo] != "1" || info[demo.InfoClinic] != demo.ClinicName {
		t.Errorf("info = %v, %v", info, err)
	}

	// A second round finds nothing new.
	if rep := r.sync(t); len(rep.Pulled) != 0 && sumPulled(rep) != 0 {
		t.Errorf("second round pulled %+v", rep.Pulled)
	}
}

func sumPulled(rep engine.Report) int {
	n := 0
	for _, v := range rep.Pulled {
		n += v
	}
	return n
}

// The demo clinic's practitioners reach the nurse's cache with their
// names (the central gives a nurse every Practitioner; the console pulls
// them), as the demo cache loaded directly has them: the console names
// the cardiologist of every regime instead of showing her id.
func TestDemoPractitionersHaveNames(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, 3, 3)
	r.sync(t)
	direct, err := cache.Open(ctx, filepath.Join(t.TempDir(), "direct.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer direct.Close()
	if err := demo.SeedCache(ctx, direct, demo.Options{Patients: 3, Days: 3, Now: clinicNow(t)}); err != nil {
		t.Fatal(err)
	}
	for id, want := range demo.PractitionerNames() {
		for which, st := range map[string]*cache.Store{"synced": r.store, "direct": direct} {
			if got, err := st.Name(ctx, "Practitioner", id); err != nil || got != want {
				t.Errorf("%s cache: %s is named %q (%v), want %q", which, id, got, err, want)
			}
		}
	}
	d, err := r.store.Patient(ctx, "pat-0001", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Regime.Physician != domain.PractitionerRef(demo.Physician) {
		t.Errorf("the regime's physician is %q, want the reference to %s", d.Regime.Physician, demo.Physician)
	}
}

func TestFilesArePrivateAndReplaced(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "central.sqlite")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	// A stale file and write-ahead log in the way are replaced, not used.
	for _, p := range []string{path, path + "-wal"} {
		if err := os.WriteFile(p, []byte("stale"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	now := clinicNow(t)
	c, err := Start(ctx, Options{DBPath: path, Patients: 3, Days: 3, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatalf("Start over stale files: %v", err)
	}
	defer c.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
	}
	if c.Patients != 3 || c.Token == "" || len(c.Token) < 32 {
		t.Errorf("central: %d patients, token length %d", c.Patients, len(c.Token))
	}
	if _, err := Start(ctx, Options{}); err == nil {
		t.Error("Start without a database path succeeded")
	}
}

func TestNurseSeesOnlyWithAValidToken(t *testing.T) {
	r := newRig(t, 3, 3)
	cl, err := (&Central{URL: r.c.URL, Token: "not-the-token-0000"}).Client("x")
	if err != nil {
		t.Fatal(err)
	}
	store, err := NewCache(context.Background(), filepath.Join(t.TempDir(), "other.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := engine.New(store, cl, engine.Options{}).Once(context.Background()); err == nil {
		t.Error("a sync with a wrong token succeeded")
	}
}

func TestSimulatorMovesTheWorklist(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, 12, 7)
	r.sync(t)
	before, err := r.store.Worklist(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	sim := r.c.Simulator(7, nil)
	kinds := map[EventKind]int{}
	colours := map[domain.Color]int{}
	for range 60 {
		ev, err := sim.Step(ctx)
		if err != nil {
			t.Fatalf("Step: %v", err)
		}
		if ev.ID == "" || ev.PatientID == "" {
			t.Fatalf("event without ids: %+v", ev)
		}
		kinds[ev.Kind]++
		if ev.Kind == EventReading {
			colours[ev.Color]++
		}
	}
	if kinds[EventReading] == 0 || kinds[EventMessage] == 0 {
		t.Errorf("60 events: %v; want readings and messages", kinds)
	}
	if colours[domain.Red] == 0 || colours[domain.Yellow] == 0 || colours[domain.Green] == 0 {
		t.Errorf("reading colours %v; want red, yellow and green among 60 events", colours)
	}
	rep := r.sync(t)
	if rep.Pulled["Observation"] != kinds[EventReading] || rep.Pulled["Communication"] != kinds[EventMessage] {
		t.Errorf("pulled %+v after %v", rep.Pulled, kinds)
	}
	after, err := r.store.Worklist(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	openBefore, openAfter := openItems(before), openItems(after)
	if openAfter <= openBefore {
		t.Errorf("open items %d before, %d after 60 simulated events", openBefore, openAfter)
	}
}

func openItems(rows []domain.WorklistRow) int {
	n := 0
	for _, r := range rows {
		n += r.Open.New() + r.Open.Missing + r.Open.Unread
	}
	return n
}

func TestSimulatorIsDeterministic(t *testing.T) {
	a := newRig(t, 12, 3)
	b := newRig(t, 12, 3)
	sa, sb := a.c.Simulator(3, nil), b.c.Simulator(3, nil)
	for i := range 15 {
		ea, err := sa.Step(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		eb, err := sb.Step(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if ea.Kind != eb.Kind || ea.PatientID != eb.PatientID || ea.Measurement != eb.Measurement || ea.Color != eb.Color {
			t.Fatalf("event %d differs with the same seed: %+v vs %+v", i, ea, eb)
		}
	}
}

func TestRunStopsWithContext(t *testing.T) {
	r := newRig(t, 3, 3)
	ctx, cancel := context.WithCancel(context.Background())
	events := make(chan Event, 1)
	done := make(chan error, 1)
	go func() {
		done <- r.c.Simulator(1, nil).Run(ctx, time.Millisecond, func(ev Event, err error) {
			if err != nil {
				t.Errorf("step: %v", err)
			}
			select {
			case events <- ev:
			default:
			}
		})
	}()
	<-events
	cancel()
	if err := <-done; err != context.Canceled {
		t.Errorf("Run returned %v, want context.Canceled", err)
	}
}

// A connection a client opened and never sent a request on (a sync round
// cancels searches whose connection was still being dialled; the client
// keeps it) is not a request in flight: Close ends it and succeeds. It
// used to wait its whole 5 s for it and fail with the deadline.
func TestCloseDoesNotWaitForAConnectionWithoutARequest(t *testing.T) {
	c, err := Start(context.Background(), Options{DBPath: filepath.Join(t.TempDir(), "central.sqlite"), Patients: 1, Days: 1})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	u, err := url.Parse(c.URL)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := c.Close(); err != nil {
		t.Errorf("Close with an idle new connection: %v", err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Read(make([]byte, 1)); err == nil {
		t.Error("the connection without a request is still open after Close")
	}
}
