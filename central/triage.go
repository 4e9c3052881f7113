package central

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// qHistoryOf lists every version of the patient's resources of a type:
// the superseded ones in history, found through resources_by_patient and
// then their versions (a cross join, so SQLite does not start from every
// version of the type), and the current ones in resources. The few rows
// are sorted by the caller: asked to order the union, SQLite merges it by
// walking every resource of the type in id order.
const qHistoryOf = `SELECT h.type, h.id, h.version_id, h.last_updated, r.patient_id, h.json
		FROM resources r CROSS JOIN history h ON h.type = r.type AND h.id = r.id
		WHERE r.type = ?1 AND r.patient_id = ?2
	UNION ALL
	SELECT type, id, version_id, last_updated, patient_id, json FROM resources
		WHERE type = ?1 AND patient_id = ?2`

// qReadingsSince lists the patient's readings taken at or after ?2 (unix
// ms) that are not void (entered-in-error or cancelled), through
// readings_by_patient.
const qReadingsSince = `SELECT r.type, r.id, r.version_id, r.last_updated, r.patient_id, r.json
		FROM readings g JOIN resources r ON r.type = 'Observation' AND r.id = g.id
		WHERE g.patient_id = ? AND g.taken_ms >= ? AND g.void = 0`

// qSlotReadings lists the patient's readings that fill slots (not void),
// taken at or after ?2 (unix ms), through readings_by_patient: all slot
// evaluation needs, without decoding an Observation.
const qSlotReadings = `SELECT id, kind, taken_ms FROM readings WHERE patient_id = ? AND taken_ms >= ? AND void = 0`

// historyOf returns every stored version of the patient's resources of typ,
// by id then version.
func (t *tx) historyOf(typ, patientID string) ([]Stored, error) {
	rows, err := t.query(qHistoryOf, typ, patientID)
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", typ, err)
	}
	out, err := collectStored(rows)
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", typ, err)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ID != out[j].ID {
			return out[i].ID < out[j].ID
		}
		return out[i].VersionID < out[j].VersionID
	})
	return out, nil
}

// MaxFutureSkew is how far past the server's clock a reading may be dated
// (a phone's clock runs a little fast).
const MaxFutureSkew = 5 * time.Minute

// maxZoneOffset is the largest time-zone offset FHIR allows (+14:00).
const maxZoneOffset = 14 * 60 * 60

// checkTaken refuses a reading dated more than MaxFutureSkew after now,
// before the patient's course began (the earliest start of any regime
// version), or with a time-zone offset beyond ±14:00: such a date would
// take the "latest" place forever or sort before the course.
func checkTaken(raw string, taken, now time.Time, versions []domain.Regime) error {
	if ts, err := time.Parse(time.RFC3339Nano, raw); err == nil {
		if _, off := ts.Zone(); off > maxZoneOffset || off < -maxZoneOffset {
			return errorf(http.StatusBadRequest, "value", "effectiveDateTime %q has a time-zone offset beyond ±14:00", raw)
		}
	}
	if taken.After(now.Add(MaxFutureSkew)) {
		return errorf(http.StatusBadRequest, "value", "effectiveDateTime %q is in the future (the server's time is %s)", raw, fhir.FormatInstant(now))
	}
	var began time.Time
	for _, v := range versions {
		if !v.Start.IsZero() && (began.IsZero() || v.Start.Before(began)) {
			began = v.Start
		}
	}
	if !began.IsZero() && taken.Before(began) {
		return errorf(http.StatusBadRequest, "value", "effectiveDateTime %q is before the patient's monitoring began (%s)", raw, fhir.FormatInstant(began))
	}
	return nil
}

// regimes loads every regime version of a patient: each stored version of
// each CarePlan, paired with the versions of its ServiceRequests that were
// current until the CarePlan's next version (a regime change writes the
// CarePlan and its ServiceRequests together). It also returns, per CarePlan
// id, the current ServiceRequest id of each kind.
func (t *tx) regimes(patientID string) ([]domain.Regime, map[string]map[domain.Kind]string, error) {
	if rs, ok := t.regimeMemo[patientID]; ok {
		return rs.versions, rs.srIDs, nil
	}
	versions, srIDs, err := t.cachedRegimes(patientID)
	if err != nil {
		return nil, nil, err
	}
	if t.regimeMemo == nil {
		t.regimeMemo = map[string]regimeSet{}
	}
	t.regimeMemo[patientID] = regimeSet{versions, srIDs}
	return versions, srIDs, nil
}

// qRegimeStamp fingerprints a patient's regime resources: any new
// CarePlan or ServiceRequest, or new version of one, changes the count or
// the sum of version ids (they only grow; nothing is deleted), and a
// rolled-back write changes nothing.
const qRegimeStamp = `SELECT COUNT(*), COALESCE(SUM(version_id), 0), COALESCE(MAX(last_updated), 0)
	FROM resources WHERE type IN ('CarePlan', 'ServiceRequest') AND patient_id = ?`

// regimeStamp is a row of qRegimeStamp.
type regimeStamp struct{ n, versions, last int64 }

// cachedRegime is a patient's regimes as loaded at stamp.
type cachedRegime struct {
	stamp regimeStamp
	set   regimeSet
}

// maxCachedRegimes bounds the store's regime cache (it is emptied when
// full).
const maxCachedRegimes = 10000

// cachedRegimes is loadRegimes through the store's cache: decoding a
// patient's CarePlan and ServiceRequest versions is the largest part of
// triaging a reading, and they rarely change. An entry is used only while
// the patient's regime stamp is the one it was loaded at. What it returns
// is shared: callers must not change it.
func (t *tx) cachedRegimes(patientID string) ([]domain.Regime, map[string]map[domain.Kind]string, error) {
	var st regimeStamp
	if err := t.queryRow(qRegimeStamp, patientID).Scan(&st.n, &st.versions, &st.last); err != nil {
		return nil, nil, fmt.Errorf("regime stamp: %w", err)
	}
	c := &t.s.regimeCache
	c.mu.Lock()
	e, ok := c.m[patientID]
	c.mu.Unlock()
	if ok && e.stamp == st {
		return e.set.versions, e.set.srIDs, nil
	}
	versions, srIDs, err := t.loadRegimes(patientID)
	if err != nil {
		return nil, nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedRegimes {
		c.m = map[string]cachedRegime{}
	}
	c.m[patientID] = cachedRegime{stamp: st, set: regimeSet{versions, srIDs}}
	c.mu.Unlock()
	return versions, srIDs, nil
}

// regimeSet is what regimes returns for a patient.
type regimeSet struct {
	versions []domain.Regime
	srIDs    map[string]map[domain.Kind]string
}

// loadRegimes is regimes without the memo.
func (t *tx) loadRegimes(patientID string) ([]domain.Regime, map[string]map[domain.Kind]string, error) {
	cpRows, err := t.historyOf("CarePlan", patientID)
	if err != nil {
		return nil, nil, err
	}
	srRows, err := t.historyOf("ServiceRequest", patientID)
	if err != nil {
		return nil, nil, err
	}
	type srVersion struct {
		at time.Time
		sr *fhir.ServiceRequest
	}
	srByID := map[string][]srVersion{} // versions oldest first
	planOf := map[string]string{}      // ServiceRequest id -> CarePlan id (latest)
	srIDs := map[string]map[domain.Kind]string{}
	for _, row := range srRows {
		sr, err := fhir.Decode[*fhir.ServiceRequest](row.JSON)
		if err != nil {
			return nil, nil, fmt.Errorf("stored ServiceRequest/%s: %w", row.ID, err)
		}
		srByID[row.ID] = append(srByID[row.ID], srVersion{row.LastUpdated, sr})
		for _, b := range sr.BasedOn {
			if id, ok := fhir.RefID(&b, "CarePlan"); ok {
				planOf[row.ID] = id
				if sr.Code != nil {
					if k, ok := fhir.KindOf(*sr.Code); ok {
						if srIDs[id] == nil {
							srIDs[id] = map[domain.Kind]string{}
						}
						srIDs[id][k] = row.ID
					}
				}
			}
		}
	}
	var out []domain.Regime
	for i, row := range cpRows {
		cp, err := fhir.Decode[*fhir.CarePlan](row.JSON)
		if err != nil {
			return nil, nil, fmt.Errorf("stored CarePlan/%s: %w", row.ID, err)
		}
		if cp.Status != "active" && cp.Status != "completed" {
			continue
		}
		var until time.Time // exclusive; zero for the newest version
		if i+1 < len(cpRows) && cpRows[i+1].ID == row.ID {
			until = cpRows[i+1].LastUpdated
		}
		var srs []*fhir.ServiceRequest
		for srID, versions := range srByID {
			if planOf[srID] != row.ID {
				continue
			}
			var pick *fhir.ServiceRequest
			for _, v := range versions {
				if until.IsZero() || v.at.Before(until) {
					pick = v.sr
				}
			}
			if pick != nil {
				srs = append(srs, pick)
			}
		}
		sort.Slice(srs, func(a, b int) bool { return srs[a].ID < srs[b].ID })
		r, err := fhir.RegimeFromFHIR(cp, srs)
		if err != nil {
			return nil, nil, fmt.Errorf("regime of CarePlan/%s: %w", cp.ID, err)
		}
		if r.EffectiveFrom.IsZero() {
			r.EffectiveFrom = r.Start
		}
		out = append(out, r)
	}
	return out, srIDs, nil
}

// responsibility returns the patient's active EpisodeOfCare as a
// Responsibility, with its id; ok is false when there is none.
func (t *tx) responsibility(patientID string) (domain.Responsibility, string, bool, error) {
	rows, err := t.byPatient("EpisodeOfCare", patientID)
	if err != nil {
		return domain.Responsibility{}, "", false, err
	}
	for i := len(rows) - 1; i >= 0; i-- {
		e, err := fhir.Decode[*fhir.EpisodeOfCare](rows[i].JSON)
		if err != nil || e.Status != "active" {
			continue
		}
		_, r, err := fhir.EpisodeOfCareToResponsibility(e)
		if err != nil {
			continue
		}
		return r, e.ID, true, nil
	}
	return domain.Responsibility{}, "", false, nil
}

// taskFor maps a domain task and adds who is responsible (the team holding
// monitoring responsibility at now) and the episode of care.
func (t *tx) taskFor(dt domain.Task, now time.Time) (*fhir.Task, error) {
	ft := fhir.TaskToFHIR(dt)
	ft.LastModified = fhir.FormatInstant(now)
	resp, eoc, ok, err := t.responsibility(dt.PatientID)
	if err != nil {
		return nil, err
	}
	if ok {
		team, _ := resp.HolderAt(now)
		ft.Extension = append(ft.Extension,
			fhir.Extension{URL: fhir.ExtTaskResponsible, ValueReference: fhir.Ref("CareTeam", team.ID)},
			fhir.Extension{URL: fhir.ExtTaskEpisodeOfCare, ValueReference: fhir.Ref("EpisodeOfCare", eoc)})
	}
	return ft, nil
}

func triageImpression(id, patientID string, focus *fhir.Reference, c domain.Color, implausible string, now time.Time) *fhir.ClinicalImpression {
	code := fhir.Concept(fhir.SystemClinicalImpCode, fhir.CodeTriagingResult, "")
	colour := fhir.ColourConcept(c)
	ci := &fhir.ClinicalImpression{
		Base:          fhir.Base{ResourceType: "ClinicalImpression", ID: id},
		Status:        "completed",
		Code:          &code,
		Subject:       *fhir.Ref("Patient", patientID),
		Date:          fhir.FormatInstant(now),
		Investigation: []fhir.ClinicalImpressionInvestigation{{Code: fhir.CodeableConcept{Text: "measurement"}, Item: []fhir.Reference{*focus}}},
		Finding:       []fhir.ClinicalImpressionFinding{{ItemCodeableConcept: &colour}},
		Summary:       implausible,
	}
	return ci
}

// triageObservation classifies a newly created Observation against the
// regime version in force when it was taken, copies the limits into
// referenceRange, links it to its ServiceRequest and writes the triage
// ClinicalImpression and the review Task. o must already have its id.
func (t *tx) triageObservation(o *fhir.Observation, now time.Time) ([]fhir.Resource, error) {
	m, _, err := fhir.ObservationToMeasurement(o)
	if err != nil {
		return nil, err
	}
	m.Received = now
	versions, srIDs, err := t.regimes(m.PatientID)
	if err != nil {
		return nil, err
	}
	if err := checkTaken(o.EffectiveDateTime, m.Taken, now, versions); err != nil {
		return nil, err
	}
	earlier, err := t.trendHistory(m, versions)
	if err != nil {
		return nil, err
	}
	reading, task := domain.ArriveWithTrend(m, versions, earlier)
	fhir.SetClassification(o, reading.Classification)
	o.Issued = fhir.FormatInstant(now)
	if reg, ok := domain.RegimeAt(versions, m.Taken); ok {
		if sr := srIDs[reg.ID][m.Kind]; sr != "" && len(o.BasedOn) == 0 {
			o.BasedOn = []fhir.Reference{*fhir.Ref("ServiceRequest", sr)}
		}
	}
	focus := fhir.Ref("Observation", o.ID)
	ci := triageImpression("triage-"+o.ID, m.PatientID, focus, reading.Color, reading.Implausible, now)
	if !domain.ReviewNeeded(reading, versions) {
		// Information only (steps the regime does not ask to review):
		// triaged, but no item to acknowledge.
		return []fhir.Resource{ci}, nil
	}
	ft, err := t.taskFor(task, now)
	if err != nil {
		return nil, err
	}
	return []fhir.Resource{ci, ft}, nil
}

// resolveLate completes the open missing-measurement tasks whose slot a
// stored reading has now fulfilled late. Call it after the reading is
// written.
func (t *tx) resolveLate(patientID string, now time.Time, loc *time.Location) ([]fhir.Resource, error) {
	// The open missing-measurement tasks a reading may resolve are those
	// of the slots in the scan window, looked up by their ids: what it
	// costs does not grow with the tasks and readings the clinic keeps.
	versions, _, err := t.regimes(patientID)
	if err != nil {
		return nil, err
	}
	reg, ok := domain.RegimeAt(versions, now)
	if !ok {
		return nil, nil
	}
	return t.slotTasks(reg, patientID, now, loc, false)
}

// triageQuestionnaire writes the triage and review Task for a newly created
// QuestionnaireResponse (colour = its worst answer, each answer's severity
// from the regime's questionnaire rules where it has one).
func (t *tx) triageQuestionnaire(q *fhir.QuestionnaireResponse, now time.Time) ([]fhir.Resource, error) {
	// Texts the app left out (a coded answer without its display) are
	// filled in from the questionnaire's definition: rules name texts.
	if def, ok, err := t.questionnaireDef(q.Questionnaire); err != nil {
		return nil, err
	} else if ok {
		fhir.FillFromDefinition(q, def)
	}
	pro, err := fhir.QuestionnaireResponseToPro(q)
	if err != nil {
		return nil, err
	}
	// The patient's regime in force when it was answered may give answers
	// their own severity; the stored response shows the one triaged.
	versions, _, err := t.regimes(pro.PatientID)
	if err != nil {
		return nil, err
	}
	if reg, ok := domain.RegimeAt(versions, pro.Taken); ok && len(reg.ProRules) > 0 {
		pro = domain.ClassifyPro(pro, reg.ProRules)
		fhir.SetProSeverities(q, pro)
	}
	task := domain.ArriveQuestionnaire(pro)
	task.Created = now
	ci := triageImpression("triage-"+q.ID, pro.PatientID, fhir.Ref("QuestionnaireResponse", q.ID), task.Color, "", now)
	ft, err := t.taskFor(task, now)
	if err != nil {
		return nil, err
	}
	return []fhir.Resource{ci, ft}, nil
}

// measurements loads the patient's readings taken at or after since, as
// measurements carrying what slot evaluation uses (id, patient, kind, time
// taken), from the readings table; readings marked entered-in-error or
// cancelled are left out.
func (t *tx) measurements(patientID string, since time.Time) ([]domain.Measurement, error) {
	rows, err := t.query(qSlotReadings, patientID, since.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("readings of patient: %w", err)
	}
	defer rows.Close()
	var ms []domain.Measurement
	for rows.Next() {
		var id, kind string
		var taken int64
		if err := rows.Scan(&id, &kind, &taken); err != nil {
			return nil, fmt.Errorf("readings of patient: %w", err)
		}
		ms = append(ms, domain.Measurement{ID: id, PatientID: patientID, Kind: domain.Kind(kind), Taken: time.UnixMilli(taken).UTC()})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("readings of patient: %w", err)
	}
	return ms, nil
}

// ScanWindow is how far back ScanMissing and late-arrival matching look.
const ScanWindow = 8 * 24 * time.Hour

// slotTasks evaluates the patient's slots and returns the missing tasks to
// create (new ones only) and the open missing tasks a late reading resolved,
// completed.
func (t *tx) slotTasks(reg domain.Regime, patientID string, now time.Time, loc *time.Location, createMissing bool) ([]fhir.Resource, error) {
	from := now.Add(-ScanWindow)
	// No reading taken before the earliest slot opens can fill a slot:
	// only the window's readings are read.
	since, ok := slotsOpen(reg, from, now, loc)
	if !ok {
		return nil, nil
	}
	ms, err := t.measurements(patientID, since)
	if err != nil {
		return nil, err
	}
	var out []fhir.Resource
	for _, sr := range domain.EvaluateSlots(reg, ms, from, now, loc) {
		if !createMissing && sr.State != domain.SlotLate {
			continue // only late readings resolve tasks
		}
		dt := domain.MissingTask(patientID, sr)
		if dt.ID == "" {
			continue
		}
		cur, err := t.current("Task", dt.ID)
		switch {
		case errors.Is(err, ErrNotFound):
			if sr.State == domain.SlotMissing && createMissing {
				ft, err := t.taskFor(dt, now)
				if err != nil {
					return nil, err
				}
				out = append(out, ft)
			}
		case err != nil:
			return nil, err
		case sr.State == domain.SlotLate:
			ft, err := fhir.Decode[*fhir.Task](cur.JSON)
			if err != nil {
				return nil, err
			}
			if ft.Status == fhir.TaskStatusCompleted || ft.Status == fhir.TaskStatusCancelled {
				continue
			}
			ft.Status = fhir.TaskStatusCompleted
			ft.Owner = &fhir.Reference{Display: domain.LateArrival}
			ft.ExecutionPeriod = &fhir.Period{End: fhir.FormatInstant(dt.DoneAt)}
			ft.LastModified = fhir.FormatInstant(now)
			out = append(out, ft)
		}
	}
	return out, nil
}

// slotsOpen is when the earliest slot domain.EvaluateSlots(reg, …, from,
// now, loc) evaluates opens; false when it evaluates none.
func slotsOpen(reg domain.Regime, from, now time.Time, loc *time.Location) (time.Time, bool) {
	var first time.Time
	found := false
	for _, sl := range domain.EvaluatedSlots(reg, from, now, loc) {
		if !found || sl.Opens.Before(first) {
			first, found = sl.Opens, true
		}
	}
	return first, found
}

// trendHistory returns the patient's earlier weight readings that the
// weight-trend rule of the regime in force may compare m with: none unless m
// is a weight and the regime has a rule, so ordinary arrivals read nothing
// more. Stored readings that cannot be decoded are passed over; they were
// parked or refused when they arrived.
func (t *tx) trendHistory(m domain.Measurement, versions []domain.Regime) ([]domain.Reading, error) {
	if m.Kind != domain.KindWeight {
		return nil, nil
	}
	reg, ok := domain.RegimeAt(versions, m.Taken)
	if !ok || reg.TrendRule == nil {
		return nil, nil
	}
	since := m.Taken.AddDate(0, 0, -reg.TrendRule.Days)
	// Only the patient's readings of the rule's days are read, not every
	// reading of the course.
	rows, err := t.query(qReadingsSince, m.PatientID, since.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("weights of patient: %w", err)
	}
	stored, err := collectStored(rows)
	if err != nil {
		return nil, err
	}
	var out []domain.Reading
	for _, st := range stored {
		if st.ID == m.ID {
			continue
		}
		o, err := fhir.Decode[*fhir.Observation](st.JSON)
		if err != nil {
			continue
		}
		prev, cls, err := fhir.ObservationToMeasurement(o)
		if err != nil || prev.Kind != domain.KindWeight || prev.Taken.Before(since) || !prev.Taken.Before(m.Taken) {
			continue
		}
		r := domain.Reading{Measurement: prev}
		if cls != nil {
			r.Classification = *cls
		}
		out = append(out, r)
	}
	return out, nil
}
