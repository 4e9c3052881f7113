package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// isolate points HOME and XDG into a temporary directory for in-process
// commands and returns it.
func isolate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, config.EnvPrefix) {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
	t.Setenv("HOME", dir)
	t.Setenv("USER", "unit-nurse")
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "data"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	// A small demo keeps the tests quick.
	t.Setenv("TELEHJERTE_DEMO_PATIENTS", "12")
	t.Setenv("TELEHJERTE_DEMO_DAYS", "14")
	return dir
}

func testEnv(t *testing.T) (*env, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	e := newEnv()
	if e.locErr != nil {
		t.Fatal(e.locErr)
	}
	var out, errOut bytes.Buffer
	e.stdout, e.stderr = &out, &errOut
	now := time.Date(2026, 3, 10, 10, 30, 0, 0, e.loc)
	e.now = func() time.Time { return now }
	return e, &out, &errOut
}

// flagConfig resolves the configuration from the root command's flags
// given as args (and the isolated environment), as the binary does.
func flagConfig(t *testing.T, e *env, args ...string) config.Config {
	t.Helper()
	root := newRootCmd(e)
	if err := root.PersistentFlags().Parse(args); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.LoadOptions{Flags: root.PersistentFlags()})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func execute(t *testing.T, e *env, args ...string) error {
	t.Helper()
	root := newRootCmd(e)
	root.SetArgs(args)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	return root.ExecuteContext(context.Background())
}

func TestFlagValidation(t *testing.T) {
	for _, tt := range []struct {
		f    worklistFlags
		want string
	}{
		{worklistFlags{format: "table"}, ""},
		{worklistFlags{format: "json", all: true}, ""},
		{worklistFlags{format: "csv", width: 80}, ""},
		{worklistFlags{format: "xml"}, `unknown --format "xml"`},
		{worklistFlags{format: "JSON"}, `unknown --format "JSON"`},
		{worklistFlags{format: "table", width: -1}, "--width -1"},
	} {
		err := tt.f.validate()
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%+v: err %v, want %q", tt.f, err, tt.want)
		}
	}
	for _, tt := range []struct {
		f    seedFlags
		want []string
	}{
		{seedFlags{patients: 10, days: 5, out: "x"}, nil},
		{seedFlags{patients: 10, days: 5}, []string{"--out PATH is required"}},
		{seedFlags{patients: 0, days: 0, out: "x"}, []string{"--patients 0", "--days 0"}},
	} {
		err := tt.f.validate()
		if (err == nil) != (tt.want == nil) {
			t.Errorf("%+v: err %v, want %v", tt.f, err, tt.want)
		}
		for _, w := range tt.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%+v: err %v, want %q", tt.f, err, w)
			}
		}
	}
}

func TestOpenDataModes(t *testing.T) {
	dir := isolate(t)
	e, _, _ := testEnv(t)
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)

	t.Run("demo", func(t *testing.T) {
		cfg := flagConfig(t, e)
		// A stale file in the way is replaced, not opened.
		if err := os.MkdirAll(filepath.Dir(cfg.DemoCachePath), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(cfg.DemoCachePath, []byte("not a database"), 0o600); err != nil {
			t.Fatal(err)
		}
		d, err := openData(ctx, e, cfg, log)
		if err != nil {
			t.Fatal(err)
		}
		defer d.close()
		if d.mode != config.ModeDemo || !d.demo || d.clinic != demo.ClinicName || d.note != "" || d.engine == nil || d.embedded == nil {
			t.Errorf("demo data: %+v", d)
		}
		// The demo runs through the embedded central, whose database is a
		// private file beside the demo cache.
		fi, err := os.Stat(filepath.Join(dir, "data", "telehjerte", demoCentralFile))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("embedded central database: %v, %v", fi, err)
		}
		if d.store.Path() != filepath.Join(dir, "data", "telehjerte", "demo.sqlite") {
			t.Errorf("demo cache at %s", d.store.Path())
		}
		rows, err := d.store.Worklist(ctx, true)
		if err != nil || len(rows) != 12 {
			t.Errorf("demo worklist: %d rows, %v", len(rows), err)
		}
	})

	t.Run("explicit cache must exist", func(t *testing.T) {
		missing := filepath.Join(dir, "nope.sqlite")
		cfg := flagConfig(t, e, "--cache", missing)
		if cfg.Mode() != config.ModeCache {
			t.Fatalf("mode %v", cfg.Mode())
		}
		_, err := openData(ctx, e, cfg, log)
		if err == nil || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), "seed") {
			t.Errorf("err = %v", err)
		}
		if _, serr := os.Stat(missing); !errors.Is(serr, os.ErrNotExist) {
			t.Errorf("a missing cache was created: %v", serr)
		}
	})

	t.Run("explicit cache is opened as it is", func(t *testing.T) {
		path := filepath.Join(dir, "seeded.sqlite")
		store, err := buildDemo(ctx, path, demo.Options{Patients: 10, Days: 10, Now: e.now(), Loc: e.loc})
		if err != nil {
			t.Fatal(err)
		}
		store.Close()
		fi, _ := os.Stat(path)
		d, err := openData(ctx, e, flagConfig(t, e, "--cache", path), log)
		if err != nil {
			t.Fatal(err)
		}
		defer d.close()
		rows, err := d.store.Worklist(ctx, true)
		if err != nil || len(rows) != 10 {
			t.Errorf("%d rows, %v: the cache was rebuilt or not opened", len(rows), err)
		}
		if d.mode != config.ModeCache || !d.demo || d.clinic != demo.ClinicName {
			t.Errorf("cache data: %+v", d)
		}
		if fi2, _ := os.Stat(path); fi2.ModTime().Before(fi.ModTime()) {
			t.Errorf("cache file replaced")
		}
	})

	t.Run("central opens the cache with a sync engine, reachable or not", func(t *testing.T) {
		path := filepath.Join(dir, "replica.sqlite")
		d, err := openData(ctx, e, flagConfig(t, e, "--central-url", "http://127.0.0.1:9/fhir", "--cache", path), log)
		if err != nil {
			t.Fatal(err)
		}
		defer d.close()
		if d.mode != config.ModeCentral || d.demo || d.note != "" || d.store.Path() != path || d.engine == nil || d.embedded != nil {
			t.Errorf("central data: %+v", d)
		}
	})
}

func TestWorklistCommand(t *testing.T) {
	dir := isolate(t)
	e, out, _ := testEnv(t)
	if err := execute(t, e, "worklist", "--format", "json", "--all"); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(rows) != 12 || rows[0]["status"] != "red" {
		t.Errorf("%d rows, first %v", len(rows), rows[0])
	}
	// The look-up is in the audit log of the cache, by the demo nurse the
	// DEMO console acts as (who authors everything in the DEMO), not by
	// the OS user.
	store, err := cache.Open(context.Background(), filepath.Join(dir, "data", "telehjerte", "demo.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	log, err := store.AuditLog(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, a := range log {
		if a.Action != "view-worklist" {
			continue
		}
		found = true
		if a.User != demo.NurseA {
			t.Errorf("the worklist subcommand's look-up is audited as %q, want the demo nurse %q", a.User, demo.NurseA)
		}
	}
	if !found {
		t.Errorf("no view-worklist audit entry in %+v", log)
	}

	out.Reset()
	if err := execute(t, e, "worklist", "--width", "100"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "DEMO") {
		t.Errorf("table lacks the DEMO banner:\n%s", out)
	}
	if err := execute(t, e, "worklist", "--format", "yaml"); err == nil {
		t.Error("--format yaml accepted")
	}
	if err := execute(t, e, "worklist", "extra"); err == nil {
		t.Error("a stray argument accepted")
	}
}

func TestSeedCommand(t *testing.T) {
	dir := isolate(t)
	e, out, _ := testEnv(t)
	path := filepath.Join(dir, "bench.sqlite")
	if err := execute(t, e, "seed", "--patients", "11", "--days", "8", "--out", path); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "11 patients") || !strings.Contains(out.String(), "11 worklist rows") {
		t.Errorf("seed output %q", out)
	}
	err := execute(t, e, "seed", "--patients", "11", "--out", path)
	if err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("overwriting without --force: %v", err)
	}
	if err := execute(t, e, "seed", "--patients", "10", "--days", "8", "--out", path, "--force"); err != nil {
		t.Errorf("--force: %v", err)
	}
}

func TestConfigAndVersionCommands(t *testing.T) {
	isolate(t)
	e, out, _ := testEnv(t)
	t.Setenv("TELEHJERTE_CENTRAL_TOKEN", "unit-test-token-secret-QRST")
	if err := execute(t, e, "config", "--lang", "en"); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); strings.Contains(s, "secret") || !strings.Contains(s, "****QRST") || !strings.Contains(s, "(flag)") {
		t.Errorf("config output:\n%s", s)
	}
	out.Reset()
	if err := execute(t, e, "version"); err != nil || !strings.HasPrefix(out.String(), "telehjerte-tui ") {
		t.Errorf("version: %q %v", out, err)
	}
	t.Setenv("TELEHJERTE_LNAG", "en")
	if err := execute(t, e, "config"); err == nil || !strings.Contains(err.Error(), "TELEHJERTE_LNAG") {
		t.Errorf("unknown env: %v", err)
	}
}

func TestConsoleNeedsATerminal(t *testing.T) {
	isolate(t)
	e, _, _ := testEnv(t)
	e.terminal = func() bool { return false }
	err := execute(t, e)
	if err == nil || !strings.Contains(err.Error(), "terminal") {
		t.Errorf("err = %v", err)
	}
}
