//go:build !unix

package display

import "os"

// notifyResize: no SIGWINCH here; the size stays the one at Open.
func notifyResize() (changed <-chan os.Signal, stop func()) {
	return make(chan os.Signal), func() {}
}
