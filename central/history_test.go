package central

import (
	"bytes"
	"compress/flate"
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// TestHistoryPackedWithDeflateStillReads: history rows written before
// schema version 5 are packed with DEFLATE (packedV1); new rows are packed
// with zstd. An old row reads back as it was written.
func TestHistoryPackedWithDeflateStillReads(t *testing.T) {
	ctx := context.Background()
	st, err := OpenStore(ctx, filepath.Join(t.TempDir(), "central.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	pr := &fhir.Practitioner{Base: fhir.Base{ResourceType: "Practitioner", ID: "prac-1"}, Name: []fhir.HumanName{{Text: "Anna"}}}
	var v1 Stored
	err = st.inTx(ctx, func(tx *tx) error {
		v1, err = tx.write(pr, 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	pr.Name = []fhir.HumanName{{Text: "Anne"}}
	if err := st.Put(ctx, pr); err != nil {
		t.Fatal(err)
	}
	// As a central before schema version 5 packed it.
	var b bytes.Buffer
	b.WriteByte(packedV1)
	w, err := flate.NewWriterDict(&b, flate.DefaultCompression, []byte(historyDictV1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(v1.JSON); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	res, err := st.db.ExecContext(ctx, `UPDATE history SET json = ? WHERE type = 'Practitioner' AND id = 'prac-1' AND version_id = 1`, b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("history rows of version 1: %d, want 1", n)
	}
	err = st.readTx(ctx, func(tx *tx) error {
		got, err := tx.version("Practitioner", "prac-1", 1)
		if err != nil {
			return err
		}
		if string(got.JSON) != string(v1.JSON) {
			t.Errorf("version 1 packed with DEFLATE reads %s, want %s", got.JSON, v1.JSON)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPackedDocumentsReadBackExactly: every packed form, and a JSON text,
// reads back byte for byte.
func TestPackedDocumentsReadBackExactly(t *testing.T) {
	for _, doc := range []string{
		`{}`,
		`{"resourceType":"Observation","id":"obs-1","status":"final","valueQuantity":{"value":72,"unit":"/min"}}`,
		`{"resourceType":"Communication","payload":[{"contentString":"Æblegrød \u0000 \"citat\" ` + string(bytes.Repeat([]byte("x"), 70000)) + `"}]}`,
	} {
		packed, err := packJSON([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if packed[0] != packedV2 {
			t.Errorf("packed with marker %#x, want packedV2", packed[0])
		}
		for _, col := range [][]byte{packed, []byte(doc)} {
			got, err := unpackJSON(col)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != doc {
				t.Errorf("%.40q reads back as %.40q", doc, got)
			}
		}
	}
}

// TestAuditEventsPackedWithS2: AuditEvents are packed as S2 blocks
// against the access log's dictionary (packedV3) and read back byte for
// byte, large ones too; the access log's entries take less room than
// packed as the other documents are; a damaged one, or one claiming to
// unpack to more than a document may have, is an error and no panic.
func TestAuditEventsPackedWithS2(t *testing.T) {
	ae := &fhir.AuditEvent{
		Base:     fhir.Base{ResourceType: "AuditEvent", ID: "4f1c4a60-4a0e-4a39-9d5e-1c7c0e9b0a11", Meta: &fhir.Meta{VersionID: "1", LastUpdated: "2026-11-30T22:48:19.238Z"}},
		Type:     fhir.Coding{System: SystemAuditEventType, Code: "rest"},
		Subtype:  []fhir.Coding{{System: SystemRestfulAction, Code: "search-type"}},
		Action:   "E",
		Recorded: "2026-11-30T22:48:19.238Z",
		Outcome:  "0",
		Agent:    []fhir.AuditEventAgent{{Who: fhir.Ref("Practitioner", "prac-demo-nurse-1"), Requestor: true}},
		Source:   fhir.AuditEventSource{Site: AccessLogSite, Observer: fhir.Reference{Display: "telehjerte-central"}},
		Entity: []fhir.AuditEventEntity{{What: &fhir.Reference{Display: "Task"}, Description: "search Task by _lastUpdated,_sort"},
			{What: fhir.Ref("Patient", "pat-0017"), Description: "patient"}},
	}
	doc, err := fhir.Encode(ae)
	if err != nil {
		t.Fatal(err)
	}
	asOthers, err := packJSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	big := slices.Concat(doc[:len(doc)-1], []byte(`,"x":"`), bytes.Repeat([]byte("Æblegrød \\\"x\\\" "), 9000), []byte(`"}`))
	for _, d := range [][]byte{doc, big, []byte(`{}`)} {
		col, err := packDocument("AuditEvent", d)
		if err != nil {
			t.Fatal(err)
		}
		if col[0] != packedV3 || !packed(col) {
			t.Errorf("an AuditEvent packed with marker %#x, want packedV3", col[0])
		}
		got, err := unpackJSON(col)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, d) {
			t.Errorf("%.60q reads back as %.60q", d, got)
		}
		if bytes.Equal(d, doc) && len(col) >= len(asOthers) {
			t.Errorf("an access log entry packs to %d bytes, %d as the other documents", len(col), len(asOthers))
		}
	}
	if col, _ := packDocument("Observation", doc); col[0] != packedV2 {
		t.Errorf("an Observation packed with marker %#x, want packedV2", col[0])
	}
	col, _ := packDocument("AuditEvent", doc)
	for _, bad := range [][]byte{col[:len(col)/2], {packedV3, 0xff, 0xff, 0xff, 0xff, 0x0f}, {packedV3}} {
		if got, err := unpackJSON(bad); err == nil {
			t.Errorf("% x unpacked to %q", bad, got)
		}
	}
}
