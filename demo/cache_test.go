package demo

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

func openCache(t testing.TB) *cache.Store {
	t.Helper()
	s, err := cache.Open(context.Background(), filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatalf("open cache: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSeedCacheWorklist(t *testing.T) {
	ctx := context.Background()
	store := openCache(t)
	opts := Options{Now: testNow(t)}
	if err := SeedCache(ctx, store, opts); err != nil {
		t.Fatalf("SeedCache: %v", err)
	}
	recs := collect(t, opts)

	info, err := store.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info[InfoDemo] != "1" || info[InfoClinic] != ClinicName {
		t.Errorf("info %v, want demo=1 and clinic=%q", info, ClinicName)
	}

	rows, err := store.Worklist(ctx, false)
	if err != nil {
		t.Fatalf("worklist: %v", err)
	}
	if len(rows) < 2 {
		t.Fatalf("worklist has %d rows", len(rows))
	}
	top := map[string]bool{rows[0].Patient.ID: true, rows[1].Patient.ID: true}
	if !top[StoryPatientID(StoryWeightGain)] || !top[StoryPatientID(StoryPulseLow)] {
		t.Errorf("worklist starts %s, %s; want the red weight gain and pulse 41 patients first",
			rows[0].Patient.ID, rows[1].Patient.ID)
	}
	for _, r := range rows[:2] {
		if g := r.Open.Group(); g != domain.GroupRed {
			t.Errorf("%s in group %s, want red", r.Patient.ID, g)
		}
	}

	// The worklist holds exactly the patients with something open; the
	// acknowledged stable patients are not on it.
	want := map[string]bool{}
	for _, r := range recs {
		if openItems(r).Any() {
			want[r.Patient.ID] = true
		}
	}
	got := map[string]bool{}
	for _, r := range rows {
		got[r.Patient.ID] = true
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("worklist patients %v, want %v", got, want)
	}
	if got[StoryPatientID(StoryStable)] {
		t.Error("the stable, acknowledged patient is on the worklist")
	}
	if n := len(rows); n < 15 || n > 25 {
		t.Errorf("%d of %d patients on the worklist, want 15–25", n, len(recs))
	}

	// No reading, questionnaire or message lost on the way in.
	for _, r := range recs {
		d, err := store.Patient(ctx, r.Patient.ID, testNow(t).AddDate(-1, 0, 0))
		if err != nil {
			t.Fatalf("patient %s: %v", r.Patient.ID, err)
		}
		if len(d.Readings) != len(r.Readings) || len(d.Questionnaires) != len(r.Questionnaires) || len(d.Messages) != len(r.Messages) {
			t.Errorf("%s: cache has %d readings, %d questionnaires, %d messages; generated %d, %d, %d", r.Patient.ID,
				len(d.Readings), len(d.Questionnaires), len(d.Messages), len(r.Readings), len(r.Questionnaires), len(r.Messages))
		}
		if len(d.OpenTasks) != len(openTasks(r)) {
			t.Errorf("%s: cache has %d open tasks, generated %d", r.Patient.ID, len(d.OpenTasks), len(openTasks(r)))
		}
		if d.Patient.CPR != r.Patient.CPR || !d.Patient.Synthetic {
			t.Errorf("%s: stored patient %+v", r.Patient.ID, d.Patient)
		}
	}

	// Seeding again changes nothing.
	if err := SeedCache(ctx, store, opts); err != nil {
		t.Fatalf("second SeedCache: %v", err)
	}
	again, err := store.Worklist(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows, again) {
		t.Error("seeding twice changed the worklist")
	}
}

func TestSeedCacheErrors(t *testing.T) {
	store := openCache(t)
	if err := SeedCache(context.Background(), store, Options{}); !errors.Is(err, ErrNoNow) {
		t.Errorf("zero Now: %v, want ErrNoNow", err)
	}
	if err := SeedCache(context.Background(), nil, Options{Now: testNow(t)}); err == nil {
		t.Error("nil store gave no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := SeedCache(ctx, store, Options{Now: testNow(t)}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v, want context.Canceled", err)
	}
}
