package config

import (
	"crypto/x509"
	"fmt"
	"math"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// resolve reads every key into c, collecting all errors.
func (l *loader) resolve(c *Config) []error {
	var errs []error
	fail := func(key, format string, args ...any) {
		errs = append(errs, errKey(key, l.where(key, c.sources[key]), format, args...))
	}
	str := func(key string) string {
		s, err := asString(l.v.Get(key))
		if err != nil {
			fail(key, "%v", err)
		}
		return strings.TrimSpace(s)
	}
	integer := func(key string, lo, hi int) int {
		n, err := asInt(l.v.Get(key))
		switch {
		case err != nil:
			fail(key, "%v", err)
		case n < lo || n > hi:
			fail(key, "%d is out of range %d..%d", n, lo, hi)
		}
		return n
	}
	path := func(key string) string {
		p := str(key)
		x, err := expandHome(p)
		if err != nil {
			fail(key, "%v", err)
		}
		return x
	}

	switch c.Lang = strings.ToLower(str(KeyLang)); c.Lang {
	case "da", "en":
	default:
		fail(KeyLang, "%q is not a supported language (da, en)", c.Lang)
	}
	if c.User = str(KeyUser); c.User == "" {
		fail(KeyUser, "is empty; set the nurse's user name or practitioner id")
	} else if hasControl(c.User) {
		fail(KeyUser, "contains control characters")
	}
	if c.CachePath = path(KeyCachePath); c.CachePath == "" {
		fail(KeyCachePath, "is empty")
	}
	if c.LogFile = path(KeyLogFile); c.LogFile == "" {
		fail(KeyLogFile, "is empty")
	}

	c.Central.URL = str(KeyCentralURL)
	if c.Central.URL != "" {
		if err := checkURL(c.Central.URL); err != nil {
			fail(KeyCentralURL, "%v", err)
		}
	}
	c.Central.TokenFile = path(KeyCentralTokenFn)
	token := l.v.Get(KeyCentralToken)
	tok, err := asString(token)
	if err != nil {
		fail(KeyCentralToken, "must be text") // never echo the value
	}
	tok = strings.TrimSpace(tok)
	ts, fs := c.sources[KeyCentralToken], c.sources[KeyCentralTokenFn]
	switch {
	case tok != "" && c.Central.TokenFile != "" && ts == fs:
		fail(KeyCentralToken, "both central.token and central.token_file are set; keep one")
	case c.Central.TokenFile != "" && (tok == "" || fs > ts):
		t, err := readToken(c.Central.TokenFile)
		if err != nil {
			fail(KeyCentralTokenFn, "%v", err)
		}
		c.Central.Token = t
		// The token's effective source is the token file's.
		c.sources[KeyCentralToken] = fs
	default:
		if tok != "" && hasControl(tok) {
			fail(KeyCentralToken, "contains control characters")
		}
		c.Central.Token = tok
		if tok != "" {
			c.Central.TokenFile = "" // overridden by a higher-precedence token
		}
	}
	l.resolveOAuth(c, fail, str)
	if c.Central.CAFile = path(KeyCentralCAFile); c.Central.CAFile != "" {
		if err := checkCAFile(c.Central.CAFile); err != nil {
			fail(KeyCentralCAFile, "%v", err)
		}
	}

	d, err := asDuration(l.v.Get(KeySyncInterval))
	switch {
	case err != nil:
		fail(KeySyncInterval, "%v", err)
	case d <= 0:
		fail(KeySyncInterval, "%s must be positive", d)
	case d < minSyncInterval || d > maxSyncInterval:
		fail(KeySyncInterval, "%s is out of range %s..%s", d, minSyncInterval, maxSyncInterval)
	}
	c.SyncInterval = d
	window := func(key string) time.Duration {
		d, err := asDuration(l.v.Get(key))
		switch {
		case err != nil:
			fail(key, "%v", err)
		case d < 0 || d > maxSyncWindow:
			fail(key, "%s is out of range 0s..%s", d, maxSyncWindow)
		}
		return d
	}
	c.SyncOverlap = window(KeySyncOverlap)
	c.SyncSettle = window(KeySyncSettle)
	c.DemoPatients = integer(KeyDemoPatients, 1, maxDemoPatients)
	c.DemoDays = integer(KeyDemoDays, 1, maxDays)
	c.PatientDays = integer(KeyPatientDays, 1, maxDays)

	if c.ClockOffset, err = ParseOffset(l.v.Get(KeyClockOffset)); err != nil {
		fail(KeyClockOffset, "%v", err)
	} else if c.ClockOffset < -maxClockOffset || c.ClockOffset > maxClockOffset {
		fail(KeyClockOffset, "%s is out of range ±%dd", FormatOffset(c.ClockOffset), maxDays)
	}
	c.EnrolTemplateFile = str(KeyEnrolTemplate)
	if c.EnrolTemplate, err = LoadTemplate(c.EnrolTemplateFile); err != nil {
		fail(KeyEnrolTemplate, "%v", err)
	}
	if c.CannedReplies, err = cannedReplies(l.v.Get(KeyCannedReplies)); err != nil {
		fail(KeyCannedReplies, "%v", err)
	}
	return errs
}

// asString accepts text, and whole numbers (a numeric practitioner id written
// without quotes in YAML).
func asString(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case int, int64, int32, uint, uint64, uint32:
		return fmt.Sprint(x), nil
	}
	return "", fmt.Errorf("must be text, not %T", v)
}

func asInt(v any) (int, error) {
	switch x := v.(type) {
	case int:
		return x, nil
	case int64:
		return int(x), nil
	case int32:
		return int(x), nil
	case uint64:
		if x > math.MaxInt32 {
			return 0, fmt.Errorf("%d is too large", x)
		}
		return int(x), nil
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > math.MaxInt32 {
			return 0, fmt.Errorf("%v is not a whole number", x)
		}
		return int(x), nil
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(x))
		if err != nil {
			return 0, fmt.Errorf("%q is not a whole number", x)
		}
		return n, nil
	}
	return 0, fmt.Errorf("must be a whole number, not %T", v)
}

func asDuration(v any) (time.Duration, error) {
	switch x := v.(type) {
	case time.Duration:
		return x, nil
	case string:
		d, err := time.ParseDuration(strings.TrimSpace(x))
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration (e.g. 15s, 2m)", x)
		}
		return d, nil
	}
	return 0, fmt.Errorf("%v is not a duration with a unit (e.g. 15s, 2m)", v)
}

// checkURL accepts absolute http and https URLs with a host and no
// credentials (the token is configured separately and never printed).
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a URL", s)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q is not an http or https URL", s)
	}
	if u.Host == "" {
		return fmt.Errorf("%q has no host", s)
	}
	if u.User != nil {
		return fmt.Errorf("must not contain credentials; use central.token or central.token_file")
	}
	return nil
}

func readToken(path string) (string, error) {
	// The token is a password: a file others may read is refused, as ssh
	// refuses a private key others may read.
	if fi, err := os.Stat(path); err == nil && runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("token file %s has mode %04o: others than its owner can read it; run chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("cannot read token file: %w", err)
	}
	t := strings.TrimSpace(string(b))
	switch {
	case t == "":
		return "", fmt.Errorf("token file %s is empty", path)
	case hasControl(t):
		return "", fmt.Errorf("token file %s holds more than one line or control characters", path)
	}
	return t, nil
}

func checkCAFile(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("cannot read CA file: %w", err)
	}
	if !x509.NewCertPool().AppendCertsFromPEM(b) {
		return fmt.Errorf("%s holds no PEM certificate", path)
	}
	return nil
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}
