package cache

import (
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/telehjerte/telehjerte-tui/domain"
)

const upsertOrg = `INSERT INTO organizations (id, version_id, last_updated, name) VALUES (?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET version_id = excluded.version_id, last_updated = excluded.last_updated,
	name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE organizations.name END
WHERE ` + "%s"

const upsertTeam = `INSERT INTO care_teams (id, version_id, last_updated, name, organization_id) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET version_id = excluded.version_id, last_updated = excluded.last_updated,
	name = excluded.name, organization_id = excluded.organization_id
WHERE ` + "%s"

// PutTeam stores a care team and its organisation, with no server version
// (see PutTeamMeta).
func (tx *Tx) PutTeam(t domain.Team) error {
	return tx.PutTeamMeta(t, Meta{})
}

// PutTeamMeta stores a CareTeam with its server identity, and its
// organisation (by id and name, with no server version of its own) when
// t.OrgID is set.
func (tx *Tx) PutTeamMeta(t domain.Team, m Meta) error {
	id, err := resolveID("team", t.ID, m.ID)
	if err != nil {
		return fmt.Errorf("put team: %w", err)
	}
	var org any
	if t.OrgID != "" {
		if err := tx.PutOrganization(t.OrgID, t.OrgName, Meta{}); err != nil {
			return fmt.Errorf("put team %s: %w", id, err)
		}
		org = t.OrgID
	}
	if _, err := tx.exec(fmt.Sprintf(upsertTeam, newer("care_teams")), id, m.VersionID, msOrZero(m.LastUpdated), t.Name, org); err != nil {
		return fmt.Errorf("put team %s: %w", id, err)
	}
	return nil
}

// PutOrganization stores an Organization. An empty name keeps the stored one.
func (tx *Tx) PutOrganization(id, name string, m Meta) error {
	id, err := resolveID("organization", id, m.ID)
	if err != nil {
		return fmt.Errorf("put organization: %w", err)
	}
	if _, err := tx.exec(fmt.Sprintf(upsertOrg, newer("organizations")), id, m.VersionID, msOrZero(m.LastUpdated), name); err != nil {
		return fmt.Errorf("put organization %s: %w", id, err)
	}
	return nil
}

// PutPractitioner stores a Practitioner (a nurse or physician who can sign in
// or be named as author).
func (tx *Tx) PutPractitioner(id, name, userName string, m Meta) error {
	id, err := resolveID("practitioner", id, m.ID)
	if err != nil {
		return fmt.Errorf("put practitioner: %w", err)
	}
	const q = `INSERT INTO practitioners (id, version_id, last_updated, name, user_name) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET version_id = excluded.version_id, last_updated = excluded.last_updated,
	name = excluded.name, user_name = excluded.user_name
WHERE `
	if _, err := tx.exec(q+newer("practitioners"), id, m.VersionID, msOrZero(m.LastUpdated), name, userName); err != nil {
		return fmt.Errorf("put practitioner %s: %w", id, err)
	}
	return nil
}

// PutPatient stores a Patient.
func (tx *Tx) PutPatient(p domain.Patient, m Meta) error {
	id, err := resolveID("patient", p.ID, m.ID)
	if err != nil {
		return fmt.Errorf("put patient: %w", err)
	}
	progs := p.Programmes
	if progs == nil {
		progs = []string{}
	}
	pj, err := json.Marshal(progs)
	if err != nil {
		return fmt.Errorf("put patient %s: encode programmes: %w", id, err)
	}
	const q = `INSERT INTO patients (id, version_id, last_updated, cpr, name, birth_date, programmes, synthetic)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET version_id = excluded.version_id, last_updated = excluded.last_updated,
	cpr = excluded.cpr, name = excluded.name, birth_date = excluded.birth_date,
	programmes = excluded.programmes, synthetic = excluded.synthetic
WHERE `
	if _, err := tx.exec(q+newer("patients"), id, m.VersionID, msOrZero(m.LastUpdated),
		p.CPR, p.Name, ms(p.BirthDate), string(pj), b2i(p.Synthetic)); err != nil {
		return fmt.Errorf("put patient %s: %w", id, err)
	}
	return nil
}

// ensureTeam creates a team (and its organisation) the cache does not know
// yet; a known team is left as it is.
func (tx *Tx) ensureTeam(t domain.Team) error {
	if t.ID == "" {
		return fmt.Errorf("team without id")
	}
	var org any
	if t.OrgID != "" {
		if _, err := tx.exec(`INSERT INTO organizations (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`, t.OrgID, t.OrgName); err != nil {
			return fmt.Errorf("organization %s: %w", t.OrgID, err)
		}
		org = t.OrgID
	}
	if _, err := tx.exec(`INSERT INTO care_teams (id, name, organization_id) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING`, t.ID, t.Name, org); err != nil {
		return fmt.Errorf("team %s: %w", t.ID, err)
	}
	return nil
}

// PutResponsibility stores the EpisodeOfCare that says which team monitors
// the patient, and any holiday cover. Teams the cache does not know yet are
// created from r; known teams are not changed (use PutTeam). Without m.ID
// the episode's id is the patient id. The patient view and the worklist use
// the patient's episode with the latest last_updated.
func (tx *Tx) PutResponsibility(patientID string, r domain.Responsibility, m Meta) error {
	if patientID == "" {
		return fmt.Errorf("put responsibility: missing patient id")
	}
	id := m.ID
	if id == "" {
		id = patientID
	}
	if err := tx.ensureTeam(r.Home); err != nil {
		return fmt.Errorf("put responsibility %s: home %w", id, err)
	}
	var coverTeam any
	var from, to sql.NullInt64
	reason := ""
	if r.Cover != nil {
		if err := tx.ensureTeam(r.Cover.Team); err != nil {
			return fmt.Errorf("put responsibility %s: cover %w", id, err)
		}
		coverTeam = r.Cover.Team.ID
		from, to, reason = ms(r.Cover.Period.From), ms(r.Cover.Period.To), r.Cover.Period.Reason
	}
	const q = `INSERT INTO episodes_of_care (id, version_id, last_updated, patient_id, home_team_id,
	cover_team_id, cover_from, cover_to, cover_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET version_id = excluded.version_id, last_updated = excluded.last_updated,
	patient_id = excluded.patient_id, home_team_id = excluded.home_team_id,
	cover_team_id = excluded.cover_team_id, cover_from = excluded.cover_from,
	cover_to = excluded.cover_to, cover_reason = excluded.cover_reason
WHERE `
	n, err := tx.exec(q+newer("episodes_of_care"), id, m.VersionID, msOrZero(m.LastUpdated), patientID,
		r.Home.ID, coverTeam, from, to, reason)
	if err != nil {
		return fmt.Errorf("put responsibility %s: %w", id, err)
	}
	if n > 0 {
		if err := tx.putPlannedCovers(id, r.Planned); err != nil {
			return fmt.Errorf("put responsibility %s: %w", id, err)
		}
	}
	return nil
}

// SetInfo sets one key of the info table (demo flag, clinic name, user).
func (tx *Tx) SetInfo(key, value string) error {
	if key == "" {
		return fmt.Errorf("set info: empty key")
	}
	if _, err := tx.exec(`INSERT INTO info (key, value) VALUES (?, ?)
ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
		return fmt.Errorf("set info %s: %w", key, err)
	}
	return nil
}

// Audit appends one entry to the audit log inside this transaction, so an
// action and its audit entry commit together. An entry about a patient
// also records the course it was written in (the plan of her regime in
// force on the Store's clock), which ends that course's "ny borger".
func (tx *Tx) Audit(e domain.AuditEntry) error {
	if tx.audit != nil {
		e.At = tx.audit()
	}
	if e.At.IsZero() || e.User == "" || e.Action == "" {
		return fmt.Errorf("audit: time, user and action are required")
	}
	course := ""
	if e.PatientID != "" {
		// The course the entry is written in: her plan in force on the
		// console's clock (see CourseStates).
		hist, err := regimeHistory(tx.ctx, tx.tx, e.PatientID)
		if err != nil {
			return fmt.Errorf("audit %s: course of the patient: %w", e.Action, err)
		}
		if reg, ok := inForce(hist, tx.now()); ok {
			course = reg.ID
		}
	}
	if _, err := tx.exec(`INSERT INTO audit_log (at, user, action, patient_id, detail, course) VALUES (?, ?, ?, ?, ?, ?)`,
		e.At.UnixMilli(), e.User, e.Action, e.PatientID, e.Detail, course); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}
