package tui

import (
	"context"
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// The course after enrolment: the re-evaluation (R) and the end (A) in the
// patient view, and the list of ended courses (F on the worklist).

func (m *Model) reevalKey() key.Binding {
	return key.NewBinding(key.WithKeys("R"), key.WithHelp("R", m.t.C.KeyReeval))
}

func (m *Model) endKey() key.Binding {
	return key.NewBinding(key.WithKeys("A"), key.WithHelp("A", m.t.C.KeyEnd))
}

func (m *Model) endedKey() key.Binding {
	return key.NewBinding(key.WithKeys("F"), key.WithHelp("F", m.t.C.KeyEnded))
}

// canKeep reports whether the re-evaluation and the end are offered.
func (m *Model) canKeep() bool { return m.canAct() && m.opts.Keeper != nil }

// courseOpen reports whether the patient shown has a course that has not
// ended.
func (m *Model) courseOpen() bool {
	return m.pv.loaded && m.pv.detail.Regime.ID != "" && m.pv.detail.Regime.Phase != domain.PhaseEnded
}

// courseKeys are the course keys of the patient view that work now.
func (m *Model) courseKeys() []key.Binding {
	if !m.canKeep() || !m.courseOpen() {
		return nil
	}
	return []key.Binding{m.reevalKey(), m.endKey()}
}

func (m *Model) isCourseKey(msg tea.KeyPressMsg) bool {
	return m.courseOpen() && (key.Matches(msg, m.reevalKey()) || key.Matches(msg, m.endKey()))
}

func (m *Model) courseAction(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, m.reevalKey()) {
		m.reevalForm()
	} else {
		m.endForm()
	}
	return nil
}

// reevalForm records a re-evaluation: the outcome, the next date (continue
// or change), a note.
func (m *Model) reevalForm() {
	c := &m.t.C
	d := &m.pv.detail
	var labels, values []string
	for _, o := range domain.ReevalOutcomes() {
		labels = append(labels, c.OutcomeName[o])
		values = append(values, string(o))
	}
	outcome := newChoiceField("outcome", labels, values, 0)
	hasNext := func() bool { return outcome.value() != string(domain.ReevalEnd) }
	next := m.opts.Now().In(m.opts.Loc).AddDate(0, 0, 90)
	note := newTextField("note", 50, "")
	note.in.Placeholder = m.t.A.Optional
	f := &form{
		title: fmt.Sprintf(c.ReevalTitle, safetext.Sanitize(d.Patient.Name)),
		rows: []*formRow{
			{label: c.Outcome, fields: []*field{outcome}},
			{label: c.Next, fields: []*field{newTextField("next", 10, dateYear(next))}, hint: m.t.A.DateHint, show: hasNext},
			{label: c.Note, fields: []*field{note}},
		},
	}
	if !d.Regime.Reevaluation.IsZero() {
		f.intro = []string{m.t.Reevaluation + ": " + dateYear(d.Regime.Reevaluation.In(m.opts.Loc))}
	}
	pid := d.Patient.ID
	f.submit = func(m *Model, f *form) tea.Cmd {
		var p domain.Problems
		r := domain.Reevaluation{PatientID: pid, Outcome: domain.ReevalOutcome(f.field("outcome").value()),
			Note: f.field("note").value(), By: m.opts.User, At: m.opts.Now()}
		if hasNext() {
			r.Next = m.parseDateField(f, "next", &p, false)
		}
		if len(p) > 0 {
			f.setProblems(m.t, p)
			return nil
		}
		if err := r.Validate(m.opts.Now().In(m.opts.Loc)); err != nil {
			f.setProblems(m.t, domain.AsProblems(err))
			return nil
		}
		ctx, keeper := m.ctx, m.opts.Keeper
		switch r.Outcome {
		case domain.ReevalEnd:
			// The decision is recorded and the end form follows.
			if err := keeper.RecordReevaluation(ctx, r); err != nil {
				f.setProblems(m.t, domain.AsProblems(err))
				if f.general == "" && len(f.errs) == 0 {
					f.general = err.Error()
				}
				return nil
			}
			m.closeDialog()
			m.endForm()
			return nil
		case domain.ReevalChange:
			return m.submitForm(f, nil, c.ReevalChangeDone, func() error { return keeper.RecordReevaluation(ctx, r) })
		}
		return m.submitForm(f, nil, c.ReevalDone, func() error { return keeper.RecordReevaluation(ctx, r) })
	}
	m.openDialog(formDialog{f.start()})
}

// endForm ends the course: reason, end date, who holds treatment
// responsibility afterwards, a closing note, and the open items closed
// with it when the nurse says so.
func (m *Model) endForm() {
	c := &m.t.C
	d := &m.pv.detail
	var rl, rv []string
	for _, r := range domain.EndReasons() {
		rl = append(rl, c.ReasonName[r])
		rv = append(rv, string(r))
	}
	open := append([]domain.Task(nil), d.OpenTasks...)
	closeOpen := newToggleField("open", false)
	f := &form{
		title: fmt.Sprintf(c.EndTitle, safetext.Sanitize(d.Patient.Name)),
		rows: []*formRow{
			{label: c.Reason, fields: []*field{newChoiceField("reason", rl, rv, 0)}},
			{label: c.EndDate, fields: []*field{newTextField("end", 10, dateYear(m.opts.Now().In(m.opts.Loc)))}, hint: m.t.A.DateHint},
			{label: c.After, fields: []*field{newChoiceField("after", []string{c.AfterGP, c.AfterClinic},
				[]string{string(domain.AfterGP), string(domain.AfterClinic)}, 0)}},
			{label: c.EndNote, fields: []*field{newTextField("note", 50, "")}},
			{label: fmt.Sprintf(c.CloseOpen, len(open)), fields: []*field{closeOpen}, show: func() bool { return len(open) > 0 }},
		},
	}
	if len(open) > 0 {
		f.intro = []string{fmt.Sprintf(c.ProbOpen, len(open))}
	}
	pid, start := d.Patient.ID, d.Regime.Start
	f.submit = func(m *Model, f *form) tea.Cmd {
		var p domain.Problems
		endDay := m.parseDateField(f, "end", &p, false)
		if len(p) > 0 {
			f.setProblems(m.t, p)
			return nil
		}
		e := domain.CourseEnd{PatientID: pid, Reason: domain.EndReason(f.field("reason").value()), End: endDay,
			After: domain.AfterCare(f.field("after").value()), Note: f.field("note").value(),
			OpenItems: len(open), CloseOpen: closeOpen.on, By: m.opts.User, At: m.opts.Now()}
		if err := e.Validate(m.opts.Now().In(m.opts.Loc), start); err != nil {
			f.setProblems(m.t, domain.AsProblems(err))
			return nil
		}
		ctx, act, keeper, now, user := m.ctx, m.opts.Actions, m.opts.Keeper, m.opts.Now(), m.opts.User
		closing := c.ClosedNote
		return m.submitForm(f, nil, c.Ended, func() error {
			if e.CloseOpen {
				if err := closeAll(ctx, act, open, closing, user, now); err != nil {
					return err
				}
			}
			return keeper.EndCourse(ctx, e)
		})
	}
	m.openDialog(formDialog{f.start()})
}

// closeAll acknowledges the open readings and closes the missing
// measurements of a course being ended, with note.
func closeAll(ctx context.Context, act console.Actions, open []domain.Task, note, user string, now time.Time) error {
	var reads []domain.Task
	for _, t := range open {
		if t.Category == domain.TaskMissing {
			r := domain.MissingResolution{TaskID: t.ID, PatientID: t.PatientID, Reason: domain.MissingOther, Text: note, By: user, At: now}
			if err := act.ResolveMissing(ctx, r); err != nil {
				return fmt.Errorf("close a missing measurement: %w", err)
			}
			continue
		}
		reads = append(reads, t)
	}
	if len(reads) == 0 {
		return nil
	}
	a := domain.NewAcknowledgement(domain.AckScope{Kind: domain.AckPatient, PatientID: reads[0].PatientID}, reads, note, false, user, now)
	if _, err := act.Acknowledge(ctx, a); err != nil {
		return fmt.Errorf("acknowledge the open readings: %w", err)
	}
	return nil
}

// endedMsg carries the list of ended courses.
type endedMsg struct {
	items []domain.EndedCourse
	err   error
}

// startEnded loads the ended courses and shows them.
func (m *Model) startEnded() tea.Cmd {
	ctx, cr, now := m.ctx, m.opts.Course, m.opts.Now()
	m.loading = true
	return func() tea.Msg {
		items, err := cr.EndedCourses(ctx, now)
		return endedMsg{items: items, err: err}
	}
}

func (m *Model) endedLoaded(msg endedMsg) tea.Cmd {
	m.loading = false
	if msg.err != nil {
		m.err = fmt.Errorf("ended courses: %w", msg.err).Error()
		return nil
	}
	if m.screen != screenWorklist || m.dlg != nil {
		return nil
	}
	m.openDialog(&endedList{items: msg.items})
	return nil
}

// endedList is the list of ended courses; enter opens one (its data stay
// readable).
type endedList struct {
	items  []domain.EndedCourse
	cursor int
}

func (l *endedList) inline() bool { return false }

func (l *endedList) keys(m *Model) helpKeys {
	k := m.keys
	return helpKeys{short: []key.Binding{k.Move, k.Open, k.Cancel}, full: [][]key.Binding{{k.Up, k.Down, k.Open, k.Cancel}}}
}

func (l *endedList) update(m *Model, msg tea.KeyPressMsg) (bool, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Cancel), msg.String() == "q", msg.String() == "F":
		return true, nil
	case key.Matches(msg, k.Up):
		l.cursor = max(0, l.cursor-1)
	case key.Matches(msg, k.Down):
		l.cursor = min(len(l.items)-1, l.cursor+1)
	case key.Matches(msg, k.Open):
		if l.cursor < 0 || l.cursor >= len(l.items) {
			return false, nil
		}
		id := l.items[l.cursor].Patient.ID
		m.screen = screenPatient
		m.pv = patientView{id: id}
		m.loading = true
		return true, m.loadPatient(id)
	}
	return false, nil
}

func (l *endedList) lines(m *Model, w, h int) []string {
	c := &m.t.C
	out := []string{m.st.title.Render(c.EndedTitle), ""}
	if len(l.items) == 0 {
		return append(out, m.st.dim.Render(c.NoEnded))
	}
	for i, e := range l.items {
		line := fmt.Sprintf("%-22s %s  %s  %s", fit(safetext.Sanitize(e.Patient.Name), 22, false), domain.MaskCPR(e.Patient.CPR),
			fmt.Sprintf(c.EndedOn, dateYear(e.End.In(m.opts.Loc))), safetext.Sanitize(e.Reason))
		line = fit(line, max(10, w-2), false)
		if i == l.cursor {
			out = append(out, m.st.selected.Render("> "+line))
		} else {
			out = append(out, "  "+line)
		}
		if len(out) >= h {
			break
		}
	}
	return out
}
