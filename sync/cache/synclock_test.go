package cache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestSyncLock: while one Store holds a cache's sync lock, a second Store
// on the same file is refused with ErrSyncBusy naming the holder's process;
// after unlock it gets the lock. The lock file is private (0600).
func TestSyncLock(t *testing.T) {
	s := openTest(t)
	other, err := Open(context.Background(), s.path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	unlock, err := s.LockSync()
	if err != nil {
		t.Fatal(err)
	}
	_, err = other.LockSync()
	if !errors.Is(err, ErrSyncBusy) || !strings.Contains(err.Error(), fmt.Sprintf("(process %d)", os.Getpid())) {
		t.Fatalf("second lock while held: %v, want ErrSyncBusy naming process %d", err, os.Getpid())
	}
	fi, err := os.Stat(SyncLockPath(s.path))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("lock file: %v, %v; want mode 0600", fi, err)
	}
	unlock()
	unlock2, err := other.LockSync()
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	unlock2()
}
