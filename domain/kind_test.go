package domain_test

import (
	"testing"

	"github.com/telehjerte/telehjerte-tui/domain"
)

func TestKinds(t *testing.T) {
	ks := domain.Kinds()
	want := []domain.Kind{domain.KindWeight, domain.KindPulse, domain.KindBloodPressure, domain.KindSteps, domain.KindSpO2}
	if len(ks) != len(want) {
		t.Fatalf("Kinds() = %v", ks)
	}
	for i := range want {
		if ks[i] != want[i] {
			t.Errorf("Kinds()[%d] = %q, want %q", i, ks[i], want[i])
		}
	}
	ks[0] = "changed"
	if domain.Kinds()[0] != domain.KindWeight {
		t.Error("Kinds() exposes the package's own slice")
	}
	units := map[domain.Kind]string{domain.KindWeight: "kg", domain.KindPulse: "/min", domain.KindBloodPressure: "mm[Hg]", domain.KindSteps: "/d", domain.KindSpO2: "%", "x": ""}
	for k, u := range units {
		if got := k.Unit(); got != u {
			t.Errorf("%q.Unit() = %q, want %q", k, got, u)
		}
	}
	for _, k := range want {
		if got, err := domain.ParseKind(string(k)); err != nil || got != k {
			t.Errorf("ParseKind(%q) = %q, %v", k, got, err)
		}
	}
	for _, s := range []string{"", "Weight", "bloodpressure", " pulse"} {
		if _, err := domain.ParseKind(s); err == nil {
			t.Errorf("ParseKind(%q) accepted", s)
		}
	}
}
