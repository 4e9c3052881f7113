package central

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// A search asked again runs the statement prepared the first time, and
// the read pool keeps at most readStatements of them: one pushed out is
// closed, and the search it served still answers the same.
func TestSearchStatementsPreparedOnceAndBounded(t *testing.T) {
	e := newEnv(t)
	p := Principal{Practitioner: "nurse-a"}
	search := func(q url.Values) []string {
		t.Helper()
		var ids []string
		err := e.store.readTx(context.Background(), func(tx *tx) error {
			res, err := tx.search(p, "Patient", q)
			for _, st := range res.entries {
				ids = append(ids, st.ID)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// A text new to the cache is prepared for it in the background.
		e.store.warmers.Wait()
		return ids
	}
	round := url.Values{"_lastUpdated": {"ge2026-01-01T00:00:00Z"}, "_sort": {"_lastUpdated"}, "_count": {"200"}}
	if got := search(round); strings.Join(got, ",") != "p1" {
		t.Fatalf("nurse-a sees %v, want [p1]", got)
	}
	before := e.store.rstmts.Len()
	for range 5 {
		// The same parameters in a map of another history: the same SQL.
		q := url.Values{}
		for _, k := range []string{"_count", "_sort", "_lastUpdated"} {
			q[k] = round[k]
		}
		search(q)
	}
	if n := e.store.rstmts.Len(); n != before {
		t.Errorf("asking the same search again left %d prepared statements, want %d", n, before)
	}
	// As many different texts as the cache holds and more: _id lists of
	// every length.
	for n := 1; n <= readStatements+20; n++ {
		ids := []string{"p1", "p2"}
		for i := 2; i < n; i++ {
			ids = append(ids, fmt.Sprintf("x%d", i))
		}
		got := search(url.Values{"_id": {strings.Join(ids[:max(n, 1)], ",")}})
		if strings.Join(got, ",") != "p1" {
			t.Fatalf("_id list of %d: nurse-a sees %v, want [p1]", n, got)
		}
	}
	if n := e.store.rstmts.Len(); n != readStatements {
		t.Errorf("%d prepared statements kept, want the bound %d", n, readStatements)
	}
	if got := search(round); strings.Join(got, ",") != "p1" {
		t.Errorf("after its statement was pushed out: nurse-a sees %v, want [p1]", got)
	}
}

// A statement pushed out of the read pool's cache (and so closed) while a
// read transaction is still running it, rows open, keeps serving that
// transaction: the rows read on, and the same text asked again in the
// transaction answers the same.
func TestReadStatementPushedOutWhileInUse(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const q = `SELECT id FROM resources WHERE type = ? ORDER BY id`
	// In the cache before the transaction takes it.
	if st, release := e.store.readStmt(ctx, q); st == nil {
		t.Fatal("the statement did not prepare")
	} else {
		release()
	}
	var first, again []string
	err := e.store.readTx(ctx, func(tx *tx) error {
		rows, err := tx.query(q, "Patient")
		if err != nil {
			return err
		}
		defer rows.Close()
		if !rows.Next() {
			return fmt.Errorf("no first row: %v", rows.Err())
		}
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		first = append(first, id)
		// Push q out: as many other texts as the cache holds.
		for i := range readStatements + 1 {
			st, release := e.store.readStmt(ctx, fmt.Sprintf("SELECT %d", i))
			if st == nil {
				return fmt.Errorf("SELECT %d did not prepare", i)
			}
			release()
		}
		if e.store.rstmts.Contains(q) {
			return fmt.Errorf("the statement was not pushed out")
		}
		for rows.Next() {
			if err := rows.Scan(&id); err != nil {
				return err
			}
			first = append(first, id)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("rows after the statement was closed: %w", err)
		}
		rows2, err := tx.query(q, "Patient")
		if err != nil {
			return err
		}
		defer rows2.Close()
		again, err = collectIDs(rows2)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(first) < 2 || strings.Join(first, ",") != strings.Join(again, ",") {
		t.Errorf("read %v while the statement was pushed out, then %v; want the same, at least two", first, again)
	}
}

// roleOf, which every request runs outside a transaction, never meets its
// statement closed: with a cache of one statement and other reads pushing
// it out all the while, each look-up still answers (the request got a 500
// when the statement was pushed out and closed between look-up and use).
// Read transactions running their statements meanwhile answer too.
func TestRoleOfWhileItsStatementIsPushedOut(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	small, err := newReadCache(1)
	if err != nil {
		t.Fatal(err)
	}
	e.store.rstmts.Purge()
	e.store.rstmts = small

	// Fewer transactions than the read pool has connections: each may
	// prepare on the pool while it holds one.
	const workers, lookups = readConns - 2, 20000
	var (
		wg             sync.WaitGroup
		failed, pushed atomic.Int64
		first          atomic.Value
	)
	done := make(chan struct{})
	for w := range workers {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				err := e.store.readTx(ctx, func(tx *tx) error {
					var one int
					return tx.queryRow(fmt.Sprintf("SELECT 1 WHERE %d >= 0", (w*7+i)%11)).Scan(&one)
				})
				if err != nil {
					failed.Add(1)
					first.CompareAndSwap(nil, fmt.Errorf("a read transaction: %w", err))
				}
				pushed.Add(1)
			}
		})
	}
	var lookers sync.WaitGroup
	for range 2 {
		lookers.Go(func() {
			for range lookups {
				role, err := e.store.roleOf(ctx, "nurse-a")
				if err != nil || role != domain.RoleNurse {
					failed.Add(1)
					first.CompareAndSwap(nil, fmt.Errorf("role %q: %w", role, err))
				}
			}
		})
	}
	lookers.Wait()
	close(done)
	wg.Wait()
	if pushed.Load() == 0 {
		t.Fatal("nothing pushed the statement out")
	}
	if n := failed.Load(); n > 0 {
		t.Errorf("%d failures among %d role look-ups and %d other reads pushing the statements out; first: %v",
			n, 2*lookups, pushed.Load(), first.Load())
	}
}

// As many read transactions as the read pool has connections, each asking
// a text not prepared yet, all answer at once: a statement missing from the
// cache is not prepared on the pool by a transaction that holds one of its
// connections (each then waited for a free connection, which none would
// give back, until its request was cancelled).
func TestReadTransactionsFillingThePoolAskNewTexts(t *testing.T) {
	e := newEnv(t)
	// A deadline turns the wait into an error instead of a hung test.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var (
		begun sync.WaitGroup
		wg    sync.WaitGroup
		errs  = make(chan error, readConns)
	)
	begun.Add(readConns)
	for i := range readConns {
		wg.Go(func() {
			errs <- e.store.readTx(ctx, func(tx *tx) error {
				var one int
				// The transaction holds its connection from here.
				if err := tx.sql.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
					return err
				}
				begun.Done()
				begun.Wait()
				for j := range 3 {
					if err := tx.queryRow(fmt.Sprintf("SELECT %d WHERE %d >= 0", i, j)).Scan(&one); err != nil {
						return fmt.Errorf("a new text in a full pool: %w", err)
					}
				}
				return nil
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}
