// Package safetext makes untrusted text (from patients or servers) safe to
// write to a terminal. It has no dependencies beyond the standard library, so
// the console, the export and the sync tests share the one sanitiser.
package safetext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sanitize makes untrusted text (names, team names, message titles, answers:
// anything that came from a patient or a server) safe to put on a terminal on
// one line. It removes escape sequences (CSI, OSC, DCS, APC, PM, SOS and
// two-byte ESC sequences, in their 7-bit and 8-bit forms), every other C0 and
// C1 control character, DEL and the Unicode bidirectional overrides;
// replaces invalid UTF-8 with U+FFFD; turns tabs and line breaks into single
// spaces; and trims the result.
func Sanitize(s string) string {
	return strings.TrimSpace(sanitize(s, false))
}

// SanitizeMultiline is Sanitize for a multi-line body (a message text): line
// breaks are kept (CR LF and CR become LF), everything else is cleaned as by
// Sanitize.
func SanitizeMultiline(s string) string {
	return strings.TrimRight(sanitize(s, true), " \n")
}

func sanitize(s string, keepNewlines bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			b.WriteRune(utf8.RuneError)
			i++
			continue
		}
		switch {
		case r == 0x1b: // ESC: skip the whole sequence
			i = skipEscape(s, i+size)
			continue
		case r == 0x9b: // 8-bit CSI
			i = skipCSI(s, i+size)
			continue
		case r == 0x90 || r == 0x9d || r == 0x98 || r == 0x9e || r == 0x9f: // 8-bit DCS, OSC, SOS, PM, APC
			i = skipString(s, i+size)
			continue
		case r == '\r':
			if keepNewlines {
				b.WriteByte('\n')
				if i+1 < len(s) && s[i+1] == '\n' {
					i++ // CR LF is one break
				}
			} else {
				b.WriteByte(' ')
			}
		case r == '\n':
			if keepNewlines {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		case r == '\t':
			b.WriteByte(' ')
		case r == '\u2028' || r == '\u2029':
			if keepNewlines {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			// other C0, DEL and C1 controls are dropped
		case isBidiControl(r):
			// bidi overrides and isolates can reorder what follows on screen
		case unicode.Is(unicode.Cf, r) && r != '\u200d':
			// other invisible format characters (keep ZWJ for emoji sequences)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func isBidiControl(r rune) bool {
	return (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') || r == '\u200e' || r == '\u200f' || r == '\u061c'
}

// skipEscape returns the index just past the escape sequence whose ESC ended
// before i.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_':
		return skipString(s, i+1)
	}
	// Intermediate bytes, then one final byte (e.g. ESC ( B, ESC c).
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipCSI skips parameter and intermediate bytes and the final byte.
func skipCSI(s string, i int) int {
	for i < len(s) {
		c := s[i]
		i++
		if c >= 0x40 && c <= 0x7e {
			return i
		}
		if c < 0x20 || c > 0x7e {
			// malformed: stop at the offending byte, which the caller cleans
			return i - 1
		}
	}
	return i
}

// skipString skips a control string up to and including its terminator (BEL,
// ESC \ or 8-bit ST); an unterminated string runs to the end of s.
func skipString(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == 0x07:
			return i + 1
		case s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\':
			return i + 2
		case s[i] == 0x1b:
			return i
		case strings.HasPrefix(s[i:], "\u009c"):
			return i + len("\u009c")
		}
		i++
	}
	return i
}
