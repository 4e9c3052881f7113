package central

import (
	"bytes"
	"compress/flate"
	"context"
	"path/filepath"
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
