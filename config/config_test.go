package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// isolate points HOME and the XDG directories into a temporary directory,
// clears TELEHJERTE_* variables and returns the directory.
func isolate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, EnvPrefix) {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
	t.Setenv("HOME", dir)
	t.Setenv("USER", "nurse1")
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "cfg"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "data"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	return dir
}

func writeFile(t *testing.T, path, text string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func flags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	AddFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs
}

func TestDefaults(t *testing.T) {
	dir := isolate(t)
	c, err := Load(LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Lang: "da", User: "nurse1",
		CachePath:     filepath.Join(dir, "data", "telehjerte", "cache.sqlite"),
		DemoCachePath: filepath.Join(dir, "data", "telehjerte", "demo.sqlite"),
		SyncInterval:  15 * time.Second, DemoPatients: 40, DemoDays: 60, PatientDays: 28,
		LogFile: filepath.Join(dir, "state", "telehjerte", "telehjerte.log"),
	}
	c.sources, c.Dirs = nil, Dirs{}
	if c.Lang != want.Lang || c.User != want.User || c.CachePath != want.CachePath ||
		c.DemoCachePath != want.DemoCachePath || c.SyncInterval != want.SyncInterval ||
		c.DemoPatients != want.DemoPatients || c.DemoDays != want.DemoDays ||
		c.PatientDays != want.PatientDays || c.LogFile != want.LogFile || c.Central != (Central{}) || c.File != "" {
		t.Errorf("defaults:\n got %+v\nwant %+v", c, want)
	}
}

func TestXDGPaths(t *testing.T) {
	tests := []struct {
		name                         string
		config, data, state          string // XDG_* values; "" unset
		wantCfg, wantData, wantState string // relative to HOME
	}{
		{"all set", "/x/cfg", "/x/data", "/x/state", "/x/cfg/telehjerte", "/x/data/telehjerte", "/x/state/telehjerte"},
		{"unset falls back to home", "", "", "", "~/.config/telehjerte", "~/.local/share/telehjerte", "~/.local/state/telehjerte"},
		{"relative values are ignored", "rel/cfg", "rel", "./s", "~/.config/telehjerte", "~/.local/share/telehjerte", "~/.local/state/telehjerte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := isolate(t)
			for env, v := range map[string]string{"XDG_CONFIG_HOME": tt.config, "XDG_DATA_HOME": tt.data, "XDG_STATE_HOME": tt.state} {
				t.Setenv(env, v)
				if v == "" {
					os.Unsetenv(env)
				}
			}
			d, err := XDGDirs()
			if err != nil {
				t.Fatal(err)
			}
			exp := func(p string) string { return strings.Replace(p, "~", home, 1) }
			if d.Config != exp(tt.wantCfg) || d.Data != exp(tt.wantData) || d.State != exp(tt.wantState) {
				t.Errorf("got %+v, want %s %s %s", d, exp(tt.wantCfg), exp(tt.wantData), exp(tt.wantState))
			}
			c, err := Load(LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if c.CachePath != filepath.Join(exp(tt.wantData), "cache.sqlite") || c.LogFile != filepath.Join(exp(tt.wantState), "telehjerte.log") {
				t.Errorf("paths: cache %s log %s", c.CachePath, c.LogFile)
			}
		})
	}
}

func TestPrecedence(t *testing.T) {
	tests := []struct {
		name     string
		file     string            // default config file content; "" none
		env      map[string]string // environment
		args     []string          // flags
		key      string
		get      func(Config) any
		want     any
		wantFrom Source
	}{
		{"default", "", nil, nil, KeyLang, func(c Config) any { return c.Lang }, "da", SourceDefault},
		{"file over default", "lang: en\n", nil, nil, KeyLang, func(c Config) any { return c.Lang }, "en", SourceFile},
		{"env over file", "lang: da\n", map[string]string{"TELEHJERTE_LANG": "en"}, nil, KeyLang, func(c Config) any { return c.Lang }, "en", SourceEnv},
		{"flag over env", "lang: da\n", map[string]string{"TELEHJERTE_LANG": "da"}, []string{"--lang=en"}, KeyLang, func(c Config) any { return c.Lang }, "en", SourceFlag},
		{"empty env is unset", "lang: en\n", map[string]string{"TELEHJERTE_LANG": ""}, nil, KeyLang, func(c Config) any { return c.Lang }, "en", SourceFile},
		{"nested key from file", "central:\n  url: https://c.example/fhir\n", nil, nil, KeyCentralURL, func(c Config) any { return c.Central.URL }, "https://c.example/fhir", SourceFile},
		{"nested key from env", "central:\n  url: https://a.example/\n", map[string]string{"TELEHJERTE_CENTRAL_URL": "https://b.example/"}, nil, KeyCentralURL, func(c Config) any { return c.Central.URL }, "https://b.example/", SourceEnv},
		{"nested key from flag", "", map[string]string{"TELEHJERTE_CENTRAL_URL": "https://b.example/"}, []string{"--central-url", "http://127.0.0.1:8080/fhir"}, KeyCentralURL, func(c Config) any { return c.Central.URL }, "http://127.0.0.1:8080/fhir", SourceFlag},
		{"duration from file", "sync:\n  interval: 2m\n", nil, nil, KeySyncInterval, func(c Config) any { return c.SyncInterval }, 2 * time.Minute, SourceFile},
		{"duration from env", "sync:\n  interval: 2m\n", map[string]string{"TELEHJERTE_SYNC_INTERVAL": "30s"}, nil, KeySyncInterval, func(c Config) any { return c.SyncInterval }, 30 * time.Second, SourceEnv},
		{"duration from flag", "", nil, []string{"--sync-interval=1h"}, KeySyncInterval, func(c Config) any { return c.SyncInterval }, time.Hour, SourceFlag},
		{"settle default", "", nil, nil, KeySyncSettle, func(c Config) any { return c.SyncSettle }, 5 * time.Second, SourceDefault},
		{"settle off from env", "sync:\n  settle: 30s\n", map[string]string{"TELEHJERTE_SYNC_SETTLE": "0s"}, nil, KeySyncSettle, func(c Config) any { return c.SyncSettle }, time.Duration(0), SourceEnv},
		{"overlap default", "", nil, nil, KeySyncOverlap, func(c Config) any { return c.SyncOverlap }, time.Duration(0), SourceDefault},
		{"overlap from file", "sync:\n  overlap: 2s\n", nil, nil, KeySyncOverlap, func(c Config) any { return c.SyncOverlap }, 2 * time.Second, SourceFile},
		{"int from env", "demo:\n  patients: 10\n", map[string]string{"TELEHJERTE_DEMO_PATIENTS": "2000"}, nil, KeyDemoPatients, func(c Config) any { return c.DemoPatients }, 2000, SourceEnv},
		{"int from flag", "demo:\n  days: 10\n", nil, []string{"--demo-days=90"}, KeyDemoDays, func(c Config) any { return c.DemoDays }, 90, SourceFlag},
		{"int from file", "patient:\n  days: 14\n", nil, nil, KeyPatientDays, func(c Config) any { return c.PatientDays }, 14, SourceFile},
		{"numeric user id in file", "user: 123456\n", nil, nil, KeyUser, func(c Config) any { return c.User }, "123456", SourceFile},
		{"user from env", "", map[string]string{"TELEHJERTE_USER": "pract-7"}, nil, KeyUser, func(c Config) any { return c.User }, "pract-7", SourceEnv},
		{"cache flag", "cache:\n  path: /f/c.sqlite\n", nil, []string{"--cache=/g/c.sqlite"}, KeyCachePath, func(c Config) any { return c.CachePath }, "/g/c.sqlite", SourceFlag},
		{"log file from env", "", map[string]string{"TELEHJERTE_LOG_FILE": "/l/x.log"}, nil, KeyLogFile, func(c Config) any { return c.LogFile }, "/l/x.log", SourceEnv},
		{"token from env", "central:\n  token: fromfile-0000000\n", map[string]string{"TELEHJERTE_CENTRAL_TOKEN": "fromenv-11111111"}, nil, KeyCentralToken, func(c Config) any { return c.Central.Token }, "fromenv-11111111", SourceEnv},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := isolate(t)
			if tt.file != "" {
				writeFile(t, filepath.Join(dir, "cfg", "telehjerte", "config.yaml"), tt.file)
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			c, err := Load(LoadOptions{Flags: flags(t, tt.args...)})
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.get(c); got != tt.want {
				t.Errorf("%s = %v, want %v", tt.key, got, tt.want)
			}
			if got := c.Source(tt.key); got != tt.wantFrom {
				t.Errorf("source of %s = %v, want %v", tt.key, got, tt.wantFrom)
			}
		})
	}
}

func TestConfigFileLocation(t *testing.T) {
	dir := isolate(t)
	writeFile(t, filepath.Join(dir, "cfg", "telehjerte", "config.yaml"), "lang: en\n")
	other := writeFile(t, filepath.Join(dir, "other.yaml"), "lang: da\nuser: viaother\n")

	c, err := Load(LoadOptions{})
	if err != nil || c.Lang != "en" || c.File != filepath.Join(dir, "cfg", "telehjerte", "config.yaml") {
		t.Fatalf("default file: %v %q %q", err, c.Lang, c.File)
	}
	t.Setenv(EnvConfigFile, other)
	if c, err = Load(LoadOptions{}); err != nil || c.User != "viaother" || c.File != other {
		t.Fatalf("TELEHJERTE_CONFIG: %v %q %q", err, c.User, c.File)
	}
	third := writeFile(t, filepath.Join(dir, "third.yml"), "user: viaflag\n")
	if c, err = Load(LoadOptions{Flags: flags(t, "--config", third)}); err != nil || c.User != "viaflag" || c.File != third {
		t.Fatalf("--config: %v %q %q", err, c.User, c.File)
	}
	if c, err = Load(LoadOptions{File: other, Flags: flags(t, "--config", third)}); err != nil || c.File != other {
		t.Fatalf("LoadOptions.File: %v %q", err, c.File)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		file string // "" no file
		env  map[string]string
		args []string
		want []string // substrings the error must contain; "$FILE" is the config file path
	}{
		{"unknown key", "lang: da\nsync:\n  intervall: 5s\n", nil, nil, []string{"$FILE", `unknown key "sync.intervall"`, `did you mean "sync.interval"`}},
		{"unknown top key", "colour: red\n", nil, nil, []string{"$FILE", `unknown key "colour"`, "known keys"}},
		{"scalar where section expected", "central: https://x.example\n", nil, nil, []string{"$FILE", `unknown key "central"`}},
		{"bad yaml", "lang: [da\n", nil, nil, []string{"$FILE", "not valid YAML"}},
		{"bad lang in file", "lang: fr\n", nil, nil, []string{"config lang (file $FILE)", `"fr"`, "da, en"}},
		{"bad lang in env", "", map[string]string{"TELEHJERTE_LANG": "fr"}, nil, []string{"config lang (environment TELEHJERTE_LANG)"}},
		{"bad lang flag", "", nil, []string{"--lang=se"}, []string{"config lang (flag --lang)"}},
		{"negative interval", "sync:\n  interval: -5s\n", nil, nil, []string{"config sync.interval (file $FILE)", "must be positive"}},
		{"zero interval env", "", map[string]string{"TELEHJERTE_SYNC_INTERVAL": "0s"}, nil, []string{"sync.interval (environment TELEHJERTE_SYNC_INTERVAL)", "must be positive"}},
		{"interval without unit", "sync:\n  interval: 15\n", nil, nil, []string{"sync.interval (file $FILE)", "not a duration"}},
		{"interval not a duration", "", map[string]string{"TELEHJERTE_SYNC_INTERVAL": "soon"}, nil, []string{"sync.interval (environment", `"soon" is not a duration`}},
		{"negative overlap", "sync:\n  overlap: -1s\n", nil, nil, []string{"config sync.overlap (file $FILE)", "out of range 0s..1h0m0s"}},
		{"settle too long", "", map[string]string{"TELEHJERTE_SYNC_SETTLE": "2h"}, nil, []string{"sync.settle (environment TELEHJERTE_SYNC_SETTLE)", "out of range"}},
		{"settle not a duration", "sync:\n  settle: soon\n", nil, nil, []string{"sync.settle (file $FILE)", `"soon" is not a duration`}},
		{"non-URL central", "central:\n  url: not a url\n", nil, nil, []string{"config central.url (file $FILE)", "not an http or https URL"}},
		{"ftp central", "", map[string]string{"TELEHJERTE_CENTRAL_URL": "ftp://x.example/"}, nil, []string{"central.url (environment TELEHJERTE_CENTRAL_URL)", "not an http or https URL"}},
		{"central without host", "", nil, []string{"--central-url=https:///fhir"}, []string{"central.url (flag --central-url)", "no host"}},
		{"credentials in URL", "central:\n  url: https://bob:secretpw@x.example/\n", nil, nil, []string{"central.url", "credentials"}},
		{"unreadable token file", "central:\n  token_file: /nonexistent/token\n", nil, nil, []string{"config central.token_file (file $FILE)", "cannot read token file"}},
		{"token and token file in the same source", "central:\n  token: abcdefabcdef1234\n  token_file: /x\n", nil, nil, []string{"central.token", "keep one"}},
		{"unreadable CA file", "", map[string]string{"TELEHJERTE_CENTRAL_CA_FILE": "/nonexistent/ca.pem"}, nil, []string{"central.ca_file (environment TELEHJERTE_CENTRAL_CA_FILE)", "cannot read CA file"}},
		{"demo patients zero", "demo:\n  patients: 0\n", nil, nil, []string{"demo.patients (file $FILE)", "out of range"}},
		{"demo days not a number", "", map[string]string{"TELEHJERTE_DEMO_DAYS": "many"}, nil, []string{"demo.days (environment TELEHJERTE_DEMO_DAYS)", "not a whole number"}},
		{"patient days fraction", "patient:\n  days: 2.5\n", nil, nil, []string{"patient.days (file $FILE)", "not a whole number"}},
		{"lang a list", "lang: [da, en]\n", nil, nil, []string{"lang (file $FILE)", "must be text"}},
		{"empty user", "user: \"\"\n", nil, nil, []string{"config user (file $FILE)", "is empty"}},
		{"unknown env", "", map[string]string{"TELEHJERTE_CENTRAL_URI": "https://x.example"}, nil, []string{"environment TELEHJERTE_CENTRAL_URI", "sets no configuration key", "TELEHJERTE_CENTRAL_URL"}},
		{"unknown env no suggestion", "", map[string]string{"TELEHJERTE_WHATEVER": "1"}, nil, []string{"environment TELEHJERTE_WHATEVER: sets no configuration key"}},
		{"several errors at once", "lang: fr\nsync:\n  interval: -1s\n", nil, nil, []string{"config lang", "config sync.interval"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := isolate(t)
			path := filepath.Join(dir, "cfg", "telehjerte", "config.yaml")
			if tt.file != "" {
				writeFile(t, path, tt.file)
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			_, err := Load(LoadOptions{Flags: flags(t, tt.args...)})
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, w := range tt.want {
				if w = strings.ReplaceAll(w, "$FILE", path); !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "secretpw") || strings.Contains(err.Error(), "abcdefabcdef1234") {
				t.Errorf("error reveals a secret: %v", err)
			}
		})
	}
}

func TestExplicitFileMustExist(t *testing.T) {
	dir := isolate(t)
	missing := filepath.Join(dir, "nope.yaml")
	for name, opts := range map[string]LoadOptions{
		"option": {File: missing},
		"flag":   {Flags: flags(t, "--config", missing)},
	} {
		if _, err := Load(opts); err == nil || !strings.Contains(err.Error(), missing) {
			t.Errorf("%s: err = %v, want one naming %s", name, err, missing)
		}
	}
	t.Setenv(EnvConfigFile, missing)
	if _, err := Load(LoadOptions{}); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("env: err = %v", err)
	}
	os.Unsetenv(EnvConfigFile)
	toml := writeFile(t, filepath.Join(dir, "c.toml"), "lang = 'da'\n")
	if _, err := Load(LoadOptions{File: toml}); err == nil || !strings.Contains(err.Error(), "only YAML") {
		t.Errorf("toml: err = %v", err)
	}
}

func TestTokenFile(t *testing.T) {
	dir := isolate(t)
	tok := writeFile(t, filepath.Join(dir, "token"), "  s3cr3t-token-value-9876\n")
	writeFile(t, filepath.Join(dir, "cfg", "telehjerte", "config.yaml"),
		"central:\n  url: https://central.example/fhir\n  token_file: "+tok+"\n")
	c, err := Load(LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Central.Token != "s3cr3t-token-value-9876" || c.Central.TokenFile != tok || c.Source(KeyCentralToken) != SourceFile {
		t.Errorf("central = %+v, token source %v", c.Central, c.Source(KeyCentralToken))
	}
	if c.Mode() != ModeCentral {
		t.Errorf("mode %v, want central", c.Mode())
	}
	// A token in the environment overrides the file's token_file.
	t.Setenv("TELEHJERTE_CENTRAL_TOKEN", "env-token-000011112222")
	if c, err = Load(LoadOptions{}); err != nil || c.Central.Token != "env-token-000011112222" || c.Central.TokenFile != "" {
		t.Errorf("env token: %v %+v", err, c.Central)
	}
	// A token file others may read is refused.
	os.Unsetenv("TELEHJERTE_CENTRAL_TOKEN")
	if err := os.Chmod(tok, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err = Load(LoadOptions{}); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("world-readable token file: %v", err)
	}
	if err := os.Chmod(tok, 0o600); err != nil {
		t.Fatal(err)
	}
	// An empty token file is an error.
	writeFile(t, tok, "\n")
	os.Unsetenv("TELEHJERTE_CENTRAL_TOKEN")
	if _, err = Load(LoadOptions{}); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty token file: %v", err)
	}
}

func TestMaskSecret(t *testing.T) {
	for in, want := range map[string]string{
		"":                       "",
		"abc":                    "****",
		"abcdefghijk":            "****",
		"abcdefghijkl":           "****ijkl",
		"a-very-long-token-XYZW": "****XYZW",
	} {
		if got := MaskSecret(in); got != want {
			t.Errorf("MaskSecret(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMaskedAndPrint(t *testing.T) {
	dir := isolate(t)
	writeFile(t, filepath.Join(dir, "cfg", "telehjerte", "config.yaml"), "lang: en\ncentral:\n  url: https://c.example/fhir\n")
	t.Setenv("TELEHJERTE_CENTRAL_TOKEN", "supersecret-token-ABCD")
	c, err := Load(LoadOptions{Flags: flags(t, "--sync-interval=30s")})
	if err != nil {
		t.Fatal(err)
	}
	m := c.Masked()
	if len(m) != len(Keys()) {
		t.Errorf("Masked has %d keys, want %d", len(m), len(Keys()))
	}
	if m[KeyCentralToken] != "****ABCD" || m[KeySyncInterval] != "30s" || m[KeyDemoPatients] != 40 {
		t.Errorf("Masked = %v", m)
	}
	var buf bytes.Buffer
	if err := c.Print(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "supersecret") {
		t.Fatalf("Print reveals the token:\n%s", out)
	}
	for _, line := range []string{"central.token", "****ABCD", "(env)", "lang", "(file)", "sync.interval", "(flag)", "demo.days", "(default)", "# mode", "central"} {
		if !strings.Contains(out, line) {
			t.Errorf("Print output lacks %q:\n%s", line, out)
		}
	}
}

func TestMode(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want Mode
	}{
		{"nothing configured", nil, nil, ModeDemo},
		{"explicit cache flag", nil, []string{"--cache=/tmp/x.sqlite"}, ModeCache},
		{"explicit cache env", map[string]string{"TELEHJERTE_CACHE_PATH": "/tmp/x.sqlite"}, nil, ModeCache},
		{"central", map[string]string{"TELEHJERTE_CENTRAL_URL": "http://127.0.0.1:1/fhir"}, nil, ModeCentral},
		{"central with cache", map[string]string{"TELEHJERTE_CENTRAL_URL": "http://127.0.0.1:1/fhir"}, []string{"--cache=/tmp/y"}, ModeCentral},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolate(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			c, err := Load(LoadOptions{Flags: flags(t, tt.args...)})
			if err != nil {
				t.Fatal(err)
			}
			if c.Mode() != tt.want {
				t.Errorf("mode %v, want %v", c.Mode(), tt.want)
			}
		})
	}
}

func TestEnvName(t *testing.T) {
	for key, want := range map[string]string{
		KeyCentralURL:     "TELEHJERTE_CENTRAL_URL",
		KeyCentralTokenFn: "TELEHJERTE_CENTRAL_TOKEN_FILE",
		KeyLang:           "TELEHJERTE_LANG",
		KeyDemoPatients:   "TELEHJERTE_DEMO_PATIENTS",
	} {
		if got := EnvName(key); got != want {
			t.Errorf("EnvName(%q) = %q, want %q", key, got, want)
		}
	}
}
