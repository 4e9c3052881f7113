package fhir

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

func TestHandoverNoteRoundTrip(t *testing.T) {
	at := time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC)
	n := domain.Note{ID: "n1", PatientID: "p1", Author: "Karen Holm", Text: "Ring datteren", Important: true,
		Remind: at.AddDate(0, 0, 2), Created: at}
	c := NoteToCommunication(n, "prac-1", domain.Team{ID: "team-1", Name: "Syd"})
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode[*Communication](b)
	if err != nil {
		t.Fatal(err)
	}
	if !IsHandoverNote(back) {
		t.Fatal("not recognised as a handover note")
	}
	if back.Recipient[0].Reference != "CareTeam/team-1" || back.Sender.Reference != "Practitioner/prac-1" {
		t.Errorf("addressing = %+v / %+v", back.Recipient, back.Sender)
	}
	got, err := CommunicationToNote(back)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, n) {
		t.Errorf("round trip = %+v, want %+v", got, n)
	}
	if IsHandoverNote(MessageToCommunication(domain.Message{ID: "m", PatientID: "p1", Body: "x"})) {
		t.Error("a message is taken for a note")
	}
}

func TestSeveralCoversRoundTrip(t *testing.T) {
	at := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	west := domain.Team{ID: "team-w", Name: "Vest", OrgID: "org-w", OrgName: "Sygehus Vest"}
	north := domain.Team{ID: "team-n", Name: "Nord"}
	r := domain.Responsibility{Home: domain.Team{ID: "team-h", Name: "Hjem"},
		Cover:   &domain.Cover{Team: west, Period: domain.Period{From: at, To: at.AddDate(0, 0, 14), Reason: "ferie"}},
		Planned: []domain.Cover{{Team: north, Period: domain.Period{From: at.AddDate(0, 1, 0), To: at.AddDate(0, 1, 7)}}}}
	e := ResponsibilityToEpisodeOfCare("eoc-1", "p1", r)
	if n := len(FindExtensions(e.Extension, ExtCover)); n != 2 {
		t.Fatalf("cover extensions = %d, want 2", n)
	}
	b, _ := json.Marshal(e)
	back, err := Decode[*EpisodeOfCare](b)
	if err != nil {
		t.Fatal(err)
	}
	pid, got, err := EpisodeOfCareToResponsibility(back)
	if err != nil || pid != "p1" {
		t.Fatal(pid, err)
	}
	if !reflect.DeepEqual(got, r) {
		t.Errorf("round trip = %+v, want %+v", got, r)
	}
}
