package domain_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

func TestOpenItemsGroup(t *testing.T) {
	tests := []struct {
		name string
		o    domain.OpenItems
		want domain.Group
	}{
		{"nothing", domain.OpenItems{}, domain.GroupNone},
		{"red beats everything", domain.OpenItems{Red: 1, Yellow: 2, Missing: 1, Unread: 3, Green: 4, Unclassified: 1, Implausible: 1}, domain.GroupRed},
		{"yellow", domain.OpenItems{Yellow: 1, Green: 2}, domain.GroupYellow},
		{"implausible counts as yellow", domain.OpenItems{Unclassified: 1, Implausible: 1}, domain.GroupYellow},
		{"implausible above missing", domain.OpenItems{Unclassified: 1, Implausible: 1, Missing: 2}, domain.GroupYellow},
		{"missing", domain.OpenItems{Missing: 1, Unread: 1, Green: 1}, domain.GroupMissing},
		{"messages above green", domain.OpenItems{Unread: 1, Green: 5}, domain.GroupMessages},
		{"messages only", domain.OpenItems{Unread: 1}, domain.GroupMessages},
		{"green", domain.OpenItems{Green: 1, Unclassified: 3}, domain.GroupGreen},
		{"unclassified", domain.OpenItems{Unclassified: 2}, domain.GroupUnclassified},
	}
	for _, tt := range tests {
		if got := tt.o.Group(); got != tt.want {
			t.Errorf("%s: Group() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestOpenItemsAdd(t *testing.T) {
	t0 := time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)
	var o domain.OpenItems
	if o.Any() || o.New() != 0 {
		t.Fatal("zero OpenItems has something open")
	}
	for _, tk := range []domain.Task{
		{Category: domain.TaskMeasurement, Color: domain.Red, Created: t0.Add(3 * time.Hour)},
		{Category: domain.TaskMeasurement, Color: domain.Yellow, Created: t0.Add(2 * time.Hour)},
		{Category: domain.TaskMeasurement, Color: domain.Green, Created: t0.Add(4 * time.Hour)},
		{Category: domain.TaskMeasurement, Color: domain.Unclassified},                        // zero Created is ignored for Oldest
		{Category: domain.TaskMeasurement, Color: domain.Red, Implausible: true, Created: t0}, // implausible: not red
		{Category: domain.TaskMissing, Kind: domain.KindWeight, Created: t0.Add(time.Hour)},
		{Category: domain.TaskMeasurement, Color: domain.Red, Done: true, Created: t0.Add(-time.Hour)}, // done: ignored
	} {
		o.Add(tk)
	}
	want := domain.OpenItems{Red: 1, Yellow: 1, Green: 1, Unclassified: 2, Implausible: 1, Missing: 1, Oldest: t0}
	if o != want {
		t.Errorf("after Add: %+v, want %+v", o, want)
	}
	if o.New() != 5 || !o.Any() {
		t.Errorf("New() = %d, Any() = %v", o.New(), o.Any())
	}
	if (domain.OpenItems{Unread: 1}).New() != 0 || !(domain.OpenItems{Unread: 1}).Any() {
		t.Error("unread messages: New should be 0 and Any true")
	}
	if !(domain.OpenItems{Missing: 1}).Any() {
		t.Error("missing counts for Any")
	}
}

func TestGroupString(t *testing.T) {
	want := []string{"red", "yellow", "missing", "messages", "green", "unclassified", "none"}
	for g := domain.GroupRed; g <= domain.GroupNone; g++ {
		if g.String() != want[g] {
			t.Errorf("Group(%d) = %q, want %q", int(g), g.String(), want[g])
		}
	}
	if domain.Group(99).String() != "unknown" || domain.Group(-1).String() != "unknown" {
		t.Error("out-of-range Group must not panic")
	}
}

// TestOrderWorklist is the one table for the worklist order: rows are listed
// in the expected order; the test shuffles them and sorts.
func TestOrderWorklist(t *testing.T) {
	t0 := time.Date(2026, 3, 5, 8, 0, 0, 0, time.UTC)
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	row := func(id, name string, o domain.OpenItems) domain.WorklistRow {
		return domain.WorklistRow{Patient: domain.Patient{ID: id, Name: name}, Open: o}
	}
	want := []domain.WorklistRow{
		// red: oldest first, whatever else is open
		row("r1", "Åse", domain.OpenItems{Red: 1, Oldest: h(1)}),
		row("r2", "Bent", domain.OpenItems{Red: 2, Missing: 1, Oldest: h(2)}),
		// same age: by name, case-insensitive
		row("r3", "carl", domain.OpenItems{Red: 1, Oldest: h(5)}),
		row("r4", "Dorte", domain.OpenItems{Red: 1, Oldest: h(5)}),
		// same age and name: by id
		row("r5", "Dorte", domain.OpenItems{Red: 1, Oldest: h(5)}),
		row("r6", "Dorte", domain.OpenItems{Red: 1, Oldest: h(5)}),
		// red without a known age sorts last in its group
		row("r7", "Anna", domain.OpenItems{Red: 1}),
		// yellow, and implausible in the yellow group
		row("y1", "Zakarias", domain.OpenItems{Yellow: 1, Oldest: h(0)}),
		row("y2", "Anna", domain.OpenItems{Unclassified: 1, Implausible: 1, Oldest: h(3)}),
		row("y3", "Bo", domain.OpenItems{Yellow: 1, Green: 1, Oldest: h(4)}),
		// missing
		row("m1", "Emil", domain.OpenItems{Missing: 1, Oldest: h(-10)}),
		row("m2", "Ebbe", domain.OpenItems{Missing: 2, Unread: 1, Oldest: h(7)}),
		// unread messages above green-only
		row("b1", "Frida", domain.OpenItems{Unread: 1, Oldest: h(2)}),
		row("b2", "Finn", domain.OpenItems{Unread: 1, Green: 1, Oldest: h(3)}),
		// green
		row("g1", "Gitte", domain.OpenItems{Green: 3, Oldest: h(-1)}),
		row("g2", "Gustav", domain.OpenItems{Green: 1, Unclassified: 1, Oldest: h(6)}),
		// unclassified
		row("u1", "Hans", domain.OpenItems{Unclassified: 1, Oldest: h(1)}),
		row("u2", "Helle", domain.OpenItems{Unclassified: 1, Oldest: h(2)}),
		// nothing open: by name, then id
		row("n2", "Anders", domain.OpenItems{}),
		row("n1", "ib", domain.OpenItems{}),
		row("n3", "Ib", domain.OpenItems{}),
	}
	ids := func(rows []domain.WorklistRow) []string {
		out := make([]string, len(rows))
		for i, r := range rows {
			out[i] = r.Patient.ID
		}
		return out
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 50 {
		got := slices.Clone(want)
		rng.Shuffle(len(got), func(a, b int) { got[a], got[b] = got[b], got[a] })
		if i == 0 {
			slices.Reverse(got)
		}
		domain.OrderWorklist(got)
		if g, w := ids(got), ids(want); !slices.Equal(g, w) {
			t.Fatalf("order %d:\n got %v\nwant %v", i, g, w)
		}
	}

	counts := domain.GroupCounts(want)
	wantCounts := map[domain.Group]int{domain.GroupRed: 7, domain.GroupYellow: 3, domain.GroupMissing: 2, domain.GroupMessages: 2, domain.GroupGreen: 2, domain.GroupUnclassified: 2, domain.GroupNone: 3}
	for g, n := range wantCounts {
		if counts[g] != n {
			t.Errorf("GroupCounts[%v] = %d, want %d", g, counts[g], n)
		}
	}
	if len(counts) != len(wantCounts) {
		t.Errorf("GroupCounts = %v", counts)
	}
	if c := domain.GroupCounts(nil); len(c) != 0 {
		t.Errorf("GroupCounts(nil) = %v", c)
	}
	domain.OrderWorklist(nil) // must not panic
}
