package central

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// Principal is who a request acts for: a practitioner, or a patient (the
// patient-side API used by the app simulator, demos and training).
type Principal struct {
	Practitioner string
	Patient      string
	// Role is a practitioner's role on this central (users table; a
	// monitoring nurse when none is recorded), set for each request.
	Role domain.Role
	// roleLater says that Role is not read yet: a search reads it in its
	// own read transaction (withRole). Until then p has the least rights:
	// read-only, not an administrator.
	roleLater bool
}

// readOnly reports whether p may look but never write (se-adgang).
func (p Principal) readOnly() bool {
	return p.Patient == "" && (p.Role == domain.RoleReadOnly || p.roleLater)
}

// admin reports whether p administers the central.
func (p Principal) admin() bool { return p.Patient == "" && p.Role == domain.RoleAdmin }

func (p Principal) String() string {
	if p.Patient != "" {
		return "Patient/" + p.Patient
	}
	return "Practitioner/" + p.Practitioner
}

// Tokens maps bearer tokens to principals, each with an optional expiry.
// Lookups compare hashes in SHA-256; tokens are never logged.
type Tokens struct {
	byHash map[[32]byte]grant
}

type grant struct {
	who     Principal
	expires time.Time // zero: never
}

// TokenSpec is one token's entry in a tokens file: whom it acts for
// ("Practitioner/id", "Patient/id" or a bare practitioner id) and, when
// set, the instant it stops being accepted (RFC 3339).
type TokenSpec struct {
	Principal string `json:"principal"`
	Expires   string `json:"expires,omitempty"`
}

// UnmarshalJSON accepts the short form "Practitioner/id" as well as
// {"principal": "Practitioner/id", "expires": "2026-06-01T00:00:00Z"}.
func (s *TokenSpec) UnmarshalJSON(b []byte) error {
	var who string
	if err := json.Unmarshal(b, &who); err == nil {
		*s = TokenSpec{Principal: who}
		return nil
	}
	type plain TokenSpec
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return errors.New(`each token maps to "Practitioner/id" or {"principal": "Practitioner/id", "expires": "<RFC 3339 instant>"}`)
	}
	*s = TokenSpec(p)
	return nil
}

// ErrTokenExpired is returned by Lookup for a token past its expiry.
var ErrTokenExpired = errors.New("the bearer token has expired")

// ErrTokenUnknown is returned by Lookup for a token that is not in the table.
var ErrTokenUnknown = errors.New("the bearer token is not valid")

// NewTokens builds a token table from token -> "Practitioner/id",
// "Patient/id" or a bare practitioner id; the tokens never expire.
func NewTokens(m map[string]string) (*Tokens, error) {
	specs := make(map[string]TokenSpec, len(m))
	for tok, who := range m {
		specs[tok] = TokenSpec{Principal: who}
	}
	return NewTokenTable(specs)
}

// NewTokenTable builds a token table whose tokens may expire.
func NewTokenTable(m map[string]TokenSpec) (*Tokens, error) {
	t := &Tokens{byHash: make(map[[32]byte]grant, len(m))}
	for tok, spec := range m {
		if len(tok) < 8 {
			return nil, fmt.Errorf("a token for %s is shorter than 8 characters", spec.Principal)
		}
		p, err := parsePrincipal(spec.Principal)
		if err != nil {
			return nil, err
		}
		g := grant{who: p}
		if spec.Expires != "" {
			exp, err := time.Parse(time.RFC3339, spec.Expires)
			if err != nil {
				return nil, fmt.Errorf("the token for %s: expires %q is not an RFC 3339 instant with time zone", spec.Principal, spec.Expires)
			}
			g.expires = exp
		}
		t.byHash[sha256.Sum256([]byte(tok))] = g
	}
	return t, nil
}

func parsePrincipal(who string) (Principal, error) {
	typ, id, found := strings.Cut(who, "/")
	if !found {
		typ, id = "Practitioner", who
	}
	if !fhir.ValidID(id) {
		return Principal{}, fmt.Errorf("token target %q is not a valid id", who)
	}
	switch typ {
	case "Practitioner":
		return Principal{Practitioner: id}, nil
	case "Patient":
		return Principal{Patient: id}, nil
	}
	return Principal{}, fmt.Errorf("token target %q must be Practitioner/id or Patient/id", who)
}

// ReadTokenFile reads a JSON tokens file {"token": "Practitioner/id" |
// {"principal": ..., "expires": ...}}. A file that others than its owner
// may read or write is refused: the tokens are passwords.
func ReadTokenFile(path string) (map[string]TokenSpec, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read tokens file: %w", err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("tokens file %s has mode %04o: others than its owner can read it; run chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read tokens file: %w", err)
	}
	var m map[string]TokenSpec
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("tokens file %s: expected a JSON object of token to principal: %w", path, err)
	}
	return m, nil
}

// LoadTokens reads a tokens file (see ReadTokenFile) into a table.
func LoadTokens(path string) (*Tokens, error) {
	m, err := ReadTokenFile(path)
	if err != nil {
		return nil, err
	}
	t, err := NewTokenTable(m)
	if err != nil {
		return nil, fmt.Errorf("tokens file %s: %w", path, err)
	}
	return t, nil
}

// Lookup returns the principal of a bearer token at now: ErrTokenUnknown
// for a token not in the table, ErrTokenExpired for one past its expiry.
func (t *Tokens) Lookup(token string, now time.Time) (Principal, error) {
	if t == nil || token == "" {
		return Principal{}, ErrTokenUnknown
	}
	// Looking up the SHA-256 of the token keeps the raw tokens out of memory
	// and makes the comparison independent of how much of a guess matches.
	g, ok := t.byHash[sha256.Sum256([]byte(token))]
	if !ok {
		return Principal{}, ErrTokenUnknown
	}
	if !g.expires.IsZero() && !now.Before(g.expires) {
		return Principal{}, ErrTokenExpired
	}
	return g.who, nil
}

// visibleClause returns an SQL condition on the column patient_id (of table
// alias a) limiting rows to what p may see at now, and its arguments:
// her teams' patients (a cover team's inside its period) and, read-only,
// the patients of her se-adgang grants inside their period. Resources
// outside any patient compartment (patient_id = ”) are visible to
// practitioners only.
func visibleClause(p Principal, now time.Time, col string) (string, []any) {
	if p.Patient != "" {
		return col + ` = ?`, []any{p.Patient}
	}
	team, targs := teamClause(p, now, col)
	ms := now.UnixMilli()
	return `(` + team + ` OR EXISTS (SELECT 1 FROM grants g
			WHERE g.patient_id = ` + col + ` AND g.practitioner_id = ? AND g.patient_id != '' AND g.from_ms <= ? AND g.to_ms > ?)
		OR EXISTS (SELECT 1 FROM access a JOIN grants g ON g.team_id = a.team_id
			WHERE a.patient_id = ` + col + ` AND g.practitioner_id = ? AND g.from_ms <= ? AND g.to_ms > ? AND a.from_ms IS NULL AND a.to_ms IS NULL))`,
		append(targs, p.Practitioner, ms, ms, p.Practitioner, ms, ms)
}

// teamClause is visibleClause without grants: what p's teams give her,
// which is also what she may write into.
func teamClause(p Principal, now time.Time, col string) (string, []any) {
	ms := now.UnixMilli()
	return `(` + col + ` = '' OR EXISTS (SELECT 1 FROM access a JOIN members m ON m.team_id = a.team_id
		WHERE a.patient_id = ` + col + ` AND m.practitioner_id = ? AND (a.from_ms IS NULL OR a.from_ms <= ?) AND (a.to_ms IS NULL OR a.to_ms > ?)))`,
		[]any{p.Practitioner, ms, ms}
}

// canSee reports whether p may see a resource in patientID's compartment.
func (t *tx) canSee(p Principal, patientID string) (bool, error) {
	return t.check(p, patientID, visibleClause)
}

// canWrite reports whether p may write into patientID's compartment: a
// se-adgang grant lets her see, never write.
func (t *tx) canWrite(p Principal, patientID string) (bool, error) {
	if p.readOnly() {
		return false, nil
	}
	return t.check(p, patientID, teamClause)
}

func (t *tx) check(p Principal, patientID string, clause func(Principal, time.Time, string) (string, []any)) (bool, error) {
	if patientID == "" {
		return p.Practitioner != "", nil
	}
	if p.Patient != "" {
		return p.Patient == patientID, nil
	}
	cond, args := clause(p, t.accessNow(), "x.pid")
	var one int
	err := t.queryRow(`SELECT CASE WHEN `+cond+` THEN 1 ELSE 0 END FROM (SELECT ? AS pid) x`, append(args, patientID)...).Scan(&one)
	if err != nil {
		return false, fmt.Errorf("check access: %w", err)
	}
	return one == 1, nil
}
