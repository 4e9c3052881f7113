package config

import (
	"strings"
	"testing"
	"time"
)

func TestParseAndFormatOffset(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		in   any
		want time.Duration
		text string
	}{
		{nil, 0, "0"},
		{"", 0, "0"},
		{"0", 0, "0"},
		{0, 0, "0"},
		{"2d", 2 * day, "+2d"},
		{"+2d", 2 * day, "+2d"},
		{"-7d", -7 * day, "-7d"},
		{"1d12h", day + 12*time.Hour, "+1d12h0m0s"},
		{"-36h", -36 * time.Hour, "-1d12h0m0s"},
		{" 90m ", 90 * time.Minute, "+1h30m0s"},
		{time.Hour, time.Hour, "+1h0m0s"},
	}
	for _, tt := range tests {
		got, err := ParseOffset(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseOffset(%#v) = %v, %v; want %v", tt.in, got, err, tt.want)
			continue
		}
		if s := FormatOffset(got); s != tt.text {
			t.Errorf("FormatOffset(%v) = %q, want %q", got, s, tt.text)
		}
		if back, err := ParseOffset(FormatOffset(got)); err != nil || back != got {
			t.Errorf("round trip of %v: %v, %v", got, back, err)
		}
	}
	for _, bad := range []any{"2", "soon", "d", "2d-3h", "--2d", "1.5d", 3, 2.5, []string{"1d"}} {
		if d, err := ParseOffset(bad); err == nil {
			t.Errorf("ParseOffset(%#v) = %v, want an error", bad, d)
		}
	}
}

func TestClockOffsetSources(t *testing.T) {
	dir := isolate(t)
	c, err := Load(LoadOptions{})
	if err != nil || c.ClockOffset != 0 || c.Source(KeyClockOffset) != SourceDefault {
		t.Fatalf("default: %v %v %v", c.ClockOffset, c.Source(KeyClockOffset), err)
	}
	// Real time, give or take the test's own run time.
	if d := time.Until(c.Now()); d < -time.Minute || d > time.Minute {
		t.Errorf("Now with no offset is %v away from time.Now", d)
	}

	path := writeFile(t, dir+"/cfg/telehjerte/config.yaml", "clock:\n  offset: 2d\n")
	if c, err = Load(LoadOptions{}); err != nil || c.ClockOffset != 48*time.Hour || c.Source(KeyClockOffset) != SourceFile {
		t.Fatalf("file: %v %v %v", c.ClockOffset, c.Source(KeyClockOffset), err)
	}
	if d := time.Until(c.Now()); d < 47*time.Hour || d > 49*time.Hour {
		t.Errorf("Now with +2d is %v ahead", d)
	}
	t.Setenv("TELEHJERTE_CLOCK_OFFSET", "-3h")
	if c, err = Load(LoadOptions{}); err != nil || c.ClockOffset != -3*time.Hour || c.Source(KeyClockOffset) != SourceEnv {
		t.Fatalf("env: %v %v %v", c.ClockOffset, c.Source(KeyClockOffset), err)
	}
	if c, err = Load(LoadOptions{Flags: flags(t, "--clock-offset", "1d12h")}); err != nil || c.ClockOffset != 36*time.Hour || c.Source(KeyClockOffset) != SourceFlag {
		t.Fatalf("flag: %v %v %v", c.ClockOffset, c.Source(KeyClockOffset), err)
	}

	// Bad values name the key and the source.
	t.Setenv("TELEHJERTE_CLOCK_OFFSET", "tomorrow")
	if _, err = Load(LoadOptions{}); err == nil || !strings.Contains(err.Error(), "clock.offset (environment TELEHJERTE_CLOCK_OFFSET)") || !strings.Contains(err.Error(), `"tomorrow"`) {
		t.Errorf("bad env offset: %v", err)
	}
	t.Setenv("TELEHJERTE_CLOCK_OFFSET", "")
	writeFile(t, path, "clock:\n  offset: 4000d\n")
	if _, err = Load(LoadOptions{}); err == nil || !strings.Contains(err.Error(), "clock.offset (file "+path+")") {
		t.Errorf("offset out of range: %v", err)
	}
}

func TestCannedReplies(t *testing.T) {
	dir := isolate(t)
	c, err := Load(LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(c.CannedReplies, "\n"), strings.Join(DefaultCannedReplies(), "\n"); got != want || len(c.CannedReplies) != 3 {
		t.Errorf("default canned replies = %q", c.CannedReplies)
	}
	path := writeFile(t, dir+"/cfg/telehjerte/config.yaml",
		"messages:\n  canned:\n    - \"Ring til os\"\n    - \"  Tak for målingerne  \"\n")
	if c, err = Load(LoadOptions{}); err != nil || len(c.CannedReplies) != 2 || c.CannedReplies[1] != "Tak for målingerne" || c.Source(KeyCannedReplies) != SourceFile {
		t.Fatalf("file: %q %v %v", c.CannedReplies, c.Source(KeyCannedReplies), err)
	}
	t.Setenv("TELEHJERTE_MESSAGES_CANNED", "Første svar|Andet svar")
	if c, err = Load(LoadOptions{}); err != nil || len(c.CannedReplies) != 2 || c.CannedReplies[0] != "Første svar" || c.Source(KeyCannedReplies) != SourceEnv {
		t.Fatalf("env: %q %v %v", c.CannedReplies, c.Source(KeyCannedReplies), err)
	}
	t.Setenv("TELEHJERTE_MESSAGES_CANNED", "")

	// An empty list: no canned replies.
	writeFile(t, path, "messages:\n  canned: []\n")
	if c, err = Load(LoadOptions{}); err != nil || len(c.CannedReplies) != 0 {
		t.Fatalf("empty list: %q %v", c.CannedReplies, err)
	}

	for name, tt := range map[string]struct{ file, want string }{
		"empty reply": {"messages:\n  canned: [\"ok\", \"  \"]\n", "reply 2 is empty"},
		"line break":  {"messages:\n  canned: [\"a\\nb\"]\n", "reply 1 contains control characters"},
		"escape":      {"messages:\n  canned: [\"\\e[31mred\"]\n", "reply 1 contains control characters"},
		"too long":    {"messages:\n  canned: [\"" + strings.Repeat("x", 2001) + "\"]\n", "reply 1 has 2001 characters; at most 2000"},
		"not text":    {"messages:\n  canned: [1, 2]\n", "reply 1 must be text"},
		"not a list":  {"messages:\n  canned: 5\n", "must be a list of texts"},
		"too many":    {"messages:\n  canned: [" + strings.TrimSuffix(strings.Repeat("\"x\",", 51), ",") + "]\n", "51 replies; at most 50"},
	} {
		writeFile(t, path, tt.file)
		_, err := Load(LoadOptions{})
		if err == nil || !strings.Contains(err.Error(), "config messages.canned (file "+path+")") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tt.want)
		}
	}
}

func TestPrintShowsOffsetAndCanned(t *testing.T) {
	isolate(t)
	t.Setenv("TELEHJERTE_CLOCK_OFFSET", "2d")
	c, err := Load(LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := c.Print(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"clock.offset", "+2d", "(env)", "messages.canned", "Ring venligst til klinikken i dag | Tak for din besked."} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("print lacks %q:\n%s", want, b.String())
		}
	}
}

func TestParsePeriod(t *testing.T) {
	day := 24 * time.Hour
	for in, want := range map[string]time.Duration{"6mo": 180 * day, "90d": 90 * day, "2w": 14 * day, "1y": 365 * day, "4380h": 4380 * time.Hour} {
		if got, err := ParsePeriod(in); err != nil || got != want {
			t.Errorf("ParsePeriod(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0d", "-3d", "soon", "mo", "-1h", "6 mo"} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%q) accepted", bad)
		}
	}
}
