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
	for name, c := range map[string]struct {
		mut         func(*ReadGrant)
		field, code string
	}{
		"no grantee":     {func(g *ReadGrant) { g.Grantee = "" }, "grantee", CodeRequired},
		"not an id":      {func(g *ReadGrant) { g.Grantee = "anne hansen" }, "grantee", CodeInvalid},
		"no scope":       {func(g *ReadGrant) { g.Patients = nil }, "scope", CodeRequired},
		"no reason":      {func(g *ReadGrant) { g.Reason = "  " }, "reason", CodeRequired},
		"no end":         {func(g *ReadGrant) { g.To = time.Time{} }, "until", CodeRequired},
		"backwards":      {func(g *ReadGrant) { g.To = g.From.Add(-time.Hour) }, "until", CodeAfter},
		"over a year":    {func(g *ReadGrant) { g.To = g.From.Add(MaxReadGrant + time.Minute) }, "until", CodePeriodTooLong},
		"team, no users": {func(g *ReadGrant) { g.Patients, g.Teams = nil, []string{"t1"} }, "", ""},
	} {
		g := ok
		c.mut(&g)
		err := g.Validate()
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if fe := AsProblems(err).ByField()[c.field]; fe == nil || fe.Code != c.code {
			t.Errorf("%s: %v, want %s on %s", name, err, c.code, c.field)
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
