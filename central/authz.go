package central

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// Write authorisation (docs/fhir-mapping.md, "Authorisation"). Reads are
// limited by visibleClause; every write goes through authorizeWrite, which
// also sets the identity fields the server owns (sender, assessor, owner)
// from the token.

// compartmentTypes are the types that must name the patient they belong to.
var compartmentTypes = map[string]bool{"EpisodeOfCare": true, "CarePlan": true, "ServiceRequest": true, "Observation": true,
	"QuestionnaireResponse": true, "ClinicalImpression": true, "Task": true, "Communication": true}

// patientWritable are the types a patient token may create.
var patientWritable = map[string]bool{"Observation": true, "QuestionnaireResponse": true, "Communication": true}

func forbidden(format string, a ...any) error {
	return errorf(http.StatusForbidden, "forbidden", format, a...)
}

// authorizeWrite checks that p may write r as the next version of cur (nil
// when r is new, also for update-as-create), and sets the identity fields
// the server owns. It returns further resources to store with r (the audit
// of a team's membership change).
func (t *tx) authorizeWrite(p Principal, r fhir.Resource, cur *Stored) ([]fhir.Resource, error) {
	if ae, ok := r.(*fhir.AuditEvent); ok && p.Practitioner != "" {
		// Every user records her own look-ups and actions (a console's
		// audit log), a read-only user and an administrator too, also of
		// a patient she can no longer see (sent after a grant ran out):
		// it grants nothing. Never changed.
		if cur != nil {
			return nil, forbidden("audit events are never changed")
		}
		if len(ae.Agent) == 0 {
			return nil, forbidden("an audit event names the signed-in user as its agent")
		}
		// The central's own records (its access log, the audit of
		// memberships and administration) are written by the central
		// only: one sent by a client would count in the access report as
		// an answer the central gave.
		if site := ae.Source.Site; site == AccessLogSite || site == CentralSite {
			return nil, forbidden("an audit event of source.site %q is the central's own record", site)
		}
		for _, a := range ae.Agent {
			if !isPractitioner(a.Who, p.Practitioner) {
				return nil, forbidden("an audit event records the signed-in user only")
			}
		}
		return nil, nil
	}
	if publicTypes[r.Header().ResourceType] {
		return nil, forbidden("questionnaires are managed on the central itself (telehjerte-central seed), not over the API")
	}
	if err := refuseReadOnly(p); err != nil {
		return nil, err
	}
	typ := r.Header().ResourceType
	ix := extract(r)
	if compartmentTypes[typ] && ix.patientID == "" {
		return nil, errorf(http.StatusBadRequest, "required", "a %s must name its patient", typ)
	}
	if p.Patient != "" {
		if cur != nil {
			return nil, forbidden("a patient may only create")
		}
		return nil, t.authorizePatientWrite(p, r, ix)
	}
	if cur != nil && ix.patientID != cur.PatientID {
		return nil, forbidden("a %s may not be moved to another patient", typ)
	}
	if p.admin() {
		return t.authorizeAdminWrite(p, r, cur)
	}
	switch v := r.(type) {
	case *fhir.Practitioner:
		if v.ID != p.Practitioner {
			return nil, forbidden("a user may change only her own Practitioner resource")
		}
		return nil, nil
	case *fhir.Organization:
		return nil, forbidden("organisations are managed on the central itself (telehjerte-central seed), not over the API")
	case *fhir.CareTeam:
		return t.authorizeCareTeam(p, v, cur)
	case *fhir.EpisodeOfCare:
		return nil, t.authorizeEpisode(p, v, cur)
	case *fhir.Patient:
		// A new Patient grants nobody access (its episode does); an
		// existing one was checked for visibility by the caller.
		return nil, nil
	}
	if ix.patientID != "" {
		ok, err := t.canWrite(p, ix.patientID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, forbidden("no access to this patient")
		}
	}
	return nil, t.checkIdentity(p, r, cur)
}

// isPractitioner reports whether ref is Practitioner/id.
func isPractitioner(ref *fhir.Reference, id string) bool {
	got, ok := fhir.RefID(ref, "Practitioner")
	return ok && got == id
}

// refOf is the reference string of ref ("" for none).
func refOf(ref *fhir.Reference) string {
	if ref == nil {
		return ""
	}
	return ref.Reference
}

// checkIdentity checks and sets who wrote r: the sender of a
// Communication, the assessor of a ClinicalImpression, the owner of a Task,
// the author of a CarePlan, the requester of a ServiceRequest and the
// agents of an AuditEvent are the token's practitioner (or left as they
// were).
func (t *tx) checkIdentity(p Principal, r fhir.Resource, cur *Stored) error {
	me := p.Practitioner
	switch v := r.(type) {
	case *fhir.Communication:
		if cur == nil {
			if refOf(v.Sender) == "" {
				display := ""
				if v.Sender != nil {
					display = v.Sender.Display
				}
				v.Sender = fhir.Ref("Practitioner", me)
				v.Sender.Display = display
			} else if !isPractitioner(v.Sender, me) {
				return forbidden("a message or note is sent as the signed-in user only")
			}
			return nil
		}
		old, err := fhir.Decode[*fhir.Communication](cur.JSON)
		if err != nil {
			return fmt.Errorf("stored Communication/%s: %w", cur.ID, err)
		}
		if isPractitioner(old.Sender, me) && isPractitioner(v.Sender, me) {
			return nil
		}
		// Someone else's message: only its read state (extensions) and
		// status may change.
		same, err := sameExcept(cur.JSON, r, "extension", "status", "meta")
		if err != nil {
			return err
		}
		if !same {
			return forbidden("only the sender may change a message or note; others may change its read state only")
		}
	case *fhir.ClinicalImpression:
		if cur != nil {
			old, err := fhir.Decode[*fhir.ClinicalImpression](cur.JSON)
			if err != nil {
				return fmt.Errorf("stored ClinicalImpression/%s: %w", cur.ID, err)
			}
			if !isPractitioner(old.Assessor, me) {
				return forbidden("only its assessor may change an assessment")
			}
		}
		if refOf(v.Assessor) == "" {
			display := ""
			if v.Assessor != nil {
				display = v.Assessor.Display
			}
			v.Assessor = fhir.Ref("Practitioner", me)
			v.Assessor.Display = display
		} else if !isPractitioner(v.Assessor, me) {
			return forbidden("an assessment is made by the signed-in user only")
		}
	case *fhir.Task:
		var old *fhir.Task
		if cur != nil {
			var err error
			if old, err = fhir.Decode[*fhir.Task](cur.JSON); err != nil {
				return fmt.Errorf("stored Task/%s: %w", cur.ID, err)
			}
		}
		if refOf(v.Owner) != "" && (old == nil || refOf(v.Owner) != refOf(old.Owner)) && !isPractitioner(v.Owner, me) {
			return forbidden("a task is taken or completed by the signed-in user only")
		}
	case *fhir.CarePlan:
		var was string
		if cur != nil {
			if old, err := fhir.Decode[*fhir.CarePlan](cur.JSON); err == nil {
				was = refOf(old.Author)
			}
		}
		if refOf(v.Author) != "" && refOf(v.Author) != was && !isPractitioner(v.Author, me) {
			return forbidden("a regime is authored by the signed-in user only")
		}
	case *fhir.ServiceRequest:
		var was string
		if cur != nil {
			if old, err := fhir.Decode[*fhir.ServiceRequest](cur.JSON); err == nil {
				was = refOf(old.Requester)
			}
		}
		if refOf(v.Requester) != "" && refOf(v.Requester) != was && !isPractitioner(v.Requester, me) {
			return forbidden("a request is made by the signed-in user only")
		}
	case *fhir.AuditEvent:
		if cur != nil {
			return forbidden("audit events are never changed")
		}
		for _, a := range v.Agent {
			if _, ok := fhir.RefID(a.Who, "Practitioner"); ok && !isPractitioner(a.Who, me) {
				return forbidden("an audit event records the signed-in user only")
			}
		}
	}
	return nil
}

// authorizePatientWrite: a patient creates readings, questionnaire answers
// and messages about herself only. A message's category, recipient and
// sender are the server's: category message, to the teams responsible for
// her, from her (by name), with no priority.
func (t *tx) authorizePatientWrite(p Principal, r fhir.Resource, ix index) error {
	typ := r.Header().ResourceType
	if !patientWritable[typ] {
		return forbidden("a patient may not write %s", typ)
	}
	if ix.patientID != p.Patient {
		return forbidden("a patient may only write their own data")
	}
	switch v := r.(type) {
	case *fhir.Communication:
		if refOf(v.Sender) != "" {
			if id, ok := fhir.RefID(v.Sender, "Patient"); !ok || id != p.Patient {
				return forbidden("a patient may only send as themselves")
			}
		}
		v.Sender = fhir.Ref("Patient", p.Patient)
		if name, err := t.patientName(p.Patient); err != nil {
			return err
		} else if name != "" {
			v.Sender.Display = name
		}
		v.Category = []fhir.CodeableConcept{fhir.Concept(fhir.SystemMessageCategory, fhir.CodeMessage, "")}
		v.Priority = ""
		teams, err := t.homeTeams(p.Patient)
		if err != nil {
			return err
		}
		v.Recipient = nil
		for _, id := range teams {
			v.Recipient = append(v.Recipient, *fhir.Ref("CareTeam", id))
		}
		var kept []fhir.Extension
		for _, e := range v.Extension {
			if e.URL != fhir.ExtNoteReminder && e.URL != fhir.ExtSender {
				kept = append(kept, e)
			}
		}
		v.Extension = kept
	case *fhir.QuestionnaireResponse:
		v.Author = fhir.Ref("Patient", p.Patient)
	}
	return nil
}

// patientName is the stored Patient's name ("" when unknown).
func (t *tx) patientName(id string) (string, error) {
	st, err := t.current("Patient", id)
	if err != nil {
		return "", nil //nolint:nilerr // no stored name: the reference alone
	}
	fp, err := fhir.Decode[*fhir.Patient](st.JSON)
	if err != nil {
		return "", nil //nolint:nilerr // an unreadable record gives no name
	}
	dp, err := fhir.PatientFromFHIR(fp)
	if err != nil {
		return "", nil //nolint:nilerr // as above
	}
	return dp.Name, nil
}

// homeTeams are the CareTeams responsible for the patient (home teams of
// her episodes that grant access), sorted.
func (t *tx) homeTeams(patientID string) ([]string, error) {
	rows, err := t.query(`SELECT DISTINCT team_id FROM access WHERE patient_id = ? AND from_ms IS NULL AND to_ms IS NULL ORDER BY team_id`, patientID)
	if err != nil {
		return nil, fmt.Errorf("home teams: %w", err)
	}
	return collectIDs(rows)
}

// isHome reports whether the practitioner is a member of a home team (not
// a cover) of the episode, or, with episodeID "", of any episode of the
// patient.
func (t *tx) isHome(practitioner, episodeID, patientID string) (bool, error) {
	col, arg := "a.patient_id", patientID
	if episodeID != "" {
		col, arg = "a.episode_id", episodeID
	}
	var one int
	err := t.queryRow(`SELECT EXISTS (SELECT 1 FROM access a JOIN members m ON m.team_id = a.team_id
		WHERE m.practitioner_id = ? AND a.from_ms IS NULL AND a.to_ms IS NULL AND `+col+` = ?)`, practitioner, arg).Scan(&one)
	if err != nil {
		return false, fmt.Errorf("check responsibility: %w", err)
	}
	return one == 1, nil
}

// isMember reports whether the practitioner is in the team.
func (t *tx) isMember(practitioner, teamID string) (bool, error) {
	var one int
	err := t.queryRow(`SELECT EXISTS (SELECT 1 FROM members WHERE team_id = ? AND practitioner_id = ?)`, teamID, practitioner).Scan(&one)
	if err != nil {
		return false, fmt.Errorf("check membership: %w", err)
	}
	return one == 1, nil
}

// teamsOf returns the ids of the teams the practitioner is a member of,
// in order.
func (t *tx) teamsOf(practitioner string) ([]string, error) {
	rows, err := t.query(`SELECT DISTINCT team_id FROM members WHERE practitioner_id = ? ORDER BY team_id`, practitioner)
	if err != nil {
		return nil, fmt.Errorf("teams: %w", err)
	}
	return collectIDs(rows)
}

// authorizeEpisode: access to a patient is granted, moved or changed only
// by the team responsible for her now (a home team of the episode; a
// covering team is not), and every cover is bounded. A patient who never
// had an episode is enrolled by a member of each team the new episode
// makes responsible.
func (t *tx) authorizeEpisode(p Principal, e *fhir.EpisodeOfCare, cur *Stored) error {
	pid := patientOf(&e.Patient)
	var old *fhir.EpisodeOfCare
	if cur != nil {
		ok, err := t.isHome(p.Practitioner, cur.ID, "")
		if err != nil {
			return err
		}
		if !ok {
			return forbidden("only the team responsible for the patient may change her episode of care (a covering team may not)")
		}
		if old, err = fhir.Decode[*fhir.EpisodeOfCare](cur.JSON); err != nil {
			return fmt.Errorf("stored EpisodeOfCare/%s: %w", cur.ID, err)
		}
	} else {
		ok, err := t.isHome(p.Practitioner, "", pid)
		if err != nil {
			return err
		}
		if !ok {
			if err := t.authorizeEnrolment(p, e, pid); err != nil {
				return err
			}
		}
	}
	return checkCovers(e, old)
}

// authorizeEnrolment allows the first episode of a patient who never had
// one, or a new course of a patient whose every course has ended, by a
// member of each home team it names.
func (t *tx) authorizeEnrolment(p Principal, e *fhir.EpisodeOfCare, pid string) error {
	refuse := forbidden("access to a patient is granted only by the team responsible for her now")
	eps, err := t.byPatient("EpisodeOfCare", pid)
	if err != nil {
		return err
	}
	active, err := t.hasActiveEpisode(pid)
	if err != nil {
		return err
	}
	// A new course is a course going on: an ended one made by another
	// team would only be a way into the old record.
	if active || len(e.Team) == 0 || len(eps) > 0 && !episodeActive(e) {
		return refuse
	}
	if _, err := t.current("Patient", pid); err != nil {
		return refuse
	}
	for _, ref := range e.Team {
		id, ok := fhir.RefID(&ref, "CareTeam")
		if !ok {
			return refuse
		}
		member, err := t.isMember(p.Practitioner, id)
		if err != nil {
			return err
		}
		if !member {
			return refuse
		}
	}
	return nil
}

type coverSpan struct{ team, start, end string }

func coversOf(e *fhir.EpisodeOfCare) []coverSpan {
	if e == nil {
		return nil
	}
	var out []coverSpan
	for _, c := range fhir.FindExtensions(e.Extension, fhir.ExtCover) {
		var cs coverSpan
		if te := fhir.FindExtension(c.Extension, "team"); te != nil {
			cs.team = refOf(te.ValueReference)
		}
		if pe := fhir.FindExtension(c.Extension, "period"); pe != nil && pe.ValuePeriod != nil {
			cs.start, cs.end = pe.ValuePeriod.Start, pe.ValuePeriod.End
		}
		out = append(out, cs)
	}
	return out
}

// checkCovers: every new or changed cover names a CareTeam and has a start
// and an end at most MaxCover apart. Covers kept unchanged from the stored
// version pass as they are.
func checkCovers(e, old *fhir.EpisodeOfCare) error {
	was := coversOf(old)
	for _, c := range coversOf(e) {
		if slices.Contains(was, c) {
			continue
		}
		if _, ok := fhir.RefID(&fhir.Reference{Reference: c.team}, "CareTeam"); !ok {
			return errorf(http.StatusUnprocessableEntity, "business-rule", "a cover must name the covering CareTeam")
		}
		from, err1 := fhir.ParseDateTime(c.start)
		to, err2 := fhir.ParseDateTime(c.end)
		if err1 != nil || err2 != nil || from.IsZero() || to.IsZero() {
			return errorf(http.StatusUnprocessableEntity, "business-rule", "a cover must have a start and an end")
		}
		if !to.After(from) || to.Sub(from) > domain.MaxCover {
			return errorf(http.StatusUnprocessableEntity, "business-rule", "a cover must end after it starts and last at most %d weeks", domain.MaxCoverWeeks)
		}
	}
	return nil
}

// authorizeCareTeam: only a member changes a team (a new team includes its
// creator), and every change of membership is recorded as an AuditEvent.
func (t *tx) authorizeCareTeam(p Principal, ct *fhir.CareTeam, cur *Stored) ([]fhir.Resource, error) {
	var before []string
	if grant, err := sameKind(ct, cur); err != nil {
		return nil, err
	} else if grant {
		return t.authorizeGrant(p, ct, cur)
	}
	if cur != nil {
		// An administrator manages teams she is not in.
		if !p.admin() {
			ok, err := t.isMember(p.Practitioner, cur.ID)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, forbidden("only a member of a care team may change it")
			}
		}
		old, err := fhir.Decode[*fhir.CareTeam](cur.JSON)
		if err != nil {
			return nil, fmt.Errorf("stored CareTeam/%s: %w", cur.ID, err)
		}
		before = extract(old).members
	}
	after := extract(ct).members
	if cur == nil && !p.admin() && !slices.Contains(after, p.Practitioner) {
		return nil, forbidden("a new care team must include the user who creates it")
	}
	added, removed := diffMembers(before, after)
	if len(added) == 0 && len(removed) == 0 {
		return nil, nil
	}
	return []fhir.Resource{membershipAudit(p, ct.ID, cur == nil, added, removed, t.s.now())}, nil
}

func diffMembers(before, after []string) (added, removed []string) {
	for _, m := range after {
		if !slices.Contains(before, m) && !slices.Contains(added, m) {
			added = append(added, m)
		}
	}
	for _, m := range before {
		if !slices.Contains(after, m) && !slices.Contains(removed, m) {
			removed = append(removed, m)
		}
	}
	sort.Strings(added)
	sort.Strings(removed)
	return added, removed
}

// Audit codes of a membership change.
const (
	SystemAuditEventType = "http://terminology.hl7.org/CodeSystem/audit-event-type"
	SystemRestfulAction  = "http://hl7.org/fhir/restful-interaction"
)

// membershipDetail is the description of a membership AuditEvent.
type membershipDetail struct {
	Added   []string `json:"added"`
	Removed []string `json:"removed"`
}

func membershipAudit(p Principal, teamID string, created bool, added, removed []string, now time.Time) *fhir.AuditEvent {
	action, sub := "U", "update"
	if created {
		action, sub = "C", "create"
	}
	if added == nil {
		added = []string{}
	}
	if removed == nil {
		removed = []string{}
	}
	desc, _ := json.Marshal(membershipDetail{Added: prefixAll("Practitioner/", added), Removed: prefixAll("Practitioner/", removed)})
	return &fhir.AuditEvent{
		Base:     fhir.Base{ResourceType: "AuditEvent"}, // named by write
		Type:     fhir.Coding{System: SystemAuditEventType, Code: "rest"},
		Subtype:  []fhir.Coding{{System: SystemRestfulAction, Code: sub}},
		Action:   action,
		Recorded: fhir.FormatInstant(now),
		Outcome:  "0",
		Agent:    []fhir.AuditEventAgent{{Who: fhir.Ref("Practitioner", p.Practitioner), Requestor: true}},
		Source:   fhir.AuditEventSource{Site: CentralSite, Observer: fhir.Reference{Display: "telehjerte-central"}},
		Entity:   []fhir.AuditEventEntity{{What: fhir.Ref("CareTeam", teamID), Description: "membership " + string(desc)}},
	}
}

func prefixAll(p string, ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = p + s
	}
	return out
}

// coverOK reports whether a cover period from an EpisodeOfCare grants
// access at all: both ends set (an open-ended cover grants nothing).
func coverOK(pe *fhir.Extension) bool {
	return pe != nil && pe.ValuePeriod != nil && strings.TrimSpace(pe.ValuePeriod.Start) != "" && strings.TrimSpace(pe.ValuePeriod.End) != ""
}

// publicTypes are definitions that hold no patient data: every signed-in
// user reads them (a patient's app too, to show the questionnaire), and
// nobody writes them over the API.
var publicTypes = map[string]bool{"Questionnaire": true}

// questionnaireDef is the stored definition a canonical reference names
// (url, or url|version; no version: the last stored), false when none.
func (t *tx) questionnaireDef(ref string) (domain.Questionnaire, bool, error) {
	u, _ := domain.SplitCanonical(ref)
	if u == "" {
		return domain.Questionnaire{}, false, nil
	}
	rows, err := t.query(`SELECT r.id FROM params x JOIN resources r ON r.type = x.type AND r.id = x.id
		WHERE x.type = 'Questionnaire' AND x.name = 'url' AND x.value = ? ORDER BY r.last_updated, r.id`, u)
	if err != nil {
		return domain.Questionnaire{}, false, fmt.Errorf("questionnaire %s: %w", u, err)
	}
	ids, err := collectIDs(rows)
	if err != nil {
		return domain.Questionnaire{}, false, fmt.Errorf("questionnaire %s: %w", u, err)
	}
	var defs []domain.Questionnaire
	for _, id := range ids {
		st, err := t.current("Questionnaire", id)
		if err != nil {
			return domain.Questionnaire{}, false, err
		}
		fq, err := fhir.Decode[*fhir.Questionnaire](st.JSON)
		if err != nil {
			return domain.Questionnaire{}, false, err
		}
		d, err := fhir.QuestionnaireToDomain(fq)
		if err != nil {
			continue // a definition it cannot read names no texts
		}
		defs = append(defs, d)
	}
	found, _ := domain.ResolveQuestionnaires([]string{ref}, defs)
	if len(found) == 0 {
		return domain.Questionnaire{}, false, nil
	}
	return found[0], true, nil
}
