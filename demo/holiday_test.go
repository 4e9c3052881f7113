package demo

import (
	"strings"
	"testing"
	"time"

	_ "time/tzdata"
)

// The demo's planned holiday cover is named after the season it falls in:
// a cover in December is not "Sommerferie".
func TestCoverNamedForItsSeason(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		now  time.Time
		want string
	}{
		{time.Date(2026, 12, 1, 10, 0, 0, 0, loc), "Juleferie"},
		{time.Date(2026, 6, 20, 10, 0, 0, 0, loc), "Sommerferie"},
		{time.Date(2026, 9, 20, 10, 0, 0, 0, loc), "Efterårsferie"},
	} {
		found := false
		for _, r := range collect(t, Options{Seed: 7, Now: c.now}) {
			cv := r.Responsibility.Cover
			if cv == nil || r.Responsibility.Home.ID != teamDemo().ID {
				continue
			}
			found = true
			if !strings.HasPrefix(cv.Period.Reason, c.want+" ") {
				t.Errorf("%s: cover from %s is %q, want %s", c.now.Format("02.01"), cv.Period.From.Format("02.01"), cv.Period.Reason, c.want)
			}
		}
		if !found {
			t.Fatalf("%s: no planned cover in the demo", c.now.Format("02.01"))
		}
	}
}
