package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

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
	v := &accessReportView{shared: w.shared, lines: msg.lines, rest: make([]string, len(msg.lines))}
	roleW := 0
	for _, l := range msg.lines {
		v.widest = max(v.widest, displayWidth(reportWho(l)))
		roleW = max(roleW, displayWidth(v.reportRole(l.Role)))
	}
	for i, l := range msg.lines {
		v.rest[i] = v.figures(l, min(roleW, maxReportRole))
		v.restW = max(v.restW, displayWidth(v.rest[i]))
	}
	return v, nil
}

// figures is what a line of the report says beside the user's name: her
// role (in a column roleW wide), what she opened and what was fetched,
// when she last opened a patient, her grants' ends, her look-ups outside
// her teams, UBRUGT.
func (v *accessReportView) figures(l domain.AccessLine, roleW int) string {
	c := &v.t.Course
	parts := []string{fit(v.reportRole(l.Role), roleW, false),
		fmt.Sprintf(c.ReportOpened, l.Opened, l.OpenedPatients), fmt.Sprintf(c.ReportFetched, l.LookUps, l.Patients)}
	// When she opened nobody and has grants, a dash holds the
	// last-opened place: a grant's end must not stand where the header
	// says "senest åbnet".
	switch {
	case !l.LastOpened.IsZero():
		parts = append(parts, dateYear(l.LastOpened.In(v.opts.Loc)))
	case len(l.Grants) > 0:
		parts = append(parts, "–")
	}
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
	return strings.Join(parts, "  ")
}

// accessReportView shows one line per user; esc (or U) closes it.
type accessReportView struct {
	*shared
	box
	lines  []domain.AccessLine
	widest int      // the widest name of lines (reportWho)
	rest   []string // each line's figures (figures), made when the report arrives
	restW  int      // the widest of rest
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
	out := []string{v.st.title.Render(c.ReportTitle), v.st.dim.Render(c.ReportHead)}
	// What the figures count, in words: the sync's fetches are not her
	// look-ups.
	// Cut to leave room for at least one line of the report.
	explain := strings.Split(ansi.Wrap(c.ReportExplain, max(20, w-2), ""), "\n")
	if room := h - len(out) - 2; len(explain) > room {
		explain = explain[:max(0, room)]
	}
	for _, l := range explain {
		out = append(out, v.st.dim.Render(l))
	}
	out = append(out, "")
	if len(v.lines) == 0 {
		return strings.Join(append(out, v.st.dim.Render(c.ReportNone)), "\n")
	}
	// The name column is as wide as the longest name, up to
	// maxReportName and what the screen leaves beside the widest figures
	// (up to maxReportRest of them: a longer line loses its tail).
	nameW := min(max(12, v.widest), maxReportName, max(12, w-4-min(v.restW, maxReportRest)))
	for i, l := range v.lines[v.offset:] {
		line := fit(reportWho(l), nameW, false) + "  " + v.rest[v.offset+i]
		out = append(out, "  "+fit(line, max(10, w-2), false))
		if len(out) >= h {
			break
		}
	}
	return strings.Join(out, "\n")
}

// maxReportName is the widest the access report's name column gets,
// maxReportRest the most of a line's figures it makes room for, and
// maxReportRole the widest the role column gets.
const (
	maxReportName = 48
	maxReportRest = 80
	maxReportRole = 16
)

// reportRole is a role as the report shows it: its name in the UI's
// language, else (a role this console does not know) the central's code.
func (v *accessReportView) reportRole(r domain.Role) string {
	if n, ok := v.t.Course.ReportRole[r]; ok {
		return n
	}
	return safetext.Sanitize(string(r))
}

// reportWho is who a line of the access report is about: her name, else
// her user id.
func reportWho(l domain.AccessLine) string {
	if who := safetext.Sanitize(l.Name); who != "" {
		return who
	}
	return safetext.Sanitize(l.User)
}
