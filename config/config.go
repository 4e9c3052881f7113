// Package config loads the console's configuration: built-in defaults, then a
// YAML config file ($XDG_CONFIG_HOME/telehjerte/config.yaml or --config),
// then TELEHJERTE_* environment variables, then command-line flags, each
// overriding the one before. Unknown keys and bad values are errors that
// name the key and where the value came from.
package config

import (
	"fmt"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// Source says where a configuration value came from.
type Source int

// Sources in increasing precedence.
const (
	SourceDefault Source = iota
	SourceFile
	SourceEnv
	SourceFlag
)

func (s Source) String() string {
	switch s {
	case SourceFile:
		return "file"
	case SourceEnv:
		return "env"
	case SourceFlag:
		return "flag"
	}
	return "default"
}

// Central is how to reach the central FHIR server.
type Central struct {
	URL       string // empty: no central, the console runs the demo or a local cache
	Token     string // bearer token, from central.token or read from central.token_file; secret
	TokenFile string
	CAFile    string // PEM file of extra CA certificates; empty for the system roots
	OAuth     OAuth  // the OAuth 2 login, instead of Token (see oauth.go)
}

// Config is the effective configuration.
type Config struct {
	Lang          string // "da" or "en"
	User          string // the nurse's user name or practitioner id, for the audit log
	CachePath     string // the local SQLite cache
	DemoCachePath string // where the demo cache is rebuilt on each start (not configurable)
	Central       Central
	SyncInterval  time.Duration
	// SyncOverlap re-reads this much before each watermark, for a central
	// whose lastUpdated order may differ from its commit order (0: none).
	SyncOverlap time.Duration
	// SyncSettle is how long a watermark must have stood, searched again
	// with nothing new, before rounds search past it; 0: never (engine
	// Options.Settle).
	SyncSettle   time.Duration
	DemoPatients int
	DemoDays     int
	LogFile      string
	PatientDays  int // days of readings the patient view shows
	// ClockOffset shifts the console's "now" (training sessions, tests);
	// 0 is real time. The console shows a non-zero offset plainly.
	ClockOffset time.Duration
	// CannedReplies are the ready texts the message composer offers.
	CannedReplies []string
	// EnrolTemplate is the start-up regime template enrolment uses (the
	// file at enrol.template, else the built-in one).
	EnrolTemplate     domain.RegimeTemplate
	EnrolTemplateFile string // "" for the built-in template
	File              string // the config file that was read; empty if none
	Dirs              Dirs

	sources map[string]Source
}

// Source reports where the value of key came from.
func (c Config) Source(key string) Source { return c.sources[key] }

// Mode is how the console gets its data.
type Mode int

// Modes.
const (
	// ModeDemo: no central and no cache configured; a synthetic clinic is
	// generated into DemoCachePath.
	ModeDemo Mode = iota
	// ModeCache: no central, but a cache path was given; it is opened as it is.
	ModeCache
	// ModeCentral: a central server is configured; the cache at CachePath is
	// its replica.
	ModeCentral
)

func (m Mode) String() string {
	return [...]string{"demo", "cache", "central"}[m]
}

// Mode decides where data comes from: central when central.url is set, else
// the given cache when cache.path was set explicitly (file, env or flag),
// else the demo.
func (c Config) Mode() Mode {
	switch {
	case c.Central.URL != "":
		return ModeCentral
	case c.Source(KeyCachePath) != SourceDefault:
		return ModeCache
	}
	return ModeDemo
}

// Now returns the console's clock: time.Now shifted by ClockOffset.
func (c Config) Now() time.Time { return time.Now().Add(c.ClockOffset) }

// Validate the ranges of numbers, so both Load and callers that build a
// Config by hand get the same checks.
const (
	minSyncInterval = time.Second
	maxSyncInterval = 24 * time.Hour
	// maxSyncWindow bounds sync.overlap and sync.settle.
	maxSyncWindow   = time.Hour
	maxDemoPatients = 100000
	maxDays         = 3650
	maxClockOffset  = maxDays * 24 * time.Hour
	maxCanned       = 50
	// maxCannedLen is the longest canned reply, in characters: a message
	// body's limit (domain.MaxBody).
	maxCannedLen = 2000
)

func errKey(key string, where string, format string, args ...any) error {
	return fmt.Errorf("config %s (%s): %s", key, where, fmt.Sprintf(format, args...))
}
