package domain

import (
	"testing"
	"time"
)

func TestImplausibleTime(t *testing.T) {
	recv := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	now := recv.Add(time.Hour)
	for _, c := range []struct {
		name            string
		taken, received time.Time
		bad             bool
	}{
		{"taken before it arrived", recv.Add(-time.Hour), recv, false},
		{"clock a little fast", recv.Add(MaxTakenSkew), recv, false},
		{"after it arrived", recv.Add(MaxTakenSkew + time.Second), recv, true},
		{"year 9999", time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), recv, true},
		{"year 1", time.Date(1, 1, 1, 0, 0, 0, 0, time.FixedZone("", 23*3600+59*60)), recv, true},
		{"device reset", time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), recv, true},
		{"unknown arrival, before now", now.Add(-time.Minute), time.Time{}, false},
		{"unknown arrival, after now", now.Add(time.Hour), time.Time{}, true},
	} {
		if got := ImplausibleTime(c.taken, c.received, now); (got != "") != c.bad {
			t.Errorf("%s: %q, want implausible %v", c.name, got, c.bad)
		}
	}
}
