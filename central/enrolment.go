package central

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// Enrolment: a patient is enrolled once. Creating a Patient whose CPR number
// is already on a Patient is refused (422 business-rule), visible to the
// caller or not, and the refusal says only who holds the patient now (the
// monitoring team and its organisation of the active EpisodeOfCare), never
// any other data about them, so the nurse can call that clinic instead of
// making a second record. A retried create of the same enrolment (matched
// by its client identifier with If-None-Exist) never reaches this check.

// checkEnrolment checks a new resource of an enrolment: the consent is
// recorded by, and the diagnosis recorded by, the token's practitioner
// (set when absent); a Patient whose CPR number is already registered, and
// an active EpisodeOfCare of a patient whose course goes on, are refused.
func (t *tx) checkEnrolment(who Principal, r fhir.Resource) error {
	me := fhir.Ref("Practitioner", who.Practitioner)
	switch v := r.(type) {
	case *fhir.Consent:
		if who.Practitioner == "" {
			return nil
		}
		for _, pf := range v.Performer {
			if id, ok := fhir.RefID(&pf, "Practitioner"); ok && id != who.Practitioner {
				return errorf(http.StatusForbidden, "forbidden", "consent is recorded by the signed-in user only")
			}
		}
		if len(v.Performer) == 0 {
			v.Performer = []fhir.Reference{*me}
		}
		return nil
	case *fhir.Condition:
		if who.Practitioner == "" {
			return nil
		}
		if v.Recorder != nil && v.Recorder.Reference != "" && v.Recorder.Reference != me.Reference {
			return errorf(http.StatusForbidden, "forbidden", "a diagnosis is recorded by the signed-in user only")
		}
		if v.Recorder == nil || v.Recorder.Reference == "" {
			v.Recorder = me
		}
		return nil
	}
	if ep, ok := r.(*fhir.EpisodeOfCare); ok {
		// One course at a time: a new course begins only when every
		// earlier one has ended (re-enrolment), in any team. (A retried
		// create matched by If-None-Exist never gets here.)
		if !episodeActive(ep) {
			return nil
		}
		holder, err := t.holderOf([]string{patientOf(&ep.Patient)})
		if err != nil {
			return err
		}
		if holder != "" {
			return errorf(http.StatusUnprocessableEntity, "business-rule", "already-enrolled: held by %s", holder)
		}
		return nil
	}
	p, ok := r.(*fhir.Patient)
	if !ok {
		return nil
	}
	for _, id := range p.Identifier {
		if id.System != fhir.SystemCPR || id.Value == "" {
			continue
		}
		ids, err := t.findByParam("Patient", "identifier", id.System+"|"+id.Value)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			continue
		}
		holder, err := t.holderOf(ids)
		if err != nil {
			return err
		}
		if holder == "" {
			return errAlreadyRegistered
		}
		return errorf(http.StatusUnprocessableEntity, "business-rule", "already-enrolled: held by %s", holder)
	}
	return nil
}

// errAlreadyRegistered refuses a second record of a patient whose course
// has ended: a new course continues her record (see endedRecord).
var errAlreadyRegistered = errorf(http.StatusUnprocessableEntity, "business-rule",
	"already-registered: a patient with this CPR number is registered without an active course; a new course continues that record (enrol with If-None-Exist on the CPR number, in a transaction with the new EpisodeOfCare)")

// endedRecord finds the record a new course continues: for an
// If-None-Exist query on a CPR number that matched nothing the caller may
// see, the one Patient with that number whose every course has ended.
// Only a monitoring nurse continues a record, and only inside a
// transaction that ends with her seeing it (its new EpisodeOfCare names
// her team); a patient with an active course is never matched, so the
// create that follows is refused as already enrolled, naming who holds her.
func (t *tx) endedRecord(p Principal, query string) (string, error) {
	if p.Practitioner == "" || p.roleLater || p.Role != "" && p.Role != domain.RoleNurse {
		return "", nil
	}
	name, value, _ := strings.Cut(query, "=")
	if name != "identifier" || !strings.HasPrefix(value, fhir.SystemCPR+"|") {
		return "", nil
	}
	ids, err := t.findByParam("Patient", "identifier", value)
	if err != nil || len(ids) != 1 {
		return "", err
	}
	active, err := t.hasActiveEpisode(ids[0])
	if err != nil || active {
		return "", err
	}
	return ids[0], nil
}

// episodeActive reports whether an episode is a course going on (not
// finished, cancelled or entered in error).
func episodeActive(ep *fhir.EpisodeOfCare) bool {
	switch ep.Status {
	case "finished", "cancelled", "entered-in-error":
		return false
	}
	return true
}

// hasActiveEpisode reports whether the patient has a course going on.
func (t *tx) hasActiveEpisode(patientID string) (bool, error) {
	eps, err := t.byPatient("EpisodeOfCare", patientID)
	if err != nil {
		return false, err
	}
	for _, st := range eps {
		ep, err := fhir.Decode[*fhir.EpisodeOfCare](st.JSON)
		if err != nil {
			return false, fmt.Errorf("episode of care %s: %w", st.ID, err)
		}
		if episodeActive(ep) {
			return true, nil
		}
	}
	return false, nil
}

// holderOf names the team (and organisation) of the first active
// EpisodeOfCare of the patients, "" when none is active.
func (t *tx) holderOf(patientIDs []string) (string, error) {
	for _, pid := range patientIDs {
		eps, err := t.byPatient("EpisodeOfCare", pid)
		if err != nil {
			return "", err
		}
		for _, st := range eps {
			ep, err := fhir.Decode[*fhir.EpisodeOfCare](st.JSON)
			if err != nil {
				return "", fmt.Errorf("episode of care %s: %w", st.ID, err)
			}
			if !episodeActive(ep) || len(ep.Team) == 0 {
				continue
			}
			return t.teamName(ep.Team[0]), nil
		}
	}
	return "", nil
}

// teamName is "team (organisation)" from the stored CareTeam, else the
// reference's display.
func (t *tx) teamName(ref fhir.Reference) string {
	name := ref.Display
	org := ""
	if id, ok := fhir.RefID(&ref, "CareTeam"); ok {
		if st, err := t.current("CareTeam", id); err == nil {
			if ct, err := fhir.Decode[*fhir.CareTeam](st.JSON); err == nil {
				name = ct.Name
				if len(ct.ManagingOrganization) > 0 {
					org = ct.ManagingOrganization[0].Display
				}
			}
		}
	}
	if name == "" {
		name = "another team"
	}
	if org != "" {
		return name + " (" + org + ")"
	}
	return name
}

// finishedAccess is the access a finished EpisodeOfCare leaves: its home
// team (team[0]) keeps seeing the patient, so the ended course stays in
// the team's records; no cover team does.
func finishedAccess(ep *fhir.EpisodeOfCare) []accessRow {
	if len(ep.Team) == 0 {
		return nil
	}
	if id, ok := fhir.RefID(&ep.Team[0], "CareTeam"); ok {
		return []accessRow{{teamID: id}}
	}
	return nil
}
