package safetext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"plain", "Anna Andersen", "Anna Andersen"},
		{"danish letters kept", "Søren Ærø Åsen", "Søren Ærø Åsen"},
		{"SGR colour", "Ib \x1b[31mJensen\x1b[0m", "Ib Jensen"},
		{"clear screen", "a\x1b[2Jb", "ab"},
		{"cursor move with params", "a\x1b[10;20Hb", "ab"},
		{"OSC title with BEL", "x\x1b]0;pwned\x07y", "xy"},
		{"OSC 8 hyperlink with ST", "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"unterminated OSC runs to end", "ok\x1b]52;c;AAAA", "ok"},
		{"DCS", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"},
		{"two-byte escape", "a\x1bcb\x1b(Bc", "abc"},
		{"8-bit CSI as UTF-8", "a\u009b31mb", "ab"},
		{"8-bit OSC with ST", "a\u009d0;t\u009cb", "ab"},
		{"C0 controls", "a\x00b\x07c\x08d\x7fe", "abcde"},
		{"C1 control", "a\u0085b", "ab"},
		{"newline and tab to space", "a\nb\tc\r\nd", "a b c  d"},
		{"bidi override", "abc\u202edcba", "abcdcba"},
		{"invalid UTF-8", "a\xffb\xc3", "a\uFFFDb\uFFFD"},
		{"raw 8-bit CSI byte", "a\x9b31mb", "a\uFFFD31mb"},
		{"trim", "  x  ", "x"},
		{"lone ESC at end", "abc\x1b", "abc"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Sanitize(c.in)
			if got != c.want {
				t.Errorf("Sanitize(%q) = %q, want %q", c.in, got, c.want)
			}
			assertClean(t, got, false)
		})
	}
}

func TestSanitizeMultiline(t *testing.T) {
	in := "Linje 1\r\nLinje 2\rLinje 3\n\x1b[1mfed\x1b[0m\u2028slut\n\n"
	want := "Linje 1\nLinje 2\nLinje 3\nfed\nslut"
	if got := SanitizeMultiline(in); got != want {
		t.Errorf("SanitizeMultiline = %q, want %q", got, want)
	}
}

// A fuzz-ish sweep: every byte value, alone and after ESC, never leaves a
// control character behind.
func TestSanitizeEveryByte(t *testing.T) {
	for b := 0; b < 256; b++ {
		for _, in := range []string{string([]byte{byte(b)}), "x\x1b" + string([]byte{byte(b)}) + "y", "\x1b[" + string([]byte{byte(b)}) + "z"} {
			assertClean(t, Sanitize(in), false)
			assertClean(t, SanitizeMultiline(in), true)
		}
	}
}

func FuzzSanitize(f *testing.F) {
	f.Add("Ib \x1b[31mJensen\x1b]0;x\x07")
	f.Add("\u009b\u009d\xff")
	f.Fuzz(func(t *testing.T, s string) {
		assertClean(t, Sanitize(s), false)
		assertClean(t, SanitizeMultiline(s), true)
	})
}

func assertClean(t *testing.T, s string, newlines bool) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("invalid UTF-8 in %q", s)
	}
	for _, r := range s {
		if r == '\n' && newlines {
			continue
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || isBidiControl(r) {
			t.Fatalf("control character %U left in %q", r, s)
		}
	}
	if strings.Contains(s, "\x1b") {
		t.Fatalf("ESC left in %q", s)
	}
}
