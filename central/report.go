package central

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// Access is one look-up of patient data: an answer of the central that
// carried patient data (its own access log), or a patient's data opened
// on a console's screen (Console: the console's audit log, sent to the
// central).
type Access struct {
	At       time.Time
	Who      string // "Practitioner/id" or "Patient/id"
	Action   string // read, vread, search-type; a console's: view-patient, ...
	What     string // the resource read, or "search <Type> by <parameter names>"; a console's: its action
	Patients []string
	// Console: recorded by a console (a nurse opened the patient on her
	// screen), not by the central answering a request.
	Console bool
	// stamp is the log entry's place in the store's order of writes
	// (last_updated), comparable with the versions of a grant.
	stamp time.Time
}

// AccessLog returns the central's access log since the instant, oldest
// first: the requests it answered with patient data.
func (s *Store) AccessLog(ctx context.Context, since time.Time) ([]Access, error) {
	served, _, err := s.accessLogs(ctx, since)
	return served, err
}

// accessLogs reads, in one pass over the AuditEvents since the instant,
// the central's access log (served: every answer that carried patient
// data, a console's sync included) and the look-ups consoles recorded
// and sent (opened: a patient's data opened on a nurse's screen, the
// console's "view-..." entries that name a patient), each oldest first.
func (s *Store) accessLogs(ctx context.Context, since time.Time) (served, opened []Access, err error) {
	err = s.readTx(ctx, func(t *tx) error {
		rows, err := t.query(`SELECT `+storedCols+` FROM resources WHERE type = 'AuditEvent' AND last_updated >= ? ORDER BY last_updated, rowid`,
			since.UnixMilli())
		if err != nil {
			return fmt.Errorf("access log: %w", err)
		}
		sts, err := collectStored(rows)
		if err != nil {
			return err
		}
		for _, st := range sts {
			ae, err := fhir.Decode[*fhir.AuditEvent](st.JSON)
			if err != nil {
				// A record the report cannot read is not left out in silence.
				return fmt.Errorf("access log: AuditEvent %s: %w", st.ID, err)
			}
			if len(ae.Agent) == 0 || ae.Agent[0].Who == nil {
				continue
			}
			a := Access{Who: ae.Agent[0].Who.Reference, stamp: st.LastUpdated}
			a.At, _ = fhir.ParseDateTime(ae.Recorded)
			if len(ae.Subtype) > 0 {
				a.Action = ae.Subtype[0].Code
			}
			switch ae.Source.Site {
			case AccessLogSite:
				for i, en := range ae.Entity {
					if i == 0 {
						a.What = en.Description
						continue
					}
					if id := patientOf(en.What); id != "" {
						a.Patients = append(a.Patients, id)
					}
				}
				served = append(served, a)
			case fhir.ConsoleAuditSite:
				if !strings.HasPrefix(a.Action, "view") {
					continue // an action, not a look-up
				}
				a.Console, a.What = true, a.Action
				for _, en := range ae.Entity {
					if id := patientOf(en.What); id != "" {
						a.Patients = append(a.Patients, id)
					}
				}
				if len(a.Patients) > 0 { // the worklist names none
					opened = append(opened, a)
				}
			}
		}
		return nil
	})
	return served, opened, err
}

// UserAccess is one user's line of the authorisation report.
type UserAccess struct {
	User
	Teams  []string           // team names (ids when unnamed)
	Grants []domain.ReadGrant // her se-adgang grants (all, with their ends)
	// LookUps are the central's answers to her that carried patient data
	// (reads and searches, one per page; a console's sync fetches every
	// patient of her teams, so most of them are its), Patients the
	// distinct patients in them, LastLookUp the latest.
	LastLookUp time.Time
	LookUps    int
	Patients   int
	// Opened are her look-ups on a console's screen (a patient opened, her
	// regime history shown: the console's audit log sent to the central),
	// OpenedPatients the distinct patients, LastOpened the latest.
	LastOpened     time.Time
	Opened         int
	OpenedPatients int
	// Outside are her look-ups of patients outside her own teams now,
	// with the grant (or cover) that allowed them, one per patient and
	// explanation (each look-up judged by the grants as they stood then).
	Outside []OutsideLookUp
	Unused  bool // access but nothing fetched in the period (openings, posted by consoles, do not count): a candidate for removal
}

// OutsideLookUp is a look-up of a patient outside the user's own teams.
type OutsideLookUp = domain.OutsideLookUp

// Line is the report line as the domain has it (for the $access-report
// operation).
func (u UserAccess) Line() domain.AccessLine {
	return domain.AccessLine{User: u.ID, Name: u.Name, Role: u.Role, Teams: u.Teams, Grants: u.Grants, LastLogin: u.LastLogin,
		LastLookUp: u.LastLookUp, LookUps: u.LookUps, Patients: u.Patients,
		LastOpened: u.LastOpened, Opened: u.Opened, OpenedPatients: u.OpenedPatients, Outside: u.Outside, Unused: u.Unused}
}

// AccessReport is the half-yearly authorisation check: per user her role,
// teams, grants, last login, last look-up, number of look-ups and of
// patients, look-ups outside her own teams with what allowed them, and
// whether she had access but did not use it.
func (s *Store) AccessReport(ctx context.Context, since time.Time) ([]UserAccess, error) {
	return s.AccessReportFor(ctx, since, nil)
}

// AccessReportFor is the access report limited to the teams given (nil:
// every team): the users who are members of one of them, hold a grant to
// one of their patients (or to one of them) or looked one of their
// patients up (a covering nurse), only those grants, and only the
// look-ups of the teams' patients (a patient belongs to the home
// teams of her episodes, ended ones included). A team lead gets her
// team's part of the authorisation check, and nothing of other teams'
// patients.
func (s *Store) AccessReportFor(ctx context.Context, since time.Time, teams []string) ([]UserAccess, error) {
	users, err := s.Users(ctx)
	if err != nil {
		return nil, err
	}
	grants, err := s.Grants(ctx)
	if err != nil {
		return nil, err
	}
	log, opened, err := s.accessLogs(ctx, since)
	if err != nil {
		return nil, err
	}
	versions := map[string][]grantVersion{} // grant id -> its versions, oldest first
	teamsOf := map[string][]string{}
	homeOf := map[string][]string{} // patient -> home team ids
	coverOf := map[string][]string{}
	teamName := map[string]string{}
	err = s.readTx(ctx, func(t *tx) error {
		rows, err := t.query(`SELECT m.practitioner_id, m.team_id FROM members m ORDER BY m.team_id`)
		if err != nil {
			return fmt.Errorf("report: members: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var p, team string
			if err := rows.Scan(&p, &team); err != nil {
				return err
			}
			teamsOf[p] = append(teamsOf[p], team)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		arows, err := t.query(`SELECT patient_id, team_id, from_ms IS NULL FROM access`)
		if err != nil {
			return fmt.Errorf("report: access: %w", err)
		}
		defer arows.Close()
		for arows.Next() {
			var pid, team string
			var home bool
			if err := arows.Scan(&pid, &team, &home); err != nil {
				return err
			}
			if home {
				homeOf[pid] = append(homeOf[pid], team)
			} else {
				coverOf[pid] = append(coverOf[pid], team)
			}
		}
		if err := arows.Err(); err != nil {
			return err
		}
		var verr error
		if versions, verr = t.grantVersions(); verr != nil {
			return verr
		}
		cts, err := t.query(`SELECT ` + storedCols + ` FROM resources WHERE type = 'CareTeam'`)
		if err != nil {
			return fmt.Errorf("report: teams: %w", err)
		}
		sts, err := collectStored(cts)
		if err != nil {
			return err
		}
		for _, st := range sts {
			if ct, err := fhir.Decode[*fhir.CareTeam](st.JSON); err == nil {
				teamName[st.ID] = ct.Name
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var scope map[string]bool // nil: every team
	if teams != nil {
		scope = map[string]bool{}
		for _, t := range teams {
			scope[t] = true
		}
	}
	inScope := func(pid string) bool { return scope == nil || anyIn(homeOf[pid], scope) }
	grantInScope := func(g domain.ReadGrant) bool {
		if scope == nil || anyIn(g.Teams, scope) {
			return true
		}
		for _, pid := range g.Patients {
			if inScope(pid) {
				return true
			}
		}
		return false
	}
	// kept are the look-ups' patients within the scope (all of them
	// without one); none: another team's look-up.
	kept := func(a Access) []string {
		if scope == nil {
			return a.Patients
		}
		var in []string
		for _, pid := range a.Patients {
			if inScope(pid) {
				in = append(in, pid)
			}
		}
		return in
	}
	out := make([]UserAccess, 0, len(users))
	for _, u := range users {
		ua := UserAccess{User: u}
		mine := map[string]bool{}
		for _, tid := range teamsOf[u.ID] {
			mine[tid] = true
			n := teamName[tid]
			if n == "" {
				n = tid
			}
			ua.Teams = append(ua.Teams, n)
		}
		for _, g := range grants {
			if g.Grantee == u.ID && grantInScope(g) {
				ua.Grants = append(ua.Grants, g)
			}
		}
		seen := map[string]bool{}
		outside := map[string]*OutsideLookUp{}
		for _, a := range log {
			if a.Who != "Practitioner/"+u.ID {
				continue
			}
			if a.Patients = kept(a); len(a.Patients) == 0 {
				continue // another team's look-up
			}
			ua.LookUps++
			if a.At.After(ua.LastLookUp) {
				ua.LastLookUp = a.At
			}
			for _, pid := range a.Patients {
				seen[pid] = true
				if anyIn(homeOf[pid], mine) {
					continue
				}
				via := viaOf(pid, a, ua.Grants, versions, coverOf[pid], mine, homeOf[pid])
				o := outside[pid+"\x00"+via]
				if o == nil {
					o = &OutsideLookUp{Patient: pid, Via: via}
					outside[pid+"\x00"+via] = o
				}
				o.Count++
			}
		}
		ua.Patients = len(seen)
		seenOpen := map[string]bool{}
		for _, a := range opened {
			if a.Who != "Practitioner/"+u.ID {
				continue
			}
			pids := kept(a)
			if len(pids) == 0 {
				continue
			}
			ua.Opened++
			if a.At.After(ua.LastOpened) {
				ua.LastOpened = a.At
			}
			for _, pid := range pids {
				seenOpen[pid] = true
			}
		}
		ua.OpenedPatients = len(seenOpen)
		for _, o := range outside {
			ua.Outside = append(ua.Outside, *o)
		}
		sort.Slice(ua.Outside, func(i, j int) bool {
			if ua.Outside[i].Patient != ua.Outside[j].Patient {
				return ua.Outside[i].Patient < ua.Outside[j].Patient
			}
			return ua.Outside[i].Via < ua.Outside[j].Via
		})
		if scope != nil && !anyIn(teamsOf[u.ID], scope) && len(ua.Grants) == 0 && ua.LookUps == 0 && ua.Opened == 0 {
			continue // nothing to do with the teams asked for
		}
		hasAccess := len(ua.Teams) > 0 || len(activeGrants(ua.Grants, time.Now())) > 0
		// Openings are records any practitioner may post in her own
		// name: they do not keep a user from being flagged (a console in
		// use always has answers from the central too).
		ua.Unused = hasAccess && ua.LookUps == 0
		out = append(out, ua)
	}
	return out, nil
}

func anyIn(ids []string, set map[string]bool) bool {
	for _, id := range ids {
		if set[id] {
			return true
		}
	}
	return false
}

// grantVersion is a se-adgang grant as it stood from since on.
type grantVersion struct {
	since time.Time
	grant domain.ReadGrant
}

// qGrantHistory lists every version of every CareTeam of category ?1
// (superseded ones in history, current ones in resources), by id and
// version.
const qGrantHistory = `SELECT id, last_updated, json FROM (
		SELECT id, version_id, last_updated, json FROM history WHERE type = 'CareTeam' AND id IN
			(SELECT id FROM params WHERE type = 'CareTeam' AND name = 'category' AND value = ?1)
		UNION ALL
		SELECT id, version_id, last_updated, json FROM resources WHERE type = 'CareTeam' AND id IN
			(SELECT id FROM params WHERE type = 'CareTeam' AND name = 'category' AND value = ?1))
		ORDER BY id, version_id`

// grantVersions reads every version of every se-adgang grant, so that a
// look-up is judged by the grant as it stood then (revoked, shortened or
// narrowed later or earlier).
func (t *tx) grantVersions() (map[string][]grantVersion, error) {
	// Superseded versions are in history, current ones in resources.
	rows, err := t.sql.QueryContext(t.ctx, qGrantHistory, fhir.SystemCareTeamKind+"|"+fhir.CodeReadAccess)
	if err != nil {
		return nil, fmt.Errorf("report: grant history: %w", err)
	}
	defer rows.Close()
	out := map[string][]grantVersion{}
	for rows.Next() {
		var id string
		var packed []byte
		var lu int64
		if err := rows.Scan(&id, &lu, &packed); err != nil {
			return nil, fmt.Errorf("report: grant history: %w", err)
		}
		js, err := unpackJSON(packed)
		if err != nil {
			return nil, fmt.Errorf("report: CareTeam/%s: %w", id, err)
		}
		ct, err := fhir.Decode[*fhir.CareTeam](js)
		if err != nil {
			return nil, fmt.Errorf("report: CareTeam/%s: %w", id, err)
		}
		if !fhir.IsReadAccessGrant(ct) {
			continue
		}
		g, err := fhir.ReadGrantFromCareTeam(ct)
		if err != nil {
			return nil, fmt.Errorf("report: CareTeam/%s: %w", id, err)
		}
		out[id] = append(out[id], grantVersion{since: time.UnixMilli(lu).UTC(), grant: g})
	}
	return out, rows.Err()
}

// stateAt is the grant as it stood at t (ok false before it was made).
func stateAt(vs []grantVersion, t time.Time) (domain.ReadGrant, bool) {
	var g domain.ReadGrant
	ok := false
	for _, v := range vs {
		if v.since.After(t) {
			break
		}
		g, ok = v.grant, true
	}
	return g, ok
}

// viaOf names what let a user see a patient outside her teams at the
// look-up a: a grant (to the patient or her home team) in force then, as
// it stood then (a look-up after its revocation is not its; versions and
// look-ups are ordered by the store's write order), else a cover.
func viaOf(pid string, a Access, grants []domain.ReadGrant, versions map[string][]grantVersion, covers []string, mine map[string]bool, home []string) string {
	for _, cur := range grants {
		g, ok := stateAt(versions[cur.ID], a.stamp)
		if !ok || !g.ActiveAt(a.At) {
			continue
		}
		for _, p := range g.Patients {
			if p == pid {
				return fmt.Sprintf("se-adgang %s until %s", g.ID, g.To.UTC().Format("2006-01-02"))
			}
		}
		for _, team := range g.Teams {
			for _, h := range home {
				if h == team {
					return fmt.Sprintf("se-adgang %s until %s", g.ID, g.To.UTC().Format("2006-01-02"))
				}
			}
		}
	}
	if anyIn(covers, mine) {
		return "cover"
	}
	return "none found"
}

func activeGrants(gs []domain.ReadGrant, now time.Time) []domain.ReadGrant {
	var out []domain.ReadGrant
	for _, g := range gs {
		if g.ActiveAt(now) {
			out = append(out, g)
		}
	}
	return out
}

// PatientAccess is every recorded look-up of one patient (for her request
// for insight), oldest first by when it happened: the central's answers
// that carried her data and the times a user opened her on a console's
// screen (Console). A console sends its look-ups when it can, possibly
// hours later (offline), so they are placed by the time the console
// recorded, not by when the central received them; look-ups of the same
// instant stay in the order the central stored them.
func (s *Store) PatientAccess(ctx context.Context, patientID string, since time.Time) ([]Access, error) {
	served, opened, err := s.accessLogs(ctx, since)
	if err != nil {
		return nil, err
	}
	// Each is in the store's order of writes; the central's answers go
	// first, so a stable sort keeps that order for look-ups of the same
	// instant and, among those, for the same write.
	var out []Access
	for _, a := range append(served, opened...) {
		if slices.Contains(a.Patients, patientID) {
			out = append(out, a)
		}
	}
	happened := func(a Access) time.Time {
		if a.At.IsZero() {
			return a.stamp
		}
		return a.At
	}
	slices.SortStableFunc(out, func(a, b Access) int {
		if c := happened(a).Compare(happened(b)); c != 0 {
			return c
		}
		return a.stamp.Compare(b.stamp)
	})
	return out, nil
}

// AuditReportRun records that the access report was run (by whom, with
// which options) as an AuditEvent of the central.
func (s *Store) AuditReportRun(ctx context.Context, by, detail string) error {
	return s.inTx(ctx, func(t *tx) error {
		ae := adminAudit(by, &fhir.Reference{Display: "access report"}, "access report "+strings.TrimSpace(detail), t.s.now())
		ae.Action = "E"
		ae.Subtype = []fhir.Coding{{System: SystemRestfulAction, Code: "search-system"}}
		_, err := t.write(ae, 0)
		return err
	})
}

// DefaultReportPeriod is the period of $access-report without since: the
// half year of the authorisation check.
const DefaultReportPeriod = 183 * 24 * time.Hour

// accessReport answers GET [base]/$access-report?since=<instant>: the
// authorisation report from the central's own records. Who may run it:
// an administrator gets every user; a monitoring nurse gets her teams'
// part (AccessReportFor her teams: their members, the grants to their
// patients, the look-ups of their patients); a read-only user, a patient
// and a nurse in no team get 403. Each run is recorded as an AuditEvent
// naming the caller.
func (s *Server) accessReport(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if p.Patient != "" || p.Practitioner == "" || p.readOnly() {
		s.fail(w, forbidden("the access report is for the members of a team and administrators"))
		return
	}
	since := s.now().Add(-DefaultReportPeriod)
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := fhir.ParseDateTime(v)
		if err != nil {
			s.fail(w, errorf(http.StatusBadRequest, "invalid", "since: %v", err))
			return
		}
		since = t
	}
	var teams []string // nil: every team (an administrator)
	if p.Role != domain.RoleAdmin {
		err := s.store.readTx(r.Context(), func(t *tx) error {
			var err error
			teams, err = t.teamsOf(p.Practitioner)
			return err
		})
		if err != nil {
			s.fail(w, err)
			return
		}
		if len(teams) == 0 {
			s.fail(w, forbidden("the access report is for the members of a team and administrators"))
			return
		}
	}
	scope := "all teams"
	if teams != nil {
		scope = "teams " + strings.Join(teams, ",")
	}
	if err := s.store.AuditReportRun(r.Context(), p.Practitioner, fmt.Sprintf("since=%s %s via %s", fhir.FormatInstant(since), scope, fhir.OpAccessReport)); err != nil {
		s.fail(w, err)
		return
	}
	rep, err := s.store.AccessReportFor(r.Context(), since, teams)
	if err != nil {
		s.fail(w, err)
		return
	}
	lines := make([]domain.AccessLine, 0, len(rep))
	for _, u := range rep {
		lines = append(lines, u.Line())
	}
	writeJSON(w, http.StatusOK, fhir.AccessReportToParameters(lines))
}
