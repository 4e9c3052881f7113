//go:build unix

package cache

import (
	"syscall"
	"time"
)

// processCPU is the user+system CPU time this process has used, so the bulk
// benchmark can report CPU per row, which does not depend on how busy a
// shared machine is.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
