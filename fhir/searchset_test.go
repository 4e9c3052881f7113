package fhir

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// twoPass reads a Bundle the way the client did before DecodeSearchset:
// the Bundle with its entries' resources raw, then each resource again
// with DecodeResource.
func twoPass(body []byte) (*Bundle, []SearchsetEntry, error) {
	var b Bundle
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&b); err != nil {
		return nil, nil, err
	}
	if bytes.Equal(bytes.TrimSpace(body), []byte("null")) {
		// encoding/json leaves b empty for a JSON null, which the client
		// then refused as no Bundle; DecodeSearchset refuses it at once.
		return nil, nil, errors.New("not a JSON object")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, nil, errors.New("data after the JSON object")
	}
	var out []SearchsetEntry
	for _, e := range b.Entry {
		var se SearchsetEntry
		if e.Search != nil {
			se.Mode = e.Search.Mode
		}
		raw := bytes.TrimSpace(e.Resource)
		if len(raw) > 0 && !bytes.Equal(raw, []byte("null")) {
			se.Raw = raw
			se.Resource, se.Err = DecodeResource(raw)
		}
		out = append(out, se)
	}
	b.Entry = nil
	return &b, out, nil
}

// sameAsTwoPass fails t when DecodeSearchset and twoPass disagree on body:
// both fail, or both give the same Bundle elements and, entry by entry, the
// same mode, raw JSON, decoded resource and error text.
func sameAsTwoPass(t *testing.T, body []byte) {
	t.Helper()
	wantB, want, wantErr := twoPass(body)
	gotB, got, err := DecodeSearchset(body)
	if errors.Is(err, errRepeated) {
		// encoding/json would decode the second into what it made of the
		// first; DecodeSearchset refuses the page.
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: error %v does not wrap ErrMalformed", body, err)
		}
		return
	}
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("%s:\nDecodeSearchset error %v, two passes error %v", body, err, wantErr)
	}
	if err != nil {
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: error %v does not wrap ErrMalformed", body, err)
		}
		return
	}
	if !reflect.DeepEqual(gotB, wantB) {
		t.Errorf("%s:\nBundle %#v, want %#v", body, gotB, wantB)
	}
	if len(got) != len(want) {
		t.Fatalf("%s: %d entries, want %d", body, len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Mode != w.Mode || !bytes.Equal(g.Raw, w.Raw) || !reflect.DeepEqual(g.Resource, w.Resource) ||
			fmt.Sprint(g.Err) != fmt.Sprint(w.Err) {
			t.Errorf("%s:\nentry %d = %+v\nwant       %+v", body, i, g, w)
		}
		sameHeader(t, w.Raw, w.Resource)
	}
}

// sameAsDecoded fails t when SplitSearchset reads body otherwise than
// DecodeSearchset but for leaving the resources undecoded: the same error
// (or none), Bundle, modes and raw resources.
func sameAsDecoded(t *testing.T, body []byte) {
	t.Helper()
	wantB, want, wantErr := DecodeSearchset(body)
	gotB, got, err := SplitSearchset(body, 0)
	if fmt.Sprint(err) != fmt.Sprint(wantErr) {
		t.Fatalf("%s:\nSplitSearchset error %v, DecodeSearchset error %v", body, err, wantErr)
	}
	if err != nil {
		return
	}
	if !reflect.DeepEqual(gotB, wantB) {
		t.Errorf("%s:\nBundle %#v, want %#v", body, gotB, wantB)
	}
	if len(got) != len(want) {
		t.Fatalf("%s: %d entries, want %d", body, len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Mode != w.Mode || !bytes.Equal(g.Raw, w.Raw) || g.Resource != nil || g.Err != nil {
			t.Errorf("%s:\nentry %d = %+v\nwant the raw of %+v, undecoded", body, i, g, w)
		}
	}
}

// sameHeader fails t when DecodeHeader of raw, which DecodeResource made
// r of (nil: it did not decode), reads another type, id, versionId or
// lastUpdated, or fails on a resource that decodes.
func sameHeader(t *testing.T, raw []byte, r Resource) {
	t.Helper()
	if len(raw) == 0 {
		return
	}
	h, err := DecodeHeader(raw)
	if r == nil {
		return // may or may not read: the resource is decoded in full then
	}
	if err != nil {
		t.Fatalf("%s: DecodeHeader: %v, but DecodeResource decodes it", raw, err)
	}
	b := r.Header()
	want := Header{ResourceType: b.ResourceType, ID: b.ID}
	if b.Meta != nil {
		want.VersionID, want.LastUpdated = b.Meta.VersionID, b.Meta.LastUpdated
	}
	if h != want {
		t.Errorf("%s: DecodeHeader = %+v, DecodeResource's = %+v", raw, h, want)
	}
}

var searchsetSeeds = []string{
	`{"resourceType":"Bundle","type":"searchset","total":2,"link":[{"relation":"self","url":"a"},{"relation":"next","url":"b"}],"entry":[` +
		`{"fullUrl":"x","resource":{"resourceType":"Patient","id":"p1","meta":{"versionId":"1","lastUpdated":"2026-01-01T00:00:00Z"}},"search":{"mode":"match"}},` +
		`{"resource":{"resourceType":"Observation","id":"o1","status":"final","code":{"coding":[{"code":"x"}]},"subject":{"reference":"Patient/p1"},"valueQuantity":{"value":82}}}]}`,
	"{ \"entry\" : [ { \"resource\" :\n {\"resourceType\":\"Patient\",\"id\":\"p1\"} , \"search\" : {\"mode\":\"include\"} } ] , \"type\":\"searchset\", \"resourceType\":\"Bundle\" }",
	// Resources that do not decode: the page stands, the entry says why.
	`{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Observation","status":7}},{"resource":{"resourceType":"Spaceship","id":"s"}},` +
		`{"resource":{"id":"p2","resourceType":"Patient"}},{"resource":{"resourceType":"Patient","id":"a/b"}},{"resource":{"resourceType":"Patient","id":"p3","resourceType":"Task"}},` +
		`{"resource":{"status":"final"}},{"resource":[1]},{"resource":"x"},{"resource":null},{},null,{"resource":{"resourceType":"Observation","valueQuantity":{"value":1e999}}}]}`,
	// Names match case-insensitively.
	`{"resourceType":"Bundle","Type":"searchset","ENTRY":[{"Resource":{"resourceType":"Patient","id":"p1"},"SEARCH":{"mode":"match"},"extra":{"a":[1]}}]}`,
	// Repeated members.
	`{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"p1"}}],"Entry":[]}`,
	`{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"p1"},"resource":{"resourceType":"Patient","id":"p2"}}]}`,
	`{"resourceType":"Bundle","entry":[{"search":{"mode":"match"},"resource":{"resourceType":"Patient","id":"p1"},"search":{}}]}`,
	// Whole-page failures.
	`{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"p1"}]}`,
	`{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"p1"}}]} {}`,
	`{"resourceType":"Bundle","total":"two"}`,
	`{"resourceType":"Bundle","entry":{"resource":{}}}`,
	`{"resourceType":"Bundle","entry":[{"fullUrl":5,"resource":{"resourceType":"Patient","id":"p1"}}]}`,
	`{"resourceType":"Bundle","entry":[{"search":{"mode":3},"resource":{"resourceType":"Patient","id":"p1"}}]}`,
	`{"resourceType":"Bundle","entry":[1]}`,
	`{"resourceType":"Bundle","entry":null}`,
	`[]`,
	` null `,
	`{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"p1"`,
	`{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"p1",}}]}`,
}

func TestDecodeSearchsetEqualsTwoPasses(t *testing.T) {
	for _, s := range searchsetSeeds {
		sameAsTwoPass(t, []byte(s))
	}
	for _, s := range searchsetSeeds {
		sameAsDecoded(t, []byte(s))
	}
	// The raw JSON is the body's own bytes, not a copy.
	body := []byte(searchsetSeeds[0])
	_, entries, err := DecodeSearchset(body)
	if err != nil || len(entries) != 2 {
		t.Fatalf("%v, %d entries", err, len(entries))
	}
	if i := bytes.Index(body, entries[1].Raw); i < 0 || &body[i] != &entries[1].Raw[0] {
		t.Error("raw JSON of an entry is not a slice of the body")
	}
}

func TestDecodeSearchsetRefusesRepeatedMembers(t *testing.T) {
	for _, s := range searchsetSeeds[4:7] {
		if _, _, err := DecodeSearchset([]byte(s)); !errors.Is(err, errRepeated) || !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v, want a malformed repeated member", s, err)
		}
	}
}

// An error never shows what the server sent where a structure was
// expected.
func TestDecodeSearchsetErrorsShowNoServerText(t *testing.T) {
	for _, s := range []string{
		`{"resourceType":"Bundle","entry":"\u001b]0;x\u0007"}`,
		`{"resourceType":"Bundle","entry":["\u001b]0;x\u0007"]}`,
		`"\u001b]0;x\u0007"`,
	} {
		_, _, err := DecodeSearchset([]byte(s))
		if err == nil || strings.Contains(err.Error(), "0;x") {
			t.Errorf("%s: error %v", s, err)
		}
	}
}

func FuzzDecodeSearchset(f *testing.F) {
	for _, s := range searchsetSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if !utf8.Valid(body) { // the caller checks the whole body first
			return
		}
		sameAsTwoPass(t, body)
		sameAsDecoded(t, body)
	})
}

// DecodeSearchsetLimit refuses a Bundle with more entries than the limit
// once the count is passed, before reading on, and reads one at the limit
// as DecodeSearchset does.
func TestDecodeSearchsetLimit(t *testing.T) {
	at := `{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"p1"}},null]}`
	if _, entries, err := DecodeSearchsetLimit([]byte(at), 2); err != nil || len(entries) != 2 {
		t.Fatalf("two entries with a limit of 2: %d entries, err %v", len(entries), err)
	}
	over := `{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"p1"}},null,{"resource":{"resourceType":"Pat`
	_, _, err := DecodeSearchsetLimit([]byte(over), 2)
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "more than the 2 entries allowed") {
		t.Fatalf("a third entry with a limit of 2: err %v, want refused for the number of entries", err)
	}
}

// DecodeHeader reads what names a version wherever it stands in the
// document, as DecodeResource reads it, and refuses what has no type.
func TestDecodeHeader(t *testing.T) {
	for _, c := range []struct {
		raw  string
		want Header
	}{
		{`{"resourceType":"Observation","id":"o1","meta":{"versionId":"v7","lastUpdated":"2026-01-01T00:00:00.123Z"},"status":"final","code":{"coding":[{"code":"x"}]},"subject":{"reference":"Patient/p1"}}`,
			Header{"Observation", "o1", "v7", "2026-01-01T00:00:00.123Z"}},
		{`{"meta":{"lastUpdated":"2026-01-01T00:00:00Z","tag":[{"code":"x"}],"versionId":"3"},"id":"p1","name":[{"family":"X"}],"resourceType":"Patient"}`,
			Header{"Patient", "p1", "3", "2026-01-01T00:00:00Z"}},
		{`{"resourceType":"Patient","ID":"t1"}`, Header{ResourceType: "Patient", ID: "t1"}},
	} {
		got, err := DecodeHeader([]byte(c.raw))
		if err != nil || got != c.want {
			t.Errorf("%s: %+v, %v; want %+v", c.raw, got, err, c.want)
		}
		r, err := DecodeResource([]byte(c.raw))
		if err != nil {
			t.Fatalf("%s does not decode: %v", c.raw, err)
		}
		sameHeader(t, []byte(c.raw), r)
	}
	for _, raw := range []string{`{"id":"p1"}`, `{"resourceType":""}`, `{"resourceType":"Patient","id":5}`, `[1]`, `{"resourceType":"Patient"`, "", "{\"resourceType\":\"Patient\",\"id\":\"\xff\"}"} {
		if _, err := DecodeHeader([]byte(raw)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: DecodeHeader error %v, want ErrMalformed", raw, err)
		}
	}
}

// Reading only the header of a resource costs a fraction of decoding it;
// a sync round with nothing new reads only headers of what it gets back.
func BenchmarkDecodeHeaderAgainstResource(b *testing.B) {
	raw := []byte(`{"resourceType":"Observation","id":"obs-000123","meta":{"versionId":"1","lastUpdated":"2026-11-30T10:00:00.123Z"},` +
		`"status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],` +
		`"code":{"coding":[{"system":"http://loinc.org","code":"29463-7","display":"Body weight"}]},"subject":{"reference":"Patient/pat-0001"},` +
		`"effectiveDateTime":"2026-11-30T07:12:00+01:00","issued":"2026-11-30T07:12:05+01:00","performer":[{"reference":"Patient/pat-0001"}],` +
		`"valueQuantity":{"value":82.4,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"},` +
		`"device":{"display":"Vægt"},"basedOn":[{"reference":"ServiceRequest/sr-0001"}]}`)
	b.Run("header", func(b *testing.B) {
		for b.Loop() {
			if _, err := DecodeHeader(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("resource", func(b *testing.B) {
		for b.Loop() {
			if _, err := DecodeResource(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
}
