package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telehjerte/telehjerte-tui/tui"
)

var updateREADME = flag.Bool("update-readme", false, "rewrite the README's key table from the key map")

// readmePath is the repository's README, two levels up from this package.
var readmePath = filepath.Join("..", "..", "README.md")

// The table markers in the README.
const (
	keysBegin = "<!-- keys:begin -->"
	keysEnd   = "<!-- keys:end -->"
)

// keyTable renders the key map as the README's Markdown table: every
// binding with its keys and what it does in Danish and English.
func keyTable() string {
	da, en := tui.KeyBindings("da"), tui.KeyBindings("en")
	var b strings.Builder
	b.WriteString("| keys | binding | dansk | English |\n|---|---|---|---|\n")
	for i, k := range da {
		keys := make([]string, len(k.Keys))
		for j, s := range k.Keys {
			keys[j] = "`" + strings.ReplaceAll(s, "|", `\|`) + "`"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", strings.Join(keys, " "), k.Name, k.Desc, en[i].Desc)
	}
	return b.String()
}

// TestREADMEKeyTable fails when the README's key table is not what the key
// map gives (a key added, changed or removed without the README); run it
// with -update-readme to regenerate the table.
func TestREADMEKeyTable(t *testing.T) {
	raw, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	i, j := strings.Index(s, keysBegin), strings.Index(s, keysEnd)
	if i < 0 || j < i {
		t.Fatalf("README has no %s … %s section", keysBegin, keysEnd)
	}
	want := keyTable()
	got := s[i+len(keysBegin)+1 : j]
	if got == want {
		return
	}
	if *updateREADME {
		s = s[:i+len(keysBegin)] + "\n" + want + s[j:]
		if err := os.WriteFile(readmePath, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("the README's key table differs from the key map; regenerate it with\n"+
		"  go test ./cmd/telehjerte-tui -run TestREADMEKeyTable -update-readme\ngot:\n%s\nwant:\n%s", got, want)
}
