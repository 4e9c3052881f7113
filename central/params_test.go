package central

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// taskParams is a Task's rows in params, "name=value" sorted (a walk of
// the type's rows: fine for a test).
func taskParams(t *testing.T, st *Store, id string) []string {
	t.Helper()
	rows, err := st.db.QueryContext(context.Background(), `SELECT name || '=' || value FROM params WHERE type = 'Task' AND id = ? ORDER BY 1`, id)
	if err != nil {
		t.Fatal(err)
	}
	got, err := collectIDs(rows)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// wantParams is what extract makes of r, "name=value" sorted, each once.
func wantParams(r fhir.Resource) []string {
	var out []string
	for _, p := range extract(r).params {
		out = append(out, p[0]+"="+p[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func reviewTask(status, owner string) *fhir.Task {
	return &fhir.Task{
		Base:     fhir.Base{ResourceType: "Task", ID: "task-1"},
		Status:   status,
		Intent:   "order",
		Priority: "routine",
		Focus:    &fhir.Reference{Reference: "Observation/obs-1"},
		For:      &fhir.Reference{Reference: "Patient/p1"},
		Owner:    &fhir.Reference{Reference: owner},
	}
}

// TestParamsFollowEveryVersion: params holds the token parameters of the
// current version only. A status or owner that changed is no longer found,
// the new ones are, and the rows are exactly those of the new version.
func TestParamsFollowEveryVersion(t *testing.T) {
	ctx := context.Background()
	st, err := OpenStore(ctx, filepath.Join(t.TempDir(), "central.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Put(ctx, reviewTask("ready", "Practitioner/nurse-a")); err != nil {
		t.Fatal(err)
	}
	v2 := reviewTask("completed", "Practitioner/nurse-b")
	v2.Focus = nil
	if err := st.Put(ctx, v2); err != nil {
		t.Fatal(err)
	}
	if got, want := taskParams(t, st, "task-1"), wantParams(v2); !slices.Equal(got, want) {
		t.Errorf("params of task-1 after the update:\n%s\nwant those of version 2:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	err = st.readTx(ctx, func(tx *tx) error {
		for _, c := range []struct {
			name, value string
			found       bool
		}{
			{"status", "ready", false}, {"owner", "Practitioner/nurse-a", false}, {"focus", "Observation/obs-1", false},
			{"status", "completed", true}, {"owner", "Practitioner/nurse-b", true}, {"priority", "routine", true},
		} {
			ids, err := tx.findByParam("Task", c.name, c.value)
			if err != nil {
				return err
			}
			if found := slices.Equal(ids, []string{"task-1"}); found != c.found {
				t.Errorf("Task?%s=%s finds %v; want task-1 found: %v", c.name, c.value, ids, c.found)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestParamsOfAnUndecodableVersionAreRemoved: when the version being
// superseded does not decode (its parameters cannot be computed), its rows
// are still all removed.
func TestParamsOfAnUndecodableVersionAreRemoved(t *testing.T) {
	ctx := context.Background()
	st, err := OpenStore(ctx, filepath.Join(t.TempDir(), "central.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Put(ctx, reviewTask("ready", "Practitioner/nurse-a")); err != nil {
		t.Fatal(err)
	}
	broken, err := packJSON([]byte(`{"resourceType":"Task","id":"task-1","status":17}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.db.ExecContext(ctx, `UPDATE resources SET json = ? WHERE type = 'Task' AND id = 'task-1'`, broken); err != nil {
		t.Fatal(err)
	}
	v2 := reviewTask("completed", "Practitioner/nurse-b")
	if err := st.Put(ctx, v2); err != nil {
		t.Fatal(err)
	}
	if got, want := taskParams(t, st, "task-1"), wantParams(v2); !slices.Equal(got, want) {
		t.Errorf("params of task-1 after the update:\n%s\nwant those of version 2:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestParamsAreStoredOnce: params is one b-tree in look-up order, with no
// second copy by owner, in a new database and in one made before schema
// version 6, where an update afterwards still removes the rows it should.
func TestParamsAreStoredOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "central.db")
	st, err := OpenStore(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	indexes := func(st *Store) []string {
		rows, err := st.db.QueryContext(ctx, `SELECT name FROM pragma_index_list('params') WHERE origin != 'pk'`)
		if err != nil {
			t.Fatal(err)
		}
		names, err := collectIDs(rows)
		if err != nil {
			t.Fatal(err)
		}
		return names
	}
	if got := indexes(st); len(got) != 0 {
		t.Errorf("a new database has indexes on params: %v", got)
	}
	if err := st.Put(ctx, reviewTask("ready", "Practitioner/nurse-a")); err != nil {
		t.Fatal(err)
	}
	// As a version-5 central left it.
	for _, q := range []string{`CREATE INDEX params_owner ON params(type, id)`, `PRAGMA user_version = 5`} {
		if _, err := st.db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	st, err = OpenStore(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if got := indexes(st); len(got) != 0 {
		t.Errorf("after the upgrade params has indexes: %v", got)
	}
	v2 := reviewTask("completed", "Practitioner/nurse-a")
	if err := st.Put(ctx, v2); err != nil {
		t.Fatal(err)
	}
	if got, want := taskParams(t, st, "task-1"), wantParams(v2); !slices.Equal(got, want) {
		t.Errorf("params of task-1 after the upgrade and an update:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
