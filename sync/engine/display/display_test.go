// Package display_test checks that what the sync engine stores from a
// hostile server is made safe by the console's sanitiser before display.
// It is its own package so that the engine's tests do not depend on the
// tui package.
package display_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/telehjerte/telehjerte-tui/central"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/client"
	"github.com/telehjerte/telehjerte-tui/sync/engine"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

const (
	hostileName  = "\x1b]0;owned\x07Ev\x1b[31mil\x1b[0m \u202eNavn\u009b2J"
	hostileBody  = "Hej\x1b[2J\x1b]52;c;ZXZpbA==\x07 med\r\nflere linjer\x1bPq#0;\x1b\\"
	hostileTitle = "Emne\x1b[5m\x07"
	hostileTeam  = "Klinik\x1b]8;;http://x\x1b\\"
)

// TestEscapeSequencesAreStoredThenSanitisedForDisplay: a patient name, a
// team name and a message (title, body, sender) full of terminal escape
// sequences, served by the real central, reach the cache and come out of
// safetext.Sanitize / SanitizeMultiline (what the console shows) without any
// control or format character and with their text.
func TestEscapeSequencesAreStoredThenSanitisedForDisplay(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store, err := central.OpenStore(ctx, filepath.Join(dir, "central.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	toks, err := central.NewTokens(map[string]string{"tok-nurse-1": "Practitioner/nurse-1"})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := central.NewServer(central.Config{Store: store, Tokens: toks})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()

	team := domain.Team{ID: "team-1", Name: hostileTeam, OrgID: "org-1", OrgName: "Hospital"}
	if err := store.SeedTeams(ctx, []domain.Team{team}, map[string][]string{"team-1": {"nurse-1"}}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	err = store.SeedPatient(ctx, central.PatientSeed{
		Patient:        domain.Patient{ID: "p1", Name: hostileName, CPR: "0101701234", Programmes: []string{domain.ProgrammeHeartFailure}, Synthetic: true},
		Responsibility: domain.Responsibility{Home: team},
		Messages: []domain.Message{{ID: "m1", PatientID: "p1", Title: hostileTitle, Body: hostileBody, FromPatient: true,
			Sender: "\x1b[8mskjult", Sent: now.Add(-time.Hour)}},
	}, now)
	if err != nil {
		t.Fatal(err)
	}

	cst, err := cache.Open(ctx, filepath.Join(dir, "cache.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer cst.Close()
	cl, err := client.New(client.Options{BaseURL: hs.URL, Token: "tok-nurse-1"})
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(cst, cl, engine.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if _, err := eng.Once(ctx); err != nil {
		t.Fatalf("sync: %v", err)
	}
	if st := eng.Status(); st.Parked != 0 {
		t.Fatalf("%d resources parked", st.Parked)
	}
	d, err := cst.Patient(ctx, "p1", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Patient.Name != hostileName {
		t.Logf("the cache changed the name on the way in: %q", d.Patient.Name)
	}
	shown := safetext.Sanitize(d.Patient.Name)
	displaySafe(t, "name", shown, false)
	for _, w := range []string{"Ev", "il", "Navn"} {
		if !strings.Contains(shown, w) {
			t.Errorf("sanitised name %q lost %q", shown, w)
		}
	}
	if len(d.Messages) != 1 {
		t.Fatalf("messages in the cache: %+v", d.Messages)
	}
	m := d.Messages[0]
	body := safetext.SanitizeMultiline(m.Body)
	displaySafe(t, "message body", body, true)
	if !strings.Contains(body, "flere linjer") || !strings.Contains(body, "Hej") {
		t.Errorf("sanitised body lost its text: %q", body)
	}
	displaySafe(t, "message title", safetext.Sanitize(m.Title), false)
	displaySafe(t, "message sender", safetext.Sanitize(m.Sender), false)

	rows, err := cst.Worklist(ctx, true)
	if err != nil || len(rows) != 1 {
		t.Fatalf("worklist: %+v, %v", rows, err)
	}
	displaySafe(t, "worklist name", safetext.Sanitize(rows[0].Patient.Name), false)
	displaySafe(t, "team name", safetext.Sanitize(rows[0].Responsibility.Home.Name), false)
}

// displaySafe checks s has no control or format characters (line breaks
// allowed when multiline) and is valid UTF-8.
func displaySafe(t *testing.T, what, s string, multiline bool) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s is not valid UTF-8: %q", what, s)
	}
	for _, r := range s {
		if r == '\n' && multiline {
			continue
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			t.Errorf("%s shows %U: %q", what, r, s)
			return
		}
	}
}
