package export

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// WriteJSON writes rows as one JSON array (an empty list is "[]").
func WriteJSON(w io.Writer, rows []Row) error {
	if rows == nil {
		rows = []Row{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rows); err != nil {
		return fmt.Errorf("write worklist JSON: %w", err)
	}
	return nil
}

// CSVHeader is the header row of WriteCSV. Latest readings come as
// <kind>_value, <kind>_color and <kind>_taken per kind (bp adds bp_value2);
// reminders are the course reminders, space-separated, most pressing
// first, each kind[:days[/of]] (e.g. "reevaluation-overdue:3
// failing-to-measure:4/7 new-patient"), the last column. After the latest
// readings come, per kind, the most severe open reading (Row.WorstOpen) as
// <kind>_worst_value (bp_worst_value2), <kind>_worst_color and
// <kind>_worst_taken, empty when none is open, and <kind>_open, how many
// of the kind are open.
func CSVHeader() []string {
	h := []string{"status", "patient_id", "name", "cpr",
		"open_new", "open_red", "open_yellow", "open_green", "open_unclassified",
		"open_implausible", "open_missing", "open_unread", "oldest_open"}
	h = append(h, readingHeader("")...)
	h = append(h, readingHeader("_worst")...)
	for _, k := range domain.Kinds() {
		h = append(h, string(k)+"_open")
	}
	return append(h, "team_id", "team", "team_cover", "reminders")
}

// readingHeader is the columns of one reading per kind, each named
// <kind><infix>_value and so on.
func readingHeader(infix string) []string {
	var h []string
	for _, k := range domain.Kinds() {
		h = append(h, string(k)+infix+"_value")
		if k == domain.KindBloodPressure {
			h = append(h, string(k)+infix+"_value2")
		}
		h = append(h, string(k)+infix+"_color", string(k)+infix+"_taken")
	}
	return h
}

// readingCells is one reading per kind as readingHeader names its columns
// (empty cells for a kind with none).
func readingCells(get func(domain.Kind) (Latest, bool)) []string {
	var rec []string
	for _, k := range domain.Kinds() {
		l, ok := get(k)
		if !ok {
			rec = append(rec, "")
			if k == domain.KindBloodPressure {
				rec = append(rec, "")
			}
			rec = append(rec, "", "")
			continue
		}
		rec = append(rec, strconv.FormatFloat(l.Value, 'f', -1, 64))
		if k == domain.KindBloodPressure {
			v2 := ""
			if l.Value2 != nil {
				v2 = strconv.FormatFloat(*l.Value2, 'f', -1, 64)
			}
			rec = append(rec, v2)
		}
		color := l.Color
		if l.Implausible {
			color += " implausible"
		}
		rec = append(rec, color, l.Taken.Format(time.RFC3339))
	}
	return rec
}

// WriteCSV writes a header row and one record per row. Text cells that a
// spreadsheet would read as a formula get a leading apostrophe.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader()); err != nil {
		return fmt.Errorf("write worklist CSV: %w", err)
	}
	num := strconv.Itoa
	for _, r := range rows {
		rec := []string{r.Status, Cell(r.PatientID), Cell(r.Name), r.CPR,
			num(r.Open.New), num(r.Open.Red), num(r.Open.Yellow), num(r.Open.Green), num(r.Open.Unclassified),
			num(r.Open.Implausible), num(r.Open.Missing), num(r.Open.Unread), timeCell(r.OldestOpen)}
		rec = append(rec, readingCells(func(k domain.Kind) (Latest, bool) {
			l, ok := r.Latest[string(k)]
			return l, ok
		})...)
		rec = append(rec, readingCells(func(k domain.Kind) (Latest, bool) {
			w, ok := r.WorstOpen[string(k)]
			return w.Latest, ok
		})...)
		for _, k := range domain.Kinds() {
			rec = append(rec, num(r.WorstOpen[string(k)].Open))
		}
		rem := make([]string, 0, len(r.Reminders))
		for _, x := range r.Reminders {
			rem = append(rem, x.String())
		}
		rec = append(rec, Cell(r.Team.ID), Cell(r.Team.Name), strconv.FormatBool(r.Team.Cover), strings.Join(rem, " "))
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write worklist CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write worklist CSV: %w", err)
	}
	return nil
}

func timeCell(t *Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.RFC3339)
}

// Cell defuses spreadsheet formulas in untrusted text.
func Cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}
