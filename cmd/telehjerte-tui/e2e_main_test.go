package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// buildDir holds the binaries built for this package's test run: each one
// is built once (with -race when the tests are) and shared by every
// end-to-end test.
var buildDir string

// builds holds one build per output name.
var builds sync.Map // name -> *builtBinary

type builtBinary struct {
	once sync.Once
	path string
	err  error
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "thj-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: temporary directory:", err)
		os.Exit(1)
	}
	buildDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// builtOnce builds the package at pkg (relative to this directory) into
// the shared build directory the first time it is asked for, and returns
// its path.
func builtOnce(t *testing.T, name, pkg string) string {
	t.Helper()
	v, _ := builds.LoadOrStore(name, &builtBinary{})
	b := v.(*builtBinary)
	b.once.Do(func() {
		b.path = filepath.Join(buildDir, name)
		args := []string{"build", "-o", b.path}
		if raceBuild {
			args = append(args, "-race")
		}
		if out, err := exec.Command("go", append(args, pkg)...).CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}
