package actions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
	"github.com/telehjerte/telehjerte-tui/sync/outbox"
)

// AuditEnrol is the audit action of an enrolment. Its outbox entry
// (labelled OutboxEnrol) is an outbox.Transaction named by ResourceType
// "Patient".
const AuditEnrol = "enrol"

// Enroller implements console.Enroller over the Service's cache: an
// enrolment is one outbox entry holding a transaction Bundle of conditional
// creates (each resource with its own client UUID identifier, so a retry
// after a lost answer finds what the first attempt made), which the central
// takes all or nothing.
type Enroller struct {
	s    *Service
	tmpl domain.RegimeTemplate
	loc  *time.Location
}

var _ console.Enroller = (*Enroller)(nil)

// Enroller returns the enrolment service using template tmpl for the
// start-up regime, with dates in loc (Europe/Copenhagen; nil is UTC).
func (s *Service) Enroller(tmpl domain.RegimeTemplate, loc *time.Location) (*Enroller, error) {
	if err := tmpl.Validate(); err != nil {
		return nil, fmt.Errorf("actions: %w", err)
	}
	if loc == nil {
		loc = time.UTC
	}
	return &Enroller{s: s, tmpl: tmpl, loc: loc}, nil
}

// Template is the start-up regime template.
func (e *Enroller) Template() domain.RegimeTemplate { return e.tmpl }

// Enrol validates the enrolment, refuses a CPR number already in the cache
// or already queued, and queues the transaction with an audit entry.
func (e *Enroller) Enrol(ctx context.Context, en domain.Enrolment) error {
	s := e.s
	at := s.clock()
	en.At, en.By = at, s.user.ID
	cpr, err := en.Validate(at.In(e.loc))
	if err != nil {
		return err
	}
	if en.ID == "" {
		en.ID = s.newUUID()
	}
	reg := e.tmpl.Regime(en, at, e.loc)
	reg.Author = s.user.Name
	res := fhir.EnrolmentToFHIR(en, cpr, reg, s.user.ID, s.newUUID)
	bundle, err := enrolmentBundle(res)
	if err != nil {
		return err
	}
	return s.write(ctx, "enrol", func(tx *cache.Tx) error {
		pid, ok, err := tx.PatientByCPR(cpr.Number)
		if err != nil {
			return err
		}
		if ok {
			// A patient whose course has ended is enrolled again: the
			// central continues her record (the Patient is matched by
			// CPR number) with a new course.
			ok, err = tx.CourseGoingOn(pid, at)
			if err != nil {
				return err
			}
		}
		if ok {
			holder := ""
			if es, ok, err := tx.EpisodeForUpdate(pid); err != nil {
				return err
			} else if ok {
				holder = teamText(es.Responsibility.Home)
			}
			return domain.Problems{&domain.FieldError{Field: "cpr", Code: domain.CodeEnrolled, Other: holder,
				Msg: "already enrolled: held by " + holder}}
		}
		queued, err := tx.QueuedContaining(OutboxEnrol, `"value":"`+cpr.Number+`"`)
		if err != nil {
			return err
		}
		if queued {
			return domain.Problems{&domain.FieldError{Field: "cpr", Code: domain.CodeEnrolled, Other: teamText(en.Team),
				Msg: "an enrolment of this CPR number is already on its way to the central"}}
		}
		if err := tx.Enqueue(cache.OutboxEntry{UUID: en.ID, Created: at, Label: OutboxEnrol,
			Op: outbox.TransactionOp("Patient", ""), Payload: bundle}); err != nil {
			return err
		}
		return s.audit(tx, at, AuditEnrol, "", map[string]any{
			"enrolment": en.ID, "old": nil,
			"new": map[string]any{
				"cpr": domain.MaskCPR(cpr.Number), "name": strings.TrimSpace(en.Name), "team": en.Team.ID,
				"physician": strings.TrimSpace(en.Physician), "reference_weight": en.ReferenceWeight,
				"consent_date": fhir.FormatDate(en.ConsentDate), "consent_recorded_by": s.user.ID,
				"template": e.tmpl.Name, "startup_end": fhir.FormatInstant(reg.StartUpEnd),
				"reevaluation": fhir.FormatInstant(reg.Reevaluation),
			},
		})
	})
}

// enrolmentBundle is the transaction Bundle: one conditional POST per
// resource (If-None-Exist on its client identifier), references between
// them by urn:uuid full URL.
func enrolmentBundle(res fhir.EnrolmentResources) ([]byte, error) {
	b := fhir.Bundle{Base: fhir.Base{ResourceType: "Bundle"}, Type: fhir.BundleTransaction}
	for _, r := range res.Ordered() {
		raw, err := json.Marshal(r)
		if err != nil {
			return nil, fmt.Errorf("encode %s for enrolment: %w", r.Header().ResourceType, err)
		}
		full, ident := res.FullURL[r], res.Ident[r]
		if full == "" || ident.Value == "" {
			return nil, errors.New("enrolment: a resource has no full URL or identifier")
		}
		b.Entry = append(b.Entry, fhir.BundleEntry{FullURL: full, Resource: raw,
			Request: &fhir.BundleEntryRequest{Method: "POST", URL: r.Header().ResourceType, IfNoneExist: fhir.IdentifierQuery(ident)}})
	}
	return json.Marshal(&b)
}

// teamText names a team with its organisation.
func teamText(t domain.Team) string {
	name := t.Name
	if name == "" {
		name = t.ID
	}
	if t.OrgName != "" {
		return name + " (" + t.OrgName + ")"
	}
	return name
}

// enrolledName is the patient's name in an enrolment's Bundle ("" when it
// cannot be read).
func enrolledName(payload []byte) string {
	var b fhir.Bundle
	if json.Unmarshal(payload, &b) != nil {
		return ""
	}
	for _, en := range b.Entry {
		if p, err := fhir.Decode[*fhir.Patient](en.Resource); err == nil {
			dp, err := fhir.PatientFromFHIR(p)
			if err == nil {
				return dp.Name
			}
		}
	}
	return ""
}
