// Command telehjerte-central runs the reference TeleHjerte FHIR R4 central
// server, seeds it with the synthetic demo clinic, and plays the patient
// side over FHIR.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := rootCmd().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "telehjerte-central:", err)
		os.Exit(1)
	}
}
