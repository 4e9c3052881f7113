package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// The version history shows the clinic's calendar days in the console's
// date format: a version from Copenhagen midnight on 10 March is
// 10.03.2026, not 2026-03-09 (the defect: dates one day early, in ISO form).
func TestHistoryDatesLocal(t *testing.T) {
	m, _ := actingModel(t, 120, 40)
	st := m.src.(*recordingSource).Store
	if err := st.Write(context.Background(), func(tx *cache.Tx) error {
		d, err := st.Patient(context.Background(), "p-anna", time.Time{})
		if err != nil {
			return err
		}
		r := d.Regime
		r.Version = "2"
		r.EffectiveFrom = time.Date(2026, 3, 10, 0, 0, 0, 0, cph)
		r.Pauses = []domain.Period{{From: time.Date(2026, 7, 1, 0, 0, 0, 0, cph), To: time.Date(2026, 7, 15, 0, 0, 0, 0, cph), Reason: string(domain.PauseHoliday)}}
		return tx.PutRegime(r, cache.Meta{LastUpdated: testNow})
	}); err != nil {
		t.Fatal(err)
	}
	openPatient(t, m, "p-anna")
	send(m, char('v'))
	v := ansi.Strip(m.View().Content)
	for _, want := range []string{"15.01.2026 → 10.03.2026", "– → 01.07.2026–14.07.2026"} {
		if !strings.Contains(v, want) {
			t.Errorf("history lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "2026-03-09") || strings.Contains(v, "2026-03-10") {
		t.Errorf("ISO or UTC dates in the history:\n%s", v)
	}
}

// A planned cover's first day on the worklist is the clinic's calendar day
// (a cover from Copenhagen midnight on 7 July is 07.07, not 06.07).
func TestWorklistCoverDateLocal(t *testing.T) {
	m, _ := loaded(t, testOptions(), 160, 30)
	st := m.src.(*recordingSource).Store
	cover := domain.Responsibility{Home: teamA, Cover: &domain.Cover{Team: teamB, Period: domain.Period{From: time.Date(2026, 7, 7, 0, 0, 0, 0, cph), To: time.Date(2026, 7, 26, 0, 0, 0, 0, cph)}}}
	if err := st.Write(context.Background(), func(tx *cache.Tx) error {
		return tx.PutResponsibility("p-anna", cover, cache.Meta{ID: "eoc-p-anna", VersionID: "2", LastUpdated: testNow})
	}); err != nil {
		t.Fatal(err)
	}
	send(m, RefreshMsg{})
	if l := screenLine(t, m, "Anna Andersen"); !strings.Contains(l, "→ Hjertesvigt Viborg 07.07") {
		t.Errorf("Anna's planned cover: %q", l)
	}
}

// An overlapping cover says which cover (team and period) and whose it
// overlaps (the defect: "overlapper en anden afløsning" said neither).
func TestCoverOverlapNamesTheCover(t *testing.T) {
	m, act := actingModel(t, 140, 30)
	openPatient(t, m, "p-bent") // covered by team B 05.03–14.03
	send(m, char('t'))
	fd, ok := m.dialog.(formDialog)
	if !ok {
		t.Fatalf("dialog = %T (%q)", m.dialog, m.err)
	}
	for i, v := range fd.field("team").values {
		if v == "team-c" {
			fd.field("team").sel = i
		}
	}
	fd.field("from").in.SetValue("12.03.2026")
	fd.field("to").in.SetValue("20.03.2026")
	send(m, keyCtrl('s'))
	if len(act.recorded()) != 0 {
		t.Fatalf("overlapping cover sent: %v", act.recorded())
	}
	want := "overlapper afløsningen ved Hjertesvigt Viborg 05.03–14.03 for Bent Berg"
	if fd.errs["from"] != want || !strings.Contains(ansi.Strip(m.View().Content), want) {
		t.Fatalf("overlap error %q, want %q", fd.errs["from"], want)
	}
}
