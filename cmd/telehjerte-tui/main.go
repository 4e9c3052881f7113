// Command telehjerte-tui is the TeleHjerte monitoring nurse's console. With
// no central server configured it opens a synthetic DEMO clinic.
//
// The command is wiring only: configuration (config), the local cache
// (sync/cache), the demo generator (demo) and the console (tui) do the work.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	// Europe/Copenhagen must load on machines without a zoneinfo database.
	_ "time/tzdata"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd(newEnv()).ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "telehjerte-tui:", err)
		os.Exit(1)
	}
}
