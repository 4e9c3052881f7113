package fhir

import (
	"reflect"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

func TestReadGrantRoundTrip(t *testing.T) {
	from := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	g := domain.ReadGrant{ID: "g1", Grantee: "m1", GranteeName: "Mette Kommune", GrantedBy: "n1", Patients: []string{"p1", "p2"},
		Teams: []string{"team-a"}, From: from, To: from.Add(domain.DefaultReadGrant), Reason: "egenomsorg"}
	js, err := Encode(ReadGrantToCareTeam(g))
	if err != nil {
		t.Fatal(err)
	}
	ct, err := Decode[*CareTeam](js)
	if err != nil {
		t.Fatal(err)
	}
	if !IsReadAccessGrant(ct) {
		t.Fatal("not recognised as a grant")
	}
	got, err := ReadGrantFromCareTeam(ct)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, g) {
		t.Errorf("round trip\n got %+v\nwant %+v", got, g)
	}
	// A scope naming anything but a patient or a team is refused.
	ct.Extension = append(ct.Extension, Extension{URL: ExtAccessScope, ValueReference: Ref("Organization", "o1")})
	if _, err := ReadGrantFromCareTeam(ct); err == nil {
		t.Error("an Organization scope was accepted")
	}
}

func TestWhoAmIParameters(t *testing.T) {
	id := domain.Identity{ID: "n1", Name: "Anna", Role: domain.RoleReadOnly, Teams: []domain.Team{{ID: "t1", Name: "Klinik"}}}
	got, err := WhoAmIFromParameters(WhoAmIToParameters(id))
	if err != nil || !reflect.DeepEqual(got, id) {
		t.Errorf("got %+v, %v", got, err)
	}
	if _, err := WhoAmIFromParameters(&Parameters{ResourceType: "Parameters", Parameter: []ParametersParameter{{Name: "fhirUser", ValueReference: Ref("Patient", "p1")}}}); err == nil {
		t.Error("a patient's fhirUser was taken for a practitioner")
	}
	if _, err := WhoAmIFromParameters(&Parameters{ResourceType: "Parameters", Parameter: []ParametersParameter{
		{Name: "fhirUser", ValueReference: Ref("Practitioner", "n1")}, {Name: "role", ValueCode: "superuser"}}}); err == nil {
		t.Error("an unknown role was accepted")
	}
}
