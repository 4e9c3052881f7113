package domain

import (
	"testing"
	"time"
)

func TestReadGrantValidateAndActive(t *testing.T) {
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	ok := ReadGrant{Grantee: "m1", Patients: []string{"p1"}, From: from, To: from.Add(DefaultReadGrant), Reason: "egenomsorg"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mut := range map[string]func(*ReadGrant){
		"no grantee":  func(g *ReadGrant) { g.Grantee = "" },
		"no scope":    func(g *ReadGrant) { g.Patients = nil },
		"no reason":   func(g *ReadGrant) { g.Reason = "  " },
		"no end":      func(g *ReadGrant) { g.To = time.Time{} },
		"backwards":   func(g *ReadGrant) { g.To = g.From.Add(-time.Hour) },
		"over a year": func(g *ReadGrant) { g.To = g.From.Add(MaxReadGrant + time.Minute) },
	} {
		g := ok
		mut(&g)
		if g.Validate() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if !ok.ActiveAt(from) || ok.ActiveAt(ok.To) || ok.ActiveAt(from.Add(-time.Second)) {
		t.Error("a grant is active from its start until (not at) its end")
	}
	ok.Revoked = true
	if ok.ActiveAt(from.Add(time.Hour)) {
		t.Error("a revoked grant is active")
	}
	if r, err := ParseRole(""); err != nil || r != RoleNurse {
		t.Errorf("empty role = %q, %v", r, err)
	}
	if _, err := ParseRole("root"); err == nil {
		t.Error("unknown role accepted")
	}
}
