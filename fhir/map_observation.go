package fhir

import (
	"fmt"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// ClientIdentifier is the identifier of a client-made resource, used with
// If-None-Exist so that retried creates are idempotent.
func ClientIdentifier(uuid string) Identifier {
	return Identifier{System: SystemURI, Value: "urn:uuid:" + uuid}
}

// IdentifierQuery is the If-None-Exist / search value for id.
func IdentifierQuery(id Identifier) string {
	return "identifier=" + id.System + "|" + id.Value
}

// ClientIdentifierCondition is the If-None-Exist value of a create that
// carries the client-made identifier urn:uuid:<uuid>, so that a retried
// create finds the resource the first attempt made.
func ClientIdentifierCondition(uuid string) string {
	return IdentifierQuery(ClientIdentifier(uuid))
}

// MeasurementToObservation maps a reading, and its classification when cls
// is not nil, to an Observation. The classification's absolute limits go
// into referenceRange (type RAL/GAL; for blood pressure on each component),
// its colour into interpretation and an implausibility reason into an
// extension.
func MeasurementToObservation(m domain.Measurement, cls *domain.Classification) *Observation {
	o := &Observation{
		Base:              Base{ResourceType: "Observation", ID: m.ID},
		Status:            "final",
		Category:          []CodeableConcept{Concept(SystemObsCategory, "vital-signs", "")},
		Code:              KindConcept(m.Kind),
		Subject:           Ref("Patient", m.PatientID),
		EffectiveDateTime: FormatInstant(m.Taken),
		Issued:            FormatInstant(m.Received),
	}
	if m.Extra {
		o.Extension = append(o.Extension, boolExt(ExtExtra, true))
	}
	unit := m.Kind.Unit()
	if m.Kind == domain.KindBloodPressure {
		o.Component = []ObservationComponent{
			{Code: Concept(SystemNPU, CodeSystolic, ""), ValueQuantity: Qty(m.Value, unit)},
			{Code: Concept(SystemNPU, CodeDiastolic, ""), ValueQuantity: Qty(m.Value2, unit)},
		}
	} else {
		o.ValueQuantity = Qty(m.Value, unit)
	}
	if cls != nil {
		SetClassification(o, *cls)
	}
	return o
}

// SetClassification writes a classification into o, replacing any earlier
// one: colour in interpretation, reason in the implausible extension, limits
// in referenceRange.
func SetClassification(o *Observation, cls domain.Classification) {
	o.Interpretation = []CodeableConcept{colourConcept(cls.Color)}
	var kept []Extension
	for _, e := range o.Extension {
		if e.URL != ExtImplausible {
			kept = append(kept, e)
		}
	}
	o.Extension = kept
	if cls.Implausible != "" {
		o.Extension = append(o.Extension, strExt(ExtImplausible, cls.Implausible))
	}
	kind, _ := KindOf(o.Code)
	unit := kind.Unit()
	o.ReferenceRange = nil
	if kind == domain.KindBloodPressure && len(o.Component) == 2 {
		o.Component[0].ReferenceRange = limitsToRanges(cls.Limits.Primary, unit)
		o.Component[1].ReferenceRange = limitsToRanges(cls.Limits.Secondary, unit)
		return
	}
	o.ReferenceRange = limitsToRanges(cls.Limits.Primary, unit)
}

func limitQty(l domain.Limit, unit string) *Quantity {
	if !l.OK {
		return nil
	}
	return Qty(l.V, unit)
}

func limitsToRanges(l domain.Limits, unit string) []ObservationReferenceRange {
	var out []ObservationReferenceRange
	if l.RedLow.OK || l.RedHigh.OK {
		t := Concept(SystemAlarmLevel, CodeAlarmRed, "")
		out = append(out, ObservationReferenceRange{Low: limitQty(l.RedLow, unit), High: limitQty(l.RedHigh, unit), Type: &t})
	}
	if l.YellowLow.OK || l.YellowHigh.OK {
		t := Concept(SystemAlarmLevel, CodeAlarmYellow, "")
		out = append(out, ObservationReferenceRange{Low: limitQty(l.YellowLow, unit), High: limitQty(l.YellowHigh, unit), Type: &t})
	}
	return out
}

func qtyLimit(q *Quantity) domain.Limit {
	if q == nil || q.Value == nil {
		return domain.Limit{}
	}
	return domain.L(*q.Value)
}

func rangesToLimits(rs []ObservationReferenceRange) (domain.Limits, error) {
	var l domain.Limits
	for i, r := range rs {
		if r.Type == nil {
			return l, fmt.Errorf("referenceRange[%d] has no type", i)
		}
		switch {
		case r.Type.HasCode(SystemAlarmLevel, CodeAlarmRed):
			l.RedLow, l.RedHigh = qtyLimit(r.Low), qtyLimit(r.High)
		case r.Type.HasCode(SystemAlarmLevel, CodeAlarmYellow):
			l.YellowLow, l.YellowHigh = qtyLimit(r.Low), qtyLimit(r.High)
		default:
			return l, fmt.Errorf("referenceRange[%d] type is neither RAL nor GAL", i)
		}
	}
	return l, nil
}

func quantityValue(name string, q *Quantity) (float64, error) {
	if q == nil || q.Value == nil {
		return 0, fmt.Errorf("%s has no value", name)
	}
	return *q.Value, nil
}

// ObservationToMeasurement maps an Observation back to a reading. The
// classification is nil when the Observation carries none (not triaged).
func ObservationToMeasurement(o *Observation) (domain.Measurement, *domain.Classification, error) {
	var m domain.Measurement
	kind, ok := KindOf(o.Code)
	if !ok {
		return m, nil, malformed("Observation %s: code is not a TeleHjerte measurement", o.ID)
	}
	pid, ok := RefID(o.Subject, "Patient")
	if !ok {
		return m, nil, malformed("Observation %s: subject is not a Patient", o.ID)
	}
	taken, err := ParseDateTime(o.EffectiveDateTime)
	if err != nil {
		return m, nil, fmt.Errorf("Observation %s effectiveDateTime: %w", o.ID, err)
	}
	received, err := ParseDateTime(o.Issued)
	if err != nil {
		return m, nil, fmt.Errorf("Observation %s issued: %w", o.ID, err)
	}
	m = domain.Measurement{ID: o.ID, PatientID: pid, Kind: kind, Taken: taken, Received: received, Extra: extBool(o.Extension, ExtExtra)}
	var limits domain.KindThresholds
	if kind == domain.KindBloodPressure {
		var sys, dia *ObservationComponent
		for i := range o.Component {
			c := &o.Component[i]
			switch {
			case c.Code.HasCode(SystemNPU, CodeSystolic):
				sys = c
			case c.Code.HasCode(SystemNPU, CodeDiastolic):
				dia = c
			}
		}
		if sys == nil || dia == nil {
			return m, nil, malformed("Observation %s: blood pressure needs systolic and diastolic components", o.ID)
		}
		if m.Value, err = quantityValue("systolic", sys.ValueQuantity); err != nil {
			return m, nil, malformed("Observation %s: %v", o.ID, err)
		}
		if m.Value2, err = quantityValue("diastolic", dia.ValueQuantity); err != nil {
			return m, nil, malformed("Observation %s: %v", o.ID, err)
		}
		if limits.Primary, err = rangesToLimits(sys.ReferenceRange); err != nil {
			return m, nil, malformed("Observation %s systolic: %v", o.ID, err)
		}
		if limits.Secondary, err = rangesToLimits(dia.ReferenceRange); err != nil {
			return m, nil, malformed("Observation %s diastolic: %v", o.ID, err)
		}
	} else {
		if m.Value, err = quantityValue("valueQuantity", o.ValueQuantity); err != nil {
			return m, nil, malformed("Observation %s: %v", o.ID, err)
		}
		if limits.Primary, err = rangesToLimits(o.ReferenceRange); err != nil {
			return m, nil, malformed("Observation %s: %v", o.ID, err)
		}
	}
	col, ok := colourOf(o.Interpretation)
	if !ok {
		return m, nil, nil
	}
	return m, &domain.Classification{Color: col, Implausible: extString(o.Extension, ExtImplausible), Limits: limits}, nil
}
