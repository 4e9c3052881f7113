package tui

import (
	"fmt"
	"strings"
	"time"

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
func (m *Model) startWorklistAck(scope domain.AckScope, name string) tea.Cmd {
	ctx, act := m.ctx, m.opts.Actions
	m.loading = true
	return func() tea.Msg {
		tasks, err := act.OpenTasks(ctx)
		if err != nil {
			err = fmt.Errorf("load open tasks: %w", err)
		}
		return tasksMsg{scope: scope, name: name, tasks: tasks, err: err}
	}
}

// tasksLoaded turns the loaded tasks into the confirm line.
func (m *Model) tasksLoaded(msg tasksMsg) tea.Cmd {
	m.loading = false
	if msg.err != nil {
		m.err = msg.err.Error()
		return nil
	}
	a := domain.NewAcknowledgement(msg.scope, msg.tasks, "", false, m.opts.User, m.opts.Now())
	sum := msg.scope.Describe(msg.tasks)
	if len(a.TaskIDs) == 0 {
		m.openDialog(&notice{text: m.t.A.NothingToAck})
		return nil
	}
	q := m.t.ackQuestion(msg.scope, sum, msg.tasks, msg.name, "")
	m.openDialog(&confirmLine{question: q, yes: func(m *Model) tea.Cmd {
		return m.acknowledge(m.dlg, a, sum)
	}})
	return nil
}

// acknowledge runs the acknowledgement (At is the moment of confirmation).
func (m *Model) acknowledge(dlg dialog, a domain.Acknowledgement, sum domain.AckSummary) tea.Cmd {
	a.At = m.opts.Now()
	ctx, act, t := m.ctx, m.opts.Actions, m.t
	return func() tea.Msg {
		if err := a.Validate(); err != nil {
			return actionDoneMsg{dlg: dlg, err: err}
		}
		res, err := act.Acknowledge(ctx, a)
		if err != nil {
			return actionDoneMsg{dlg: dlg, err: fmt.Errorf("acknowledge: %w", err)}
		}
		flash := fmt.Sprintf(t.A.Acked, len(res.Acknowledged))
		if len(res.Skipped) > 0 {
			flash += " " + fmt.Sprintf(t.A.AckSkipped, len(res.Skipped))
		}
		return actionDoneMsg{dlg: dlg, flash: flash}
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
			return fmt.Sprintf(t.A.AckQFiltered, t.A.GreenReadings(sum.Tasks), t.A.Patients(sum.Patients), safetext.Sanitize(name))
		}
		return fmt.Sprintf(t.A.AckQ, t.A.GreenReadings(sum.Tasks), t.A.Patients(sum.Patients))
	case domain.AckOne:
		if subject != "" {
			return fmt.Sprintf(t.A.AckQ, subject, safetext.Sanitize(name))
		}
	}
	what := t.A.Readings(sum.Tasks)
	if c := t.colourCounts(scope.Select(tasks)); c != "" {
		what += " (" + c + ")"
	}
	return fmt.Sprintf(t.A.AckQ, what, safetext.Sanitize(name))
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
	}{{red, t.A.RedN}, {yellow, t.A.YellowN}, {impl, t.A.ImplausibleN}, {green, t.A.GreenN}, {uncl, t.A.UnclassifiedN}} {
		if c.n > 0 {
			parts = append(parts, c.name(c.n))
		}
	}
	return strings.Join(parts, ", ")
}

// taskSubject names one open item of the open patient with its value and
// time: "Puls 104!! (tir 10.03 07:01)", "Spørgeskema !! Er du mere
// forpustet end før?: Ja (tir 10.03 07:05)".
func (m *Model) taskSubject(task domain.Task) string {
	t := m.t
	d := &m.pv.detail
	if task.Category == domain.TaskMissing {
		return t.TaskCat[task.Category] + " " + t.KindShort[task.Kind] + " (" + t.Due + " " + m.dateTime(task.Due) + ")"
	}
	for _, r := range d.Readings {
		if r.ID == task.FocusID {
			return t.KindShort[r.Kind] + " " + t.readingText(r) + " (" + m.dateTime(r.Taken) + ")"
		}
	}
	for _, q := range d.Questionnaires {
		if q.ID == task.FocusID {
			return t.questionnaireText(q) + " (" + m.dateTime(q.Taken) + ")"
		}
	}
	return t.TaskCat[task.Category] + " " + mark(task.Color, task.Implausible) + " (" + t.Arisen + " " + m.dateTime(task.Created) + ")"
}

// questionnaireText names a questionnaire answer by its colour and its worst
// answer: "Spørgeskema !! Er du mere forpustet end før?: Ja".
func (t *texts) questionnaireText(q domain.ProResponse) string {
	c := q.Color()
	s := t.A.Questionnaire + " " + ColorSymbol(c)
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
func (m *Model) patientAckForm(scope domain.AckScope) {
	d := &m.pv.detail
	sum := scope.Describe(d.OpenTasks)
	if sum.Tasks == 0 {
		m.openDialog(&notice{text: m.t.A.NothingToAck})
		return
	}
	subject := ""
	if scope.Kind == domain.AckOne {
		for _, task := range d.OpenTasks {
			if task.ID == scope.TaskID {
				subject = m.taskSubject(task)
			}
		}
	}
	a := &m.t.A
	note := newTextField("note", 50, "")
	note.in.Placeholder = a.Optional
	f := &form{
		title:        m.t.ackQuestion(scope, sum, d.OpenTasks, d.Patient.Name, subject),
		enterSubmits: true,
		rows: []*formRow{
			{label: a.Note, fields: []*field{note}},
			{label: a.Receipt, fields: []*field{newToggleField("receipt", false)}, hint: "“" + domain.ReceiptText + "”"},
		},
	}
	tasks := append([]domain.Task(nil), d.OpenTasks...)
	f.submit = func(m *Model, f *form) tea.Cmd {
		ack := domain.NewAcknowledgement(scope, tasks, f.field("note").in.Value(), f.field("receipt").on, m.opts.User, m.opts.Now())
		if err := ack.Validate(); err != nil {
			f.setProblems(m.t, domain.AsProblems(err))
			return nil
		}
		f.busy = true
		return m.acknowledge(formDialog{f}, ack, sum)
	}
	m.openDialog(formDialog{f.start()})
}

// resolveForm resolves one missing measurement with a reason.
func (m *Model) resolveForm(task domain.Task) {
	a := &m.t.A
	var labels, values []string
	for _, r := range domain.MissingReasons() {
		labels = append(labels, a.MissingReason[r])
		values = append(values, string(r))
	}
	text := newTextField("text", 50, "")
	text.in.Placeholder = a.Optional
	f := &form{
		title:        fmt.Sprintf(a.ResolveTitle, m.t.KindShort[task.Kind], m.dateTime(task.Due)),
		enterSubmits: true,
		rows: []*formRow{
			{label: a.Reason, fields: []*field{newChoiceField("reason", labels, values, 0)}},
			{label: a.ReasonText, fields: []*field{text}},
		},
	}
	f.submit = func(m *Model, f *form) tea.Cmd {
		r := domain.MissingResolution{
			TaskID: task.ID, PatientID: task.PatientID, Reason: domain.MissingReason(f.field("reason").value()),
			Text: f.field("text").value(), By: m.opts.User, At: m.opts.Now(),
		}
		ctx, act := m.ctx, m.opts.Actions
		return m.submitForm(f, r.Validate(), m.t.A.Resolved, func() error { return act.ResolveMissing(ctx, r) })
	}
	m.openDialog(formDialog{f.start()})
}

// pauseForm pauses missing-measurement alarms for a period.
func (m *Model) pauseForm() {
	a := &m.t.A
	var labels, values []string
	for _, r := range domain.PauseReasons() {
		labels = append(labels, a.PauseReason[r])
		values = append(values, string(r))
	}
	today := m.opts.Now().In(m.opts.Loc)
	text := newTextField("text", 40, "")
	text.in.Placeholder = a.Optional
	f := &form{
		title: fmt.Sprintf(a.PauseTitle, safetext.Sanitize(m.pv.detail.Patient.Name)),
		intro: []string{m.st.dim.Render(a.PauseIntro)},
		rows: []*formRow{
			{label: a.From, fields: []*field{newTextField("from", 10, dateYear(today))}, hint: a.DateHint},
			{label: a.To, fields: []*field{newTextField("to", 10, "")}, hint: a.ToHint},
			{label: a.Reason, fields: []*field{newChoiceField("reason", labels, values, 0)}},
			{label: a.ReasonText, fields: []*field{text}},
		},
	}
	pid := m.pv.id
	f.submit = func(m *Model, f *form) tea.Cmd {
		var p domain.Problems
		from := m.parseDateField(f, "from", &p, false)
		to := m.parseDateField(f, "to", &p, false)
		if len(p) > 0 {
			f.setProblems(m.t, p)
			return nil
		}
		// The end date is inclusive on screen: the pause runs to the end of
		// that day.
		if !to.IsZero() {
			to = to.AddDate(0, 0, 1)
		}
		period, err := domain.NewPause(from, to, domain.PauseReason(f.field("reason").value()), f.field("text").value())
		ctx, act := m.ctx, m.opts.Actions
		return m.submitForm(f, err, m.t.A.Paused, func() error { return act.SetPause(ctx, pid, period) })
	}
	m.openDialog(formDialog{f.start()})
}

// parseDateField reads a date field (local midnight); an empty optional
// field gives the zero time. Problems are added to p.
func (m *Model) parseDateField(f *form, id string, p *domain.Problems, optional bool) time.Time {
	v := f.field(id).value()
	if v == "" {
		if !optional {
			*p = append(*p, &domain.FieldError{Field: id, Code: domain.CodeRequired, Msg: "required"})
		}
		return time.Time{}
	}
	d, ok := parseDate(v, m.opts.Loc)
	if !ok {
		*p = append(*p, &domain.FieldError{Field: id, Code: codeDate, Msg: "not a date"})
	}
	return d
}
