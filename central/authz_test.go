package central

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// The authorisation matrix of the central: role × resource type ×
// interaction × relation, with the status each must get. The roles act on
// the record of p1 (home team-a with nurse-a; team-c with nurse-c covers it
// from day 1 to day 8; team-b with nurse-b has p2).

const (
	tokNurseC   = "token-nurse-c"
	tokPatient2 = "token-patient-2"
	tokMunicip  = "token-municipal-m" // read-only, se-adgang to p1
	tokMunicipN = "token-municipal-n" // read-only, se-adgang to p2
	tokAdmin    = "token-admin-1"
)

var teamC = domain.Team{ID: "team-c", Name: "Klinik C", OrgID: "org-c", OrgName: "Hospital C"}

// A role is a token at a time, and the relation it has to p1's record.
type role struct {
	name, token, relation string
	at                    time.Time
}

var (
	coverFrom = t0.Add(24 * time.Hour)
	coverTo   = t0.Add(8 * 24 * time.Hour)
	inside    = t0.Add(48 * time.Hour)
)

// The seven relations, in the order of the want columns below.
var roles = []role{
	{"nurse-a", tokNurseA, "own team", inside},
	{"nurse-b", tokNurseB, "other team", inside},
	{"nurse-c", tokNurseC, "cover before its period", t0},
	{"nurse-c", tokNurseC, "cover inside its period", inside},
	{"nurse-c", tokNurseC, "cover after its period", t0.Add(9 * 24 * time.Hour)},
	{"patient p1", tokPatient1, "patient self", inside},
	{"patient p2", tokPatient2, "other patient", inside},
	{"municipal-m", tokMunicip, "se-adgang inside its period", inside},
	{"municipal-m", tokMunicip, "se-adgang after its period", t0.Add(9 * 24 * time.Hour)},
	{"municipal-n", tokMunicipN, "se-adgang to another patient", inside},
	{"admin-1", tokAdmin, "administrator", inside},
}

// cols is one expected status per relation, in the order of roles.
type cols [11]int

// fixture is one resource of p1's record (or outside any compartment),
// stored as it is before the matrix runs.
type fixture struct {
	label string // type, or type(kind)
	res   fhir.Resource
	ident fhir.Identifier // for conditional create; zero: none
	fresh func() fhir.Resource
	patch string // a JSON Patch the type accepts; "" for none
}

func ident(s string) fhir.Identifier { return fhir.ClientIdentifier("00000000-0000-4000-8000-" + s) }

// authEnv is newEnv plus team-c covering p1, Practitioner resources, a
// patient token for p2 and one fixture of each type.
func authEnv(t *testing.T) (*env, []fixture) {
	e := newEnv(t)
	toks, err := NewTokens(map[string]string{tokNurseA: "nurse-a", tokNurseB: "Practitioner/nurse-b", tokNurseC: "Practitioner/nurse-c",
		tokPatient1: "Patient/p1", tokPatient2: "Patient/p2", tokMunicip: "municipal-m", tokMunicipN: "municipal-n", tokAdmin: "admin-1"})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.tokens = toks
	ctC, orgC := careTeam(teamC, "nurse-c")
	ctA, _ := careTeam(teamA, "nurse-a")
	ctA.Identifier = []fhir.Identifier{ident("0000000000a1")}
	eoc := fhir.ResponsibilityToEpisodeOfCare("eoc-p1", "p1", domain.Responsibility{Home: teamA,
		Cover: &domain.Cover{Team: teamC, Period: domain.Period{From: coverFrom, To: coverTo}}})
	eoc.Identifier = []fhir.Identifier{ident("0000000000e1")}
	pat := fhir.PatientToFHIR(domain.Patient{ID: "p1", CPR: "0101011111", Name: "Syntetisk p1", Synthetic: true})
	rs := []fhir.Resource{ctA, ctC, orgC, eoc, pat}
	for _, n := range []string{"nurse-a", "nurse-b", "nurse-c", "municipal-m", "municipal-n", "admin-1"} {
		rs = append(rs, &fhir.Practitioner{Base: fhir.Base{ResourceType: "Practitioner", ID: n}})
	}
	// se-adgang: municipal-m sees p1 for 5 days, municipal-n sees p2;
	// grant-x (to municipal-x, who has no token) is the fixture.
	grantX := fhir.ReadGrantToCareTeam(domain.ReadGrant{ID: "grant-x", Grantee: "municipal-x", GrantedBy: "nurse-a", Patients: []string{"p1"},
		From: t0, To: t0.Add(60 * 24 * time.Hour), Reason: "egenomsorg"})
	grantX.Identifier = []fhir.Identifier{ident("000000000141")}
	rs = append(rs, grantX, &fhir.Practitioner{Base: fhir.Base{ResourceType: "Practitioner", ID: "municipal-x"}})
	rs = append(rs,
		fhir.ReadGrantToCareTeam(domain.ReadGrant{ID: "grant-m", Grantee: "municipal-m", GrantedBy: "nurse-a", Patients: []string{"p1"},
			From: t0, To: t0.Add(5 * 24 * time.Hour), Reason: "egenomsorg"}),
		fhir.ReadGrantToCareTeam(domain.ReadGrant{ID: "grant-n", Grantee: "municipal-n", GrantedBy: "nurse-b", Patients: []string{"p2"},
			From: t0, To: t0.Add(30 * 24 * time.Hour), Reason: "egenomsorg"}))

	obs := weightObs("p1", 80, t0, "")
	obs.ID, obs.Identifier = "obs-1", []fhir.Identifier{ident("0000000000b1")}
	qrIdent := ident("0000000000c1")
	qr := &fhir.QuestionnaireResponse{Base: fhir.Base{ResourceType: "QuestionnaireResponse", ID: "qr-1"}, Identifier: &qrIdent,
		Status: "completed", Subject: fhir.Ref("Patient", "p1"), Authored: fhir.FormatInstant(t0)}
	task := &fhir.Task{Base: fhir.Base{ResourceType: "Task", ID: "task-1"}, Identifier: []fhir.Identifier{ident("0000000000d1")},
		Status: "ready", Intent: "order", Priority: "routine", For: fhir.Ref("Patient", "p1"), Focus: fhir.Ref("Observation", "obs-1"),
		Owner: fhir.Ref("Practitioner", "nurse-a")}
	msg := fhir.MessageToCommunication(domain.Message{ID: "msg-1", PatientID: "p1", Body: "Hej", Sent: t0})
	msg.Identifier = []fhir.Identifier{ident("0000000000f1")}
	msg.Sender = fhir.Ref("Practitioner", "nurse-a")
	note := fhir.NoteToCommunication(domain.Note{ID: "note-1", PatientID: "p1", Text: "Ring til datteren", Created: t0, Author: "A"}, "nurse-a", teamA)
	note.Identifier = []fhir.Identifier{ident("000000000101")}
	code := fhir.Concept(fhir.SystemClinicalImpCode, fhir.CodeMeasurementAssessment, "")
	ci := &fhir.ClinicalImpression{Base: fhir.Base{ResourceType: "ClinicalImpression", ID: "ci-1"}, Identifier: []fhir.Identifier{ident("000000000111")},
		Status: "completed", Code: &code, Subject: *fhir.Ref("Patient", "p1"), Assessor: fhir.Ref("Practitioner", "nurse-a")}
	cp := &fhir.CarePlan{Base: fhir.Base{ResourceType: "CarePlan", ID: "cp-draft"}, Identifier: []fhir.Identifier{ident("000000000121")},
		Status: "draft", Intent: "plan", Subject: *fhir.Ref("Patient", "p1")}
	sr := &fhir.ServiceRequest{Base: fhir.Base{ResourceType: "ServiceRequest", ID: "sr-draft"}, Identifier: []fhir.Identifier{ident("000000000131")},
		Status: "draft", Intent: "order", Subject: *fhir.Ref("Patient", "p1")}
	// A questionnaire's definition holds no patient data: everyone reads
	// it (the patient's app shows it), nobody writes it over the API.
	quest := fhir.QuestionnaireFromDomain(domain.Questionnaire{ID: "quest-1", URL: "http://example.org/Questionnaire/pro", Version: "1",
		Questions: []domain.Question{{LinkID: "q1", Text: "Forpustet?", Options: []domain.AnswerOption{{Text: "Nej"}, {Text: "Ja"}}}}})
	quest.Identifier = []fhir.Identifier{ident("000000000151")}
	rs = append(rs, obs, qr, task, msg, note, ci, cp, sr, quest)
	if err := e.store.Put(context.Background(), rs...); err != nil {
		t.Fatal(err)
	}
	for id, r := range map[string]domain.Role{"municipal-m": domain.RoleReadOnly, "municipal-n": domain.RoleReadOnly, "admin-1": domain.RoleAdmin} {
		if err := e.store.SetUser(context.Background(), User{ID: id, Role: r}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	copyOf := func(r fhir.Resource) func() fhir.Resource {
		js, err := fhir.Encode(r)
		if err != nil {
			t.Fatal(err)
		}
		return func() fhir.Resource {
			c, err := fhir.DecodeResource(js)
			if err != nil {
				t.Fatal(err)
			}
			c.Header().ID, c.Header().Meta = "", nil
			return c
		}
	}
	newEpisode := func() fhir.Resource {
		ep := fhir.ResponsibilityToEpisodeOfCare("", "p1", domain.Responsibility{Home: teamA})
		ep.Identifier = eoc.Identifier
		// A record of an earlier course: p1's course goes on, and a
		// second active one is a business-rule refusal (TestEnrolAgain...).
		ep.Status = "finished"
		return ep
	}
	fx := []fixture{
		{label: "Observation", res: obs, ident: obs.Identifier[0], fresh: copyOf(obs)},
		{label: "QuestionnaireResponse", res: qr, ident: qrIdent, fresh: copyOf(qr)},
		{label: "Task", res: task, ident: task.Identifier[0], fresh: func() fhir.Resource {
			c := copyOf(task)().(*fhir.Task)
			c.Owner = nil
			return c
		}, patch: `[{"op":"add","path":"/note","value":[{"text":"set"}]}]`},
		{label: "Communication(message)", res: msg, ident: msg.Identifier[0], fresh: func() fhir.Resource {
			c := copyOf(msg)().(*fhir.Communication)
			c.Sender = nil
			return c
		}, patch: `[{"op":"replace","path":"/status","value":"completed"}]`},
		{label: "Communication(handover-note)", res: note, ident: note.Identifier[0], fresh: func() fhir.Resource {
			c := copyOf(note)().(*fhir.Communication)
			c.Sender = nil
			return c
		}, patch: `[{"op":"replace","path":"/status","value":"completed"}]`},
		{label: "ClinicalImpression", res: ci, ident: ci.Identifier[0], fresh: func() fhir.Resource {
			c := copyOf(ci)().(*fhir.ClinicalImpression)
			c.Assessor = nil
			return c
		}},
		{label: "CarePlan", res: cp, ident: cp.Identifier[0], fresh: copyOf(cp)},
		{label: "ServiceRequest", res: sr, ident: sr.Identifier[0], fresh: copyOf(sr)},
		{label: "EpisodeOfCare", res: eoc, ident: eoc.Identifier[0], fresh: newEpisode},
		{label: "Patient", res: pat, ident: pat.Identifier[0]},
		{label: "CareTeam", res: ctA, ident: ctA.Identifier[0], fresh: copyOf(ctA)},
		{label: "CareTeam(se-adgang)", res: grantX, ident: grantX.Identifier[0], fresh: copyOf(grantX)},
		{label: "Practitioner", res: &fhir.Practitioner{Base: fhir.Base{ResourceType: "Practitioner", ID: "nurse-a"}},
			fresh: func() fhir.Resource { return &fhir.Practitioner{Base: fhir.Base{ResourceType: "Practitioner"}} }},
		{label: "Organization", res: orgC, fresh: copyOf(orgC)},
		{label: "Questionnaire", res: quest, ident: quest.Identifier[0], fresh: copyOf(quest)},
	}
	return e, fx
}

// Expected statuses, one column per relation: own team, other team, cover
// before, cover inside, cover after, patient self, other patient,
// se-adgang inside its period, se-adgang after it, se-adgang to another
// patient, administrator. A read-only user gets 403 on every write, even
// of what she cannot see (the answer tells nothing); an administrator
// sees no patient data (404 on patient resources) and writes only teams
// and users.
var (
	seeP1       = cols{200, 404, 404, 200, 404, 200, 404, 200, 404, 404, 404}
	seeP1Staff  = cols{200, 404, 404, 200, 404, 404, 404, 404, 404, 404, 404} // a handover note: monitoring staff only
	seeShared   = cols{200, 200, 200, 200, 200, 404, 404, 200, 200, 200, 200} // outside compartments
	seeAll      = cols{200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200} // definitions: patients read them too
	writeP1     = cols{201, 403, 403, 201, 403, 403, 403, 403, 403, 403, 403}
	writeP1Pat  = cols{201, 403, 403, 201, 403, 201, 403, 403, 403, 403, 403} // patients may write these
	condP1      = cols{200, 403, 403, 200, 403, 403, 403, 403, 403, 403, 403}
	condP1Pat   = cols{200, 403, 403, 200, 403, 200, 403, 403, 403, 403, 403}
	updateP1    = cols{200, 404, 404, 200, 404, 403, 403, 403, 403, 403, 404}
	immutableP1 = cols{405, 404, 404, 405, 404, 403, 403, 403, 403, 403, 404}
	ownerOnly   = cols{200, 404, 404, 403, 404, 403, 403, 403, 403, 403, 404} // only nurse-a (assessor, home team)
	patchP1     = cols{200, 404, 404, 200, 404, 403, 404, 403, 403, 403, 404}
	never       = cols{405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405}
	forbid      = cols{403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403}
	homeOnly    = cols{201, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403}
	homeOnlyC   = cols{200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403}
)

// expect is the matrix: per fixture label and interaction.
var expect = map[string]map[string]cols{
	"Observation":                  {"read": seeP1, "create": writeP1Pat, "conditional create": condP1Pat, "update": immutableP1, "patch": never},
	"QuestionnaireResponse":        {"read": seeP1, "create": writeP1Pat, "conditional create": condP1Pat, "update": immutableP1, "patch": never},
	"Task":                         {"read": seeP1, "create": writeP1, "conditional create": condP1, "update": updateP1, "patch": patchP1},
	"Communication(message)":       {"read": seeP1, "create": writeP1Pat, "conditional create": condP1Pat, "update": updateP1, "patch": patchP1},
	"Communication(handover-note)": {"read": seeP1Staff, "create": writeP1Pat, "conditional create": {200, 403, 403, 200, 403, 201, 403, 403, 403, 403, 403}, "update": updateP1, "patch": {200, 404, 404, 200, 404, 404, 404, 403, 403, 403, 404}},
	"ClinicalImpression":           {"read": seeP1, "create": writeP1, "conditional create": condP1, "update": ownerOnly, "patch": never},
	"CarePlan":                     {"read": seeP1, "create": writeP1, "conditional create": condP1, "update": updateP1, "patch": never},
	"ServiceRequest":               {"read": seeP1, "create": writeP1, "conditional create": condP1, "update": updateP1, "patch": never},
	"EpisodeOfCare":                {"read": seeP1, "create": homeOnly, "conditional create": homeOnlyC, "update": ownerOnly, "patch": never},
	"Patient":                      {"read": seeP1, "update": updateP1, "patch": never},
	"CareTeam":                     {"read": seeShared, "create": {201, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201}, "conditional create": {200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200}, "update": {200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200}, "patch": never},
	"CareTeam(se-adgang)":          {"read": seeShared, "create": {201, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403}, "conditional create": {200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403}, "update": {200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403}, "patch": never},
	"Practitioner":                 {"read": seeShared, "create": {403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 201}, "update": {200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200}, "patch": never},
	"Organization":                 {"read": seeShared, "create": forbid, "update": forbid, "patch": never},
	"Questionnaire":                {"read": seeAll, "create": forbid, "conditional create": forbid, "update": forbid, "patch": never},
}

func typeOf(label string) string { typ, _, _ := strings.Cut(label, "("); return typ }

// searchParams are every search a fixture should be found by: the
// parameters the central supports, with the fixture's own values.
func searchParams(f fixture) []url.Values {
	h := f.res.Header()
	out := []url.Values{{"_id": {h.ID}}, {"_lastUpdated": {"ge" + fhir.FormatInstant(t0.Add(-time.Hour))}, "_id": {h.ID}},
		{"_id": {h.ID}, "_elements": {"id,meta"}}}
	ix := extract(f.res)
	if ix.patientID != "" {
		for _, p := range []string{"patient", "subject", "for"} {
			out = append(out, url.Values{p: {ix.patientID}, "_id": {h.ID}})
		}
	}
	seen := map[string]bool{}
	for _, p := range ix.params {
		if seen[p[0]] {
			continue
		}
		seen[p[0]] = true
		out = append(out, url.Values{p[0]: {p[1]}})
	}
	return out
}

func TestAuthorisationMatrix(t *testing.T) {
	e, fixtures := authEnv(t)
	run := func(name string, rl role, want int, do func() resp, check func(t *testing.T, r resp)) {
		t.Run(name+"/"+rl.relation, func(t *testing.T) {
			e.t = t
			e.clock.Set(rl.at)
			r := do()
			if r.status != want {
				t.Fatalf("%s as %s (%s): status %d, want %d: %.300s", name, rl.name, rl.relation, r.status, want, r.body)
			}
			if check != nil {
				check(t, r)
			}
		})
	}
	for _, f := range fixtures {
		typ := typeOf(f.label)
		id := f.res.Header().ID
		ex := expect[f.label]
		for i, rl := range roles {
			read := ex["read"][i]
			run(f.label+"/read", rl, read, func() resp { return e.do(http.MethodGet, "/"+typ+"/"+id, rl.token, nil) }, nil)
			run(f.label+"/vread", rl, read, func() resp { return e.do(http.MethodGet, "/"+typ+"/"+id+"/_history/1", rl.token, nil) }, nil)
			for _, q := range searchParams(f) {
				q.Set("_count", "1000")
				run(f.label+"/search "+q.Encode(), rl, http.StatusOK, func() resp { return e.do(http.MethodGet, "/"+typ+"?"+q.Encode(), rl.token, nil) },
					func(t *testing.T, r resp) {
						b, err := fhir.Decode[*fhir.Bundle](r.body)
						if err != nil {
							t.Fatal(err)
						}
						found := slices.ContainsFunc(b.Entry, func(en fhir.BundleEntry) bool { return strings.HasSuffix(en.FullURL, "/"+typ+"/"+id) })
						if found != (read == http.StatusOK) {
							t.Errorf("found %v, want %v", found, read == http.StatusOK)
						}
					})
			}
			if want, ok := ex["create"]; ok {
				run(f.label+"/create", rl, want[i], func() resp { return e.do(http.MethodPost, "/"+typ, rl.token, reident(f.fresh())) }, nil)
				txWant := want[i]
				if txWant == http.StatusCreated {
					txWant = http.StatusOK
				}
				run(f.label+"/transaction entry POST", rl, txWant, func() resp {
					return e.do(http.MethodPost, "/", rl.token, txBundle(t, "POST", typ, "", reident(f.fresh())))
				}, nil)
			}
			if want, ok := ex["conditional create"]; ok {
				run(f.label+"/conditional create", rl, want[i], func() resp {
					return e.do(http.MethodPost, "/"+typ, rl.token, f.fresh(), "If-None-Exist", fhir.IdentifierQuery(f.ident))
				}, func(t *testing.T, r resp) {
					if r.status == http.StatusOK && !strings.Contains(string(r.body), `"id":"`+id+`"`) {
						t.Errorf("conditional create returned another resource: %.200s", r.body)
					}
				})
			}
			upd := ex["update"][i]
			current := func() fhir.Resource {
				st, err := e.currentOf(typ, id)
				if err != nil {
					t.Fatal(err)
				}
				return st
			}
			run(f.label+"/update", rl, upd, func() resp { return e.do(http.MethodPut, "/"+typ+"/"+id, rl.token, current()) }, nil)
			txUpd := upd
			run(f.label+"/transaction entry PUT", rl, txUpd, func() resp {
				return e.do(http.MethodPost, "/", rl.token, txBundle(t, "PUT", typ, id, current()))
			}, nil)
			patch := f.patch
			if patch == "" {
				patch = `[{"op":"add","path":"/language","value":"da"}]`
			}
			run(f.label+"/patch", rl, ex["patch"][i], func() resp {
				return e.do(http.MethodPatch, "/"+typ+"/"+id, rl.token, patch, "Content-Type", "application/json-patch+json")
			}, nil)
			run(f.label+"/delete", rl, never[i], func() resp { return e.do(http.MethodDelete, "/"+typ+"/"+id, rl.token, nil) }, nil)
		}
	}
}

// reident gives r a new client identifier, so that a create is not a
// duplicate of the fixture.
func reident(r fhir.Resource) fhir.Resource {
	id := fhir.ClientIdentifier(uuid.NewString())
	switch v := r.(type) {
	case *fhir.QuestionnaireResponse:
		v.Identifier = &id
	case *fhir.Observation:
		v.Identifier = []fhir.Identifier{id}
	case *fhir.Task:
		v.Identifier = []fhir.Identifier{id}
	case *fhir.Communication:
		v.Identifier = []fhir.Identifier{id}
	case *fhir.ClinicalImpression:
		v.Identifier = []fhir.Identifier{id}
	case *fhir.CarePlan:
		v.Identifier = []fhir.Identifier{id}
	case *fhir.ServiceRequest:
		v.Identifier = []fhir.Identifier{id}
	case *fhir.EpisodeOfCare:
		v.Identifier = []fhir.Identifier{id}
	case *fhir.CareTeam:
		v.Identifier = []fhir.Identifier{id}
	}
	return r
}

// currentOf reads the stored current version, as the server has it.
func (e *env) currentOf(typ, id string) (fhir.Resource, error) {
	var st Stored
	err := e.store.inTx(context.Background(), func(t *tx) error {
		var err error
		st, err = t.current(typ, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return fhir.DecodeResource(st.JSON)
}

func txBundle(t *testing.T, method, typ, id string, r fhir.Resource) *fhir.Bundle {
	js, err := fhir.Encode(r)
	if err != nil {
		t.Fatal(err)
	}
	u := typ
	if id != "" {
		u += "/" + id
	}
	return &fhir.Bundle{Base: fhir.Base{ResourceType: "Bundle"}, Type: fhir.BundleTransaction,
		Entry: []fhir.BundleEntry{{Resource: js, Request: &fhir.BundleEntryRequest{Method: method, URL: u}}}}
}

// The attacks of the security probe, each a row on a fresh central.
func TestAuthorisationIssueCases(t *testing.T) {
	type tc struct {
		name string
		run  func(t *testing.T, e *env)
	}
	episode := func(home domain.Team, covers ...domain.Cover) *fhir.EpisodeOfCare {
		r := domain.Responsibility{Home: home}
		if len(covers) > 0 {
			r.Cover = &covers[0]
			r.Planned = covers[1:]
		}
		return fhir.ResponsibilityToEpisodeOfCare("eoc-p1", "p1", r)
	}
	coverC := domain.Cover{Team: teamC, Period: domain.Period{From: coverFrom, To: coverTo}}
	cases := []tc{
		{"1 nurse-a rewrites team-b's CareTeam", func(t *testing.T, e *env) {
			ct, _ := careTeam(teamB, "nurse-a")
			e.wantOutcome(e.do(http.MethodPut, "/CareTeam/team-b", tokNurseA, ct), http.StatusForbidden)
			e.wantOutcome(e.do(http.MethodGet, "/Patient/p2", tokNurseA, nil), http.StatusNotFound)
			e.want(e.do(http.MethodGet, "/Patient/p2", tokNurseB, nil), http.StatusOK)
		}},
		{"1 a covering nurse rewrites the home team", func(t *testing.T, e *env) {
			ct, _ := careTeam(teamA, "nurse-c")
			e.wantOutcome(e.do(http.MethodPut, "/CareTeam/team-a", tokNurseC, ct), http.StatusForbidden)
		}},
		{"1 a member changes her team and it is audited", func(t *testing.T, e *env) {
			ct, _ := careTeam(teamB, "nurse-b")
			ct.Participant = append(ct.Participant, fhir.CareTeamParticipant{Member: fhir.Ref("Practitioner", "nurse-x")})
			e.want(e.do(http.MethodPut, "/CareTeam/team-b", tokNurseB, ct), http.StatusOK)
			var audits []fhir.Resource
			for _, r := range e.searchAll(tokNurseB, "/AuditEvent") {
				// (authEnv's set-up of users is audited too.)
				if a := r.(*fhir.AuditEvent); len(a.Entity) > 0 && refOf(a.Entity[0].What) == "CareTeam/team-b" {
					audits = append(audits, r)
				}
			}
			if len(audits) != 1 {
				t.Fatalf("%d audit events", len(audits))
			}
			a := audits[0].(*fhir.AuditEvent)
			if !isPractitioner(a.Agent[0].Who, "nurse-b") || refOf(a.Entity[0].What) != "CareTeam/team-b" ||
				!strings.Contains(a.Entity[0].Description, `"added":["Practitioner/nurse-x"]`) || !strings.Contains(a.Entity[0].Description, `"removed":[]`) {
				t.Errorf("audit %+v", a)
			}
			// Audit events are never changed.
			e.wantOutcome(e.do(http.MethodPut, "/AuditEvent/"+a.ID, tokNurseB, a), http.StatusForbidden)
		}},
		{"2 nurse-a creates an EpisodeOfCare for team-b's patient", func(t *testing.T, e *env) {
			ep := fhir.ResponsibilityToEpisodeOfCare("", "p2", domain.Responsibility{Home: teamA})
			e.wantOutcome(e.do(http.MethodPost, "/EpisodeOfCare", tokNurseA, ep), http.StatusForbidden)
			ep.ID = "eoc-stolen"
			e.wantOutcome(e.do(http.MethodPut, "/EpisodeOfCare/eoc-stolen", tokNurseA, ep), http.StatusForbidden)
			e.wantOutcome(e.do(http.MethodPost, "/", tokNurseA, txBundle(t, "POST", "EpisodeOfCare", "", ep)), http.StatusForbidden)
			e.wantOutcome(e.do(http.MethodGet, "/Patient/p2", tokNurseA, nil), http.StatusNotFound)
		}},
		{"2 the responsible team transfers; the receiving side does not", func(t *testing.T, e *env) {
			ep := fhir.ResponsibilityToEpisodeOfCare("eoc-p2", "p2", domain.Responsibility{Home: teamA})
			e.wantOutcome(e.do(http.MethodPut, "/EpisodeOfCare/eoc-p2", tokNurseA, ep), http.StatusNotFound)
			e.want(e.do(http.MethodPut, "/EpisodeOfCare/eoc-p2", tokNurseB, ep), http.StatusOK)
			e.want(e.do(http.MethodGet, "/Patient/p2", tokNurseA, nil), http.StatusOK)
			e.wantOutcome(e.do(http.MethodGet, "/Patient/p2", tokNurseB, nil), http.StatusNotFound)
		}},
		{"3 the covering nurse extends her cover to 2099", func(t *testing.T, e *env) {
			e.clock.Set(inside)
			long := coverC
			long.Period.To = time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
			e.wantOutcome(e.do(http.MethodPut, "/EpisodeOfCare/eoc-p1", tokNurseC, episode(teamA, long)), http.StatusForbidden)
		}},
		{"3 the covering nurse makes her team the home team", func(t *testing.T, e *env) {
			e.clock.Set(inside)
			e.wantOutcome(e.do(http.MethodPut, "/EpisodeOfCare/eoc-p1", tokNurseC, episode(teamC)), http.StatusForbidden)
			e.wantOutcome(e.do(http.MethodPost, "/EpisodeOfCare", tokNurseC, fhir.ResponsibilityToEpisodeOfCare("", "p1", domain.Responsibility{Home: teamC})), http.StatusForbidden)
			e.clock.Set(t0.Add(9 * 24 * time.Hour))
			e.wantOutcome(e.do(http.MethodGet, "/Patient/p1", tokNurseC, nil), http.StatusNotFound)
		}},
		{"3 covers are bounded: a start, an end, at most 8 weeks", func(t *testing.T, e *env) {
			e.clock.Set(t0)
			open := episode(teamA, coverC)
			open.Extension[0].Extension[1].ValuePeriod.End = ""
			e.wantOutcome(e.do(http.MethodPut, "/EpisodeOfCare/eoc-p1", tokNurseA, open), http.StatusUnprocessableEntity)
			empty := episode(teamA, coverC)
			empty.Extension[0].Extension[1].ValuePeriod = &fhir.Period{}
			e.wantOutcome(e.do(http.MethodPut, "/EpisodeOfCare/eoc-p1", tokNurseA, empty), http.StatusUnprocessableEntity)
			nine := coverC
			nine.Period.To = nine.Period.From.Add(9 * 7 * 24 * time.Hour)
			e.wantOutcome(e.do(http.MethodPut, "/EpisodeOfCare/eoc-p1", tokNurseA, episode(teamA, nine)), http.StatusUnprocessableEntity)
			e.want(e.do(http.MethodPut, "/EpisodeOfCare/eoc-p1", tokNurseA, episode(teamA, coverC)), http.StatusOK)
			e.clock.Set(inside)
			e.want(e.do(http.MethodGet, "/Patient/p1", tokNurseC, nil), http.StatusOK)
		}},
		{"3 a stored cover with an empty period grants nothing", func(t *testing.T, e *env) {
			ep := episode(teamA, coverC)
			ep.Extension[0].Extension[1].ValuePeriod = &fhir.Period{}
			if err := e.store.Put(context.Background(), ep); err != nil {
				t.Fatal(err)
			}
			e.clock.Set(inside)
			e.wantOutcome(e.do(http.MethodGet, "/Patient/p1", tokNurseC, nil), http.StatusNotFound)
		}},
		{"4 nurse-a renames nurse-b", func(t *testing.T, e *env) {
			pr := &fhir.Practitioner{Base: fhir.Base{ResourceType: "Practitioner", ID: "nurse-b"}}
			e.wantOutcome(e.do(http.MethodPut, "/Practitioner/nurse-b", tokNurseA, pr), http.StatusForbidden)
			if r := e.want(e.do(http.MethodGet, "/Practitioner/nurse-b", tokNurseB, nil), http.StatusOK); !strings.Contains(string(r.body), `"versionId":"1"`) {
				t.Errorf("nurse-b's Practitioner changed: %s", r.body)
			}
			pr.ID = "nurse-a"
			e.want(e.do(http.MethodPut, "/Practitioner/nurse-a", tokNurseA, pr), http.StatusOK)
		}},
		{"4 nurse-a sends as nurse-b", func(t *testing.T, e *env) {
			c := fhir.MessageToCommunication(domain.Message{PatientID: "p1", Body: "x", Sent: t0})
			c.ID, c.Sender = "", fhir.Ref("Practitioner", "nurse-b")
			e.wantOutcome(e.do(http.MethodPost, "/Communication", tokNurseA, c), http.StatusForbidden)
			c.Sender = &fhir.Reference{Display: "Sygeplejerske A"}
			r := e.want(e.do(http.MethodPost, "/Communication", tokNurseA, c), http.StatusCreated)
			got, _ := fhir.Decode[*fhir.Communication](r.body)
			if !isPractitioner(got.Sender, "nurse-a") || got.Sender.Display != "Sygeplejerske A" {
				t.Errorf("sender %+v", got.Sender)
			}
		}},
		{"4 nurse-a assesses as nurse-b and completes a task as nurse-b", func(t *testing.T, e *env) {
			code := fhir.Concept(fhir.SystemClinicalImpCode, fhir.CodeMeasurementAssessment, "")
			ci := fhir.ClinicalImpression{Base: fhir.Base{ResourceType: "ClinicalImpression"}, Status: "completed", Code: &code,
				Subject: *fhir.Ref("Patient", "p1"), Assessor: fhir.Ref("Practitioner", "nurse-b")}
			e.wantOutcome(e.do(http.MethodPost, "/ClinicalImpression", tokNurseA, ci), http.StatusForbidden)
			ci.Assessor = nil
			r := e.want(e.do(http.MethodPost, "/ClinicalImpression", tokNurseA, ci), http.StatusCreated)
			got, _ := fhir.Decode[*fhir.ClinicalImpression](r.body)
			if !isPractitioner(got.Assessor, "nurse-a") {
				t.Errorf("assessor %+v", got.Assessor)
			}
			o := e.want(e.do(http.MethodPost, "/Observation", tokPatient1, weightObs("p1", 82.5, t0, "")), http.StatusCreated)
			obs, _ := fhir.Decode[*fhir.Observation](o.body)
			task := findTask(t, e, "Observation/"+obs.ID)
			as := func(who string) string {
				return `[{"op":"replace","path":"/status","value":"completed"},{"op":"add","path":"/owner","value":{"reference":"Practitioner/` + who + `"}}]`
			}
			e.wantOutcome(e.do(http.MethodPatch, "/Task/"+task.ID, tokNurseA, as("nurse-b")), http.StatusForbidden)
			e.want(e.do(http.MethodPatch, "/Task/"+task.ID, tokNurseA, as("nurse-a")), http.StatusOK)
		}},
		{"4 nurse-a edits a message nurse-b sent; marking it read is allowed", func(t *testing.T, e *env) {
			e.clock.Set(inside)
			c := fhir.MessageToCommunication(domain.Message{PatientID: "p1", Body: "fra C", Sent: t0})
			c.ID = ""
			r := e.want(e.do(http.MethodPost, "/Communication", tokNurseC, c), http.StatusCreated)
			sent, _ := fhir.Decode[*fhir.Communication](r.body)
			changed := *sent
			body := "forfalsket"
			changed.Payload = []fhir.CommunicationPayload{{ContentString: &body}}
			e.wantOutcome(e.do(http.MethodPut, "/Communication/"+sent.ID, tokNurseA, &changed), http.StatusForbidden)
			fhir.SetReadState(sent, false)
			e.want(e.do(http.MethodPut, "/Communication/"+sent.ID, tokNurseA, sent), http.StatusOK)
		}},
		{"5 a patient plants an urgent handover note from a physician", func(t *testing.T, e *env) {
			c := fhir.NoteToCommunication(domain.Note{PatientID: "p1", Text: "Stop medicinen", Important: true, Created: t0, Author: "Overlæge Hansen"}, "", domain.Team{})
			c.ID = ""
			r := e.want(e.do(http.MethodPost, "/Communication", tokPatient1, c), http.StatusCreated)
			got, _ := fhir.Decode[*fhir.Communication](r.body)
			st, err := e.currentOf("Communication", got.ID)
			if err != nil {
				t.Fatal(err)
			}
			stored := st.(*fhir.Communication)
			if fhir.IsHandoverNote(stored) || stored.Priority != "" || len(stored.Category) != 1 ||
				!stored.Category[0].HasCode(fhir.SystemMessageCategory, fhir.CodeMessage) {
				t.Errorf("category %+v priority %q", stored.Category, stored.Priority)
			}
			if refOf(stored.Sender) != "Patient/p1" || stored.Sender.Display != "Syntetisk p1" {
				t.Errorf("sender %+v", stored.Sender)
			}
			if len(stored.Recipient) != 1 || stored.Recipient[0].Reference != "CareTeam/team-a" {
				t.Errorf("recipient %+v", stored.Recipient)
			}
			c.Sender = fhir.Ref("Practitioner", "nurse-a")
			e.wantOutcome(e.do(http.MethodPost, "/Communication", tokPatient1, c), http.StatusForbidden)
		}},
		{"8 If-None-Exist is no CPR oracle; a second enrolment names only the holder", func(t *testing.T, e *env) {
			p2 := fhir.PatientToFHIR(domain.Patient{ID: "p2", CPR: "0202022222", Name: "Syntetisk p2", Synthetic: true})
			if err := e.store.Put(context.Background(), p2); err != nil {
				t.Fatal(err)
			}
			try := func(tok, cpr string) resp {
				p := fhir.PatientToFHIR(domain.Patient{CPR: cpr, Name: "Ny", Synthetic: true})
				return e.do(http.MethodPost, "/Patient", tok, p, "If-None-Exist", fhir.IdentifierQuery(p.Identifier[0]))
			}
			// A patient is enrolled once; the nurse is told who
			// holds a CPR number enrolled elsewhere (the team and its
			// organisation), nothing else, and no second record is made.
			// The If-None-Exist match itself never returns the hidden one.
			got := try(tokNurseA, "0202022222")
			if got.status != http.StatusUnprocessableEntity {
				t.Errorf("nurse: enrolled elsewhere %d, want 422", got.status)
			}
			if body := string(got.body); !strings.Contains(body, "held by") || strings.Contains(body, "Syntetisk") ||
				strings.Contains(body, "p2") || strings.Contains(body, "0202022222") {
				t.Errorf("the refusal leaks more than the holder: %s", body)
			}
			if unknown := try(tokNurseA, "0303033333"); unknown.status != http.StatusCreated {
				t.Errorf("nurse: unknown CPR %d", unknown.status)
			}
			if got, unknown := try(tokPatient1, "0202022222").status, try(tokPatient1, "0404044444").status; got != unknown || got != http.StatusForbidden {
				t.Errorf("patient: enrolled elsewhere %d, unknown %d", got, unknown)
			}
		}},
		{"9 a patient posts a reading dated 9999-12-31", func(t *testing.T, e *env) {
			o := weightObs("p1", 80, t0, "")
			o.EffectiveDateTime = "9999-12-31T00:00:00Z"
			e.wantOutcome(e.do(http.MethodPost, "/Observation", tokPatient1, o), http.StatusBadRequest)
			o.EffectiveDateTime = "0001-01-01T00:00:00Z"
			e.wantOutcome(e.do(http.MethodPost, "/", tokPatient1, txBundle(t, "POST", "Observation", "", o)), http.StatusBadRequest)
		}},
		{"11 a search for 40,000 ids", func(t *testing.T, e *env) {
			ids := strings.TrimSuffix(strings.Repeat("obs-1,", 40000), ",")
			e.wantOutcome(e.do(http.MethodGet, "/Observation?_id="+ids, tokNurseA, nil), http.StatusBadRequest)
		}},
		{"13 the scheme bearer in lower case", func(t *testing.T, e *env) {
			req, _ := http.NewRequest(http.MethodGet, e.http.URL+"/Patient/p1", nil)
			req.Header.Set("Authorization", "bearer "+tokNurseA)
			res, err := e.http.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Errorf("status %d", res.StatusCode)
			}
		}},
		{"13 an expired token", func(t *testing.T, e *env) {
			toks, err := NewTokenTable(map[string]TokenSpec{"token-old-nurse-a": {Principal: "nurse-a", Expires: "2020-01-01T00:00:00Z"}})
			if err != nil {
				t.Fatal(err)
			}
			e.srv.tokens = toks
			e.wantOutcome(e.do(http.MethodGet, "/Patient/p1", "token-old-nurse-a", nil), http.StatusUnauthorized)
		}},
		{"13 entered-in-error with another value in the same PUT", func(t *testing.T, e *env) {
			cur, err := e.currentOf("Observation", "obs-1")
			if err != nil {
				t.Fatal(err)
			}
			o := cur.(*fhir.Observation)
			o.Status, o.ValueQuantity = "entered-in-error", fhir.Qty(60, "kg")
			e.wantOutcome(e.do(http.MethodPut, "/Observation/obs-1", tokNurseA, o), http.StatusUnprocessableEntity)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, _ := authEnv(t)
			e.t = t
			c.run(t, e)
		})
	}
}
