package tui

import (
	"testing"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// A cover that is too long says how long one may be, in both languages.
func TestPeriodTooLongProblemNamesTheLimit(t *testing.T) {
	e := &domain.FieldError{Field: "to", Code: domain.CodePeriodTooLong, Max: domain.MaxCoverWeeks}
	for lang, want := range map[string]string{"da": "højst 8 uger", "en": "at most 8 weeks"} {
		if got := catalog(lang).problem(e); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
}
