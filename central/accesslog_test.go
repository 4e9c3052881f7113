package central

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// Every read and search that returns patient data is in the central's
// access log (who, what, which patients, when; never a search value);
// reading the log adds nothing; the log cannot be changed or deleted over
// the API.
func TestCentralAuditsLookUps(t *testing.T) {
	e := rolesEnv(t)
	ctx := context.Background()
	e.want(e.do(http.MethodGet, "/Patient/p1", tokNurseA, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/Observation?patient=p1&_count=10", tokNurseA, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/Patient?identifier=0101011111", tokMunicip, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/Observation/obs-1/_history/1", tokPatient1, nil), http.StatusOK)
	// Nothing of a patient, or ids only: no entry.
	e.want(e.do(http.MethodGet, "/Patient?_elements=id", tokNurseA, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/CareTeam?_count=10", tokNurseA, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/Patient/p1", tokNurseB, nil), http.StatusNotFound)
	log, err := e.store.AccessLog(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Access{
		{Who: "Practitioner/nurse-a", Action: "read", What: "read Patient/p1", Patients: []string{"p1"}},
		{Who: "Practitioner/nurse-a", Action: "search-type", What: "search Observation by patient", Patients: []string{"p1"}},
		{Who: "Practitioner/municipal-m", Action: "search-type", What: "search Patient by identifier", Patients: []string{"p1"}},
		{Who: "Patient/p1", Action: "vread", What: "vread Observation/obs-1/_history/1", Patients: []string{"p1"}},
	}
	if len(log) != len(want) {
		t.Fatalf("access log %+v, want %d entries", log, len(want))
	}
	for i, w := range want {
		g := log[i]
		if g.Who != w.Who || g.Action != w.Action || g.What != w.What || strings.Join(g.Patients, ",") != strings.Join(w.Patients, ",") || g.At.IsZero() {
			t.Errorf("entry %d = %+v, want %+v", i, g, w)
		}
	}
	// Reading the log does not grow it; no search value (a CPR number) is
	// in it.
	r := e.want(e.do(http.MethodGet, "/AuditEvent?patient=p1&_count=100", tokNurseA, nil), http.StatusOK)
	if strings.Contains(string(r.body), "0101011111") {
		t.Error("a CPR number searched for is in the access log")
	}
	if again, _ := e.store.AccessLog(ctx, time.Time{}); len(again) != len(want) {
		t.Errorf("reading the log added %d entries", len(again)-len(want))
	}
	b, err := fhir.Decode[*fhir.Bundle](r.body)
	if err != nil || len(b.Entry) == 0 {
		t.Fatalf("nurse-a cannot read p1's access log: %v", err)
	}
	ae, err := fhir.Decode[*fhir.AuditEvent](b.Entry[0].Resource)
	if err != nil {
		t.Fatal(err)
	}
	ae.Outcome = "8"
	e.wantOutcome(e.do(http.MethodPut, "/AuditEvent/"+ae.ID, tokNurseA, ae), http.StatusForbidden)
	e.wantOutcome(e.do(http.MethodPost, "/", tokNurseA, txBundle(t, "PUT", "AuditEvent", ae.ID, ae)), http.StatusForbidden)
	e.wantOutcome(e.do(http.MethodPatch, "/AuditEvent/"+ae.ID, tokNurseA, `[{"op":"replace","path":"/outcome","value":"8"}]`, "Content-Type", "application/json-patch+json"), http.StatusMethodNotAllowed)
	e.wantOutcome(e.do(http.MethodDelete, "/AuditEvent/"+ae.ID, tokNurseA, nil), http.StatusMethodNotAllowed)
	if cur, err := e.currentOf("AuditEvent", ae.ID); err != nil || cur.(*fhir.AuditEvent).Outcome != "0" {
		t.Errorf("the audit event changed: %v", err)
	}
}

// The authorisation report: per user role, teams, grants, last login,
// look-ups, patients, look-ups outside her own teams with the grant that
// allowed them, and users with access but no use.
func TestAccessReport(t *testing.T) {
	e := rolesEnv(t)
	ctx := context.Background()
	e.want(e.do(http.MethodGet, "/$whoami", tokMunicip, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/Patient/p1", tokMunicip, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/Observation?patient=p1", tokMunicip, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/Patient/p1", tokNurseA, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/Patient/p1", tokNurseC, nil), http.StatusOK) // inside the cover
	rep, err := e.store.AccessReport(ctx, t0.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]UserAccess{}
	for _, u := range rep {
		by[u.ID] = u
	}
	m := by["municipal-m"]
	if m.Role != domain.RoleReadOnly || m.LookUps != 2 || m.Patients != 1 || m.LastLogin.IsZero() || m.LastLookUp.IsZero() || len(m.Grants) != 1 ||
		len(m.Outside) != 1 || m.Outside[0].Patient != "p1" || m.Outside[0].Count != 2 || !strings.HasPrefix(m.Outside[0].Via, "se-adgang grant-m until ") || m.Unused {
		t.Errorf("municipal-m: %+v", m)
	}
	if a := by["nurse-a"]; a.LookUps != 1 || len(a.Outside) != 0 || len(a.Teams) != 1 || a.Teams[0] != "Klinik A" {
		t.Errorf("nurse-a: %+v", a)
	}
	if c := by["nurse-c"]; len(c.Outside) != 1 || c.Outside[0].Via != "cover" {
		t.Errorf("nurse-c: %+v", c)
	}
	if b := by["nurse-b"]; !b.Unused || b.LookUps != 0 {
		t.Errorf("nurse-b has a team and looked nothing up: %+v", b)
	}
	if x := by["municipal-x"]; x.Unused {
		t.Errorf("municipal-x has a grant that is not active: %+v", x)
	}
	pa, err := e.store.PatientAccess(ctx, "p1", time.Time{})
	if err != nil || len(pa) != 4 {
		t.Errorf("p1's access: %+v %v", pa, err)
	}
	if pa, _ := e.store.PatientAccess(ctx, "p2", time.Time{}); len(pa) != 0 {
		t.Errorf("p2's access: %+v", pa)
	}
}

// A look-up after a grant was revoked is not explained by that grant: the
// report judges each look-up by the grant as it stood then, and lists
// look-ups explained differently on lines of their own.
func TestAccessReportHonoursRevocation(t *testing.T) {
	e := rolesEnv(t)
	ctx := context.Background()
	e.want(e.do(http.MethodGet, "/Patient/p1", tokMunicip, nil), http.StatusOK)
	e.clock.Set(inside.Add(time.Hour))
	g, err := e.store.Grant(ctx, "grant-m")
	if err != nil {
		t.Fatal(err)
	}
	g.Revoked = true
	if err := e.store.PutGrant(ctx, g, "test"); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(inside.Add(2 * time.Hour))
	// A later grant of team-a's patients, running longer than grant-m.
	later := domain.ReadGrant{ID: "grant-later", Grantee: "municipal-m", GrantedBy: "nurse-a", Teams: []string{"team-a"},
		From: inside, To: inside.Add(20 * 24 * time.Hour), Reason: "egenomsorg"}
	if err := e.store.PutGrant(ctx, later, "test"); err != nil {
		t.Fatal(err)
	}
	e.want(e.do(http.MethodGet, "/Patient/p1", tokMunicip, nil), http.StatusOK)
	rep, err := e.store.AccessReport(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range rep {
		if u.ID != "municipal-m" {
			continue
		}
		if len(u.Outside) != 2 || !strings.HasPrefix(u.Outside[0].Via, "se-adgang grant-later ") || u.Outside[0].Count != 1 ||
			!strings.HasPrefix(u.Outside[1].Via, "se-adgang grant-m ") || u.Outside[1].Count != 1 {
			t.Errorf("municipal-m's look-ups outside her teams: %+v", u.Outside)
		}
		return
	}
	t.Fatal("municipal-m is not in the report")
}

// Who may run the access report over the API ($access-report), and what
// each gets: a monitoring nurse her teams' part (their members, the
// grants to their patients, anyone who looked their patients up, and
// only those look-ups); an administrator everything; a read-only user
// and a patient nothing (403). Every run is audited with its caller.
func TestAccessReportOperationMatrix(t *testing.T) {
	e := rolesEnv(t)
	// Look-ups: nurse-a and nurse-c (cover) of p1, municipal-n of p2.
	e.want(e.do(http.MethodGet, "/Patient/p1", tokNurseA, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/Patient/p1", tokNurseC, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/Patient/p2", tokMunicipN, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/Patient/p2", tokNurseB, nil), http.StatusOK)
	since := "?since=" + fhir.FormatInstant(t0.Add(-time.Hour))
	type want struct {
		status int
		users  string // the users listed, sorted
		// lookups per user listed (only the look-ups of the caller's teams' patients)
		lookups map[string]int
	}
	cases := []struct {
		who, tok string
		want     want
	}{
		{"nurse-a (team-a)", tokNurseA, want{http.StatusOK, "municipal-m,municipal-x,nurse-a,nurse-c", map[string]int{"nurse-a": 1, "nurse-c": 1, "municipal-m": 0}}},
		{"nurse-b (team-b)", tokNurseB, want{http.StatusOK, "municipal-n,nurse-b", map[string]int{"nurse-b": 1, "municipal-n": 1}}},
		{"nurse-c (team-c, covering)", tokNurseC, want{http.StatusOK, "nurse-c", map[string]int{"nurse-c": 0}}},
		{"administrator", tokAdmin, want{http.StatusOK, "admin-1,municipal-m,municipal-n,municipal-x,nurse-a,nurse-b,nurse-c", map[string]int{"nurse-a": 1, "municipal-n": 1}}},
		{"read-only", tokMunicip, want{status: http.StatusForbidden}},
		{"patient", tokPatient1, want{status: http.StatusForbidden}},
	}
	for _, c := range cases {
		t.Run(c.who, func(t *testing.T) {
			r := e.do(http.MethodGet, "/$access-report"+since, c.tok, nil)
			if r.status != c.want.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.want.status, r.body)
			}
			if c.want.status != http.StatusOK {
				return
			}
			var p fhir.Parameters
			r.decode(t, &p)
			lines, err := fhir.AccessReportFromParameters(&p)
			if err != nil {
				t.Fatal(err)
			}
			var users []string
			got := map[string]int{}
			for _, l := range lines {
				users = append(users, l.User)
				got[l.User] = l.LookUps
			}
			slices.Sort(users)
			if strings.Join(users, ",") != c.want.users {
				t.Errorf("users %v, want %s", users, c.want.users)
			}
			for u, n := range c.want.lookups {
				if got[u] != n {
					t.Errorf("%s: %d look-ups, want %d", u, got[u], n)
				}
			}
		})
	}
	// nurse-c's look-up of p1 is in team-a's report as a cover.
	r := e.want(e.do(http.MethodGet, "/$access-report"+since, tokNurseA, nil), http.StatusOK)
	var p fhir.Parameters
	r.decode(t, &p)
	lines, _ := fhir.AccessReportFromParameters(&p)
	for _, l := range lines {
		if l.User == "nurse-c" && (len(l.Outside) != 1 || l.Outside[0].Via != "cover" || l.Outside[0].Patient != "p1") {
			t.Errorf("nurse-c in team-a's report: %+v", l)
		}
		if l.User == "municipal-m" && (len(l.Grants) != 1 || l.Grants[0].ID != "grant-m") {
			t.Errorf("municipal-m's grants in team-a's report: %+v", l.Grants)
		}
	}
	// Each run is audited with its caller (nurse-a ran it twice).
	n := 0
	err := e.store.inTx(context.Background(), func(t *tx) error {
		rows, err := t.query(`SELECT json FROM resources WHERE type = 'AuditEvent'`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var stored []byte
			if err := rows.Scan(&stored); err != nil {
				return err
			}
			raw, err := unpackJSON(stored)
			if err != nil {
				return err
			}
			js := string(raw)
			if strings.Contains(js, "access report since=") && strings.Contains(js, "Practitioner/nurse-a") && strings.Contains(js, "teams team-a") {
				n++
			}
		}
		return rows.Err()
	})
	if err != nil || n != 2 {
		t.Errorf("audited runs of nurse-a: %d, want 2 (%v)", n, err)
	}
}

// The report tells the central's answers that carried patient data (most
// of them a console's automatic sync) from the patients a nurse opened on
// a console's screen (the console's audit log, sent to the central): a
// sync's search of every patient is not her opening them. Only the
// console's look-ups count as opened (not the worklist, which names no
// patient, nor an action), and only of the caller's teams' patients.
func TestAccessReportTellsFetchedFromOpened(t *testing.T) {
	e := rolesEnv(t)
	ctx := context.Background()
	// nurse-a's console syncs (a search of every patient she may see) and
	// she opens p1 twice and shows its regime history; nurse-b's console
	// only syncs.
	e.want(e.do(http.MethodGet, "/Patient?_count=100", tokNurseA, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/Observation?_count=100", tokNurseA, nil), http.StatusOK)
	e.want(e.do(http.MethodGet, "/Patient?_count=100", tokNurseB, nil), http.StatusOK)
	at := inside.Add(time.Minute)
	for i, entry := range []domain.AuditEntry{
		{At: at, User: "nurse-a", Action: "view-worklist"},
		{At: at, User: "nurse-a", Action: "view-patient", PatientID: "p1"},
		{At: at.Add(time.Minute), User: "nurse-a", Action: "view-regime-history", PatientID: "p1"},
		{At: at.Add(2 * time.Minute), User: "nurse-a", Action: "acknowledge", PatientID: "p1"},
		{At: at.Add(3 * time.Minute), User: "nurse-a", Action: "view-patient", PatientID: "p1"},
	} {
		ae := fhir.ConsoleAuditEvent(entry, "00000000-0000-4000-8000-00000000000"+string(rune('1'+i)), "ws-1")
		e.want(e.do(http.MethodPost, "/AuditEvent", tokNurseA, ae), http.StatusCreated)
	}
	rep, err := e.store.AccessReport(ctx, t0.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]UserAccess{}
	for _, u := range rep {
		by[u.ID] = u
	}
	if a := by["nurse-a"]; a.LookUps != 2 || a.Patients != 1 || a.Opened != 3 || a.OpenedPatients != 1 ||
		!a.LastOpened.Equal(at.Add(3*time.Minute)) || a.Unused {
		t.Errorf("nurse-a (synced, opened p1 three times): fetched %d of %d patients, opened %d of %d patients, last %v, unused %v",
			a.LookUps, a.Patients, a.Opened, a.OpenedPatients, a.LastOpened, a.Unused)
	}
	if b := by["nurse-b"]; b.LookUps != 1 || b.Opened != 0 || b.OpenedPatients != 0 || !b.LastOpened.IsZero() {
		t.Errorf("nurse-b (synced only): fetched %d, opened %d of %d patients", b.LookUps, b.Opened, b.OpenedPatients)
	}
	// The console's entries are not the central's access log, but p1's
	// request for insight has both: nurse-a's two answers and her three
	// look-ups on screen, in the order they were recorded.
	if log, _ := e.store.AccessLog(ctx, time.Time{}); len(log) != 3 {
		t.Errorf("the central's access log has %d entries, want its 3 answers", len(log))
	}
	pa, err := e.store.PatientAccess(ctx, "p1", time.Time{})
	var got []string
	for _, a := range pa {
		got = append(got, fmt.Sprintf("%s %v", a.Action, a.Console))
	}
	if want := "search-type false,search-type false,view-patient true,view-regime-history true,view-patient true"; err != nil || strings.Join(got, ",") != want {
		t.Errorf("p1's access: %v %v, want %s", got, err, want)
	}
	// Over the API, in team-a's part and not in team-b's.
	for tok, want := range map[string]int{tokNurseA: 3, tokNurseB: -1} {
		r := e.want(e.do(http.MethodGet, "/$access-report?since="+fhir.FormatInstant(t0.Add(-time.Hour)), tok, nil), http.StatusOK)
		var p fhir.Parameters
		r.decode(t, &p)
		lines, err := fhir.AccessReportFromParameters(&p)
		if err != nil {
			t.Fatal(err)
		}
		got := -1
		for _, l := range lines {
			if l.User == "nurse-a" {
				got = l.Opened
				if l.OpenedPatients != 1 || !l.LastOpened.Equal(at.Add(3*time.Minute)) {
					t.Errorf("nurse-a over the API: %+v", l)
				}
			}
		}
		if got != want {
			t.Errorf("nurse-a's opened look-ups in the report of %s: %d, want %d (-1: not listed)", tok, got, want)
		}
	}
}

// A client cannot write into the central's own records: an AuditEvent
// sent with the access log's source.site (or the central's) is refused,
// so the report's answers with patient data are only those the central
// gave.
func TestClientCannotWriteTheCentralsAccessLog(t *testing.T) {
	e := rolesEnv(t)
	ctx := context.Background()
	for _, site := range []string{AccessLogSite, "telehjerte-central"} {
		ae := &fhir.AuditEvent{
			Base:     fhir.Base{ResourceType: "AuditEvent"},
			Type:     fhir.Coding{System: SystemAuditEventType, Code: "rest"},
			Subtype:  []fhir.Coding{{System: SystemRestfulAction, Code: "read"}},
			Action:   "R",
			Recorded: fhir.FormatInstant(inside),
			Outcome:  "0",
			Agent:    []fhir.AuditEventAgent{{Who: fhir.Ref("Practitioner", "nurse-a"), Requestor: true}},
			Source:   fhir.AuditEventSource{Site: site, Observer: fhir.Reference{Display: "telehjerte-central"}},
			Entity: []fhir.AuditEventEntity{{What: fhir.Ref("Patient", "p2"), Description: "read Patient/p2"},
				{What: fhir.Ref("Patient", "p2"), Description: "patient"}},
		}
		e.wantOutcome(e.do(http.MethodPost, "/AuditEvent", tokNurseA, ae), http.StatusForbidden)
	}
	if log, _ := e.store.AccessLog(ctx, time.Time{}); len(log) != 0 {
		t.Errorf("a client wrote into the central's access log: %+v", log)
	}
}

// BenchmarkAccessLogEntry is what a search of a console's sync round with
// nothing new costs the writer: one access log entry written and
// committed on its own.
func BenchmarkAccessLogEntry(b *testing.B) {
	e := newEnv(b)
	p := Principal{Practitioner: "nurse-a", Role: domain.RoleNurse}
	q := url.Values{"_lastUpdated": {"ge2026-03-02T08:00:00.000Z"}, "_sort": {"_lastUpdated"}, "_count": {"200"}}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := e.store.inTx(ctx, func(t *tx) error {
			return t.auditAccess(p, "search-type", "Observation", "", q, []string{"p1"})
		}); err != nil {
			b.Fatal(err)
		}
	}
}

// A patient's request for insight lists her look-ups by when they
// happened: a console that was offline sends the times a nurse opened her
// later, and they go before the central's answers that came after them.
func TestPatientAccessIsInTheOrderItHappened(t *testing.T) {
	e := rolesEnv(t)
	ctx := context.Background()
	e.want(e.do(http.MethodGet, "/Patient?_count=100", tokNurseA, nil), http.StatusOK) // at inside
	for i, entry := range []domain.AuditEntry{
		{At: inside.Add(-time.Hour), User: "nurse-a", Action: "view-patient", PatientID: "p1"},
		{At: inside.Add(time.Hour), User: "nurse-a", Action: "view-regime-history", PatientID: "p1"},
	} {
		ae := fhir.ConsoleAuditEvent(entry, "00000000-0000-4000-8000-0000000000a"+string(rune('1'+i)), "ws-1")
		e.want(e.do(http.MethodPost, "/AuditEvent", tokNurseA, ae), http.StatusCreated)
	}
	pa, err := e.store.PatientAccess(ctx, "p1", time.Time{})
	var got []string
	for _, a := range pa {
		got = append(got, a.Action)
	}
	if want := "view-patient,search-type,view-regime-history"; err != nil || strings.Join(got, ",") != want {
		t.Errorf("p1's access: %v (%v), want %s", got, err, want)
	}
}
