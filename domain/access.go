package domain

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Role is what a user may do: a monitoring nurse acts on her
// teams' patients (and a cover team's inside the cover period), a
// read-only user ("se-adgang") sees the patients granted to her and acts
// on nothing, an administrator manages teams and users and sees no
// patient data unless she is also a team member.
type Role string

// The roles. RoleNurse is the default of a user with no role recorded.
const (
	RoleNurse    Role = "monitoring-nurse"
	RoleReadOnly Role = "read-only"
	RoleAdmin    Role = "administrator"
)

// ParseRole accepts a role's code ("" is a nurse).
func ParseRole(s string) (Role, error) {
	switch Role(strings.TrimSpace(s)) {
	case "", RoleNurse:
		return RoleNurse, nil
	case RoleReadOnly:
		return RoleReadOnly, nil
	case RoleAdmin:
		return RoleAdmin, nil
	}
	return "", fmt.Errorf("role %q: expected %s, %s or %s", s, RoleNurse, RoleReadOnly, RoleAdmin)
}

// Identity is who is signed in, as the central says: the practitioner the
// token belongs to, her name, role and teams.
type Identity struct {
	ID    string // Practitioner id
	Name  string
	Role  Role
	Teams []Team
}

// ReadOnly reports whether the identity may look but never act.
func (i Identity) ReadOnly() bool { return i.Role == RoleReadOnly }

// DefaultReadGrant is the default length of a se-adgang grant.
const DefaultReadGrant = 3 * 30 * 24 * time.Hour

// MaxReadGrant is the longest se-adgang grant: a grant is renewed, not
// left open.
const MaxReadGrant = 366 * 24 * time.Hour

// ReadGrant is a read-only access grant ("se-adgang"): a practitioner may
// see the patients listed, or every patient of the teams listed, from From
// until To, granted by a monitoring nurse with a reason.
type ReadGrant struct {
	ID          string
	Grantee     string // Practitioner id
	GranteeName string
	GrantedBy   string // Practitioner id
	Patients    []string
	Teams       []string
	From, To    time.Time
	Reason      string
	Revoked     bool
}

// ActiveAt reports whether the grant gives access at t.
func (g ReadGrant) ActiveAt(t time.Time) bool {
	return !g.Revoked && !t.Before(g.From) && t.Before(g.To)
}

// practitionerID is the syntax of a FHIR id, which a grantee (a
// Practitioner id) must have.
var practitionerID = regexp.MustCompile(`^[A-Za-z0-9\-.]{1,64}$`)

// Validate checks a grant before it is stored, returning every problem
// found (a Problems). Fields: "grantee" (required, a practitioner id),
// "scope" (at least one patient or team), "reason" (required) and "until",
// the end: required with the start, after the start ("from"), and at most
// MaxReadGrant after it (CodePeriodTooLong, Max in whole weeks).
func (g ReadGrant) Validate() error {
	var p Problems
	switch grantee := strings.TrimSpace(g.Grantee); {
	case grantee == "":
		p.add("grantee", CodeRequired, "se-adgang needs the user it is granted to")
	case !practitionerID.MatchString(g.Grantee):
		p.add("grantee", CodeInvalid, "se-adgang is granted to a practitioner id, not %q", g.Grantee)
	}
	if len(g.Patients) == 0 && len(g.Teams) == 0 {
		p.add("scope", CodeRequired, "se-adgang needs at least one patient or team")
	}
	if strings.TrimSpace(g.Reason) == "" {
		p.add("reason", CodeRequired, "se-adgang needs a reason")
	}
	switch {
	case g.From.IsZero() || g.To.IsZero():
		p.add("until", CodeRequired, "se-adgang needs a start and an end")
	case !g.To.After(g.From):
		p.add("until", CodeAfter, "se-adgang must end after it starts").Other = "from"
	case g.To.Sub(g.From) > MaxReadGrant:
		p.add("until", CodePeriodTooLong, "se-adgang lasts at most %d days", int(MaxReadGrant/(24*time.Hour))).Max =
			float64(MaxReadGrant / (7 * 24 * time.Hour))
	}
	return p.err()
}

// AccessLine is one user's line of the authorisation report ("who has
// access, what access, and the use of it"), as the central computes it
// from its own records for the period asked.
type AccessLine struct {
	User, Name string
	Role       Role
	Teams      []string    // team names
	Grants     []ReadGrant // her se-adgang grants, with their ends
	LastLogin  time.Time
	// LookUps are the central's answers to her that carried patient data
	// in the period (reads and searches, one per page, as the central's
	// access log records them): a console's automatic sync fetches every
	// patient of her teams, so most of them are its, not her doing.
	// Patients are the distinct patients in those answers.
	LastLookUp time.Time
	LookUps    int
	Patients   int
	// Opened are the look-ups she made on a console's screen (a patient
	// opened, a regime history shown), from the audit log the console sends
	// to the central; OpenedPatients the distinct patients.
	LastOpened     time.Time
	Opened         int
	OpenedPatients int
	// Outside are look-ups of patients outside her own teams, with what
	// allowed them (a grant, a cover, or "none found").
	Outside []OutsideLookUp
	Unused  bool // access but nothing fetched (openings, posted by consoles, do not count): a candidate for removal
}

// AccessFiguresNote says, under a printed access report, what its figures
// count (the columns lookups, patients, last_lookup and opened,
// opened_patients, last_opened).
const AccessFiguresNote = "lookups, patients, last_lookup: the central's answers that carried patient data to the user's login " +
	"(one per page) and the patients in them; a console's automatic sync fetches every patient the user may see, " +
	"so most of these are the sync's, not look-ups the user made. opened, opened_patients, last_opened: " +
	"the times the user opened a patient on a console's screen (its audit log, sent to the central) and the patients."

// OutsideLookUp is a user's look-ups of one patient outside her own teams,
// explained by one grant or cover.
type OutsideLookUp struct {
	Patient string
	Via     string // "se-adgang <grant id> until <date>", "cover", or "none found"
	Count   int
}
