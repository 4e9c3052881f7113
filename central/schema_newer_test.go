package central

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// A database written by a newer central is refused with a clear error,
// not opened: its rows may be packed in a way this central cannot read,
// and an access report would have left them out in silence.
func TestNewerSchemaIsRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "central.db")
	st, err := OpenStore(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, schemaVersion+1)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	st, err = OpenStore(ctx, path, nil)
	if err == nil {
		st.Close()
		t.Fatal("a database of a newer schema was opened")
	}
	if !strings.Contains(err.Error(), fmt.Sprint(schemaVersion+1)) {
		t.Errorf("error %q does not name the database's schema version", err)
	}
}
