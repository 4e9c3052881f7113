package tui

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

func TestWriteWorklistTable(t *testing.T) {
	src := newClinic(t)
	rows, err := src.Worklist(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	for _, width := range []int{80, 120} {
		t.Run(itoa(width), func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteWorklistTable(&buf, rows, testOptions(), width); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if strings.ContainsAny(out, "\x1b\x07") {
				t.Fatalf("table has escape or control characters: %q", out)
			}
			for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
				if w := displayWidth(l); w > width {
					t.Errorf("line %d wide > %d: %q", w, width, l)
				}
			}
			for _, want := range []string{"Anna Andersen", "010345-xxxx", "104!!", "400,0✗", "Hanne Iversen"} {
				if !strings.Contains(out, want) {
					t.Errorf("table lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, "0103451234") {
				t.Error("full CPR in the table")
			}
			golden.RequireEqual(t, out)
		})
	}
}

func TestWriteWorklistTableEmptyEnglish(t *testing.T) {
	var buf bytes.Buffer
	opts := testOptions()
	opts.Lang = "en"
	if err := WriteWorklistTable(&buf, nil, opts, 80); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), englishTexts().NoRows) {
		t.Errorf("empty table: %q", buf.String())
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, bytes.ErrTooLarge }

func TestWriteWorklistTableWriteError(t *testing.T) {
	if err := WriteWorklistTable(failWriter{}, nil, testOptions(), 80); err == nil {
		t.Error("write error not returned")
	}
}
