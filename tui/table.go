package tui

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// WriteWorklistTable writes the worklist as a plain-text table (no escape
// sequences) for the non-interactive `worklist` subcommand: a title line, the
// counts per status group, a heading and one line per patient in worklist
// order, with the same columns and status symbols as the console, laid out
// for width columns (80 if width < 40). rows is not modified.
func WriteWorklistTable(w io.Writer, rows []domain.WorklistRow, opts Options, width int) error {
	opts = opts.withDefaults()
	if width < 40 {
		width = 80
	}
	t := catalog(opts.Lang)
	sorted := append([]domain.WorklistRow(nil), rows...)
	domain.OrderWorklist(sorted)
	visible := make([]int, len(sorted))
	for i := range visible {
		visible[i] = i
	}
	now := opts.Now().In(opts.Loc) // dates in the clinic's time zone
	bw := bufio.NewWriter(w)
	if opts.Demo {
		fmt.Fprintln(bw, t.DemoBanner)
	}
	title := t.Title
	if c := safetext.Sanitize(opts.Clinic); c != "" {
		title += " · " + c
	}
	fmt.Fprintln(bw, spread(title, t.Patients(len(sorted)), width))
	fmt.Fprintln(bw, countsLine(t, sorted, true, width, func(_ domain.Group, s string) string { return s }))
	if len(sorted) == 0 {
		fmt.Fprintln(bw, t.NoRows)
		return flush(bw)
	}
	lay := layoutWorklist(t, sorted, visible, width, now)
	fmt.Fprintln(bw, strings.TrimPrefix(lay.heading(), " "))
	fmt.Fprintln(bw, strings.Repeat("─", min(width, displayWidth(lay.heading())-1)))
	for i := range sorted {
		fmt.Fprintln(bw, strings.TrimPrefix(lay.plainRow(lay.cells(t, &sorted[i]), false), " "))
	}
	return flush(bw)
}

func flush(bw *bufio.Writer) error {
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write worklist table: %w", err)
	}
	return nil
}
