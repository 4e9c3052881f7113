package domain

import (
	"fmt"
	"time"
)

// MaxTakenSkew is how far after its arrival a reading may be dated: a
// device's or phone's clock may run a little fast.
const MaxTakenSkew = 5 * time.Minute

// EarliestTaken is before any reading of the programme: a reading dated
// earlier comes from a device whose clock was reset.
var EarliestTaken = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// ImplausibleTime returns a non-empty reason when the time a reading was
// taken cannot be true: more than MaxTakenSkew after it was received (after
// now when received is unknown), or before EarliestTaken. Such a reading is
// kept and shown with the reason, but it must never count as the patient's
// latest (a reading dated 9999-12-31 would hold that place forever).
func ImplausibleTime(taken, received, now time.Time) string {
	ref := received
	if ref.IsZero() {
		ref = now
	}
	switch {
	case taken.Before(EarliestTaken):
		return fmt.Sprintf("time taken %s is before %d", taken.UTC().Format(time.RFC3339), EarliestTaken.Year())
	case !ref.IsZero() && taken.After(ref.Add(MaxTakenSkew)):
		return fmt.Sprintf("time taken %s is after it was received (%s)", taken.UTC().Format(time.RFC3339), ref.UTC().Format(time.RFC3339))
	}
	return ""
}
