package config

// Configuration keys, as written in the config file. The environment variable
// for a key is TELEHJERTE_ followed by the key in upper case with dots
// replaced by underscores, e.g. central.url -> TELEHJERTE_CENTRAL_URL.
const (
	KeyLang           = "lang"
	KeyUser           = "user"
	KeyCachePath      = "cache.path"
	KeyCentralURL     = "central.url"
	KeyCentralToken   = "central.token"
	KeyCentralTokenFn = "central.token_file"
	KeyCentralCAFile  = "central.ca_file"
	KeySyncInterval   = "sync.interval"
	KeySyncOverlap    = "sync.overlap"
	KeySyncSettle     = "sync.settle"
	KeyDemoPatients   = "demo.patients"
	KeyDemoDays       = "demo.days"
	KeyLogFile        = "log.file"
	KeyPatientDays    = "patient.days"
	KeyClockOffset    = "clock.offset"
	KeyCannedReplies  = "messages.canned"
)

// EnvPrefix starts every environment variable the console reads.
const EnvPrefix = "TELEHJERTE_"

// EnvConfigFile names the config file, like --config.
const EnvConfigFile = EnvPrefix + "CONFIG"

// keyDef describes one key: its command-line flag (empty for none) and
// whether its value is a secret that is never printed.
type keyDef struct {
	key    string
	flag   string
	secret bool
}

// keyDefs lists every key in the order they are printed.
var keyDefs = [...]keyDef{
	{key: KeyLang, flag: "lang"},
	{key: KeyUser, flag: "user"},
	{key: KeyCachePath, flag: "cache"},
	{key: KeyCentralURL, flag: "central-url"},
	// No flag for the token itself: command lines are visible to other users.
	{key: KeyCentralToken, secret: true},
	{key: KeyCentralTokenFn, flag: "central-token-file"},
	{key: KeyCentralCAFile, flag: "central-ca-file"},
	{key: KeyOAuthIssuer},
	{key: KeyOAuthClientID},
	// A list: in the environment, the scopes separated by spaces.
	{key: KeyOAuthScopes},
	{key: KeySyncInterval, flag: "sync-interval"},
	// Settings for the central's operator, not for a nurse: no flags.
	{key: KeySyncOverlap},
	{key: KeySyncSettle},
	{key: KeyDemoPatients, flag: "demo-patients"},
	{key: KeyDemoDays, flag: "demo-days"},
	{key: KeyLogFile, flag: "log-file"},
	{key: KeyPatientDays, flag: "patient-days"},
	{key: KeyClockOffset, flag: "clock-offset"},
	// A list: set it in the config file, or in the environment with the
	// texts separated by "|".
	{key: KeyCannedReplies},
	{key: KeyEnrolTemplate, flag: "enrol-template"},
}

// Keys returns every configuration key in display order.
func Keys() []string {
	out := make([]string, len(keyDefs))
	for i, d := range keyDefs {
		out[i] = d.key
	}
	return out
}

// EnvName returns the environment variable that sets key.
func EnvName(key string) string {
	b := []byte(key)
	for i, c := range b {
		switch {
		case c == '.':
			b[i] = '_'
		case c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
		}
	}
	return EnvPrefix + string(b)
}

func lookupKey(key string) (keyDef, bool) {
	for _, d := range keyDefs {
		if d.key == key {
			return d, true
		}
	}
	return keyDef{}, false
}
