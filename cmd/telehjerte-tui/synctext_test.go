package main

import (
	"bytes"
	"strings"
	"testing"
)

// sync --once says when resources were still arriving as the round read
// them, so an operator knows the cache is not yet all the central holds.
func TestSyncTextSaysMoreWasArriving(t *testing.T) {
	for _, more := range []bool{false, true} {
		var b bytes.Buffer
		r := syncReport{Central: "http://central", OK: true, Pulled: map[string]int{"Observation": 3}, MoreArriving: more}
		if err := writeSyncText(&b, r); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(b.String(), "more was arriving"); got != more {
			t.Errorf("MoreArriving %v: the text says more was arriving: %v\n%s", more, got, b.String())
		}
	}
}
