package central

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// TestWriterBatchKeepsEachJobsOutcome: writes that queue up while another
// holds the write connection run in one transaction and one commit, and
// each keeps the outcome it would have had alone: a write that fails, or
// panics, leaves nothing behind and undoes nothing of the others.
func TestWriterBatchKeepsEachJobsOutcome(t *testing.T) {
	ctx := context.Background()
	st, err := OpenStore(ctx, filepath.Join(t.TempDir(), "central.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	put := func(tx *tx, id string) error {
		_, err := tx.write(&fhir.Practitioner{Base: fhir.Base{ResourceType: "Practitioner", ID: id}}, 0)
		return err
	}
	started, release := make(chan struct{}), make(chan struct{})
	holder := make(chan error, 1)
	go func() {
		holder <- st.inTx(ctx, func(tx *tx) error {
			if err := put(tx, "a"); err != nil {
				return err
			}
			close(started)
			<-release
			return nil
		})
	}()
	<-started
	before := st.commits.Load()
	boom := errors.New("refused")
	jobs := map[string]func(*tx) error{
		"b": func(tx *tx) error { return put(tx, "b") },
		"c": func(tx *tx) error {
			if err := put(tx, "c"); err != nil {
				return err
			}
			return boom
		},
		"d": func(tx *tx) error { return put(tx, "d") },
		"p": func(tx *tx) error {
			if err := put(tx, "p"); err != nil {
				return err
			}
			panic("job panics")
		},
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[string]string{}
	for name, fn := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					mu.Lock()
					got[name] = "panic"
					mu.Unlock()
				}
			}()
			err := st.inTx(ctx, fn)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				got[name] = "ok"
			case errors.Is(err, boom):
				got[name] = "refused"
			default:
				got[name] = err.Error()
			}
		}()
	}
	deadline := time.Now().Add(time.Minute)
	for st.queued.Load() < int32(len(jobs)) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d writes queued", st.queued.Load(), len(jobs))
		}
		time.Sleep(time.Millisecond) // waiting on the queue's state
	}
	close(release)
	if err := <-holder; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	want := map[string]string{"b": "ok", "c": "refused", "d": "ok", "p": "panic"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("write %s: %q, want %q", k, got[k], v)
		}
	}
	if n := st.commits.Load() - before; n != 2 {
		t.Errorf("%d commits, want 2 (the holder's, then one for the four queued writes)", n)
	}
	err = st.inTx(ctx, func(tx *tx) error {
		for id, keep := range map[string]bool{"a": true, "b": true, "c": false, "d": true, "p": false} {
			_, err := tx.current("Practitioner", id)
			if keep && err != nil {
				t.Errorf("Practitioner/%s: %v, want it stored", id, err)
			}
			if !keep && !errors.Is(err, ErrNotFound) {
				t.Errorf("Practitioner/%s: %v, want it rolled back", id, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestListOfIDsDoesNotWaitForTheWriter: a search that writes no audit
// record (a list of ids, as each console sync round asks for) is answered
// from the read pool while a write transaction holds the write connection.
func TestListOfIDsDoesNotWaitForTheWriter(t *testing.T) {
	e := newEnv(t)
	started, release := make(chan struct{}), make(chan struct{})
	held := make(chan error, 1)
	go func() {
		held <- e.store.inTx(context.Background(), func(*tx) error {
			close(started)
			<-release
			return nil
		})
	}()
	<-started
	defer func() {
		close(release)
		if err := <-held; err != nil {
			t.Error(err)
		}
	}()
	done := make(chan resp, 1)
	go func() { done <- e.do(http.MethodGet, "/Patient?_elements=id", tokNurseA, nil) }()
	select {
	case r := <-done:
		if r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
	case <-time.After(time.Minute):
		t.Fatal("a list of ids waited for the write connection")
	}
}

// TestWALStaysBoundedUnderSustainedWrites: under writes that never pause,
// the write-ahead log does not grow with the writes (it would, were it
// checkpointed only beside them: such a checkpoint never reaches the last
// frame, and the log starts over only after one that does).
func TestWALStaysBoundedUnderSustainedWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "central.db")
	st, err := OpenStore(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const limit = 256 << 10
	st.walLimit = limit
	var mu sync.Mutex
	var most int64
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 300 {
				pr := &fhir.Practitioner{Base: fhir.Base{ResourceType: "Practitioner", ID: fmt.Sprintf("p-%d-%d", w, i)},
					Name: []fhir.HumanName{{Text: strings.Repeat("x", 2000)}}}
				if err := st.Put(ctx, pr); err != nil {
					t.Error(err)
					return
				}
				if fi, err := os.Stat(path + "-wal"); err == nil {
					mu.Lock()
					most = max(most, fi.Size())
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	// 1,200 writes of more than 2 kB each: several MB of log if it never
	// started over.
	if most > 8*limit {
		t.Fatalf("the write-ahead log reached %d bytes; its limit is %d", most, limit)
	}
}

// TestLastUpdatedNeverGoesBack: lastUpdated never goes before one already
// handed out, whether the clock goes back, a write that ticked at a later
// time is rolled back (alone, or inside a batch whose other writes
// commit), another process writing the database handed out a later one,
// or the central restarts with its clock behind.
func TestLastUpdatedNeverGoesBack(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "central.db")
	clock := &fakeClock{t: t0}
	st, err := OpenStore(ctx, path, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { st.Close() }()
	var last time.Time
	// put writes id and checks its lastUpdated; it may run beside the
	// test's goroutine (never two at once).
	put := func(id string, at time.Time) error {
		return st.inTx(ctx, func(tx *tx) error {
			clock.Set(at)
			s, err := tx.write(&fhir.Practitioner{Base: fhir.Base{ResourceType: "Practitioner", ID: id}}, 0)
			if err != nil {
				return err
			}
			if s.LastUpdated.Before(last) {
				t.Errorf("%s: lastUpdated %s, before %s handed out earlier", id, s.LastUpdated, last)
			}
			last = s.LastUpdated
			return nil
		})
	}
	mustPut := func(id string, at time.Time) {
		t.Helper()
		if err := put(id, at); err != nil {
			t.Fatal(err)
		}
	}
	boom := errors.New("refused")
	failing := func(tx *tx) error {
		clock.Set(t0.Add(2 * time.Hour))
		if _, err := tx.write(&fhir.Practitioner{Base: fhir.Base{ResourceType: "Practitioner", ID: "failed"}}, 0); err != nil {
			return err
		}
		return boom
	}
	mustPut("a", t0)
	if !last.Equal(t0) {
		t.Fatalf("first write at %s, want the clock's %s", last, t0)
	}
	mustPut("b", t0.Add(-time.Hour))
	if !last.Equal(t0) {
		t.Errorf("with the clock an hour back, written at %s, want %s (ties, never before)", last, t0)
	}

	// A write alone that ticks later and is rolled back.
	if err := st.inTx(ctx, failing); !errors.Is(err, boom) {
		t.Fatalf("failing write: %v", err)
	}
	mustPut("c", t0.Add(-2*time.Hour))

	// Inside a batch: the failed write ticks later still and is rolled
	// back to its savepoint, the one after it commits.
	started, release := make(chan struct{}), make(chan struct{})
	holder := make(chan error, 1)
	go func() {
		holder <- st.inTx(ctx, func(tx *tx) error {
			close(started)
			<-release
			return nil
		})
	}()
	<-started
	failed := make(chan error, 1)
	go func() { failed <- st.inTx(ctx, failing) }()
	deadline := time.Now().Add(time.Minute)
	for st.queued.Load() < 1 {
		if time.Now().After(deadline) {
			t.Fatal("the failing write never queued")
		}
		time.Sleep(time.Millisecond) // waiting on the queue's state
	}
	after := make(chan error, 1)
	go func() { after <- put("d", t0.Add(-3*time.Hour)) }()
	for st.queued.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatal("the write after the failing one never queued")
		}
		time.Sleep(time.Millisecond) // waiting on the queue's state
	}
	close(release)
	if err := <-holder; err != nil {
		t.Fatal(err)
	}
	if err := <-failed; !errors.Is(err, boom) {
		t.Fatalf("failing write in the batch: %v", err)
	}
	if err := <-after; err != nil {
		t.Fatal(err)
	}

	// Another process writing the same database (telehjerte-central
	// admin) with its clock ahead.
	other, err := OpenStore(ctx, path, func() time.Time { return t0.Add(5 * time.Hour) })
	if err != nil {
		t.Fatal(err)
	}
	var theirs time.Time
	if err := other.inTx(ctx, func(tx *tx) error {
		s, err := tx.write(&fhir.Practitioner{Base: fhir.Base{ResourceType: "Practitioner", ID: "admin"}}, 0)
		theirs = s.LastUpdated
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}
	last = theirs
	mustPut("f", t0)

	// Restarted with the clock further back.
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if st, err = OpenStore(ctx, path, clock.Now); err != nil {
		t.Fatal(err)
	}
	mustPut("e", t0.Add(-4*time.Hour))
	if last.Before(t0) {
		t.Errorf("after a restart with the clock behind, written at %s, before %s", last, t0)
	}
}
