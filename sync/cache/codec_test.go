package cache

import (
	"database/sql"
	"reflect"
	"testing"

	"github.com/telehjerte/telehjerte-tui/domain"
)

func TestLimitsEncoding(t *testing.T) {
	cases := []struct {
		name string
		in   domain.KindThresholds
		want string // stored JSON; "" for NULL
	}{
		{"none", domain.KindThresholds{}, ""},
		{"pulse", domain.KindThresholds{Primary: domain.Limits{RedLow: domain.L(40), YellowLow: domain.L(45), YellowHigh: domain.L(90), RedHigh: domain.L(100)}}, `{"p":[40,45,90,100]}`},
		{"zero and unset", domain.KindThresholds{Primary: domain.Limits{RedLow: domain.L(0), RedHigh: domain.L(-1.25)}}, `{"p":[0,null,null,-1.25]}`},
		{"diastolic only", domain.KindThresholds{Secondary: domain.Limits{YellowHigh: domain.L(95)}}, `{"s":[null,null,95,null]}`},
		{"bp", domain.KindThresholds{
			Primary:   domain.Limits{YellowHigh: domain.L(150.5), RedHigh: domain.L(170)},
			Secondary: domain.Limits{RedLow: domain.L(0.1), YellowHigh: domain.L(95)}}, `{"p":[null,null,150.5,170],"s":[0.1,null,95,null]}`},
	}
	for _, c := range cases {
		enc, err := encodeLimits(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := map[bool]string{true: enc.String, false: ""}[enc.Valid]; got != c.want {
			t.Errorf("%s: stored %q, want %q", c.name, got, c.want)
		}
		back, err := decodeLimits(enc)
		if err != nil || !reflect.DeepEqual(back, c.in) {
			t.Errorf("%s: round trip %+v, %v; want %+v", c.name, back, err, c.in)
		}
	}
	for _, bad := range []string{`{"p":`, `{"primary":{"red_low":40}}`, `{"p":[1,2,3,4]} {}`} {
		if _, err := decodeLimits(sql.NullString{String: bad, Valid: true}); err == nil {
			t.Errorf("stored limits %s decoded without error", bad)
		}
	}
}
