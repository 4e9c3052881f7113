package fhir

import (
	"reflect"
	"testing"
)

func mustJSON(t *testing.T, s string) any {
	t.Helper()
	v, err := decodeAny([]byte(s))
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

func TestMergeChangeKeepsWhatTheConsoleDoesNotModel(t *testing.T) {
	for _, tc := range []struct {
		name, server, old, new, want string
	}{
		{
			name:   "unknown top-level element and extension survive a status change",
			server: `{"resourceType":"Task","id":"t1","meta":{"versionId":"a1"},"status":"ready","basedOn":[{"reference":"CarePlan/x"}],"extension":[{"url":"u:server","valueString":"keep"}]}`,
			old:    `{"status":"ready"}`,
			new:    `{"status":"completed"}`,
			want:   `{"resourceType":"Task","id":"t1","meta":{"versionId":"a1"},"status":"completed","basedOn":[{"reference":"CarePlan/x"}],"extension":[{"url":"u:server","valueString":"keep"}]}`,
		},
		{
			name:   "one extension changed, others (unknown ones included) kept in place",
			server: `{"resourceType":"Communication","extension":[{"url":"u:other","valueCode":"x"},{"url":"u:status","valueCode":"activate","extension":[{"url":"u:sub","valueString":"srv"}]},{"url":"u:last","valueBoolean":true}]}`,
			old:    `{"extension":[{"url":"u:thread","valueString":"th"},{"url":"u:status","valueCode":"activate"}]}`,
			new:    `{"extension":[{"url":"u:thread","valueString":"th"},{"url":"u:status","valueCode":"read"}]}`,
			want:   `{"resourceType":"Communication","extension":[{"url":"u:other","valueCode":"x"},{"url":"u:status","valueCode":"read"},{"url":"u:last","valueBoolean":true}]}`,
		},
		{
			name:   "appending a note keeps the server's notes; a new object keeps its server keys",
			server: `{"resourceType":"Task","note":[{"text":"server note"}],"executionPeriod":{"start":"2026-01-01T00:00:00Z"}}`,
			old:    `{}`,
			new:    `{"note":[{"text":"mine"}],"executionPeriod":{"end":"2026-01-02T00:00:00.000Z"}}`,
			want:   `{"resourceType":"Task","note":[{"text":"server note"},{"text":"mine"}],"executionPeriod":{"start":"2026-01-01T00:00:00Z","end":"2026-01-02T00:00:00.000Z"}}`,
		},
		{
			name:   "a removed cover is found despite another instant format and a server sub-extension; period kept",
			server: `{"resourceType":"EpisodeOfCare","period":{"start":"2025-01-01"},"extension":[{"url":"u:cover","extension":[{"url":"team","valueReference":{"reference":"CareTeam/c"}},{"url":"period","valuePeriod":{"start":"2026-01-01T00:00:00+00:00"}},{"url":"u:srv","valueString":"x"}]},{"url":"u:unknown","valueString":"y"}]}`,
			old:    `{"extension":[{"url":"u:cover","extension":[{"url":"team","valueReference":{"reference":"CareTeam/c","display":"Cover"}},{"url":"period","valuePeriod":{"start":"2026-01-01T00:00:00.000Z"}}]}]}`,
			new:    `{}`,
			want:   `{"resourceType":"EpisodeOfCare","period":{"start":"2025-01-01"},"extension":[{"url":"u:unknown","valueString":"y"}]}`,
		},
		{
			name:   "a changed team reference replaces that team only; another organisation is a new object",
			server: `{"resourceType":"EpisodeOfCare","team":[{"reference":"CareTeam/a","display":"A"},{"reference":"CareTeam/x"}],"managingOrganization":{"reference":"Organization/oa","extension":[{"url":"u:e","valueString":"z"}]}}`,
			old:    `{"team":[{"reference":"CareTeam/a"}],"managingOrganization":{"reference":"Organization/oa"}}`,
			new:    `{"team":[{"reference":"CareTeam/b"}],"managingOrganization":{"reference":"Organization/ob"}}`,
			want:   `{"resourceType":"EpisodeOfCare","team":[{"reference":"CareTeam/b"},{"reference":"CareTeam/x"}],"managingOrganization":{"reference":"Organization/ob"}}`,
		},
		{
			name:   "unchanged elements are not touched even when rendered differently",
			server: `{"resourceType":"CarePlan","author":{"reference":"Practitioner/p9","display":"Dr X"},"careTeam":[{"reference":"CareTeam/a"}],"period":{"start":"2026-01-01T00:00:00Z"}}`,
			old:    `{"author":{"display":"Dr X"},"period":{"start":"2026-01-01T00:00:00.000Z"}}`,
			new:    `{"author":{"display":"Dr X"},"period":{"start":"2026-01-01T00:00:00.000Z","end":"2026-06-01T00:00:00.000Z"}}`,
			want:   `{"resourceType":"CarePlan","author":{"reference":"Practitioner/p9","display":"Dr X"},"careTeam":[{"reference":"CareTeam/a"}],"period":{"start":"2026-01-01T00:00:00Z","end":"2026-06-01T00:00:00.000Z"}}`,
		},
		{
			name:   "the same reference keeps its server keys; another one replaces them",
			server: `{"resourceType":"Task","for":{"reference":"Patient/p","extension":[{"url":"u:e","valueString":"z"}]},"owner":{"reference":"Practitioner/other","identifier":{"value":"x"}}}`,
			old:    `{"for":{"reference":"Patient/p"}}`,
			new:    `{"for":{"reference":"Patient/p","display":"P"},"owner":{"reference":"Practitioner/me","display":"Me"}}`,
			want:   `{"resourceType":"Task","for":{"reference":"Patient/p","display":"P","extension":[{"url":"u:e","valueString":"z"}]},"owner":{"reference":"Practitioner/me","display":"Me"}}`,
		},
		{
			name:   "an element the server already has is not added twice",
			server: `{"resourceType":"Communication","extension":[{"url":"u:status","valueCode":"read"}]}`,
			old:    `{"extension":[{"url":"u:status","valueCode":"activate"}]}`,
			new:    `{"extension":[{"url":"u:status","valueCode":"read"}]}`,
			want:   `{"resourceType":"Communication","extension":[{"url":"u:status","valueCode":"read"}]}`,
		},
		{
			name:   "id, meta and resourceType stay the server's",
			server: `{"resourceType":"ServiceRequest","id":"srv-1","meta":{"versionId":"9f2c"},"status":"active","requester":{"reference":"Practitioner/d"}}`,
			old:    `{"resourceType":"ServiceRequest","id":"x","status":"active"}`,
			new:    `{"resourceType":"ServiceRequest","id":"y","meta":{"versionId":"2"},"status":"revoked"}`,
			want:   `{"resourceType":"ServiceRequest","id":"srv-1","meta":{"versionId":"9f2c"},"status":"revoked","requester":{"reference":"Practitioner/d"}}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := MergeChange([]byte(tc.server), []byte(tc.old), []byte(tc.new))
			if err != nil {
				t.Fatal(err)
			}
			if g, w := mustJSON(t, string(got)), mustJSON(t, tc.want); !reflect.DeepEqual(g, w) {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestMergeChangeRefusesNonObjects(t *testing.T) {
	if _, err := MergeChange([]byte(`[]`), []byte(`{}`), []byte(`{}`)); err == nil {
		t.Fatal("an array as the server's resource was accepted")
	}
	if _, err := MergeChange([]byte(`{}`), []byte(`{`), []byte(`{}`)); err == nil {
		t.Fatal("broken JSON was accepted")
	}
}
