package cache

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

func newProvider(db *sql.DB) (*goose.Provider, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub, goose.WithGoMigrations(migrationRegimeQuestionnaires(), migrationPhysicianRefs()))
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// ErrSchemaTooNew is wrapped when the file was migrated by a newer program.
var ErrSchemaTooNew = errors.New("cache schema is newer than this program")

// migrate applies every pending migration; it is a no-op on an up-to-date
// file. A file whose schema is newer than the embedded migrations is refused
// rather than used with a schema this program does not know.
func migrate(ctx context.Context, db *sql.DB) error {
	p, err := newProvider(db)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	var known int64
	for _, src := range p.ListSources() {
		known = max(known, src.Version)
	}
	if current > known {
		return fmt.Errorf("%w: version %d, this program knows up to %d; use a newer console", ErrSchemaTooNew, current, known)
	}
	return nil
}

// SchemaVersion is the version of the newest migration applied to the file.
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	p, err := newProvider(s.w)
	if err != nil {
		return 0, err
	}
	v, err := p.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("cache: schema version: %w", err)
	}
	return v, nil
}
