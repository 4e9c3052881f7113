package main

import (
	"time"

	"github.com/telehjerte/telehjerte-tui/config"
)

// clockBanner is the line the console shows above every screen while its
// clock is moved (clock.offset), so nobody takes it for real time; empty
// for real time.
func clockBanner(lang string, offset time.Duration) string {
	if offset == 0 {
		return ""
	}
	if lang == "en" {
		return " Clock shifted " + config.FormatOffset(offset) + " · not real time (training/test) "
	}
	return " Klokke forskudt " + config.FormatOffset(offset) + " · ikke den rigtige tid (undervisning/test) "
}
