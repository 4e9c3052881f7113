package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/console"
	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// The course after enrolment: the re-evaluation (R) and the end (A) in the
// patient view, and the list of ended courses (F on the worklist).

// courseOpen reports whether the patient shown has a course that has not
// ended.
func (p *patientScreen) courseOpen() bool {
	return p.loaded && p.detail.Regime.ID != "" && p.detail.Regime.Phase != domain.PhaseEnded
}

// courseKeys are the course keys of the patient view that work now.
func (p *patientScreen) courseKeys() []key.Binding {
	if !p.canKeep() || !p.courseOpen() {
		return nil
	}
	return []key.Binding{p.keys.Reevaluation, p.keys.EndCourse}
}

func (p *patientScreen) isCourseKey(msg tea.KeyPressMsg) bool {
	return p.courseOpen() && (key.Matches(msg, p.keys.Reevaluation) || key.Matches(msg, p.keys.EndCourse))
}

func (p *patientScreen) courseAction(msg tea.KeyPressMsg) dialog {
	if key.Matches(msg, p.keys.Reevaluation) {
		return p.reevalForm()
	}
	return p.endForm()
}

// reevalForm records a re-evaluation: the outcome, the next date (continue
// or change), a note.
func (p *patientScreen) reevalForm() dialog {
	c := &p.t.Course
	d := &p.detail
	outcome := newNamedChoiceField("outcome", domain.ReevalOutcomes(), c.OutcomeName)
	hasNext := func() bool { return outcome.value() != string(domain.ReevalEnd) }
	next := p.opts.Now().In(p.opts.Loc).AddDate(0, 0, 90)
	note := newTextField("note", 50, "")
	note.in.Placeholder = p.t.Act.Optional
	f := &form{shared: p.shared, patientID: p.id, patientName: p.detail.Patient.Name,
		title: fmt.Sprintf(c.ReevalTitle, safetext.Sanitize(d.Patient.Name)),
		rows: []*formRow{
			{label: c.Outcome, fields: []*field{outcome}},
			{label: c.Next, fields: []*field{newTextField("next", 10, dateYear(next))}, hint: p.t.Act.DateHint, show: hasNext},
			{label: c.Note, fields: []*field{note}},
		},
	}
	if !d.Regime.Reevaluation.IsZero() {
		f.intro = []string{p.t.Reevaluation + ": " + dateYear(d.Regime.Reevaluation.In(p.opts.Loc))}
	}
	pid := d.Patient.ID
	f.submit = func(f *form) tea.Cmd {
		var probs domain.Problems
		r := domain.Reevaluation{PatientID: pid, Outcome: domain.ReevalOutcome(f.field("outcome").value()),
			Note: f.field("note").value(), By: p.opts.User, At: p.opts.Now()}
		if hasNext() {
			r.Next = p.parseDateField(f, "next", &probs, false)
		}
		if len(probs) > 0 {
			f.setProblems(p.t, probs)
			return nil
		}
		if err := r.Validate(p.opts.Now().In(p.opts.Loc)); err != nil {
			f.setProblems(p.t, domain.AsProblems(err))
			return nil
		}
		ctx, keeper := p.ctx, p.opts.Keeper
		switch r.Outcome {
		case domain.ReevalEnd:
			// The decision is recorded and the end form follows.
			if err := keeper.RecordReevaluation(ctx, r); err != nil {
				f.setProblems(p.t, domain.AsProblems(err))
				if f.general == "" && len(f.errs) == 0 {
					f.general = err.Error()
				}
				return nil
			}
			f.next = p.endForm()
			return nil
		case domain.ReevalChange:
			// Recorded, then the regime form of the version it made
			// opens (after the patient's reload).
			cmd := p.submitForm(f, nil, c.ReevalChangeDone, func() error { return keeper.RecordReevaluation(ctx, r) })
			return func() tea.Msg {
				msg := cmd()
				if done, ok := msg.(actionDoneMsg); ok {
					done.openRegime = true
					return done
				}
				return msg
			}
		}
		return p.submitForm(f, nil, c.ReevalDone, func() error { return keeper.RecordReevaluation(ctx, r) })
	}
	return formDialog{f.start()}
}

// endForm ends the course: reason, end date, who holds treatment
// responsibility afterwards, a closing note, and the open items closed
// with it when the nurse says so.
func (p *patientScreen) endForm() dialog {
	c := &p.t.Course
	d := &p.detail
	open := append([]domain.Task(nil), d.OpenTasks...)
	closeOpen := newToggleField("open", false)
	f := &form{shared: p.shared, patientID: p.id, patientName: p.detail.Patient.Name,
		title: fmt.Sprintf(c.EndTitle, safetext.Sanitize(d.Patient.Name)),
		rows: []*formRow{
			{label: c.Reason, fields: []*field{newNamedChoiceField("reason", domain.EndReasons(), c.ReasonName)}},
			{label: c.EndDate, fields: []*field{newTextField("end", 10, dateYear(p.opts.Now().In(p.opts.Loc)))}, hint: p.t.Act.DateHint},
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
	f.submit = func(f *form) tea.Cmd {
		var probs domain.Problems
		endDay := p.parseDateField(f, "end", &probs, false)
		if len(probs) > 0 {
			f.setProblems(p.t, probs)
			return nil
		}
		e := domain.CourseEnd{PatientID: pid, Reason: domain.EndReason(f.field("reason").value()), End: endDay,
			After: domain.AfterCare(f.field("after").value()), Note: f.field("note").value(),
			OpenItems: len(open), CloseOpen: closeOpen.on, By: p.opts.User, At: p.opts.Now()}
		if err := e.Validate(p.opts.Now().In(p.opts.Loc), start); err != nil {
			f.setProblems(p.t, domain.AsProblems(err))
			return nil
		}
		ctx, act, keeper, now, user := p.ctx, p.opts.Actions, p.opts.Keeper, p.opts.Now(), p.opts.User
		closing := c.ClosedNote
		return p.submitForm(f, nil, c.Ended, func() error {
			if e.CloseOpen {
				if err := closeAll(ctx, act, open, closing, user, now); err != nil {
					return err
				}
			}
			return keeper.EndCourse(ctx, e)
		})
	}
	return formDialog{f.start()}
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
func (w *worklistScreen) startEnded() tea.Cmd {
	ctx, cr, now := w.ctx, w.opts.Course, w.opts.Now()
	w.loading = true
	return func() tea.Msg {
		items, err := cr.EndedCourses(ctx, now)
		return endedMsg{items: items, err: err}
	}
}

func (w *worklistScreen) endedLoaded(msg endedMsg) (component, tea.Cmd) {
	w.loading = false
	if msg.err != nil {
		w.err = fmt.Errorf("ended courses: %w", msg.err).Error()
		return w, nil
	}
	return &endedList{shared: w.shared, items: msg.items}, nil
}

// endedList is the list of ended courses; enter opens one (its data stay
// readable).
type endedList struct {
	*shared
	box
	items  []domain.EndedCourse
	cursor int
}

func (l *endedList) inline() bool { return false }

func (l *endedList) ShortHelp() []key.Binding {
	return []key.Binding{l.keys.Move, l.keys.Open, l.keys.Cancel}
}

func (l *endedList) FullHelp() [][]key.Binding {
	k := l.keys
	return [][]key.Binding{{k.Up, k.Down, k.Open, k.Cancel}}
}

func (l *endedList) Update(m tea.Msg) (component, tea.Cmd) {
	msg, ok := m.(tea.KeyPressMsg)
	if !ok {
		return l, nil
	}
	k := l.keys
	switch {
	case key.Matches(msg, k.Cancel), key.Matches(msg, k.Quit), key.Matches(msg, k.EndedCourses):
		return nil, nil
	case key.Matches(msg, k.Up):
		l.cursor = max(0, l.cursor-1)
	case key.Matches(msg, k.Down):
		l.cursor = min(len(l.items)-1, l.cursor+1)
	case key.Matches(msg, k.Open):
		if l.cursor < 0 || l.cursor >= len(l.items) {
			return l, nil
		}
		p := newPatientScreen(l.shared, l.items[l.cursor].Patient.ID)
		l.loading = true
		return p, p.load()
	}
	return l, nil
}

func (l *endedList) View() string {
	c := &l.t.Course
	w, h := l.w, l.h
	out := []string{l.st.title.Render(c.EndedTitle), ""}
	if len(l.items) == 0 {
		return strings.Join(append(out, l.st.dim.Render(c.NoEnded)), "\n")
	}
	for i, e := range l.items {
		line := fmt.Sprintf("%-22s %s  %s  %s", fit(safetext.Sanitize(e.Patient.Name), 22, false), domain.MaskCPR(e.Patient.CPR),
			fmt.Sprintf(c.EndedOn, dateYear(e.End.In(l.opts.Loc))), safetext.Sanitize(e.Reason))
		line = fit(line, max(10, w-2), false)
		if i == l.cursor {
			out = append(out, l.st.selected.Render("> "+line))
		} else {
			out = append(out, "  "+line)
		}
		if len(out) >= h {
			break
		}
	}
	return strings.Join(out, "\n")
}
