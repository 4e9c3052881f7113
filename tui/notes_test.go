package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/sync/cache"
)

// An important note too long for the header is cut there, keeping who
// wrote it and pointing to the notes pane, which shows every note in full,
// newest first (the defect: the note could not be read in full).
func TestNotesPaneShowsFullText(t *testing.T) {
	m, _ := loaded(t, testOptions(), 80, 30)
	long := "Borgeren er startet på ny vanddrivende behandling; ring til datteren Lise på 12345678 hvis vægten stiger mere end 1 kg, og aftal tid hos egen læge inden fredag. Husk at spørge ind til svimmelhed."
	if err := m.src.(*recordingSource).Store.Write(context.Background(), func(tx *cache.Tx) error {
		if err := tx.PutNote(domain.Note{ID: "n-old", PatientID: "p-anna", Author: "Sygeplejerske Mette", Text: "Første samtale gennemført.", Created: daysAgo(9, 10)}, cache.Meta{ID: "n-old", VersionID: "1", LastUpdated: testNow}); err != nil {
			return err
		}
		return tx.PutNote(domain.Note{ID: "n-new", PatientID: "p-anna", Author: "Sygeplejerske Hanne", Text: long, Important: true, Created: daysAgo(1, 14)}, cache.Meta{ID: "n-new", VersionID: "1", LastUpdated: testNow})
	}); err != nil {
		t.Fatal(err)
	}
	openPatient(t, m, "p-anna")
	head := screenLine(t, m, "Vigtig note")
	if !strings.Contains(head, "…") || !strings.Contains(head, "Sygeplejerske Hanne") || !strings.Contains(head, "6: hele noten") || ansi.StringWidth(head) > 80 {
		t.Errorf("header note: %q", head)
	}
	send(m, char('6'))
	v := strings.Join(strings.Fields(ansi.Strip(m.View().Content)), " ")
	if !strings.Contains(v, long) {
		t.Errorf("the important note is not shown in full:\n%s", ansi.Strip(m.View().Content))
	}
	iNew, iOld := strings.Index(v, "Sygeplejerske Hanne"), strings.Index(v, "Første samtale gennemført.")
	if iNew < 0 || iOld < 0 || iNew > iOld {
		t.Errorf("notes not newest first:\n%s", v)
	}
	if !strings.Contains(v, "[6 Noter]") {
		t.Errorf("notes tab not selected:\n%s", v)
	}
}
