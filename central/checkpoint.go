package central

import (
	"context"
	"time"
)

// The writing connection does not checkpoint the write-ahead log itself
// (wal_autocheckpoint 0): a checkpoint copies pages into the database
// file and syncs it, which would hold up whichever arrival's commit
// crossed the threshold, and every request queued behind it. A goroutine
// checkpoints instead, on a reading connection, after every
// checkpointEvery commits and at least once a second while commits come.
// PASSIVE never blocks readers or the writer; durability is unchanged
// (synchronous NORMAL: a commit is in the log before it returns).

// checkpointEvery is how many commits may pass before a checkpoint is
// asked for.
const checkpointEvery = 64

func (s *Store) startCheckpointer() {
	s.kick = make(chan struct{}, 1)
	s.stop = make(chan struct{})
	s.ckptDone = make(chan struct{})
	s.writerDone = make(chan struct{})
	close(s.writerDone) // until startWriter
	go s.checkpointer()
}

// committed counts a commit and asks for a checkpoint every
// checkpointEvery commits.
func (s *Store) committed() {
	if s.kick == nil {
		return // still opening
	}
	if s.commits.Add(1)%checkpointEvery == 0 {
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
}

func (s *Store) checkpointer() {
	defer close(s.ckptDone)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var done int64 // commits up to the last checkpoint
	for {
		select {
		case <-s.stop:
			return
		case <-s.kick:
		case <-tick.C:
		}
		n := s.commits.Load()
		if n == done {
			continue
		}
		if s.checkpoint(context.Background()) == nil {
			done = n
		}
	}
}

// checkpoint runs one passive checkpoint on a reading connection.
func (s *Store) checkpoint(ctx context.Context) error {
	var busy, logFrames, ckpt int64
	return s.rdb.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logFrames, &ckpt)
}

// stopCheckpointer ends the checkpointer (once; nothing when it never
// started).
func (s *Store) stopCheckpointer() {
	if s.stop == nil {
		return
	}
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	<-s.ckptDone
	<-s.writerDone
}
