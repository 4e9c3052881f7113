package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// LoadOptions says where Load looks besides the defaults and the environment.
type LoadOptions struct {
	// File is the config file to read; it must exist. Empty: the --config
	// flag in Flags, else $TELEHJERTE_CONFIG, else
	// $XDG_CONFIG_HOME/telehjerte/config.yaml if it exists.
	File string
	// Flags holds the flags added by AddFlags; only flags the user set
	// override other sources. Nil: no flags.
	Flags *pflag.FlagSet
}

// FlagConfig is the flag naming the config file.
const FlagConfig = "config"

// loader holds one Load's state.
type loader struct {
	v     *viper.Viper
	file  *viper.Viper // the config file alone, to tell which keys it sets
	path  string
	flags *pflag.FlagSet
}

// Load reads the configuration. All problems found are returned together,
// each naming its key and source.
func Load(opts LoadOptions) (Config, error) {
	dirs, err := XDGDirs()
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	l := &loader{v: viper.New(), flags: opts.Flags}

	var errs []error
	errs = append(errs, unknownEnv(os.Environ())...)

	l.v.SetDefault(KeyLang, "da")
	l.v.SetDefault(KeyUser, defaultUser())
	l.v.SetDefault(KeyCachePath, filepath.Join(dirs.Data, "cache.sqlite"))
	l.v.SetDefault(KeyCentralURL, "")
	l.v.SetDefault(KeyCentralToken, "")
	l.v.SetDefault(KeyCentralTokenFn, "")
	l.v.SetDefault(KeyCentralCAFile, "")
	l.v.SetDefault(KeyOAuthIssuer, "")
	l.v.SetDefault(KeyOAuthClientID, "")
	l.v.SetDefault(KeyOAuthScopes, "")
	l.v.SetDefault(KeySyncInterval, "15s")
	l.v.SetDefault(KeySyncOverlap, "0s")
	l.v.SetDefault(KeySyncSettle, "5s")
	l.v.SetDefault(KeyDemoPatients, 40)
	l.v.SetDefault(KeyDemoDays, 60)
	l.v.SetDefault(KeyLogFile, filepath.Join(dirs.State, "telehjerte.log"))
	l.v.SetDefault(KeyPatientDays, 28)
	l.v.SetDefault(KeyClockOffset, "0")
	l.v.SetDefault(KeyCannedReplies, DefaultCannedReplies())
	l.v.SetDefault(KeyEnrolTemplate, "")

	for _, d := range keyDefs {
		if err := l.v.BindEnv(d.key, EnvName(d.key)); err != nil {
			return Config{}, fmt.Errorf("config: bind %s: %w", d.key, err)
		}
	}

	path, explicit := l.configFile(opts, dirs)
	if err := l.readFile(path, explicit); err != nil {
		// A file that cannot be read or parsed makes the value checks moot.
		return Config{}, errors.Join(append(errs, err)...)
	}

	if l.flags != nil {
		for _, d := range keyDefs {
			if d.flag == "" {
				continue
			}
			if f := l.flags.Lookup(d.flag); f != nil {
				if err := l.v.BindPFlag(d.key, f); err != nil {
					return Config{}, fmt.Errorf("config: bind flag --%s: %w", d.flag, err)
				}
			}
		}
	}

	c := Config{Dirs: dirs, File: l.path, DemoCachePath: filepath.Join(dirs.Data, "demo.sqlite"), sources: map[string]Source{}}
	for _, d := range keyDefs {
		c.sources[d.key] = l.source(d.key)
	}
	errs = append(errs, l.resolve(&c)...)
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	return c, nil
}

// configFile picks the file to read and whether it was asked for (and so
// must exist).
func (l *loader) configFile(opts LoadOptions, dirs Dirs) (string, bool) {
	if opts.File != "" {
		return opts.File, true
	}
	if l.flags != nil {
		if f := l.flags.Lookup(FlagConfig); f != nil && f.Changed {
			return f.Value.String(), true
		}
	}
	if p := os.Getenv(EnvConfigFile); p != "" {
		return p, true
	}
	return filepath.Join(dirs.Config, "config.yaml"), false
}

// readFile reads and checks the config file at path. A missing default file
// is fine; a missing explicit one is not.
func (l *loader) readFile(path string, explicit bool) error {
	path, err := expandHome(path)
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if !explicit && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("config file %s: %w", path, err)
	}
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".yaml", ".yml", "":
	default:
		return fmt.Errorf("config file %s: only YAML is supported (.yaml or .yml), not %q", path, ext)
	}
	fv := viper.New()
	fv.SetConfigType("yaml")
	if err := fv.ReadConfig(bytes.NewReader(data)); err != nil {
		return fmt.Errorf("config file %s: not valid YAML: %w", path, err)
	}
	var unknown []error
	for _, k := range fv.AllKeys() {
		if _, ok := lookupKey(k); ok || (isSection(k) && fv.Get(k) == nil) {
			continue
		}
		unknown = append(unknown, fmt.Errorf("config file %s: unknown key %q%s", path, k, suggest(k)))
	}
	if len(unknown) > 0 {
		return errors.Join(unknown...)
	}
	l.v.SetConfigType("yaml")
	if err := l.v.ReadConfig(bytes.NewReader(data)); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	l.file, l.path = fv, path
	return nil
}

// source reports which source supplies key, mirroring viper's precedence.
// Empty environment variables count as unset, as they do in viper.
func (l *loader) source(key string) Source {
	d, _ := lookupKey(key)
	if l.flags != nil && d.flag != "" {
		if f := l.flags.Lookup(d.flag); f != nil && f.Changed {
			return SourceFlag
		}
	}
	if v, ok := os.LookupEnv(EnvName(key)); ok && v != "" {
		return SourceEnv
	}
	if l.file != nil && l.file.IsSet(key) {
		return SourceFile
	}
	return SourceDefault
}

// where describes the source of key for an error message.
func (l *loader) where(key string, s Source) string {
	d, _ := lookupKey(key)
	switch s {
	case SourceFlag:
		return "flag --" + d.flag
	case SourceEnv:
		return "environment " + EnvName(key)
	case SourceFile:
		return "file " + l.path
	}
	return "default"
}

// unknownEnv reports TELEHJERTE_* variables that set no key, which are
// usually typos that would otherwise be silently ignored.
func unknownEnv(environ []string) []error {
	known := map[string]bool{EnvConfigFile: true}
	for _, d := range keyDefs {
		known[EnvName(d.key)] = true
	}
	var names []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, EnvPrefix) && !known[name] {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	errs := make([]error, 0, len(names))
	for _, n := range names {
		key := strings.ToLower(strings.TrimPrefix(n, EnvPrefix))
		errs = append(errs, fmt.Errorf("environment %s: sets no configuration key%s", n, suggestEnv(key)))
	}
	return errs
}

// isSection reports whether k is the parent of known keys (e.g. "central").
func isSection(k string) bool {
	for _, d := range keyDefs {
		if strings.HasPrefix(d.key, k+".") {
			return true
		}
	}
	return false
}

// suggest names the closest known key, if one is close.
func suggest(k string) string {
	best, bestD := "", 3
	for _, d := range keyDefs {
		if dist := editDistance(k, d.key); dist < bestD {
			best, bestD = d.key, dist
		}
	}
	if best == "" {
		return " (known keys: " + strings.Join(Keys(), ", ") + ")"
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func suggestEnv(k string) string {
	best, bestD := "", 3
	for _, d := range keyDefs {
		if dist := editDistance(k, strings.ReplaceAll(d.key, ".", "_")); dist < bestD {
			best, bestD = EnvName(d.key), dist
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// defaultUser is $USER, else the OS account name, else empty (an error
// later, naming the key).
func defaultUser() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}
