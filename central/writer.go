package central

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// The writer owns the write connection. Every inTx call becomes a job; the
// writer takes the jobs that are waiting (up to maxBatch), begins one
// transaction, runs each job's fn inside its own savepoint (a job that
// fails is rolled back to its savepoint and leaves the others' work
// alone), commits once and then answers every job. The result for each
// job is exactly as if the jobs had run one after the other, each in its
// own transaction, except that they become durable together: a job's
// inTx returns only after the commit that holds its work, and when that
// commit fails every job in it gets the error and none of their work is
// kept.
//
// A job's statements run without its context's cancellation: SQLite
// answers an interrupted write inside a transaction by rolling back the
// whole transaction, which would undo the other jobs of the batch. A job
// whose context is done before it starts is not run.

// maxBatch bounds the jobs one transaction takes.
const maxBatch = 32

var errStoreClosed = errors.New("central store is closed")

type job struct {
	ctx      context.Context
	fn       func(*tx) error
	done     chan struct{}
	err      error
	panicked any
}

func (s *Store) startWriter() {
	s.jobs = make(chan *job)
	s.writerDone = make(chan struct{})
	go s.writer()
}

func (s *Store) writer() {
	defer close(s.writerDone)
	for {
		var batch []*job
		select {
		case j := <-s.jobs:
			batch = append(batch, j)
		case <-s.stop:
			return
		}
	more:
		for len(batch) < maxBatch {
			select {
			case j := <-s.jobs:
				batch = append(batch, j)
			default:
				break more
			}
		}
		s.runBatch(batch)
		for _, j := range batch {
			close(j.done)
		}
		s.boundWAL()
	}
}

// defaultWALLimit is the write-ahead log size past which the writer
// checkpoints between two batches.
const defaultWALLimit = 64 << 20

// walCheckEvery is how many batches boundWAL lets pass between two looks
// at the log's size: a look is a system call, and most batches are one
// small write (an access log entry), so looking after each one cost a
// twentieth of the writer's time in a sync round with nothing new. The log
// overshoots walLimit by at most that many batches.
const walCheckEvery = 16

// boundWAL checkpoints the log on the write connection when it has grown
// past walLimit. The background checkpointer copies pages while writes go
// on, but under a sustained burst it never catches up with the last
// frame, and the log only starts over once a checkpoint has copied all of
// it: here, between two batches, no write is running, so the checkpoint
// completes (most pages are already copied) and the next write starts the
// log over.
func (s *Store) boundWAL() {
	s.batches++ // the writer's own
	if s.batches%walCheckEvery != 0 {
		return
	}
	fi, err := os.Stat(s.path + "-wal")
	if err != nil || fi.Size() <= s.walLimit {
		return
	}
	_, _ = s.db.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
}

// runBatch runs the jobs in one transaction and sets each one's result.
func (s *Store) runBatch(batch []*job) {
	bg := context.Background()
	sqlTx, err := s.db.BeginTx(bg, nil)
	if err != nil {
		for _, j := range batch {
			j.err = fmt.Errorf("begin: %w", err)
		}
		return
	}
	if len(batch) == 1 {
		// Alone: no savepoint needed, the transaction is the job's.
		s.runAlone(sqlTx, batch[0])
		return
	}
	ran := 0 // jobs whose work is in the transaction
	for _, j := range batch {
		if err := j.ctx.Err(); err != nil {
			j.err = err
			continue
		}
		if _, err := s.execIn(sqlTx, qSavepoint); err != nil {
			j.err = fmt.Errorf("savepoint: %w", err)
			continue
		}
		t := &tx{s: s, sql: sqlTx, ctx: context.WithoutCancel(j.ctx)}
		j.panicked, j.err = runJob(t, j.fn)
		if j.err != nil || j.panicked != nil {
			if _, err := s.execIn(sqlTx, qRollbackTo); err != nil {
				// The transaction is no longer sound: keep nothing.
				_ = sqlTx.Rollback()
				failUnanswered(batch, fmt.Errorf("roll back a failed write: %w", err))
				return
			}
		}
		if _, err := s.execIn(sqlTx, qRelease); err != nil {
			_ = sqlTx.Rollback()
			failUnanswered(batch, fmt.Errorf("release savepoint: %w", err))
			return
		}
		if j.err == nil && j.panicked == nil {
			ran++
		}
	}
	if ran == 0 {
		_ = sqlTx.Rollback()
		return
	}
	if err := sqlTx.Commit(); err != nil {
		failUnanswered(batch, fmt.Errorf("commit: %w", err))
		return
	}
	s.committed()
}

// failUnanswered gives err to every job of the batch that has no result
// of its own yet: the transaction holding their work is gone.
func failUnanswered(batch []*job, err error) {
	for _, j := range batch {
		if j.err == nil && j.panicked == nil {
			j.err = err
		}
	}
}

// runAlone runs a batch of one job: its transaction commits or rolls
// back with it.
func (s *Store) runAlone(sqlTx *sql.Tx, j *job) {
	if err := j.ctx.Err(); err != nil {
		j.err = err
		_ = sqlTx.Rollback()
		return
	}
	t := &tx{s: s, sql: sqlTx, ctx: context.WithoutCancel(j.ctx)}
	j.panicked, j.err = runJob(t, j.fn)
	if j.err != nil || j.panicked != nil {
		_ = sqlTx.Rollback()
		return
	}
	if err := sqlTx.Commit(); err != nil {
		j.err = fmt.Errorf("commit: %w", err)
		return
	}
	s.committed()
}

// Savepoint statements of a batch, prepared with the others.
const (
	qSavepoint  = `SAVEPOINT job`
	qRollbackTo = `ROLLBACK TO job`
	qRelease    = `RELEASE job`
)

// execIn runs one of the prepared statements in sqlTx.
func (s *Store) execIn(sqlTx *sql.Tx, q string) (sql.Result, error) {
	bg := context.Background()
	if st, ok := s.stmts[q]; ok {
		return sqlTx.StmtContext(bg, st).ExecContext(bg)
	}
	return sqlTx.ExecContext(bg, q)
}

// runJob calls fn, turning a panic into a value to re-raise in the
// caller's goroutine.
func runJob(t *tx, fn func(*tx) error) (panicked any, err error) {
	defer func() {
		if p := recover(); p != nil {
			panicked = p
		}
	}()
	return nil, fn(t)
}
