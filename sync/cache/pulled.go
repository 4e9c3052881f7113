package cache

import (
	"time"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// LastUpdated is the pulled resource's meta.lastUpdated, as ApplyPage
// reads it; zero when the resource did not decode or has none.
func (p Pulled) LastUpdated() time.Time {
	if p.r == nil {
		return time.Time{}
	}
	hd := p.r.Header()
	if hd.Meta == nil {
		return time.Time{}
	}
	t, err := fhir.ParseDateTime(hd.Meta.LastUpdated)
	if err != nil {
		return time.Time{}
	}
	return t
}
