package actions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/outbox"
)

var _ console.SyncResolver = (*Service)(nil)

// Audit action names for the nurse's choice on a sync problem.
const (
	AuditKeepMine    = "sync-keep-mine"    // her change sent again on top of the central's version
	AuditKeepTheirs  = "sync-keep-theirs"  // her change discarded, the central's version stands
	AuditRetryFailed = "sync-retry-failed" // a refused change tried again
)

// RecentResults is how far back SyncProblems lists already-done outcomes.
const RecentResults = 24 * time.Hour

// SyncProblems lists the conflicted and failed outbox entries (oldest
// first) and the already-done outcomes of the last RecentResults. The
// assessments dropped with an already-acknowledged task are not listed on
// their own.
func (s *Service) SyncProblems(ctx context.Context) ([]console.SyncProblem, error) {
	var out []console.SyncProblem
	conflicts, err := s.store.OutboxConflicts(ctx)
	if err != nil {
		return nil, fmt.Errorf("actions: sync problems: %w", err)
	}
	for _, c := range conflicts {
		p, err := s.describe(ctx, c.Entry)
		if err != nil {
			return nil, err
		}
		p.State = console.SyncConflict
		if err := s.versions(ctx, &p, c); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	failed, err := s.store.Outbox(ctx, cache.OutboxFailed, s.clock())
	if err != nil {
		return nil, fmt.Errorf("actions: sync problems: %w", err)
	}
	for _, e := range failed {
		p, err := s.describe(ctx, e)
		if err != nil {
			return nil, err
		}
		p.State, p.Error = console.SyncFailed, e.LastError
		out = append(out, p)
	}
	results, err := s.store.OutboxResults(ctx, s.clock().Add(-RecentResults))
	if err != nil {
		return nil, fmt.Errorf("actions: sync problems: %w", err)
	}
	for _, r := range results {
		if r.Outcome != cache.ResultAlreadyDone || r.ResourceType == "ClinicalImpression" {
			continue
		}
		p, err := s.describe(ctx, cache.OutboxEntry{UUID: r.UUID, Label: OutboxAcknowledge,
			Op: outbox.Op{ResourceType: r.ResourceType, ResourceID: r.ResourceID}, Created: r.Recorded})
		if err != nil {
			return nil, err
		}
		p.State, p.DoneAt = console.SyncAlreadyDone, r.At
		if p.By, err = s.practitionerName(ctx, r.By); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// practitionerName is the cached display name of ref ("Practitioner/x" or
// a display name already), else ref itself.
func (s *Service) practitionerName(ctx context.Context, ref string) (string, error) {
	if !strings.HasPrefix(ref, "Practitioner/") {
		return ref, nil
	}
	n, err := s.store.Name(ctx, "Practitioner", ref)
	if err != nil {
		return "", fmt.Errorf("actions: %w", err)
	}
	if n == "" {
		return strings.TrimPrefix(ref, "Practitioner/"), nil
	}
	return n, nil
}

// describe names what an entry is: the kind of change, the patient and
// the reading or message it concerns.
func (s *Service) describe(ctx context.Context, e cache.OutboxEntry) (console.SyncProblem, error) {
	p := console.SyncProblem{UUID: e.UUID, ResourceType: e.ResourceType, At: e.Created, Change: console.SyncChangeOther}
	switch e.Label {
	case OutboxAcknowledge:
		p.Change = console.SyncChangeAck
	case OutboxResolve:
		p.Change = console.SyncChangeResolve
	case OutboxAssessment:
		p.Change = console.SyncChangeAssessment
	case OutboxMessage, OutboxReceipt:
		p.Change = console.SyncChangeMessage
	case OutboxMarkRead:
		p.Change = console.SyncChangeReadState
	case OutboxEpisode:
		p.Change = console.SyncChangeEpisode
	case OutboxNote:
		p.Change = console.SyncChangeNote
	case OutboxRegime:
		if e.ResourceType == "CarePlan" {
			p.Change = console.SyncChangeRegime
		}
	case OutboxEnrol:
		if e.ResourceType == "Patient" {
			p.Change, p.Title = console.SyncChangeEnrol, enrolledName(e.Payload)
		}
	}
	if e.ResourceType == "Task" && e.ResourceID != "" {
		ts, ok, err := s.store.TaskSubject(ctx, e.ResourceID)
		if err != nil {
			return p, fmt.Errorf("actions: %w", err)
		}
		if ok {
			p.PatientID, p.Kind, p.Value, p.Value2, p.HasValue = ts.PatientID, ts.Kind, ts.Value, ts.Value2, ts.HasValue
		}
	}
	if p.PatientID == "" {
		p.PatientID = entryPatient(e)
	}
	if p.PatientID == "" && e.ResourceID != "" {
		id, err := s.store.Name(ctx, e.ResourceType, e.ResourceID)
		if err != nil {
			return p, fmt.Errorf("actions: %w", err)
		}
		p.PatientID = id
	}
	if p.Change == console.SyncChangeMessage {
		var c struct {
			Topic *fhir.CodeableConcept `json:"topic"`
		}
		if json.Unmarshal(e.Payload, &c) == nil && c.Topic != nil {
			p.Title = c.Topic.Text
		}
	}
	if p.PatientID != "" {
		n, err := s.store.Name(ctx, "Patient", p.PatientID)
		if err != nil {
			return p, fmt.Errorf("actions: %w", err)
		}
		p.PatientName = n
	}
	return p, nil
}

// entryPatient finds the patient an outbox entry concerns, from its
// payload as its kind says it is: the first change of a change set that
// names one, else the resource or Bundle.
func entryPatient(e cache.OutboxEntry) string {
	if !e.Kind.Merges() {
		return payloadPatient(e.Payload)
	}
	cs, err := outbox.DecodeChangeSet(e.Payload)
	if err != nil {
		return ""
	}
	for _, c := range cs.Changes {
		if id := payloadPatient(c.New); id != "" {
			return id
		}
	}
	return ""
}

// payloadPatient finds the patient a resource concerns: its subject,
// patient or for reference, or that of a transaction Bundle's first entry.
func payloadPatient(payload []byte) string {
	var r struct {
		ResourceType string             `json:"resourceType"`
		Subject      *fhir.Reference    `json:"subject"`
		Patient      *fhir.Reference    `json:"patient"`
		For          *fhir.Reference    `json:"for"`
		Entry        []fhir.BundleEntry `json:"entry"`
	}
	if json.Unmarshal(payload, &r) != nil {
		return ""
	}
	for _, ref := range []*fhir.Reference{r.Subject, r.Patient, r.For} {
		if id, ok := fhir.RefID(ref, "Patient"); ok {
			return id
		}
	}
	if r.ResourceType == "Bundle" && len(r.Entry) > 0 {
		return payloadPatient(r.Entry[0].Resource)
	}
	return ""
}

// versions fills the two sides of a conflict in a readable form.
func (s *Service) versions(ctx context.Context, p *console.SyncProblem, c cache.OutboxConflictView) error {
	p.Mine.Version = c.Entry.IfMatch
	p.Theirs.Version = c.ServerVersion
	switch {
	case p.Change == console.SyncChangeRegime:
		if r, ok := bundleRegime(c.Entry); ok {
			p.Mine.Regime, p.Mine.Author = &r, r.Author
		}
		// The central's CarePlan alone lacks the thresholds (they are in
		// its ServiceRequests): the cache's newest version is the central's
		// after the pull that follows every push.
		if p.PatientID != "" {
			hist, err := s.store.RegimeHistory(ctx, p.PatientID)
			if err != nil {
				return fmt.Errorf("actions: sync problem regime: %w", err)
			}
			if len(hist) > 0 {
				r := newestRegime(hist)
				p.Theirs.Regime, p.Theirs.Author = &r, r.Author
				if p.Theirs.Version == "" {
					p.Theirs.Version = r.Version
				}
			}
		}
	case c.Entry.ResourceType == "Task":
		p.Mine.Lines = taskChangeLines(minePayload(c.Entry))
		p.Theirs.Lines = taskLines(c.ServerJSON)
		if t, err := fhir.Decode[*fhir.Task](c.ServerJSON); err == nil && t.Owner != nil {
			p.Theirs.Author = t.Owner.Display
		}
	case c.Entry.ResourceType == "EpisodeOfCare":
		var err error
		if p.Mine.Lines, err = s.episodeLines(ctx, minePayload(c.Entry)); err != nil {
			return err
		}
		if p.Theirs.Lines, err = s.episodeLines(ctx, c.ServerJSON); err != nil {
			return err
		}
	default:
		p.Mine.Lines, p.Theirs.Lines = fieldDiff(minePayload(c.Entry), c.ServerJSON)
	}
	return nil
}

// minePayload is what the nurse's change sets a resource to: the new
// rendering of a change set's first change, else the payload itself (a
// PUT body or JSON Patch queued before change sets).
func minePayload(e cache.OutboxEntry) []byte {
	if !e.Kind.Merges() {
		return e.Payload
	}
	if cs, err := outbox.DecodeChangeSet(e.Payload); err == nil {
		return cs.Changes[0].New
	}
	return nil
}

// bundleRegime reads the regime a change set (or, queued before change
// sets, a transaction Bundle) of a CarePlan and its ServiceRequests holds.
func bundleRegime(e cache.OutboxEntry) (domain.Regime, bool) {
	var resources [][]byte
	switch {
	case e.Kind.Merges():
		cs, err := outbox.DecodeChangeSet(e.Payload)
		if err != nil {
			return domain.Regime{}, false
		}
		for _, c := range cs.Changes {
			resources = append(resources, c.New)
		}
	case e.Kind == outbox.Transaction:
		b, err := fhir.Decode[*fhir.Bundle](e.Payload)
		if err != nil {
			return domain.Regime{}, false
		}
		for _, be := range b.Entry {
			resources = append(resources, be.Resource)
		}
	default:
		return domain.Regime{}, false
	}
	var cp *fhir.CarePlan
	var srs []*fhir.ServiceRequest
	for _, raw := range resources {
		res, err := fhir.DecodeResource(raw)
		if err != nil {
			continue
		}
		switch r := res.(type) {
		case *fhir.CarePlan:
			cp = r
		case *fhir.ServiceRequest:
			if r.Status != "revoked" {
				srs = append(srs, r)
			}
		}
	}
	if cp == nil {
		return domain.Regime{}, false
	}
	r, err := fhir.RegimeFromFHIR(cp, srs)
	return r, err == nil
}

// taskChangeLines reads a Task change (a change set's new elements, a JSON
// Patch or a PUT) as "field: value" lines.
func taskChangeLines(payload []byte) []string {
	var ops []struct {
		Op    string          `json:"op"`
		Path  string          `json:"path"`
		Value json.RawMessage `json:"value"`
	}
	if json.Unmarshal(payload, &ops) != nil {
		if lines := taskLines(payload); lines != nil {
			return lines
		}
		// The new elements of a change set: "element: value".
		var obj map[string]json.RawMessage
		if json.Unmarshal(payload, &obj) != nil {
			return nil
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var out []string
		for _, k := range keys {
			out = append(out, k+": "+shortJSON(obj[k]))
		}
		return out
	}
	var out []string
	for _, op := range ops {
		if op.Op != "add" && op.Op != "replace" {
			continue
		}
		out = append(out, strings.TrimPrefix(op.Path, "/")+": "+shortJSON(op.Value))
	}
	return out
}

// taskLines is a Task's status, owner and completion time.
func taskLines(raw []byte) []string {
	t, err := fhir.Decode[*fhir.Task](raw)
	if err != nil {
		return nil
	}
	out := []string{"status: " + t.Status}
	if t.Owner != nil {
		out = append(out, "owner: "+firstNonEmpty(t.Owner.Display, t.Owner.Reference))
	}
	if t.ExecutionPeriod != nil && t.ExecutionPeriod.End != "" {
		out = append(out, "executionPeriod.end: "+t.ExecutionPeriod.End)
	}
	return out
}

// episodeLines is an EpisodeOfCare's home team and cover.
func (s *Service) episodeLines(ctx context.Context, raw []byte) ([]string, error) {
	e, err := fhir.Decode[*fhir.EpisodeOfCare](raw)
	if err != nil {
		return nil, nil
	}
	_, r, err := fhir.EpisodeOfCareToResponsibility(e)
	if err != nil {
		return nil, nil
	}
	name := func(t domain.Team) (string, error) {
		if t.Name != "" {
			return t.Name, nil
		}
		n, err := s.store.Name(ctx, "CareTeam", t.ID)
		if err != nil {
			return "", fmt.Errorf("actions: %w", err)
		}
		return firstNonEmpty(n, t.ID), nil
	}
	home, err := name(r.Home)
	if err != nil {
		return nil, err
	}
	out := []string{"team: " + home}
	covers := r.Planned
	if r.Cover != nil && len(covers) == 0 {
		covers = []domain.Cover{*r.Cover}
	}
	for _, c := range covers {
		n, err := name(c.Team)
		if err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprintf("cover: %s %s–%s", n, fhir.FormatInstant(c.Period.From), fhir.FormatInstant(c.Period.To)))
	}
	return out, nil
}

// fieldDiff lists the top-level fields of mine that differ from theirs,
// each side as "field: value" (meta and text left out).
func fieldDiff(mine, theirs []byte) (m, t []string) {
	var a, b map[string]json.RawMessage
	_ = json.Unmarshal(mine, &a)
	_ = json.Unmarshal(theirs, &b)
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var names []string
	for k := range keys {
		if k != "meta" && k != "text" && k != "resourceType" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		x, y := shortJSON(a[k]), shortJSON(b[k])
		if x == y {
			continue
		}
		m, t = append(m, k+": "+x), append(t, k+": "+y)
	}
	return m, t
}

// shortJSON is a JSON value as a short text: a string without quotes,
// anything else compact, cut at 60 characters.
func shortJSON(v json.RawMessage) string {
	if len(v) == 0 {
		return "–"
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		s = string(v)
	}
	if r := []rune(s); len(r) > 60 {
		s = string(r[:59]) + "…"
	}
	return s
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// ResolveConflict settles a conflicted or failed entry by the nurse's
// explicit choice (see console.SyncResolver). keepMine on a conflict sends her
// change on top of the central's current version: a regime change is made
// again as the version after the one now in the cache (the central's), any
// other change is sent again with If-Match on the central's version. A
// failed entry is tried again. Otherwise her change is discarded. Every
// choice is audited with her version and the central's.
func (s *Service) ResolveConflict(ctx context.Context, uuid string, keepMine bool) error {
	conflicts, err := s.store.OutboxConflicts(ctx)
	if err != nil {
		return fmt.Errorf("actions: resolve conflict: %w", err)
	}
	var found *cache.OutboxConflictView
	for i := range conflicts {
		if conflicts[i].Entry.UUID == uuid {
			found = &conflicts[i]
		}
	}
	if found == nil {
		return s.resolveFailed(ctx, uuid, keepMine)
	}
	e := found.Entry
	p, err := s.describe(ctx, e)
	if err != nil {
		return err
	}
	at := s.clock()
	detail := map[string]any{"outbox": uuid, "type": e.ResourceType, "id": e.ResourceID,
		"old": map[string]any{"mine_version": e.IfMatch, "server_version": found.ServerVersion}}
	if !keepMine {
		detail["new"] = map[string]any{"kept": "server", "version": found.ServerVersion}
		return s.write(ctx, "keep theirs", func(tx *cache.Tx) error {
			if err := tx.ResolveOutbox(uuid, cache.OutboxResult{Outcome: cache.ResultDiscarded, By: s.user.ID, At: at,
				Recorded: at}); err != nil {
				return err
			}
			return s.audit(tx, at, AuditKeepTheirs, p.PatientID, detail)
		})
	}
	if p.Change == console.SyncChangeRegime {
		return s.keepMyRegime(ctx, e, p.PatientID, at, detail)
	}
	if found.ServerVersion == "" {
		return errors.New("actions: keep mine: the central's version is not known; sync first")
	}
	if e.Kind.Merges() {
		// The version is in the change itself: make it the central's.
		cs, err := outbox.DecodeChangeSet(e.Payload)
		if err != nil {
			return fmt.Errorf("actions: keep mine: the queued change cannot be read: %w", err)
		}
		for i, c := range cs.Changes {
			if c.ResourceType == e.ResourceType && c.ID == e.ResourceID {
				cs.Changes[i].IfMatch = found.ServerVersion
			}
		}
		raw, err := json.Marshal(cs)
		if err != nil {
			return fmt.Errorf("actions: keep mine: %w", err)
		}
		if err := s.store.RequeueOutboxChange(ctx, uuid, found.ServerVersion, raw); err != nil {
			return fmt.Errorf("actions: keep mine: %w", err)
		}
	} else if err := s.store.RequeueOutbox(ctx, uuid, found.ServerVersion); err != nil {
		return fmt.Errorf("actions: keep mine: %w", err)
	}
	detail["new"] = map[string]any{"kept": "mine", "if_match": found.ServerVersion}
	return s.write(ctx, "audit keep mine", func(tx *cache.Tx) error {
		return s.audit(tx, at, AuditKeepMine, p.PatientID, detail)
	})
}

// keepMyRegime makes the nurse's regime again as the version after the
// cached one (the central's), in one transaction with dropping the
// conflicted entry: the new entry carries fresh If-Match values for the
// CarePlan and every ServiceRequest.
func (s *Service) keepMyRegime(ctx context.Context, e cache.OutboxEntry, patientID string, at time.Time, detail map[string]any) error {
	mine, ok := bundleRegime(e)
	if !ok {
		return errors.New("actions: keep mine: the queued regime change cannot be read")
	}
	return s.write(ctx, "keep my regime", func(tx *cache.Tx) error {
		if err := tx.ResolveOutbox(e.UUID, cache.OutboxResult{Outcome: cache.ResultDiscarded, By: s.user.ID, At: at,
			Detail: "replaced: kept mine on top of the central's version", Recorded: at}); err != nil {
			return err
		}
		cur, ok, err := tx.CurrentRegime(patientID)
		if err != nil {
			return err
		}
		if !ok {
			return problem("patient", domain.CodeInvalid, "the patient has no regime in the cache")
		}
		next := mine
		next.EffectiveFrom = at
		if err := s.saveRegimeVersion(tx, at, cur, next); err != nil {
			return err
		}
		detail["new"] = map[string]any{"kept": "mine", "on_version": cur.Meta.VersionID}
		return s.audit(tx, at, AuditKeepMine, patientID, detail)
	})
}

// resolveFailed tries a refused entry again (keep) or discards it.
func (s *Service) resolveFailed(ctx context.Context, uuid string, retry bool) error {
	failed, err := s.store.Outbox(ctx, cache.OutboxFailed, s.clock())
	if err != nil {
		return fmt.Errorf("actions: resolve failed: %w", err)
	}
	for _, e := range failed {
		if e.UUID != uuid {
			continue
		}
		p, err := s.describe(ctx, e)
		if err != nil {
			return err
		}
		at := s.clock()
		action := AuditRetryFailed
		if retry {
			err = s.store.RequeueOutbox(ctx, uuid, "")
		} else {
			action = AuditKeepTheirs
			err = s.store.DiscardOutbox(ctx, uuid, s.user.ID, at)
		}
		if err != nil {
			return fmt.Errorf("actions: resolve failed: %w", err)
		}
		return s.write(ctx, "audit failed entry", func(tx *cache.Tx) error {
			return s.audit(tx, at, action, p.PatientID, map[string]any{"outbox": uuid, "type": e.ResourceType,
				"old": map[string]any{"state": "failed", "error": e.LastError},
				"new": map[string]any{"retry": retry}})
		})
	}
	return fmt.Errorf("actions: outbox entry %s is neither conflicted nor failed: %w", uuid, cache.ErrNotFound)
}

// newestRegime is the central's newest version: the last of the history
// (oldest first) that is not a pending local one. Version ids are opaque.
func newestRegime(hist []domain.Regime) domain.Regime {
	for i := len(hist) - 1; i >= 0; i-- {
		if !domain.IsPendingVersion(hist[i].Version) {
			return hist[i]
		}
	}
	return hist[len(hist)-1]
}
