package central

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

func TestApplyPatchOperations(t *testing.T) {
	doc := []byte(`{"resourceType":"Task","status":"ready","note":[{"text":"a"}]}`)
	out, err := applyPatch(doc, []byte(`[{"op":"add","path":"/note/-","value":{"text":"b"}},{"op":"add","path":"/note/0","value":{"text":"z"}},
		{"op":"remove","path":"/note/1"},{"op":"replace","path":"/status","value":"completed"},{"op":"add","path":"/a~1b","value":1}]`))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(out, &m)
	notes := m["note"].([]any)
	if m["status"] != "completed" || len(notes) != 2 || notes[0].(map[string]any)["text"] != "z" || notes[1].(map[string]any)["text"] != "b" || m["a/b"] != 1.0 {
		t.Fatalf("patched %s", out)
	}
	for _, bad := range []string{`{}`, `[]`, `[{"op":"move","path":"/status","from":"/x"}]`, `[{"op":"replace","path":"/nope","value":1}]`,
		`[{"op":"add","path":"status","value":1}]`, `[{"op":"add","path":"/note/7","value":1}]`, `[{"op":"replace","path":"/meta","value":{}}]`,
		`[{"op":"add","path":"/status/x","value":1}]`, `[{"op":"replace","path":"/status"}]`} {
		if _, err := applyPatch(doc, []byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

func FuzzApplyPatch(f *testing.F) {
	f.Add([]byte(`[{"op":"replace","path":"/status","value":"completed"}]`))
	f.Add([]byte(`[{"op":"add","path":"/note/-","value":{"text":"x"}},{"op":"remove","path":"/note/0"}]`))
	f.Add([]byte(`[{"op":"test","path":"/extension/0/url","value":"u"}]`))
	doc := []byte(`{"resourceType":"Task","status":"ready","intent":"order","note":[{"text":"a"}],"extension":[{"url":"u"}]}`)
	f.Fuzz(func(t *testing.T, patch []byte) {
		out, err := applyPatch(doc, patch)
		if err == nil && !json.Valid(out) {
			t.Fatalf("invalid JSON out: %s", out)
		}
	})
}

// BenchmarkSubmitWithTriage measures one patient reading through the full
// arrival path (conditional create, classification, triage impression,
// review task, late-arrival check) against a real SQLite file.
func BenchmarkSubmitWithTriage(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		m := domain.Measurement{PatientID: "p1", Kind: domain.KindWeight, Value: 80 + float64(i%5), Taken: t0.Add(time.Duration(i) * time.Minute)}
		if _, err := e.srv.Submit(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
}
