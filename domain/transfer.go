package domain

import (
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxHandoverNote is the longest handover note, in characters.
const MaxHandoverNote = 2000

// Covers returns every cover (Cover and Planned), ordered by start.
func (r Responsibility) Covers() []Cover {
	var out []Cover
	if r.Cover != nil {
		out = append(out, *r.Cover)
	}
	out = append(out, r.Planned...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Period.From.Before(out[j].Period.From) })
	return out
}

// CoverAt returns the cover in force at t, if any.
func (r Responsibility) CoverAt(t time.Time) (Cover, bool) {
	var best Cover
	found := false
	for _, c := range r.Covers() {
		if c.Period.Contains(t) && (!found || !c.Period.From.Before(best.Period.From)) {
			best, found = c, true
		}
	}
	return best, found
}

// NextCover returns the first cover that starts after t: the planned change
// the worklist and the patient header show ("Klinik Vest dækker 7.–25. juli").
func (r Responsibility) NextCover(t time.Time) (Cover, bool) {
	for _, c := range r.Covers() {
		if c.Period.From.After(t) {
			return c, true
		}
	}
	return Cover{}, false
}

// Transfer is a permanent change of monitoring responsibility ("skift af
// monitoreringsansvar"), effective at At: the receiving team sees the
// patient after its next sync, the giving team no longer does.
type Transfer struct {
	PatientID string
	From      Team   // the team that holds responsibility now
	To        Team   // the receiving team
	Note      string // handover note, required
	By        string
	At        time.Time
}

// Validate checks the transfer. Fields: "patient", "to", "note", "by", "at".
func (t Transfer) Validate() error {
	var p Problems
	if t.PatientID == "" {
		p.add("patient", CodeRequired, "the patient must be known")
	}
	switch {
	case t.To.ID == "":
		p.add("to", CodeRequired, "choose the receiving team")
	case t.To.ID == t.From.ID:
		p.add("to", CodeSame, "the patient is already with %s", t.To.ID).Other = "from"
	}
	note := strings.TrimSpace(t.Note)
	if note == "" {
		p.add("note", CodeRequired, "a handover note is required")
	} else if n := utf8.RuneCountInString(note); n > MaxHandoverNote {
		p.add("note", CodeTooLong, "handover note has %d characters, at most %d", n, MaxHandoverNote).Max = MaxHandoverNote
	}
	if strings.TrimSpace(t.By) == "" {
		p.add("by", CodeRequired, "who transfers must be known")
	}
	if t.At.IsZero() {
		p.add("at", CodeRequired, "the time of transfer must be set")
	}
	return p.err()
}

// CoverScope says which patients a holiday cover is for.
type CoverScope string

// Cover scopes.
const (
	CoverPatient CoverScope = "patient" // one patient
	CoverTeam    CoverScope = "team"    // every patient of the home team
)

// CoverPlan is a holiday cover ("ferieafløsning") planned ahead: Covering
// monitors on behalf of Home during Period; at its end responsibility
// returns to Home by itself.
type CoverPlan struct {
	ID        string // chosen by the client, for idempotency
	Scope     CoverScope
	PatientID string // for CoverPatient
	Home      Team
	Covering  Team
	Period    Period // [From, To); To is required
	By        string
	At        time.Time // when it was planned
}

// MaxCoverWeeks is the longest holiday cover, in weeks: a cover is a
// bounded loan of a patient, never a way to take her over.
const MaxCoverWeeks = 8

// MaxCover is MaxCoverWeeks as a duration.
const MaxCover = MaxCoverWeeks * 7 * 24 * time.Hour

// Cover is the plan as a Cover of a patient's Responsibility.
func (c CoverPlan) Cover() Cover { return Cover{Team: c.Covering, Period: c.Period} }

// Validate checks the plan against the covers that already exist for the
// same patients (for a team-wide plan: every cover of the team's patients).
// Fields: "scope", "patient", "covering", "from", "to", "by".
func (c CoverPlan) Validate(existing []Cover) error {
	var p Problems
	switch c.Scope {
	case CoverPatient:
		if c.PatientID == "" {
			p.add("patient", CodeRequired, "the patient must be known")
		}
	case CoverTeam:
		if c.Home.ID == "" {
			p.add("scope", CodeRequired, "the team to cover must be known")
		}
	default:
		p.add("scope", CodeInvalid, "unknown scope %q", c.Scope)
	}
	switch {
	case c.Covering.ID == "":
		p.add("covering", CodeRequired, "choose the covering team")
	case c.Covering.ID == c.Home.ID:
		p.add("covering", CodeSame, "a team cannot cover for itself").Other = "home"
	}
	from, to := c.Period.From, c.Period.To
	if from.IsZero() {
		p.add("from", CodeRequired, "the cover needs a start")
	}
	switch {
	case to.IsZero():
		p.add("to", CodeRequired, "the cover needs an end")
	case !from.IsZero() && !to.After(from):
		p.add("to", CodeAfter, "end %s must be after start %s", to.Format(time.DateOnly), from.Format(time.DateOnly)).Other = "from"
	case !c.At.IsZero() && !to.After(c.At):
		p.add("to", CodeAfter, "the cover ended %s, before it was planned", to.Format(time.DateOnly)).Other = "now"
	case !from.IsZero() && to.Sub(from) > MaxCover:
		p.add("to", CodePeriodTooLong, "a cover lasts at most %d weeks", MaxCoverWeeks).Max = MaxCoverWeeks
	}
	if len(p.ByField()) == 0 || (p.ByField()["from"] == nil && p.ByField()["to"] == nil) {
		for _, e := range existing {
			if overlaps(c.Period, e.Period) {
				ov := e
				p.add("from", CodeOverlap, "overlaps the cover by %s from %s", e.Team.ID, e.Period.From.Format(time.DateOnly)).Overlap = &ov
				break
			}
		}
	}
	if strings.TrimSpace(c.By) == "" {
		p.add("by", CodeRequired, "who plans the cover must be known")
	}
	return p.err()
}

// overlaps reports whether two half-open periods share an instant (a zero
// To is open-ended).
func overlaps(a, b Period) bool {
	aEndsAfterBStarts := a.To.IsZero() || a.To.After(b.From)
	bEndsAfterAStarts := b.To.IsZero() || b.To.After(a.From)
	return aEndsAfterBStarts && bEndsAfterAStarts
}
