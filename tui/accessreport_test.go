package tui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/help"
	"github.com/charmbracelet/x/ansi"

	"github.com/telehjerte/telehjerte-tui/domain"
)

type fakeReporter struct {
	lines []domain.AccessLine
	err   error
	since time.Time
}

func (f *fakeReporter) AccessReport(_ context.Context, since time.Time) ([]domain.AccessLine, error) {
	f.since = since
	return f.lines, f.err
}

// U on the worklist shows the central's access report for the last half
// year: per user her look-ups, patients, last look-up, grants, look-ups
// outside her teams and UBRUGT; esc closes it; a refusal is said in the
// footer. Without a Reporter the key does nothing and is not offered.
func TestAccessReportScreen(t *testing.T) {
	rep := &fakeReporter{lines: []domain.AccessLine{
		{User: "nurse-1", Name: "Karen Holm", Role: domain.RoleNurse, LookUps: 12, Patients: 4, LastLookUp: testNow.Add(-time.Hour)},
		{User: "muni-1", Name: "Mette \x1b[31mKommune", Role: domain.RoleReadOnly, Grants: []domain.ReadGrant{{ID: "g1", To: testNow.AddDate(0, 2, 0)}},
			Outside: []domain.OutsideLookUp{{Patient: "p1", Via: "se-adgang g1", Count: 2}}, LookUps: 2, Patients: 1},
		{User: "nurse-2", Name: "Jens Berg", Role: domain.RoleNurse, Unused: true},
		{User: "nurse-3", Name: "Sygeplejerske Lise Holm, Hjertesvigtsklinik", Role: domain.RoleNurse, LookUps: 1, Patients: 1},
	}}
	opts := testOptions()
	opts.Reporter = rep
	// 130 columns: room for the longest name whole beside a line with a
	// grant and a warning (which never give way to the name).
	m, _ := loaded(t, opts, 130, 30)
	if !containsKey(keysNow(m), "U") {
		t.Errorf("U is not offered on the worklist")
	}
	for _, b := range keysNow(m).ShortHelp() {
		if slices.Contains(b.Keys(), "U") {
			t.Error("U is in the footer, where it pushes the quit key out of a narrow terminal")
		}
	}
	send(m, char('U'))
	v := ansi.Strip(m.View().Content)
	for _, want := range []string{"Adgangsrapport", "Karen Holm", "12", "Mette Kommune", "1 uden for egne teams", "Jens Berg", "UBRUGT",
		"Sygeplejerske Lise Holm, Hjertesvigtsklinik"} { // a long name whole, where the screen has room
		if !strings.Contains(v, want) {
			t.Errorf("the report lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(m.View().Content, "\x1b[31mKommune") {
		t.Error("a raw control sequence from the central reached the screen")
	}
	if got := testNow.Sub(rep.since); got != accessReportPeriod {
		t.Errorf("asked since %v before now, want half a year", got)
	}
	send(m, keyEsc)
	if v := ansi.Strip(m.View().Content); strings.Contains(v, "Adgangsrapport") {
		t.Errorf("esc did not close the report:\n%s", v)
	}
	rep.err = errors.New("403 Forbidden: the access report is for the members of a team and administrators")
	send(m, char('U'))
	if v := ansi.Strip(m.View().Content); !strings.Contains(v, "403") || strings.Contains(v, "Adgangsrapport ·") {
		t.Errorf("the refusal is not said:\n%s", v)
	}

	plain, _ := loaded(t, testOptions(), 120, 30)
	send(plain, char('U'))
	if strings.Contains(ansi.Strip(plain.View().Content), "Adgangsrapport") || containsKey(keysNow(plain), "U") {
		t.Error("the report without a Reporter")
	}
}

// containsKey reports whether the key map offers k.
func containsKey(km help.KeyMap, k string) bool {
	for _, g := range km.FullHelp() {
		for _, b := range g {
			if slices.Contains(b.Keys(), k) && b.Enabled() {
				return true
			}
		}
	}
	return false
}

// The report says what its figures count, so that a nurse or an auditor
// does not take the console's automatic fetches for look-ups: the
// patients a user opened in the console apart from the central's answers
// with patient data to her login (mostly the sync's), with the words
// saying which is which, in Danish and in English.
func TestAccessReportSaysWhatItCounts(t *testing.T) {
	lines := []domain.AccessLine{
		// The DEMO nurse after a while: her console's sync fetched 37
		// patients 127 times; she opened 2 patients 3 times.
		{User: "nurse-1", Name: "Karen Holm", Role: domain.RoleNurse, LookUps: 127, Patients: 37, LastLookUp: testNow.Add(-time.Minute),
			Opened: 3, OpenedPatients: 2, LastOpened: testNow.Add(-time.Hour)},
		{User: "nurse-2", Name: "Jens Berg", Role: domain.RoleNurse, LookUps: 40, Patients: 37, LastLookUp: testNow.Add(-time.Minute)},
	}
	for lang, want := range map[string][]string{
		"da": {"åbnet: gange/borgere · hentet: svar/borgere", "Karen Holm", "sygeplejerske", "åbnet 3/2", "hentet 127/37",
			dateYear(testNow.Add(-time.Hour)), "Jens Berg", "åbnet 0/0", "hentet 40/37",
			"Konsollens automatiske synkronisering henter alle borgere, brugeren må se", "ikke opslag, brugeren selv har gjort",
			"Kun borgere med hjemmeteam i dine teams tælles"},
		"en": {"opened: times/patients · fetched: answers/patients", "nurse", "opened 3/2", "fetched 127/37",
			"The console's automatic sync fetches every patient the user may see", "not look-ups the user made"},
	} {
		opts := testOptions()
		opts.Lang = lang
		opts.Reporter = &fakeReporter{lines: lines}
		m, _ := loaded(t, opts, 120, 40)
		send(m, char('U'))
		v := ansi.Strip(m.View().Content)
		flat := strings.Join(strings.Fields(v), " ") // the explanation wraps
		for _, w := range want {
			if !strings.Contains(flat, w) {
				t.Errorf("%s: the report lacks %q:\n%s", lang, w, v)
			}
		}
		for _, l := range strings.Split(v, "\n") {
			if displayWidth(l) > 120 {
				t.Errorf("%s: a line wider than the screen: %q", lang, l)
			}
		}
	}
}

// A user who opened nobody shows a dash under "senest åbnet", so her
// se-adgang grant's end never stands where the header says last opened;
// and on a small screen the explanation leaves room for the report.
func TestAccessReportColumnsAndSmallScreen(t *testing.T) {
	end := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	lines := []domain.AccessLine{{User: "nurse-9", Name: "Else Lund", Role: domain.RoleReadOnly, LookUps: 4, Patients: 1,
		Grants: []domain.ReadGrant{{To: end}}}}
	opts := testOptions()
	opts.Reporter = &fakeReporter{lines: lines}
	m, _ := loaded(t, opts, 120, 40)
	send(m, char('U'))
	line := ""
	for _, l := range strings.Split(ansi.Strip(m.View().Content), "\n") {
		if strings.Contains(l, "Else Lund") {
			line = strings.Join(strings.Fields(l), " ")
		}
	}
	grant := dateYear(end.Add(-time.Nanosecond).In(opts.Loc))
	if !strings.Contains(line, "hentet 4/1 – "+grant) {
		t.Errorf("her line %q: want a dash for last opened before the grant's end %s", line, grant)
	}
	small, _ := loaded(t, opts, 40, 12)
	send(small, char('U'))
	v := ansi.Strip(small.View().Content)
	if n := len(strings.Split(v, "\n")); n > 12 || !strings.Contains(v, "Else Lund") {
		t.Errorf("on a 40 × 12 screen: %d lines, want at most 12 with her line:\n%s", n, v)
	}
}
