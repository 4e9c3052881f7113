package live

import (
	"context"
	"fmt"

	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
)

// NewCache replaces the file at path with an empty console cache labelled
// as the demo clinic (info "demo"="1" and the clinic's name), for the sync
// engine to fill from the embedded central.
func NewCache(ctx context.Context, path string) (*cache.Store, error) {
	if err := RemoveDB(path); err != nil {
		return nil, err
	}
	store, err := cache.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("live: demo cache: %w", err)
	}
	err = store.Write(ctx, func(tx *cache.Tx) error {
		if err := tx.SetInfo(demo.InfoDemo, "1"); err != nil {
			return err
		}
		return tx.SetInfo(demo.InfoClinic, demo.ClinicName)
	})
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("live: demo cache: label: %w", err)
	}
	return store, nil
}

// Client returns a FHIR client for the embedded central with the demo
// nurse's token.
func (c *Central) Client(userAgent string) (*client.Client, error) {
	cl, err := client.New(client.Options{BaseURL: c.URL, Token: c.Token, UserAgent: userAgent})
	if err != nil {
		return nil, fmt.Errorf("live: %w", err)
	}
	return cl, nil
}
