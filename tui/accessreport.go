package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// The access report (U on the worklist): the half-yearly authorisation
// check from the central's own records, for the signed-in user's teams (the
// central decides what she may see, and records the run).

// accessReportPeriod is how far back the report goes: half a year.
const accessReportPeriod = 183 * 24 * time.Hour

// accessReportMsg carries the report.
type accessReportMsg struct {
	lines []domain.AccessLine
	err   error
}

// startAccessReport fetches the report from the central.
func (w *worklistScreen) startAccessReport() tea.Cmd {
	ctx, rep, since := w.ctx, w.opts.Reporter, w.opts.Now().Add(-accessReportPeriod)
	w.loading = true
	return func() tea.Msg {
		lines, err := rep.AccessReport(ctx, since)
		return accessReportMsg{lines: lines, err: err}
	}
}

func (w *worklistScreen) accessReportLoaded(msg accessReportMsg) (component, tea.Cmd) {
	w.loading = false
	if msg.err != nil {
		w.err = safetext.Sanitize(fmt.Errorf("access report: %w", msg.err).Error())
		return w, nil
	}
	v := &accessReportView{shared: w.shared, lines: msg.lines}
	for _, l := range msg.lines {
		v.widest = max(v.widest, displayWidth(reportWho(l)))
	}
	return v, nil
}

// accessReportView shows one line per user; esc (or U) closes it.
type accessReportView struct {
	*shared
	box
	lines  []domain.AccessLine
	widest int // the widest name of lines (reportWho)
	offset int
}

func (v *accessReportView) inline() bool { return false }

func (v *accessReportView) ShortHelp() []key.Binding {
	return []key.Binding{v.keys.Move, v.keys.Cancel}
}

func (v *accessReportView) FullHelp() [][]key.Binding {
	return [][]key.Binding{{v.keys.Up, v.keys.Down, v.keys.Cancel}}
}

func (v *accessReportView) Update(m tea.Msg) (component, tea.Cmd) {
	msg, ok := m.(tea.KeyPressMsg)
	if !ok {
		return v, nil
	}
	k := v.keys
	switch {
	case key.Matches(msg, k.Cancel), key.Matches(msg, k.Quit), key.Matches(msg, k.AccessReport):
		return nil, nil
	case key.Matches(msg, k.Up):
		v.offset = max(0, v.offset-1)
	case key.Matches(msg, k.Down):
		v.offset = min(max(0, len(v.lines)-1), v.offset+1)
	}
	return v, nil
}

func (v *accessReportView) View() string {
	c := &v.t.Course
	w, h := v.w, v.h
	out := []string{v.st.title.Render(c.ReportTitle), v.st.dim.Render(c.ReportHead), ""}
	if len(v.lines) == 0 {
		return strings.Join(append(out, v.st.dim.Render(c.ReportNone)), "\n")
	}
	// The name column is as wide as the longest name, up to
	// maxReportName and what the screen leaves beside the figures.
	nameW := min(max(12, v.widest), maxReportName, max(12, w-2-reportFigures))
	for _, l := range v.lines[v.offset:] {
		who := reportWho(l)
		last := "–"
		if !l.LastLookUp.IsZero() {
			last = dateYear(l.LastLookUp.In(v.opts.Loc))
		}
		parts := []string{fit(who, nameW, false), fit(safetext.Sanitize(string(l.Role)), 16, false),
			strconv.Itoa(l.LookUps), strconv.Itoa(l.Patients), last}
		var grants []string
		for _, g := range l.Grants {
			s := dateYear(g.To.Add(-time.Nanosecond).In(v.opts.Loc))
			if g.Revoked {
				s += " ✗"
			}
			grants = append(grants, s)
		}
		if len(grants) > 0 {
			parts = append(parts, strings.Join(grants, ","))
		}
		if n := len(l.Outside); n > 0 {
			parts = append(parts, fmt.Sprintf(c.ReportOutside, n))
		}
		if l.Unused {
			parts = append(parts, c.ReportUnused)
		}
		out = append(out, "  "+fit(strings.Join(parts, "  "), max(10, w-2), false))
		if len(out) >= h {
			break
		}
	}
	return strings.Join(out, "\n")
}

// maxReportName and reportFigures size the access report's name column:
// the widest it gets, and what its other columns take on a line.
const (
	maxReportName = 48
	reportFigures = 50
)

// reportWho is who a line of the access report is about: her name, else
// her user id.
func reportWho(l domain.AccessLine) string {
	if who := safetext.Sanitize(l.Name); who != "" {
		return who
	}
	return safetext.Sanitize(l.User)
}
