package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// tasksMsg carries the open tasks loaded for a bulk acknowledgement.
type tasksMsg struct {
	scope domain.AckScope
	name  string // the patient's name for a patient scope
	tasks []domain.Task
	err   error
}

// startWorklistAck loads the stored open tasks and then asks to confirm the
// acknowledgement of scope: the scope is computed from the tasks, not from
// the rows on screen.
func (w *worklistScreen) startAck(scope domain.AckScope, name string) tea.Cmd {
	ctx, act := w.ctx, w.opts.Actions
	w.loading = true
	return func() tea.Msg {
		tasks, err := act.OpenTasks(ctx)
		if err != nil {
			err = fmt.Errorf("load open tasks: %w", err)
		}
		return tasksMsg{scope: scope, name: name, tasks: tasks, err: err}
	}
}

// tasksLoaded turns the loaded tasks into the confirm line.
func (w *worklistScreen) tasksLoaded(msg tasksMsg) (component, tea.Cmd) {
	w.loading = false
	if msg.err != nil {
		w.err = msg.err.Error()
		return w, nil
	}
	a := domain.NewAcknowledgement(msg.scope, msg.tasks, "", false, w.opts.User, w.opts.Now())
	sum := msg.scope.Describe(msg.tasks)
	if len(a.TaskIDs) == 0 {
		return w.notice(w.t.Act.NothingToAck), nil
	}
	q := w.t.ackQuestion(msg.scope, sum, msg.tasks, msg.name, "")
	return w.confirm(q, func(c *confirmLine) tea.Cmd {
		return c.acknowledge(c, a, sum)
	}), nil
}

// acknowledge runs the acknowledgement (At is the moment of confirmation).
func (s *shared) acknowledge(from dialog, a domain.Acknowledgement, sum domain.AckSummary) tea.Cmd {
	a.At = s.opts.Now()
	ctx, act, t := s.ctx, s.opts.Actions, s.t
	return func() tea.Msg {
		if err := a.Validate(); err != nil {
			return actionDoneMsg{from: from, err: err}
		}
		res, err := act.Acknowledge(ctx, a)
		if err != nil {
			return actionDoneMsg{from: from, err: fmt.Errorf("acknowledge: %w", err)}
		}
		flash := fmt.Sprintf(t.Act.Acked, len(res.Acknowledged))
		if len(res.Skipped) > 0 {
			flash += " " + fmt.Sprintf(t.Act.AckSkipped, len(res.Skipped))
		}
		return actionDoneMsg{from: from, flash: flash}
	}
}

// ackQuestion is the confirm line stating the exact scope: "Kvitter 14
// grønne målinger for 9 borgere?", "Kvitter 3 målinger (1 rød, 2 gule) for
// Anna Andersen?" or, for one item, what it is: "Kvitter Puls 104!! (tir
// 10.03 07:01) for Anna Andersen?". tasks are the stored open tasks the
// scope is computed from; subject names the one item (AckOne).
func (t *texts) ackQuestion(scope domain.AckScope, sum domain.AckSummary, tasks []domain.Task, name, subject string) string {
	switch scope.Kind {
	case domain.AckAllGreen:
		if name != "" {
			// name is the search: say plainly that only what it shows
			// is covered.
			return fmt.Sprintf(t.Act.AckQFiltered, t.Act.GreenReadings(sum.Tasks), t.Act.Patients(sum.Patients), safetext.Sanitize(name))
		}
		return fmt.Sprintf(t.Act.AckQ, t.Act.GreenReadings(sum.Tasks), t.Act.Patients(sum.Patients))
	case domain.AckOne:
		if subject != "" {
			return fmt.Sprintf(t.Act.AckQ, subject, safetext.Sanitize(name))
		}
	}
	what := t.Act.Readings(sum.Tasks)
	if c := t.colourCounts(scope.Select(tasks)); c != "" {
		what += " (" + c + ")"
	}
	return fmt.Sprintf(t.Act.AckQ, what, safetext.Sanitize(name))
}

// colourCounts is the exact number of tasks per colour, most severe first:
// "1 rød, 2 gule, 1 usandsynlig".
func (t *texts) colourCounts(tasks []domain.Task) string {
	var red, yellow, green, uncl, impl int
	for _, task := range tasks {
		switch {
		case task.Implausible:
			impl++
		case task.Color == domain.Red:
			red++
		case task.Color == domain.Yellow:
			yellow++
		case task.Color == domain.Green:
			green++
		default:
			uncl++
		}
	}
	var parts []string
	for _, c := range []struct {
		n    int
		name func(int) string
	}{{red, t.Act.RedN}, {yellow, t.Act.YellowN}, {impl, t.Act.ImplausibleN}, {green, t.Act.GreenN}, {uncl, t.Act.UnclassifiedN}} {
		if c.n > 0 {
			parts = append(parts, c.name(c.n))
		}
	}
	return strings.Join(parts, ", ")
}

// taskSubject names one open item of the open patient with its value and
// time: "Puls 104!! (tir 10.03 07:01)", "Spørgeskema !! Er du mere
// forpustet end før?: Ja (tir 10.03 07:05)".
func (p *patientScreen) taskSubject(task domain.Task) string {
	t := p.t
	d := &p.detail
	if task.Category == domain.TaskMissing {
		return t.TaskCat[task.Category] + " " + t.KindShort[task.Kind] + " (" + t.Due + " " + p.dateTime(task.Due) + ")"
	}
	for _, r := range d.Readings {
		if r.ID == task.FocusID {
			return t.KindShort[r.Kind] + " " + t.readingText(r) + " (" + p.dateTime(r.Taken) + ")"
		}
	}
	for _, q := range d.Questionnaires {
		if q.ID == domain.QuestionnaireOfFocus(task.FocusID) {
			return t.questionnaireText(q) + " (" + p.dateTime(q.Taken) + ")"
		}
	}
	return t.TaskCat[task.Category] + " " + mark(task.Color, task.Implausible) + " (" + t.Arisen + " " + p.dateTime(task.Created) + ")"
}

// questionnaireText names a questionnaire answer by its colour and its worst
// answer: "Spørgeskema !! Er du mere forpustet end før?: Ja".
func (t *texts) questionnaireText(q domain.ProResponse) string {
	c := q.Color()
	s := t.Act.Questionnaire + " " + ColorSymbol(c)
	for _, a := range q.Answers {
		if a.Severity == c {
			s += " " + safetext.Sanitize(a.Question) + ": " + safetext.Sanitize(a.Answer)
			break
		}
	}
	return s
}

// patientAckForm is the acknowledgement in the patient view: one item or
// all the patient's, with an optional note and receipt.
func (p *patientScreen) ackForm(scope domain.AckScope) dialog {
	d := &p.detail
	sum := scope.Describe(d.OpenTasks)
	if sum.Tasks == 0 {
		return p.notice(p.t.Act.NothingToAck)
	}
	subject := ""
	if scope.Kind == domain.AckOne {
		for _, task := range d.OpenTasks {
			if task.ID == scope.TaskID {
				subject = p.taskSubject(task)
			}
		}
	}
	a := &p.t.Act
	note := newTextField("note", 50, "")
	note.in.Placeholder = a.Optional
	f := &form{shared: p.shared, patientID: p.id, patientName: p.detail.Patient.Name,
		title:        p.t.ackQuestion(scope, sum, d.OpenTasks, d.Patient.Name, subject),
		enterSubmits: true,
		rows: []*formRow{
			{label: a.Note, fields: []*field{note}},
			{label: a.Receipt, fields: []*field{newToggleField("receipt", false)}, hint: "“" + domain.ReceiptText + "”"},
		},
	}
	tasks := append([]domain.Task(nil), d.OpenTasks...)
	f.submit = func(f *form) tea.Cmd {
		ack := domain.NewAcknowledgement(scope, tasks, f.field("note").in.Value(), f.field("receipt").on, p.opts.User, p.opts.Now())
		if err := ack.Validate(); err != nil {
			f.setProblems(p.t, domain.AsProblems(err))
			return nil
		}
		f.busy = true
		return p.acknowledge(formDialog{f}, ack, sum)
	}
	return formDialog{f.start()}
}

// resolveForm resolves one missing measurement with a reason.
func (p *patientScreen) resolveForm(task domain.Task) dialog {
	a := &p.t.Act
	text := newTextField("text", 50, "")
	text.in.Placeholder = a.Optional
	f := &form{shared: p.shared, patientID: p.id, patientName: p.detail.Patient.Name,
		title:        fmt.Sprintf(a.ResolveTitle, p.t.KindShort[task.Kind], p.dateTime(task.Due)),
		enterSubmits: true,
		rows: []*formRow{
			{label: a.Reason, fields: []*field{newNamedChoiceField("reason", domain.MissingReasons(), a.MissingReason)}},
			{label: a.ReasonText, fields: []*field{text}},
		},
	}
	f.submit = func(f *form) tea.Cmd {
		r := domain.MissingResolution{
			TaskID: task.ID, PatientID: task.PatientID, Reason: domain.MissingReason(f.field("reason").value()),
			Text: f.field("text").value(), By: p.opts.User, At: p.opts.Now(),
		}
		ctx, act := p.ctx, p.opts.Actions
		return p.submitForm(f, r.Validate(), p.t.Act.Resolved, func() error { return act.ResolveMissing(ctx, r) })
	}
	return formDialog{f.start()}
}

// pauseForm pauses missing-measurement alarms for a period.
func (p *patientScreen) pauseForm() dialog {
	a := &p.t.Act
	today := p.opts.Now().In(p.opts.Loc)
	text := newTextField("text", 40, "")
	text.in.Placeholder = a.Optional
	f := &form{shared: p.shared, patientID: p.id, patientName: p.detail.Patient.Name,
		title: fmt.Sprintf(a.PauseTitle, safetext.Sanitize(p.detail.Patient.Name)),
		intro: []string{p.st.dim.Render(a.PauseIntro)},
		rows: []*formRow{
			{label: a.From, fields: []*field{newTextField("from", 10, dateYear(today))}, hint: a.DateHint},
			{label: a.To, fields: []*field{newTextField("to", 10, "")}, hint: a.ToHint},
			{label: a.Reason, fields: []*field{newNamedChoiceField("reason", domain.PauseReasons(), a.PauseReason)}},
			{label: a.ReasonText, fields: []*field{text}},
		},
	}
	pid := p.id
	f.submit = func(f *form) tea.Cmd {
		var probs domain.Problems
		from := p.parseDateField(f, "from", &probs, false)
		to := p.parseDateField(f, "to", &probs, false)
		if len(probs) > 0 {
			f.setProblems(p.t, probs)
			return nil
		}
		// The end date is inclusive on screen: the pause runs to the end of
		// that day.
		if !to.IsZero() {
			to = to.AddDate(0, 0, 1)
		}
		period, err := domain.NewPause(from, to, domain.PauseReason(f.field("reason").value()), f.field("text").value())
		ctx, act := p.ctx, p.opts.Actions
		return p.submitForm(f, err, p.t.Act.Paused, func() error { return act.SetPause(ctx, pid, period) })
	}
	return formDialog{f.start()}
}
