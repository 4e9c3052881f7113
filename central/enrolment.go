package central

import (
	"fmt"
	"net/http"

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
// (set when absent); a Patient whose CPR number is already registered is
// refused.
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
			return errorf(http.StatusUnprocessableEntity, "business-rule",
				"already-registered: a patient with this CPR number is registered without an active course; a new course must continue that record")
		}
		return errorf(http.StatusUnprocessableEntity, "business-rule", "already-enrolled: held by %s", holder)
	}
	return nil
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
			if ep.Status != "active" || len(ep.Team) == 0 {
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
