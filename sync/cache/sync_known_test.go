package cache

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"
)

// KnownPage says "nothing to store" only for a page that storing (with
// its watermark) would leave the cache exactly as it is, and then gives
// what ApplyPage gives for it; a page with anything new for the cache
// (a new version, a parked resource in another version, a watermark
// behind the page) is left to the writer.
func TestKnownPageChangesNothing(t *testing.T) {
	ctx := context.Background()
	lu := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }
	obs := func(id, pat, v string, n int) []byte { return pulledObservation(t, id, pat, v, lu(n), float64(60+n)) }
	s := openTest(t)
	if err := s.PrepareSync(ctx); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, s, func(tx *Tx) error { return addPatient(tx, "p1", "Patient 1") })
	decode := func(raws ...[]byte) []Pulled {
		out := make([]Pulled, len(raws))
		for i, raw := range raws {
			out[i] = Decode(raw)
		}
		return out
	}
	// store applies a page with its watermark as the pull does.
	store := func(typ string, page []Pulled, watermark bool) []ApplyResult {
		t.Helper()
		var got []ApplyResult
		mustWrite(t, s, func(tx *Tx) error {
			var err error
			if got, err = tx.ApplyPage(typ, page); err != nil {
				return err
			}
			var maxLU time.Time
			for _, r := range got {
				if r.LastUpdated.After(maxLU) {
					maxLU = r.LastUpdated
				}
			}
			if watermark && !maxLU.IsZero() {
				return tx.AdvanceWatermark(typ, maxLU)
			}
			return nil
		})
		return got
	}
	state := func() []string {
		t.Helper()
		wm, err := s.Watermarks(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := dumpSync(t, s)
		for typ, w := range wm {
			out = append(out, typ+" "+w.UTC().Format(time.RFC3339Nano))
		}
		slices.Sort(out)
		return out
	}
	// check asks KnownPage about page, wants answer want and, when it
	// says nothing is to be stored, proves it by storing the page.
	check := func(name, typ string, page []Pulled, watermark, want bool) {
		t.Helper()
		known, ok, err := s.KnownPage(ctx, typ, page, watermark)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if ok != want {
			t.Fatalf("%s: KnownPage says unchanged=%v, want %v", name, ok, want)
		}
		if !ok {
			return
		}
		before := state()
		got := store(typ, page, watermark)
		if !reflect.DeepEqual(known, got) {
			t.Errorf("%s: KnownPage gives\n%+v\nApplyPage gives\n%+v", name, known, got)
		}
		if after := state(); !reflect.DeepEqual(before, after) {
			t.Errorf("%s: storing the page changed the cache:\nbefore %v\nafter  %v", name, before, after)
		}
	}

	first := decode(obs("obs-1", "p1", "1", 3), obs("obs-2", "p1", "1", 4))
	check("a page of new readings", "Observation", first, true, false)
	store("Observation", first, true)
	check("the same page again", "Observation", decode(obs("obs-1", "p1", "1", 3), obs("obs-2", "p1", "1", 4)), true, true)
	check("one of it again (a round with nothing new)", "Observation", decode(obs("obs-2", "p1", "1", 4)), true, true)
	check("a compartment page (no watermark)", "Observation", decode(obs("obs-1", "p1", "1", 3)), false, true)
	check("a new version", "Observation", decode(obs("obs-1", "p1", "1", 3), obs("obs-2", "p1", "2", 4)), true, false)
	check("an older version of a stored reading", "Observation", decode(obs("obs-2", "p1", "0", 2)), true, true)
	check("a new reading beside known ones", "Observation", decode(obs("obs-2", "p1", "1", 4), obs("obs-3", "p1", "1", 4)), true, false)
	check("twice on one page", "Observation", decode(obs("obs-2", "p1", "1", 4), obs("obs-2", "p1", "1", 4)), true, false)
	check("of another type", "Task", decode(obs("obs-2", "p1", "1", 4)), true, false)
	check("undecodable", "Observation", decode(obs("obs-2", "p1", "1", 4), []byte(`{"resourceType":"Observation","id":"obs-9","status":`)), true, false)

	// Known versions that the watermark does not cover yet: storing them
	// moves it.
	behind := decode(obs("obs-5", "p1", "1", 9))
	store("Observation", behind, false) // a compartment pull stored it
	check("known but past the watermark", "Observation", behind, true, false)
	check("known, as a compartment page", "Observation", behind, false, true)
	check("known, past the watermark of a type never pulled", "Task", decode(pulledReviewTask(t, "task-1", "p1", "obs-1", "1", lu(5), false)), true, false)

	// A patient the cache does not hold: her reading is parked; at the
	// same version it is known, in another it is new.
	parked := decode(obs("obs-x", "p9", "1", 10))
	check("a reading of an unknown patient", "Observation", parked, true, false)
	if got := store("Observation", parked, true); got[0].Outcome != Parked {
		t.Fatalf("the unknown patient's reading: %+v, want parked", got)
	}
	check("parked at this version", "Observation", decode(obs("obs-x", "p9", "1", 10)), true, true)
	check("parked, in a newer version", "Observation", decode(obs("obs-x", "p9", "2", 10)), true, false)

	// An acknowledged reading comes back unchanged: known, and still
	// acknowledged.
	mustWrite(t, s, func(tx *Tx) error {
		_, err := tx.tx.Exec(`UPDATE observations SET acknowledged = 1 WHERE id = 'obs-1'`)
		return err
	})
	check("an acknowledged reading", "Observation", decode(obs("obs-1", "p1", "1", 3)), true, true)

	// Another table's types: a raw type and the two-table ones.
	plans := decode(pulledReviewTask(t, "task-2", "p1", "obs-2", "1", lu(11), false))
	store("Task", plans, true)
	check("a known task", "Task", decode(pulledReviewTask(t, "task-2", "p1", "obs-2", "1", lu(11), false)), true, true)
	check("a task in a new version", "Task", decode(pulledReviewTask(t, "task-2", "p1", "obs-2", "2", lu(12), true)), true, false)
	check("an empty page", "Task", nil, true, false)

	// A type kept raw and a type kept in one of two tables.
	raw := func(typ, id, v string, n int, rest string) []byte {
		return []byte(`{"resourceType":"` + typ + `","id":"` + id + `","meta":{"versionId":"` + v + `","lastUpdated":"` +
			lu(n).UTC().Format(time.RFC3339Nano) + `"},` + rest + `}`)
	}
	impression := func(v string, n int) []byte {
		return raw("ClinicalImpression", "ci-1", v, n, `"status":"completed","subject":{"reference":"Patient/p1"}`)
	}
	team := func(v string, n int) []byte {
		return raw("CareTeam", "team-1", v, n, `"status":"active","name":"Team 1"`)
	}
	for _, r := range []struct {
		typ        string
		now, newer func(string, int) []byte
	}{{"ClinicalImpression", impression, impression}, {"CareTeam", team, team}} {
		if got := store(r.typ, decode(r.now("1", 20)), true); got[0].Outcome != Applied {
			t.Fatalf("%s: %+v, want applied", r.typ, got)
		}
		check("a known "+r.typ, r.typ, decode(r.now("1", 20)), true, true)
		check(r.typ+" in a new version", r.typ, decode(r.newer("2", 20)), true, false)
	}

	ctx2, cancel := context.WithCancel(ctx)
	cancel()
	if _, ok, err := s.KnownPage(ctx2, "Observation", decode(obs("obs-1", "p1", "1", 3)), true); err == nil || ok {
		t.Errorf("KnownPage with a cancelled context: ok=%v err=%v, want an error", ok, err)
	}
}
