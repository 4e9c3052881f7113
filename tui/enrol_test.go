package tui

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
)

// recordingEnroller records enrolments and answers with err.
type recordingEnroller struct {
	mu  sync.Mutex
	got []domain.Enrolment
	err error
}

func (r *recordingEnroller) Template() domain.RegimeTemplate { return domain.DefaultRegimeTemplate() }

func (r *recordingEnroller) Enrol(_ context.Context, e domain.Enrolment) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, e)
	return r.err
}

func enrolModel(t *testing.T) (*Model, *recordingEnroller) {
	t.Helper()
	m, _ := actingModel(t, 120, 40)
	en := &recordingEnroller{}
	m.opts.Enroller = en
	return m, en
}

// n on the worklist opens the enrolment form with the template summary;
// nothing is enrolled without every inclusion criterion and consent; a CPR
// number failing modulus 11 is warned about once and then enrolled.
func TestEnrolForm(t *testing.T) {
	m, en := enrolModel(t)
	send(m, char('n'))
	fd, ok := m.dialog.(formDialog)
	if !ok {
		t.Fatalf("dialog = %T (%q)", m.dialog, m.err)
	}
	view := strings.Join(fd.lines(120, 40), "\n")
	if !containsAll(view, "Opret borger", "Opstart hjertesvigt", "BT uden grænser", "14 dage", "Informeret samtykke", "Vægt +3/+2/-2/-3") {
		t.Fatalf("form:\n%s", view)
	}
	fd.field("cpr").in.SetValue("010180-1234") // fails modulus 11
	fd.field("name").in.SetValue("Ny Borger")
	fd.field("physician").in.SetValue("Dr. Hansen")
	fd.field("refweight").in.SetValue("82,5")
	fd.field("ef").on, fd.field("titration").on, fd.field("able").on = true, true, true
	send(m, keyCtrl('s'))
	if len(en.got) != 0 || !strings.Contains(fd.errs["consent"], "samtykke") {
		t.Fatalf("enrolled without consent: %v errs %v", en.got, fd.errs)
	}
	fd.field("consent").on = true
	send(m, keyCtrl('s'))
	if len(en.got) != 0 || !strings.Contains(fd.general, "modulus 11") {
		t.Fatalf("no modulus-11 warning: %v %q", en.got, fd.general)
	}
	send(m, keyCtrl('s'))
	if len(en.got) != 1 {
		t.Fatalf("not enrolled after the warning: %q %v", fd.general, fd.errs)
	}
	e := en.got[0]
	if e.CPR != "010180-1234" || e.ReferenceWeight != 82.5 || e.Team.ID != "team-a" || !e.Inclusion.Consent || e.ConsentDate.IsZero() {
		t.Errorf("enrolment %+v", e)
	}
	if m.dialog != nil || !strings.Contains(m.flash, "Borger oprettet") {
		t.Errorf("dialog %T flash %q", m.dialog, m.flash)
	}
}

// The storage side's refusal of an enrolled CPR number lands next to the
// CPR field, naming who holds the patient.
func TestEnrolFormShowsWhoHoldsThePatient(t *testing.T) {
	m, en := enrolModel(t)
	en.err = domain.Problems{&domain.FieldError{Field: "cpr", Code: domain.CodeEnrolled, Other: "Klinik Nord (Sygehus Nord)"}}
	send(m, char('n'))
	fd := m.dialog.(formDialog)
	fd.field("cpr").in.SetValue("0101801233")
	fd.field("name").in.SetValue("Ny Borger")
	fd.field("physician").in.SetValue("Dr. Hansen")
	fd.field("refweight").in.SetValue("80")
	fd.field("ef").on, fd.field("titration").on, fd.field("able").on, fd.field("consent").on = true, true, true, true
	send(m, keyCtrl('s'))
	if got := fd.errs["cpr"]; got != "allerede tilmeldt: følges af Klinik Nord (Sygehus Nord)" {
		t.Fatalf("cpr problem %q (general %q)", got, fd.general)
	}
}

// Without an Enroller (or read-only) n does not enrol.
func TestNoEnrolWithoutEnroller(t *testing.T) {
	m, _ := actingModel(t, 120, 40)
	send(m, char('n'))
	if fd, ok := m.dialog.(formDialog); ok && fd.title == "Opret borger" {
		t.Fatal("enrolment offered without an Enroller")
	}
}

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}

// An enrolment the central refused is named as one on the sync-problems
// screen, with the patient's name sanitised.
func TestSyncProblemNamesTheEnrolment(t *testing.T) {
	m, _ := enrolModel(t)
	got := m.syncWhat(console.SyncProblem{Change: console.SyncChangeEnrol, Title: "Ny \x1b[31mBorger", ResourceType: "Patient"})
	if got != "Oprettelse af borger 'Ny Borger'" && !strings.HasPrefix(got, "Oprettelse af borger 'Ny ") || strings.Contains(got, "\x1b") {
		t.Errorf("label %q", got)
	}
}
