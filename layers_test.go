// Package telehjerte_test holds the module-wide check of the package map
// in docs/architecture.md: imports point down, and only the console's UI
// compiles against Charm.
package telehjerte_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/telehjerte/telehjerte-tui/"

// layers says, for each package (by the longest matching prefix of its
// path in the module), which of the module's packages it may import. A
// package may always import its own subpackages' siblings under the same
// prefix. The table is docs/architecture.md's layer diagram:
//
//	cmd/..., bench        wire everything
//	tui                   the screens: console + domain only
//	                      (tui/display, the terminal, imports none of ours)
//	sync/..., central,    side by side (demo loads a cache and runs the
//	demo                  embedded central)
//	console, config       ports and configuration
//	fhir                  the FHIR vocabulary, beside domain
//	domain                pure rules
var layers = []struct {
	prefix string
	may    []string
}{
	{"domain", nil},
	{"fhir", []string{"domain"}},
	{"console", []string{"domain"}},
	{"config", []string{"domain"}},
	{"sync/outbox", []string{"domain", "fhir"}},
	{"sync", []string{"domain", "fhir", "console", "sync"}},
	{"central", []string{"domain", "fhir", "config", "central"}},
	{"demo", []string{"domain", "fhir", "sync", "central", "demo"}},
	{"tui", []string{"domain", "console", "tui"}},
	{"tui/display", nil},
	{"cmd", []string{"*"}},
	{"bench", []string{"*"}},
}

// charmFree are the packages that must not compile against the UI
// libraries (directly or through one of the module's packages).
var charmFree = []string{"domain", "fhir", "console", "config", "sync", "central", "demo"}

func within(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

func ruleOf(pkg string) (may []string, ok bool) {
	best := -1
	for i, l := range layers {
		if within(pkg, l.prefix) && (best < 0 || len(l.prefix) > len(layers[best].prefix)) {
			best = i
		}
	}
	if best < 0 {
		return nil, false
	}
	return layers[best].may, true
}

// imports reads the non-test imports of every package of the module:
// package path (relative to the module) → imported paths.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "testdata", "node_modules", ".git", ".ci":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Dir(p))
		for _, s := range f.Imports {
			ip, err := strconv.Unquote(s.Path.Value)
			if err != nil {
				return err
			}
			out[pkg] = append(out[pkg], ip)
		}
		if _, seen := out[pkg]; !seen {
			out[pkg] = nil
		}
		return nil
	})
	if err != nil {
		t.Fatalf("reading the module's imports: %v", err)
	}
	return out
}

func TestImportsPointDown(t *testing.T) {
	all := imports(t)
	if len(all) < 10 {
		t.Fatalf("found only %d packages; is the test run from the module root?", len(all))
	}
	pkgs := make([]string, 0, len(all))
	for p := range all {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, pkg := range pkgs {
		may, ok := ruleOf(pkg)
		if !ok {
			t.Errorf("package %s is not in the layer table (add it here and to docs/architecture.md)", pkg)
			continue
		}
		for _, ip := range all[pkg] {
			own, found := strings.CutPrefix(ip, module)
			if !found || slices.Contains(may, "*") {
				continue
			}
			allowed := false
			for _, m := range may {
				if within(own, m) {
					allowed = true
				}
			}
			if !allowed {
				t.Errorf("%s imports %s: not below it in docs/architecture.md's layers (it may import %v)", pkg, own, may)
			}
		}
	}
}

func TestOnlyTheConsoleUICompilesAgainstCharm(t *testing.T) {
	all := imports(t)
	charm := func(ip string) bool {
		return strings.HasPrefix(ip, "charm.land/") || strings.HasPrefix(ip, "github.com/charmbracelet/")
	}
	for _, root := range charmFree {
		for pkg := range all {
			if !within(pkg, root) {
				continue
			}
			// Walk the module's packages it reaches.
			seen := map[string]bool{pkg: true}
			queue := []string{pkg}
			for len(queue) > 0 {
				cur := queue[0]
				queue = queue[1:]
				for _, ip := range all[cur] {
					if charm(ip) {
						t.Errorf("%s compiles against %s (through %s)", pkg, ip, cur)
					}
					if own, ok := strings.CutPrefix(ip, module); ok && !seen[own] {
						seen[own] = true
						queue = append(queue, own)
					}
				}
			}
		}
	}
}

func TestLayerTableNamesRealPackages(t *testing.T) {
	for _, l := range layers {
		if st, err := os.Stat(l.prefix); err != nil || !st.IsDir() {
			t.Errorf("the layer table names %s, which is not a directory of the module", l.prefix)
		}
	}
}
