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
