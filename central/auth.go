package central

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// Principal is who a request acts for: a practitioner, or a patient (the
// patient-side API used by the app simulator, demos and training).
type Principal struct {
	Practitioner string
	Patient      string
}

func (p Principal) String() string {
	if p.Patient != "" {
		return "Patient/" + p.Patient
	}
	return "Practitioner/" + p.Practitioner
}

// Tokens maps bearer tokens to principals. Lookups compare hashes in
// SHA-256; tokens are never logged.
type Tokens struct {
	byHash map[[32]byte]Principal
}

// NewTokens builds a token table from token -> "Practitioner/id",
// "Patient/id" or a bare practitioner id.
func NewTokens(m map[string]string) (*Tokens, error) {
	t := &Tokens{byHash: make(map[[32]byte]Principal, len(m))}
	for tok, who := range m {
		if len(tok) < 8 {
			return nil, fmt.Errorf("a token for %s is shorter than 8 characters", who)
		}
		p, err := parsePrincipal(who)
		if err != nil {
			return nil, err
		}
		t.byHash[sha256.Sum256([]byte(tok))] = p
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

// LoadTokens reads a JSON file {"token": "Practitioner/id", ...}.
func LoadTokens(path string) (*Tokens, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read tokens file: %w", err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("tokens file %s: expected a JSON object of token to principal: %w", path, err)
	}
	t, err := NewTokens(m)
	if err != nil {
		return nil, fmt.Errorf("tokens file %s: %w", path, err)
	}
	return t, nil
}

// Lookup returns the principal of a bearer token.
func (t *Tokens) Lookup(token string) (Principal, bool) {
	if t == nil || token == "" {
		return Principal{}, false
	}
	// Looking up the SHA-256 of the token keeps the raw tokens out of memory
	// and makes the comparison independent of how much of a guess matches.
	p, ok := t.byHash[sha256.Sum256([]byte(token))]
	return p, ok
}

// visibleClause returns an SQL condition on the column patient_id (of table
// alias a) limiting rows to what p may see at now, and its arguments.
// Resources outside any patient compartment (patient_id = ”) are visible to
// practitioners only.
func visibleClause(p Principal, now time.Time, col string) (string, []any) {
	if p.Patient != "" {
		return col + ` = ?`, []any{p.Patient}
	}
	ms := now.UnixMilli()
	return `(` + col + ` = '' OR ` + col + ` IN (SELECT a.patient_id FROM access a JOIN members m ON m.team_id = a.team_id
		WHERE m.practitioner_id = ? AND (a.from_ms IS NULL OR a.from_ms <= ?) AND (a.to_ms IS NULL OR a.to_ms > ?)))`,
		[]any{p.Practitioner, ms, ms}
}

// canSee reports whether p may see a resource in patientID's compartment.
func (t *tx) canSee(p Principal, patientID string) (bool, error) {
	if patientID == "" {
		return p.Practitioner != "", nil
	}
	if p.Patient != "" {
		return p.Patient == patientID, nil
	}
	cond, args := visibleClause(p, t.accessNow(), "?")
	var one int
	err := t.sql.QueryRowContext(t.ctx, `SELECT CASE WHEN `+cond+` THEN 1 ELSE 0 END`, append([]any{patientID, patientID}, args...)...).Scan(&one)
	if err != nil {
		return false, fmt.Errorf("check access: %w", err)
	}
	return one == 1, nil
}
