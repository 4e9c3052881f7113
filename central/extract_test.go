package central

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

var update = flag.Bool("update", false, "record the extraction of testdata/extract-corpus.json for this schema version")

const (
	extractCorpus = "testdata/extract-corpus.json"
	extractGolden = "testdata/extract-golden.json"
)

// extractRecord is what the extraction golden file holds: the schema
// version it was recorded under and, per corpus resource, what extract
// indexes from it.
type extractRecord struct {
	SchemaVersion int                       `json:"schema_version"`
	Extracted     map[string]extractedIndex `json:"extracted"`
}

// extractedIndex is index in a stable, comparable form.
type extractedIndex struct {
	Patient string      `json:"patient,omitempty"`
	Params  []string    `json:"params,omitempty"`
	Access  []string    `json:"access,omitempty"`
	Members []string    `json:"members,omitempty"`
	Grants  []string    `json:"grants,omitempty"`
	Reading *readingOut `json:"reading,omitempty"`
}

type readingOut struct {
	Kind  string `json:"kind"`
	Taken int64  `json:"taken_ms"`
	Void  bool   `json:"void,omitempty"`
}

func indexOut(ix index) extractedIndex {
	out := extractedIndex{Patient: ix.patientID, Members: ix.members}
	for _, p := range ix.params {
		out.Params = append(out.Params, p[0]+"="+p[1])
	}
	bound := func(v any) string {
		if v == nil {
			return "open"
		}
		return fmt.Sprint(v)
	}
	for _, a := range ix.access {
		out.Access = append(out.Access, fmt.Sprintf("%s from=%s to=%s", a.teamID, bound(a.from), bound(a.to)))
	}
	for _, g := range ix.grants {
		out.Grants = append(out.Grants, fmt.Sprintf("%s patient=%s team=%s from=%d to=%d", g.practitioner, g.patientID, g.teamID, g.from, g.to))
	}
	if r := ix.reading; r != nil {
		out.Reading = &readingOut{Kind: r.kind, Taken: r.taken, Void: r.void}
	}
	return out
}

// What extract stores in the search tables (params, access, members,
// grants, readings) for a fixed corpus of resources is recorded with the
// schema version. The tables of an existing database hold what the
// extract of its time produced, and a change is removed by the old
// version's parameters (docs/architecture.md, "Layout"): a change to what
// is extracted must come with a raised schemaVersion and an upgrade step
// that indexes the stored resources again. This test fails when the
// extraction changes under the same schema version, and -update refuses
// to record such a change.
func TestExtractionFollowsTheSchemaVersion(t *testing.T) {
	raw, err := os.ReadFile(extractCorpus)
	if err != nil {
		t.Fatal(err)
	}
	var docs []json.RawMessage
	if err := json.Unmarshal(raw, &docs); err != nil {
		t.Fatalf("%s: %v", extractCorpus, err)
	}
	got := map[string]extractedIndex{}
	for i, doc := range docs {
		r, err := fhir.DecodeResource(doc)
		if err != nil {
			t.Fatalf("%s entry %d: %v", extractCorpus, i, err)
		}
		key := r.Header().ResourceType + "/" + r.Header().ID
		if _, dup := got[key]; dup {
			t.Fatalf("%s: %s twice", extractCorpus, key)
		}
		got[key] = indexOut(extract(r))
	}

	var rec extractRecord
	if b, err := os.ReadFile(extractGolden); err == nil {
		if err := json.Unmarshal(b, &rec); err != nil {
			t.Fatalf("%s: %v", extractGolden, err)
		}
	} else if !*update {
		t.Fatalf("%s: %v (record it with go test ./central -run %s -update)", extractGolden, err, t.Name())
	}

	// Resources whose extraction changed under the schema version it was
	// recorded for.
	var changed []string
	if rec.SchemaVersion == schemaVersion {
		for key, old := range rec.Extracted {
			if now, ok := got[key]; ok && !sameIndex(old, now) {
				changed = append(changed, key)
			}
		}
	}
	slices.Sort(changed)
	if len(changed) > 0 {
		t.Fatalf("what extract indexes changed under schema version %d for %s.\n"+
			"Existing databases hold the old extraction, and a change is removed by the old version's parameters: "+
			"raise schemaVersion (central/readings.go) and add an upgrade step that re-indexes the stored resources "+
			"(as rebuildParams does), then record the new extraction with: go test ./central -run %s -update\n%s",
			schemaVersion, strings.Join(changed, ", "), t.Name(), firstDiff(rec.Extracted, got, changed[0]))
	}

	if *update {
		rec = extractRecord{SchemaVersion: schemaVersion, Extracted: got}
		b, err := json.MarshalIndent(rec, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Clean(extractGolden), append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if rec.SchemaVersion != schemaVersion {
		t.Fatalf("%s was recorded for schema version %d, the central is at %d: if the upgrade re-indexes, record the new extraction with: go test ./central -run %s -update",
			extractGolden, rec.SchemaVersion, schemaVersion, t.Name())
	}
	var missing []string
	for key := range got {
		if _, ok := rec.Extracted[key]; !ok {
			missing = append(missing, key)
		}
	}
	for key := range rec.Extracted {
		if _, ok := got[key]; !ok {
			missing = append(missing, key)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		t.Errorf("the corpus and %s differ in which resources they hold (%s): record with -update", extractGolden, strings.Join(missing, ", "))
	}
}

func sameIndex(a, b extractedIndex) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func firstDiff(old, now map[string]extractedIndex, key string) string {
	o, _ := json.MarshalIndent(old[key], "", "  ")
	n, _ := json.MarshalIndent(now[key], "", "  ")
	return fmt.Sprintf("%s recorded:\n%s\nnow:\n%s", key, o, n)
}
