package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

func sampleRows(t *testing.T) ([]domain.WorklistRow, time.Time, *time.Location) {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, loc)
	home := domain.Team{ID: "team-a", Name: "Hjertesvigtsklinik A"}
	coverTeam := domain.Team{ID: "team-b", Name: "=cmd|' /C calc'!A0"}
	red := domain.WorklistRow{
		Patient: domain.Patient{ID: "p1", CPR: "0101501234", Name: "Anna \x1b[31mHansen"},
		Open:    domain.OpenItems{Red: 1, Yellow: 2, Missing: 1, Unread: 1, Oldest: now.Add(-26 * time.Hour)},
		Latest: map[domain.Kind]domain.Latest{
			domain.KindWeight:        {Value: 84.5, Color: domain.Red, Taken: now.Add(-2 * time.Hour)},
			domain.KindBloodPressure: {Value: 120, Value2: 80, Color: domain.Green, Taken: now.Add(-3 * time.Hour)},
		},
		Responsibility: domain.Responsibility{Home: home, Cover: &domain.Cover{Team: coverTeam,
			Period: domain.Period{From: now.Add(-24 * time.Hour), To: now.Add(24 * time.Hour)}}},
	}
	none := domain.WorklistRow{
		Patient:        domain.Patient{ID: "p2", CPR: "12-34", Name: "Bo Berg"},
		Responsibility: domain.Responsibility{Home: home},
	}
	// Only reminders: an overdue re-evaluation (yellow) and a new patient.
	reminded := domain.WorklistRow{
		Patient:        domain.Patient{ID: "p3", CPR: "0202601234", Name: "Ny Borger"},
		Responsibility: domain.Responsibility{Home: home},
		Course: []domain.CourseFlag{{Kind: domain.FlagNewPatient}, {Kind: domain.FlagReevaluationOverdue, Days: 3},
			{Kind: domain.FlagFailingToMeasure, Days: 4, Of: 7}},
	}
	return []domain.WorklistRow{red, none, reminded}, now, loc
}

func TestJSON(t *testing.T) {
	rows, now, loc := sampleRows(t)
	var buf bytes.Buffer
	if err := WriteJSON(&buf, Rows(rows, now, loc)); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, buf.String())
	}
	if len(got) != 3 {
		t.Fatalf("%d rows, want 3", len(got))
	}
	r := got[0]
	if r["status"] != "red" || r["patient_id"] != "p1" || r["cpr"] != "010150-xxxx" {
		t.Errorf("row 0 = %v", r)
	}
	if strings.ContainsRune(r["name"].(string), 0x1b) || r["name"] != "Anna Hansen" {
		t.Errorf("name not cleaned: %q", r["name"])
	}
	open := r["open"].(map[string]any)
	for k, want := range map[string]float64{"new": 3, "red": 1, "yellow": 2, "missing": 1, "unread": 1, "green": 0, "unclassified": 0, "implausible": 0} {
		if open[k] != want {
			t.Errorf("open[%s] = %v, want %v", k, open[k], want)
		}
	}
	if r["oldest_open"] != "2026-03-09T07:00:00+01:00" {
		t.Errorf("oldest_open = %v", r["oldest_open"])
	}
	latest := r["latest"].(map[string]any)
	w := latest["weight"].(map[string]any)
	if w["value"] != 84.5 || w["color"] != "red" || w["unit"] != "kg" || w["value2"] != nil {
		t.Errorf("latest weight = %v", w)
	}
	if bp := latest["bp"].(map[string]any); bp["value2"] != 80.0 {
		t.Errorf("latest bp = %v", bp)
	}
	team := r["team"].(map[string]any)
	if team["id"] != "team-b" || team["cover"] != true || team["home_name"] != "Hjertesvigtsklinik A" {
		t.Errorf("team = %v", team)
	}
	if got[1]["status"] != "none" || got[1]["oldest_open"] != nil || got[1]["cpr"] != "xxxxxx-xxxx" {
		t.Errorf("row 1 = %v", got[1])
	}
	if rem, ok := got[1]["reminders"].([]any); !ok || len(rem) != 0 {
		t.Errorf("row 1 reminders = %v, want []", got[1]["reminders"])
	}
	if got[2]["status"] != "yellow" {
		t.Errorf("a row with an overdue re-evaluation only: status %v, want yellow", got[2]["status"])
	}
	rem, _ := json.Marshal(got[2]["reminders"])
	if string(rem) != `[{"days":3,"kind":"reevaluation-overdue"},{"days":4,"kind":"failing-to-measure","of":7},{"days":0,"kind":"new-patient"}]` {
		t.Errorf("reminders = %s", rem)
	}
	buf.Reset()
	if err := WriteJSON(&buf, nil); err != nil || strings.TrimSpace(buf.String()) != "[]" {
		t.Errorf("empty list: %q %v", buf.String(), err)
	}
}

func TestCSV(t *testing.T) {
	rows, now, loc := sampleRows(t)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, Rows(rows, now, loc)); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 {
		t.Fatalf("%d records, want header + 3", len(recs))
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	r := recs[1]
	for name, want := range map[string]string{
		"status": "red", "cpr": "010150-xxxx", "open_new": "3", "open_red": "1", "oldest_open": "2026-03-09T07:00:00+01:00",
		"weight_value": "84.5", "weight_color": "red", "bp_value2": "80", "pulse_value": "",
		"team": "'=cmd|' /C calc'!A0", "team_cover": "true", "reminders": "",
	} {
		if i, ok := col[name]; !ok || r[i] != want {
			t.Errorf("%s = %q, want %q", name, r[min(i, len(r)-1)], want)
		}
	}
	if got := recs[3][col["reminders"]]; got != "reevaluation-overdue:3 failing-to-measure:4/7 new-patient" || recs[3][col["status"]] != "yellow" {
		t.Errorf("reminders = %q, status %q", got, recs[3][col["status"]])
	}
	for _, rec := range recs {
		if len(rec) != len(CSVHeader()) {
			t.Errorf("record has %d fields, header %d", len(rec), len(CSVHeader()))
		}
	}
}

// One row with absurd times (a reading dated 9999-12-31 23:30 UTC, which
// is the year 10000 in Copenhagen; an open item from year 1) must not
// break the listing: every row is written, the times as given.
func TestJSONWithAbsurdTimes(t *testing.T) {
	rows, now, loc := sampleRows(t)
	bad := domain.WorklistRow{
		Patient: domain.Patient{ID: "p3", CPR: "0101501234", Name: "Carl Dahl"},
		Open:    domain.OpenItems{Red: 1, Oldest: time.Date(1, 1, 1, 0, 0, 0, 0, time.FixedZone("", 23*3600+59*60))},
		Latest: map[domain.Kind]domain.Latest{
			domain.KindWeight: {Value: 99, Color: domain.Red, Implausible: true, Taken: time.Date(9999, 12, 31, 23, 30, 0, 0, time.UTC)},
		},
	}
	rows = append(rows, bad)
	var buf bytes.Buffer
	if err := WriteJSON(&buf, Rows(rows, now, loc)); err != nil {
		t.Fatalf("one row with absurd times broke the listing: %v", err)
	}
	var got []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil || len(got) != 4 {
		t.Fatalf("%d rows, %v\n%s", len(got), err, buf.String())
	}
	w := got[3]["latest"].(map[string]any)["weight"].(map[string]any)
	if w["taken"] != "10000-01-01T00:30:00+01:00" || w["implausible"] != true {
		t.Errorf("absurd reading exported as %v", w)
	}
	buf.Reset()
	if err := WriteCSV(&buf, Rows(rows, now, loc)); err != nil {
		t.Fatal(err)
	}
	if recs, err := csv.NewReader(&buf).ReadAll(); err != nil || len(recs) != 5 {
		t.Errorf("CSV: %d records, %v", len(recs), err)
	}
}

// A red patient whose latest reading of the kind is green: the export
// names the open reading that puts her in the red group (what the
// console's value cell shows), beside the latest, so a reader of the JSON
// or the CSV does not see a red status over green values only.
func TestExportNamesTheWorstOpenReading(t *testing.T) {
	_, now, loc := sampleRows(t)
	row := domain.WorklistRow{
		Patient: domain.Patient{ID: "p9", CPR: "0101501234", Name: "Rød Puls"},
		Open:    domain.OpenItems{Red: 1, Green: 1, Oldest: now.Add(-5 * time.Hour)},
		Latest: map[domain.Kind]domain.Latest{
			domain.KindPulse: {Value: 72, Color: domain.Green, Taken: now.Add(-time.Hour)},
		},
		WorstOpen:    map[domain.Kind]domain.Latest{domain.KindPulse: {Value: 101, Color: domain.Red, Taken: now.Add(-5 * time.Hour)}},
		OpenReadings: map[domain.Kind]int{domain.KindPulse: 2},
	}
	rows := Rows([]domain.WorklistRow{row}, now, loc)
	var buf bytes.Buffer
	if err := WriteJSON(&buf, rows); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	worst, _ := got[0]["worst_open"].(map[string]any)
	pulse, _ := worst["pulse"].(map[string]any)
	if got[0]["status"] != "red" || pulse["value"] != 101.0 || pulse["color"] != "red" || pulse["open"] != 2.0 ||
		pulse["taken"] != "2026-03-10T04:00:00+01:00" {
		t.Errorf("the red reading is not in the JSON: %s", buf.String())
	}
	if l := got[0]["latest"].(map[string]any)["pulse"].(map[string]any); l["value"] != 72.0 || l["color"] != "green" {
		t.Errorf("the latest reading changed: %v", l)
	}
	buf.Reset()
	if err := WriteCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for name, want := range map[string]string{
		"pulse_value": "72", "pulse_color": "green",
		"pulse_worst_value": "101", "pulse_worst_color": "red", "pulse_worst_taken": "2026-03-10T04:00:00+01:00", "pulse_open": "2",
		"weight_worst_value": "", "weight_open": "0",
	} {
		if i, ok := col[name]; !ok || recs[1][i] != want {
			t.Errorf("CSV %s: %v, want %q", name, ok && recs[1][i] == want, want)
		}
	}
}
