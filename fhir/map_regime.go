package fhir

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

var fhirDays = [...]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

func dayCode(d time.Weekday) string { return fhirDays[d] }

func parseDay(s string) (time.Weekday, error) {
	for i, d := range fhirDays {
		if d == s {
			return time.Weekday(i), nil
		}
	}
	return 0, fmt.Errorf("unknown dayOfWeek %q", s)
}

// ServiceRequestID is the id given to the ServiceRequest of kind k in the
// regime whose CarePlan id is carePlanID.
func ServiceRequestID(carePlanID string, k domain.Kind) string {
	return carePlanID + "-" + string(k)
}

func intp(v int) *int           { return &v }
func floatp(v float64) *float64 { return &v }

// ScheduleToTiming maps a schedule's frequency and deadline to a Timing.
// The deadline is written as repeat.timeOfDay (absent for end of day, 24h).
// Daily: 1 per 1 d; OnWeekdays: 1 per 1 d on dayOfWeek; Weekly: 1 per 1 wk
// on one dayOfWeek (Monday when none is given); TimesPerWeek: N per 1 wk.
func ScheduleToTiming(s domain.Schedule) *Timing {
	rp := &TimingRepeat{Frequency: intp(1), Period: floatp(1), PeriodUnit: "d"}
	switch s.Freq.Kind {
	case domain.OnWeekdays:
		for _, d := range s.Freq.Weekdays {
			rp.DayOfWeek = append(rp.DayOfWeek, dayCode(d))
		}
	case domain.Weekly:
		rp.PeriodUnit = "wk"
		d := time.Monday
		if len(s.Freq.Weekdays) > 0 {
			d = s.Freq.Weekdays[0]
		}
		rp.DayOfWeek = []string{dayCode(d)}
	case domain.TimesPerWeek:
		rp.PeriodUnit = "wk"
		rp.Frequency = intp(s.Freq.N)
	}
	if s.Deadline > 0 && s.Deadline < 24*time.Hour {
		d := s.Deadline
		rp.TimeOfDay = []string{fmt.Sprintf("%02d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)}
	}
	return &Timing{Repeat: rp}
}

// TimingToSchedule is the inverse of ScheduleToTiming.
func TimingToSchedule(k domain.Kind, t *Timing) (domain.Schedule, error) {
	s := domain.Schedule{Kind: k, Deadline: 24 * time.Hour}
	if t == nil || t.Repeat == nil {
		return s, fmt.Errorf("%s: occurrenceTiming.repeat is missing", k)
	}
	rp := t.Repeat
	freq := 1
	if rp.Frequency != nil {
		freq = *rp.Frequency
	}
	period := 1.0
	if rp.Period != nil {
		period = *rp.Period
	}
	if period != 1 {
		return s, fmt.Errorf("%s: period %g %s is not supported (only 1)", k, period, rp.PeriodUnit)
	}
	var days []time.Weekday
	for _, d := range rp.DayOfWeek {
		wd, err := parseDay(d)
		if err != nil {
			return s, fmt.Errorf("%s: %w", k, err)
		}
		days = append(days, wd)
	}
	switch {
	case rp.PeriodUnit == "d" && freq == 1 && len(days) == 0:
		s.Freq = domain.Frequency{Kind: domain.Daily}
	case rp.PeriodUnit == "d" && freq == 1:
		s.Freq = domain.Frequency{Kind: domain.OnWeekdays, Weekdays: days}
	case rp.PeriodUnit == "wk" && len(days) > 0 && freq == 1:
		s.Freq = domain.Frequency{Kind: domain.Weekly, Weekdays: days[:1]}
	case rp.PeriodUnit == "wk" && len(days) == 0 && freq >= 1 && freq <= 7:
		s.Freq = domain.Frequency{Kind: domain.TimesPerWeek, N: freq}
	default:
		return s, fmt.Errorf("%s: timing %d per %g %s is not supported", k, freq, period, rp.PeriodUnit)
	}
	if len(rp.TimeOfDay) > 0 {
		tod, err := time.Parse(time.TimeOnly, rp.TimeOfDay[0])
		if err != nil {
			return s, fmt.Errorf("%s: timeOfDay %q: %w", k, rp.TimeOfDay[0], err)
		}
		s.Deadline = time.Duration(tod.Hour())*time.Hour + time.Duration(tod.Minute())*time.Minute + time.Duration(tod.Second())*time.Second
	}
	return s, nil
}

// referenceRangeExt builds one ehealth-referenceRange extension.
func referenceRangeExt(low, high domain.Limit, unit, level string, measSystem, measCode string) Extension {
	e := Extension{URL: ExtReferenceRange}
	if low.OK {
		e.Extension = append(e.Extension, Extension{URL: "low", ValueQuantity: Qty(low.V, unit)})
	}
	if high.OK {
		e.Extension = append(e.Extension, Extension{URL: "high", ValueQuantity: Qty(high.V, unit)})
	}
	t := CodeableConcept{Coding: []Coding{{System: SystemAlarmLevel, Code: level}, {System: measSystem, Code: measCode}}}
	e.Extension = append(e.Extension, Extension{URL: "type", ValueCodeableConcept: &t})
	return e
}

func limitsToExts(l domain.Limits, unit string, relative bool, measSystem, measCode string) []Extension {
	red, yellow := CodeAlarmRed, CodeAlarmYellow
	if relative {
		red, yellow = CodeRelRed, CodeRelYellow
	}
	var out []Extension
	if l.RedLow.OK || l.RedHigh.OK {
		out = append(out, referenceRangeExt(l.RedLow, l.RedHigh, unit, red, measSystem, measCode))
	}
	if l.YellowLow.OK || l.YellowHigh.OK {
		out = append(out, referenceRangeExt(l.YellowLow, l.YellowHigh, unit, yellow, measSystem, measCode))
	}
	return out
}

// thresholdsToExts writes one kind's thresholds as ehealth-referenceRange
// extensions; blood pressure gets separate ranges coded for the systolic and
// diastolic codes, weight uses the relative levels RELRAL/RELGAL.
func thresholdsToExts(k domain.Kind, kt domain.KindThresholds) []Extension {
	unit := k.Unit()
	if k == domain.KindBloodPressure {
		return append(limitsToExts(kt.Primary, unit, false, SystemNPU, CodeSystolic),
			limitsToExts(kt.Secondary, unit, false, SystemNPU, CodeDiastolic)...)
	}
	sys, code := KindCode(k)
	return limitsToExts(kt.Primary, unit, k == domain.KindWeight, sys, code)
}

func extQtyLimit(e Extension, url string) domain.Limit {
	if sub := FindExtension(e.Extension, url); sub != nil {
		return qtyLimit(sub.ValueQuantity)
	}
	return domain.Limit{}
}

func extsToThresholds(k domain.Kind, exts []Extension) (domain.KindThresholds, error) {
	var kt domain.KindThresholds
	for _, e := range FindExtensions(exts, ExtReferenceRange) {
		typ := FindExtension(e.Extension, "type")
		if typ == nil || typ.ValueCodeableConcept == nil {
			return kt, fmt.Errorf("%s: ehealth-referenceRange without type", k)
		}
		cc := *typ.ValueCodeableConcept
		target := &kt.Primary
		if k == domain.KindBloodPressure && cc.HasCode(SystemNPU, CodeDiastolic) {
			target = &kt.Secondary
		}
		low, high := extQtyLimit(e, "low"), extQtyLimit(e, "high")
		level, _ := cc.CodeIn(SystemAlarmLevel)
		switch level {
		case CodeAlarmRed, CodeRelRed:
			target.RedLow, target.RedHigh = low, high
		case CodeAlarmYellow, CodeRelYellow:
			target.YellowLow, target.YellowHigh = low, high
		default:
			return kt, fmt.Errorf("%s: unknown alarm level %q", k, level)
		}
	}
	return kt, nil
}

func personRef(resourceType, s string) *Reference {
	if s == "" {
		return nil
	}
	if ValidID(s) {
		return Ref(resourceType, s)
	}
	return &Reference{Display: s}
}

// physicianRef is the reference to a regime's responsible physician: a
// Practitioner reference when the regime holds one
// (domain.PractitionerRef), else the value as display text with no
// reference. Unlike personRef it never takes a word for an id: the
// physician is typed by a nurse, and "Hansen" is a name, not
// Practitioner/Hansen.
func physicianRef(s string) *Reference {
	if s == "" {
		return nil
	}
	if id, ok := domain.PractitionerOf(s); ok && ValidID(id) {
		return Ref("Practitioner", id)
	}
	return &Reference{Display: s}
}

// physicianOf is the inverse of physicianRef: a Practitioner reference
// (whatever display it carries) as domain.PractitionerRef, else the
// display text.
func physicianOf(r *Reference) string {
	if id, ok := RefID(r, "Practitioner"); ok {
		return domain.PractitionerRef(id)
	}
	if r != nil {
		return r.Display
	}
	return ""
}

func personOf(r *Reference, resourceType string) string {
	if id, ok := RefID(r, resourceType); ok {
		return id
	}
	if r != nil {
		return r.Display
	}
	return ""
}

// RegimeToFHIR maps a regime version to a CarePlan and one ServiceRequest
// per measurement kind that is scheduled or has thresholds (in
// domain.Kinds order). Thresholds go into ehealth-referenceRange
// extensions on the ServiceRequests; the reference weight into an extension
// on the weight ServiceRequest.
func RegimeToFHIR(r domain.Regime) (*CarePlan, []*ServiceRequest) {
	cp := &CarePlan{
		Base:    Base{ResourceType: "CarePlan", ID: r.ID},
		Status:  planStatus(r),
		Intent:  "plan",
		Title:   "TeleHjerte måleregime",
		Subject: *Ref("Patient", r.PatientID),
		Author:  personRef("Practitioner", r.Author),
	}
	if r.Version != "" {
		cp.Meta = &Meta{VersionID: r.Version}
	}
	if !r.Start.IsZero() || !r.End.IsZero() {
		cp.Period = &Period{Start: FormatInstant(r.Start), End: FormatInstant(r.End)}
	}
	if r.Phase != "" {
		cp.Extension = append(cp.Extension, codeExt(ExtPhase, string(r.Phase)))
	}
	if !r.EffectiveFrom.IsZero() {
		cp.Extension = append(cp.Extension, dtExt(ExtEffectiveFrom, r.EffectiveFrom))
	}
	if !r.Reevaluation.IsZero() {
		cp.Extension = append(cp.Extension, dtExt(ExtReevaluation, r.Reevaluation))
	}
	cp.Extension = append(cp.Extension, courseExtensions(r)...)
	cp.InstantiatesCanonical = append([]string(nil), r.Questionnaires...)
	for _, p := range r.Pauses {
		e := Extension{URL: ExtPause, ValuePeriod: &Period{Start: FormatInstant(p.From), End: FormatInstant(p.To)}}
		if p.Reason != "" {
			e.Extension = []Extension{strExt("reason", p.Reason)}
			// An extension has either a value or nested extensions: keep the
			// period nested too when there is a reason.
			e.Extension = append(e.Extension, Extension{URL: "period", ValuePeriod: e.ValuePeriod})
			e.ValuePeriod = nil
		}
		cp.Extension = append(cp.Extension, e)
	}
	if tr := r.TrendRule; tr != nil {
		cp.Extension = append(cp.Extension, Extension{URL: ExtTrendRule, Extension: []Extension{
			{URL: "gain", ValueQuantity: Qty(tr.GainKg, "kg")},
			{URL: "days", ValueInteger: intp(tr.Days)},
			codeExt("colour", tr.Color.String()),
		}})
	}
	if r.Reason != "" {
		cp.Extension = append(cp.Extension, strExt(ExtReason, r.Reason))
	}
	if ref := physicianRef(r.Physician); ref != nil {
		cp.Extension = append(cp.Extension, Extension{URL: ExtPhysician, ValueReference: ref})
	}

	var srs []*ServiceRequest
	for _, k := range domain.Kinds() {
		si := slices.IndexFunc(r.Schedules, func(s domain.Schedule) bool { return s.Kind == k })
		kt, hasT := r.Thresholds.ByKind[k]
		if si < 0 && !hasT {
			continue
		}
		code := KindConcept(k)
		sr := &ServiceRequest{
			Base:    Base{ResourceType: "ServiceRequest"},
			Status:  planStatus(r),
			Intent:  "plan",
			Code:    &code,
			Subject: *Ref("Patient", r.PatientID),
		}
		if r.ID != "" {
			sr.ID = ServiceRequestID(r.ID, k)
			sr.BasedOn = []Reference{*Ref("CarePlan", r.ID)}
			cp.Activity = append(cp.Activity, CarePlanActivity{Reference: Ref("ServiceRequest", sr.ID)})
		}
		if si >= 0 {
			sr.OccurrenceTiming = ScheduleToTiming(r.Schedules[si])
		}
		if hasT {
			sr.Extension = thresholdsToExts(k, kt)
		}
		if k == domain.KindWeight && r.Thresholds.ReferenceWeight > 0 {
			sr.Extension = append(sr.Extension, Extension{URL: ExtReferenceWeight, ValueQuantity: Qty(r.Thresholds.ReferenceWeight, "kg")})
		}
		srs = append(srs, sr)
	}
	return cp, srs
}

// RegimeFromFHIR is the inverse of RegimeToFHIR. srs are the CarePlan's
// ServiceRequests (callers select them, e.g. by basedOn); cancelled or
// revoked ones are skipped.
func RegimeFromFHIR(cp *CarePlan, srs []*ServiceRequest) (domain.Regime, error) {
	var r domain.Regime
	pid, ok := RefID(&cp.Subject, "Patient")
	if !ok {
		return r, malformed("CarePlan %s: subject is not a Patient", cp.ID)
	}
	r = domain.Regime{ID: cp.ID, PatientID: pid, Phase: domain.Phase(extString(cp.Extension, ExtPhase)),
		Reason: extString(cp.Extension, ExtReason), Author: personOf(cp.Author, "Practitioner")}
	if cp.Meta != nil {
		r.Version = cp.Meta.VersionID
	}
	var err error
	if cp.Period != nil {
		if r.Start, err = ParseDateTime(cp.Period.Start); err != nil {
			return r, fmt.Errorf("CarePlan %s period: %w", cp.ID, err)
		}
		if r.End, err = ParseDateTime(cp.Period.End); err != nil {
			return r, fmt.Errorf("CarePlan %s period: %w", cp.ID, err)
		}
	}
	if r.EffectiveFrom, err = extTime(cp.Extension, ExtEffectiveFrom); err != nil {
		return r, err
	}
	if r.Reevaluation, err = extTime(cp.Extension, ExtReevaluation); err != nil {
		return r, err
	}
	if err := readCourseExtensions(cp, &r); err != nil {
		return r, err
	}
	if len(cp.InstantiatesCanonical) > MaxCanonicals {
		return r, malformed("CarePlan %s: implausibly many instantiatesCanonical", cp.ID)
	}
	for _, c := range cp.InstantiatesCanonical {
		if c = strings.TrimSpace(c); c != "" {
			r.Questionnaires = append(r.Questionnaires, c)
		}
	}
	if e := FindExtension(cp.Extension, ExtPhysician); e != nil {
		r.Physician = physicianOf(e.ValueReference)
	}
	for _, e := range FindExtensions(cp.Extension, ExtPause) {
		per := e.ValuePeriod
		if sub := FindExtension(e.Extension, "period"); sub != nil {
			per = sub.ValuePeriod
		}
		if per == nil {
			return r, malformed("CarePlan %s: pause without period", cp.ID)
		}
		var p domain.Period
		if p.From, err = ParseDateTime(per.Start); err != nil {
			return r, err
		}
		if p.To, err = ParseDateTime(per.End); err != nil {
			return r, err
		}
		p.Reason = extString(e.Extension, "reason")
		r.Pauses = append(r.Pauses, p)
	}
	if e := FindExtension(cp.Extension, ExtTrendRule); e != nil {
		tr := &domain.TrendRule{GainKg: qtyLimit(FindExtensionValueQty(e.Extension, "gain")).V}
		if d := FindExtension(e.Extension, "days"); d != nil && d.ValueInteger != nil {
			tr.Days = *d.ValueInteger
		}
		if tr.Color, err = domain.ParseColor(extString(e.Extension, "colour")); err != nil {
			return r, fmt.Errorf("CarePlan %s trend rule: %w", cp.ID, err)
		}
		r.TrendRule = tr
	}
	for _, sr := range srs {
		if sr.Status == "revoked" || sr.Status == "entered-in-error" || sr.Code == nil {
			continue
		}
		k, ok := KindOf(*sr.Code)
		if !ok {
			continue // a ServiceRequest for something we do not monitor
		}
		if sr.OccurrenceTiming != nil {
			s, err := TimingToSchedule(k, sr.OccurrenceTiming)
			if err != nil {
				return r, fmt.Errorf("ServiceRequest %s: %w", sr.ID, err)
			}
			r.Schedules = append(r.Schedules, s)
		}
		if len(FindExtensions(sr.Extension, ExtReferenceRange)) > 0 {
			kt, err := extsToThresholds(k, sr.Extension)
			if err != nil {
				return r, fmt.Errorf("ServiceRequest %s: %w", sr.ID, err)
			}
			if r.Thresholds.ByKind == nil {
				r.Thresholds.ByKind = map[domain.Kind]domain.KindThresholds{}
			}
			r.Thresholds.ByKind[k] = kt
		}
		if k == domain.KindWeight {
			r.Thresholds.ReferenceWeight = qtyLimit(FindExtensionValueQty(sr.Extension, ExtReferenceWeight)).V
		}
	}
	return r, nil
}

// FindExtensionValueQty returns the valueQuantity of the first extension
// with url, or nil.
func FindExtensionValueQty(exts []Extension, url string) *Quantity {
	if e := FindExtension(exts, url); e != nil {
		return e.ValueQuantity
	}
	return nil
}
