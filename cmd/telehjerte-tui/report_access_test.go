package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// The printed access report keeps the central's answers with patient data
// (lookups, patients) apart from the patients the user opened on a
// console's screen (opened, opened_patients, last_opened), in every
// format, and the table says under it what each counts.
func TestWriteAccessReportTellsFetchedFromOpened(t *testing.T) {
	at := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	lines := []domain.AccessLine{{User: "nurse-1", Name: "Karen Holm", Role: domain.RoleNurse, LookUps: 127, Patients: 37,
		LastLookUp: at, Opened: 3, OpenedPatients: 2, LastOpened: at.Add(-time.Hour)}}

	var js bytes.Buffer
	if err := writeAccessReport(&js, lines, "json", time.UTC); err != nil {
		t.Fatal(err)
	}
	var rows []accessLineJSON
	if err := json.Unmarshal(js.Bytes(), &rows); err != nil || len(rows) != 1 {
		t.Fatalf("JSON: %v\n%s", err, js.String())
	}
	if r := rows[0]; r.LookUps != 127 || r.Patients != 37 || r.Opened != 3 || r.OpenedPatients != 2 || r.LastOpened != "2026-11-30T09:00:00Z" {
		t.Errorf("JSON line: %+v", r)
	}

	var c bytes.Buffer
	if err := writeAccessReport(&c, lines, "csv", time.UTC); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&c).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("CSV: %v %q", err, recs)
	}
	got := map[string]string{}
	for i, h := range recs[0] {
		got[h] = recs[1][i]
	}
	if got["lookups"] != "127" || got["patients"] != "37" || got["opened"] != "3" || got["opened_patients"] != "2" ||
		got["last_opened"] != "2026-11-30T09:00:00Z" {
		t.Errorf("CSV: %v", got)
	}

	var tb bytes.Buffer
	if err := writeAccessReport(&tb, lines, "table", time.UTC); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tb.String(), "opened_patients") || !strings.Contains(tb.String(), domain.AccessFiguresNote) {
		t.Errorf("the table does not say what it counts:\n%s", tb.String())
	}
}
