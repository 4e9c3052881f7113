//go:build unix

package display

import (
	"os"
	"os/signal"
	"syscall"
)

// notifyResize delivers SIGWINCH until stop is called.
func notifyResize() (changed <-chan os.Signal, stop func()) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGWINCH)
	return c, func() { signal.Stop(c) }
}
