package cache

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/gofrs/flock"
)

// ErrSyncBusy is wrapped when another process (or another Store on the
// same file) is syncing this cache: only one may push its outbox at a time.
var ErrSyncBusy = errors.New("another process is syncing this cache")

// SyncLockPath is the lock file beside a cache file.
func SyncLockPath(cachePath string) string { return cachePath + "-sync.lock" }

// LockSync takes the cache's sync lock, without waiting: an OS file lock
// (flock on Unix, LockFileEx on Windows) on SyncLockPath, which the
// operating system releases when the holder ends in any way, a kill
// included. While it is held no other process can push this cache's outbox
// or pull into it; readers (the worklist, the console's screens) are not
// affected. When another holds it the error wraps ErrSyncBusy and names the
// holder's process id when known. unlock releases it.
func (s *Store) LockSync() (unlock func(), err error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	path := SyncLockPath(s.path)
	l := flock.New(path, flock.SetPermissions(0o600))
	ok, err := l.TryLock()
	if err != nil {
		return nil, fmt.Errorf("cache: sync lock %s: %w", path, err)
	}
	if !ok {
		holder := ""
		if b, err := os.ReadFile(path); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
				holder = fmt.Sprintf(" (process %d)", pid)
			}
		}
		return nil, fmt.Errorf("cache: %w%s; try again when it has finished", ErrSyncBusy, holder)
	}
	// Who holds it, for the message to the next one; the lock does not
	// depend on it.
	_ = os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600)
	return func() {
		_ = os.WriteFile(path, nil, 0o600)
		_ = l.Unlock()
	}, nil
}
