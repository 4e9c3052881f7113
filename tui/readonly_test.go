package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// A read-only user (se-adgang) has no action keys in the help, and an
// action key she presses, on the worklist or the patient view, is
// answered with why nothing happens; nothing is queued.
func TestReadOnlyUserIsToldWhy(t *testing.T) {
	opts := testOptions()
	opts.Actions, opts.Enroller, opts.ReadOnly = nil, nil, true
	m, _ := loaded(t, opts, 100, 30)
	for _, k := range helpNames(keysNow(m).ShortHelp()) {
		if k == "x" || k == "X" || k == "n" {
			t.Errorf("worklist help offers action key %q", k)
		}
	}
	for _, full := range keysNow(m).FullHelp() {
		for _, k := range helpNames(full) {
			if k == "x" || k == "X" || k == "n" {
				t.Errorf("full worklist help offers action key %q", k)
			}
		}
	}
	for _, c := range []rune{'x', 'X', 'n'} {
		send(m, char(c))
		if v := m.View().Content; !strings.Contains(v, "SE-ADGANG: du har kun læseadgang") {
			t.Errorf("%c on the worklist: no explanation:\n%s", c, v)
		}
		send(m, keyEsc)
		if m.dialog != nil {
			t.Fatalf("the explanation does not close")
		}
	}
	send(m, keyDown, keyEnter)
	if !m.patient.loaded {
		t.Fatal("patient view not loaded")
	}
	for _, c := range []rune{'x', 'X', 'r', 'n', 'u', 'e', 't', 'N', 'p'} {
		send(m, char(c))
		if !strings.Contains(m.View().Content, "SE-ADGANG") {
			t.Errorf("%c on the patient view: no explanation", c)
		}
		send(m, keyEsc)
	}
}

type fakeGranter struct {
	grants  []domain.ReadGrant
	granted []domain.ReadGrant
	revoked []string
}

func (f *fakeGranter) ReadGrants(context.Context, string) ([]domain.ReadGrant, error) {
	return f.grants, nil
}
func (f *fakeGranter) GrantReadAccess(_ context.Context, g domain.ReadGrant) error {
	f.granted = append(f.granted, g)
	return nil
}
func (f *fakeGranter) RevokeReadAccess(_ context.Context, id, _ string) error {
	f.revoked = append(f.revoked, id)
	return nil
}

// A monitoring nurse grants se-adgang in the responsibility form (t): a
// user, an end date proposed 3 months ahead, a reason; each is required,
// the end at most a year ahead; and revokes a grant chosen from the
// patient's.
func TestGrantAndRevokeReadAccessInTheForm(t *testing.T) {
	m, _ := actingModel(t, 100, 30)
	gr := &fakeGranter{grants: []domain.ReadGrant{{ID: "g-1", Grantee: "muni-7", Patients: []string{"p-anna"}, To: testNow.AddDate(0, 1, 0)}}}
	m.opts.Granter = gr
	openPatient(t, m, "p-anna")
	send(m, char('t'))
	fd, ok := m.dialog.(formDialog)
	if !ok {
		t.Fatalf("dialog = %T (%q)", m.dialog, m.err)
	}
	send(m, char(' '), char(' ')) // cover → transfer → se-adgang
	if fd.field("mode").value() != "grant" {
		t.Fatalf("mode %q", fd.field("mode").value())
	}
	want := testNow.In(cph).AddDate(0, 3, 0).Format("02.01.2006")
	if got := fd.field("until").value(); got != want {
		t.Errorf("proposed end %q, want %q (3 months)", got, want)
	}
	send(m, keyCtrl('s'))
	if len(gr.granted) != 0 || fd.errs["grantee"] == "" || fd.errs["reason"] == "" {
		t.Fatalf("empty grant: %v %v", gr.granted, fd.errs)
	}
	fd.field("grantee").in.SetValue("muni-1")
	fd.field("reason").in.SetValue("støtte til egenomsorg")
	fd.field("until").in.SetValue(testNow.In(cph).AddDate(1, 1, 0).Format("02.01.2006"))
	send(m, keyCtrl('s'))
	if len(gr.granted) != 0 || fd.errs["until"] == "" {
		t.Fatalf("a grant over a year: %v %v", gr.granted, fd.errs)
	}
	fd.field("until").in.SetValue(want)
	send(m, keyCtrl('s'))
	if len(gr.granted) != 1 {
		t.Fatalf("granted %v, errs %v", gr.granted, fd.errs)
	}
	g := gr.granted[0]
	if g.Grantee != "muni-1" || g.Reason != "støtte til egenomsorg" || len(g.Patients) != 1 || g.Patients[0] != "p-anna" ||
		!g.To.Equal(time.Date(testNow.In(cph).AddDate(0, 3, 1).Year(), testNow.In(cph).AddDate(0, 3, 1).Month(), testNow.In(cph).AddDate(0, 3, 1).Day(), 0, 0, 0, 0, cph)) {
		t.Errorf("grant %+v", g)
	}
	if !strings.Contains(m.flash, "Se-adgang for muni-1") {
		t.Errorf("flash %q", m.flash)
	}
	// Revoke.
	send(m, char('t'))
	fd = m.dialog.(formDialog)
	send(m, char(' '), char(' '), char(' '))
	if fd.field("mode").value() != "revoke" {
		t.Fatalf("mode %q", fd.field("mode").value())
	}
	send(m, keyCtrl('s'))
	if len(gr.revoked) != 1 || gr.revoked[0] != "g-1" {
		t.Errorf("revoked %v", gr.revoked)
	}
}

// Se-adgang for the whole team from the responsibility form: the scope
// row offers every patient of the patient's home team; the grant names
// the team, not the patient; a team grant is marked in the revoke list.
func TestGrantReadAccessToTheWholeTeam(t *testing.T) {
	m, _ := actingModel(t, 100, 30)
	gr := &fakeGranter{}
	m.opts.Granter = gr
	openPatient(t, m, "p-anna")
	home := m.patient.detail.Responsibility.Home
	send(m, char('t'))
	fd := m.dialog.(formDialog)
	send(m, char(' '), char(' ')) // cover → transfer → se-adgang
	if fd.field("mode").value() != "grant" {
		t.Fatalf("mode %q", fd.field("mode").value())
	}
	if v := ansi.Strip(m.View().Content); !strings.Contains(v, "Omfang") || !strings.Contains(v, "denne borger") {
		t.Fatalf("no scope row:\n%s", v)
	}
	if l := fd.field("grant-scope").labels; len(l) != 2 || l[1] != "alle borgere i "+home.Name {
		t.Fatalf("scope choices %q", l)
	}
	fd.field("grant-scope").sel = 1
	fd.field("grantee").in.SetValue("muni-1")
	fd.field("reason").in.SetValue("kommunal opfølgning")
	send(m, keyCtrl('s'))
	if len(gr.granted) != 1 {
		t.Fatalf("granted %v, errs %v %q", gr.granted, fd.errs, fd.general)
	}
	if g := gr.granted[0]; len(g.Patients) != 0 || len(g.Teams) != 1 || g.Teams[0] != home.ID {
		t.Errorf("team grant %+v, want the team %s only", g, home.ID)
	}
	gr.grants = []domain.ReadGrant{{ID: "g-team", Grantee: "muni-1", Teams: []string{home.ID}, To: testNow.AddDate(0, 1, 0)}}
	send(m, char('t'))
	fd = m.dialog.(formDialog)
	send(m, char(' '), char(' '), char(' '))
	if l := fd.field("grant").labels[0]; !strings.Contains(l, "hele teamet") {
		t.Errorf("the team grant's label %q", l)
	}
}

// A bad grant is judged by the domain (domain.ReadGrant.Validate, as on
// the central), and the form shows the domain's problem next to the field:
// the form keeps no rules of its own that could drift from it.
func TestGrantFormShowsTheDomainsProblem(t *testing.T) {
	m, _ := actingModel(t, 100, 30)
	gr := &fakeGranter{}
	m.opts.Granter = gr
	openPatient(t, m, "p-anna")
	day := func(d time.Time) string { return d.In(cph).Format("02.01.2006") }
	for _, c := range []struct {
		name, field, grantee, until string
	}{
		{"ends before it starts", "until", "muni-1", day(testNow.AddDate(0, 0, -2))}, // "skal ligge efter i dag"
		{"over a year", "until", "muni-1", day(testNow.AddDate(1, 1, 0))},
		{"not a practitioner id", "grantee", "anne hansen", day(testNow.AddDate(0, 1, 0))},
	} {
		send(m, char('t'))
		fd, ok := m.dialog.(formDialog)
		if !ok {
			t.Fatalf("%s: dialog = %T (%q)", c.name, m.dialog, m.err)
		}
		send(m, char(' '), char(' ')) // cover → transfer → se-adgang
		fd.field("grantee").in.SetValue(c.grantee)
		fd.field("reason").in.SetValue("støtte til egenomsorg")
		fd.field("until").in.SetValue(c.until)
		send(m, keyCtrl('s'))
		// The same grant, judged by the domain.
		until, err := time.ParseInLocation("02.01.2006", c.until, cph)
		if err != nil {
			t.Fatal(err)
		}
		g := domain.ReadGrant{Grantee: c.grantee, Patients: []string{"p-anna"}, From: testNow, To: until.AddDate(0, 0, 1), Reason: "støtte til egenomsorg"}
		fe := domain.AsProblems(g.Validate()).ByField()[c.field]
		if fe == nil {
			t.Fatalf("%s: the domain finds nothing wrong: %v", c.name, g.Validate())
		}
		if fe.Other == "from" {
			fe.Other = "now" // the form's grant starts now, and it has no from-date
		}
		want := m.t.problem(fe)
		if c.name == "ends before it starts" && want != "skal ligge efter i dag" {
			t.Errorf("a grant ending in the past is told %q", want)
		}
		if len(gr.granted) != 0 || fd.errs[c.field] != want || !strings.Contains(m.View().Content, want) {
			t.Errorf("%s: granted %v, the form says %q on %s, the domain %q", c.name, gr.granted, fd.errs[c.field], c.field, want)
		}
		send(m, keyEsc)
		if _, open := m.dialog.(formDialog); open {
			send(m, char('y')) // discard what was typed
		}
		if _, open := m.dialog.(formDialog); open {
			t.Fatalf("%s: the form did not close", c.name)
		}
	}
}
