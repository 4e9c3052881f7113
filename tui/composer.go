package tui

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/telehjerte/telehjerte-tui/domain"
	"github.com/telehjerte/telehjerte-tui/tui/safetext"
)

// Composer focus positions.
const (
	compTitle = iota
	compBody
	compCanned
)

// composer writes a message to the patient: a title, a multi-line body with
// a character counter, canned replies, ctrl+s sends through the outbox.
type composer struct {
	*shared
	box
	patientID, threadID, replyTo string
	// replyUnread: the message answered is from the patient and unread;
	// answering it marks it read.
	replyUnread       bool
	patientName       string
	title             textinput.Model
	body              textarea.Model
	focus             int
	canned            []string
	cannedSel         int
	errs              map[string]string
	general           string
	busy, confirmQuit bool
}

// openComposer opens the composer, as a reply to reply when it is set.
func (p *patientScreen) composer(reply *domain.Message) dialog {
	d := &p.detail
	c := &composer{shared: p.shared, patientID: d.Patient.ID, patientName: safetext.Sanitize(d.Patient.Name), canned: p.opts.CannedReplies}
	c.title = textinput.New()
	c.title.Prompt = ""
	c.title.CharLimit = 2 * domain.MaxTitle
	c.title.Placeholder = p.t.Act.TitlePh
	st := c.title.Styles()
	st.Cursor.Blink = false
	c.title.SetStyles(st)
	c.body = textarea.New()
	c.body.ShowLineNumbers = false
	c.body.Prompt = "│ "
	c.body.CharLimit = 2 * domain.MaxBody // typing past the limit shows the error
	c.body.Placeholder = p.t.Act.BodyPh
	bst := c.body.Styles()
	bst.Cursor.Blink = false
	c.body.SetStyles(bst)
	if reply != nil {
		c.threadID, c.replyTo = reply.ThreadID, reply.ID
		c.replyUnread = reply.FromPatient && !reply.Read
		c.title.SetValue(domain.ReplyTitle(safetext.Sanitize(reply.Title)))
		c.focus = compBody
	}
	c.setFocus(c.focus)
	return c
}

func (c *composer) setFocus(i int) {
	n := 2
	if len(c.canned) > 0 {
		n = 3
	}
	c.focus = (i + n) % n
	c.title.Blur()
	c.body.Blur()
	switch c.focus {
	case compTitle:
		c.title.Focus()
	case compBody:
		c.body.Focus()
	}
}

func (c *composer) dirty() bool {
	return strings.TrimSpace(c.body.Value()) != "" || c.replyTo == "" && c.title.Value() != ""
}

func (c *composer) inline() bool { return false }

// Update handles a key, a paste, and the end of the send: a failure
// keeps the message with the error next to what it concerns.
func (c *composer) Update(msg tea.Msg) (component, tea.Cmd) {
	switch msg := msg.(type) {
	case actionDoneMsg:
		if msg.err == nil {
			return nil, nil
		}
		c.busy = false
		if p := domain.AsProblems(msg.err); p != nil {
			c.setProblems(c.t, p)
		} else {
			c.general = safetext.Sanitize(msg.err.Error())
		}
	case tea.PasteMsg:
		return c, c.paste(msg)
	case tea.KeyPressMsg:
		return c.update(msg)
	}
	return c, nil
}

func (c *composer) paste(msg tea.PasteMsg) tea.Cmd {
	var cmd tea.Cmd
	switch c.focus {
	case compTitle:
		c.title, cmd = c.title.Update(msg)
	case compBody:
		c.body, cmd = c.body.Update(msg)
	}
	return cmd
}

func (c *composer) setProblems(t *texts, p domain.Problems) {
	c.errs = map[string]string{}
	var rest []string
	for _, e := range p {
		switch e.Field {
		case "title", "body":
			if _, ok := c.errs[e.Field]; !ok {
				c.errs[e.Field] = t.problem(e)
			}
		default:
			rest = append(rest, t.problem(e))
		}
	}
	c.general = strings.Join(rest, "; ")
	if _, ok := c.errs["title"]; ok {
		c.setFocus(compTitle)
	} else if _, ok := c.errs["body"]; ok {
		c.setFocus(compBody)
	}
}

func (c *composer) update(msg tea.KeyPressMsg) (component, tea.Cmd) {
	k := c.keys
	if c.busy {
		return c, nil
	}
	if c.confirmQuit {
		switch {
		case key.Matches(msg, k.Yes):
			return nil, nil
		case key.Matches(msg, k.No):
			c.confirmQuit = false
		}
		return c, nil
	}
	switch {
	case key.Matches(msg, k.Cancel):
		if c.dirty() {
			c.confirmQuit = true
			return c, nil
		}
		return nil, nil
	case key.Matches(msg, k.Save):
		return c, c.send()
	case key.Matches(msg, k.NextField):
		c.setFocus(c.focus + 1)
		return c, nil
	case key.Matches(msg, k.PrevField):
		c.setFocus(c.focus - 1)
		return c, nil
	case key.Matches(msg, k.Canned) && len(c.canned) > 0:
		c.setFocus(compCanned)
		return c, nil
	}
	var cmd tea.Cmd
	// An error next to the title or the text goes when that is changed.
	title, body := c.title.Value(), c.body.Value()
	defer func() {
		if c.title.Value() != title {
			delete(c.errs, "title")
		}
		if c.body.Value() != body {
			delete(c.errs, "body")
		}
	}()
	switch c.focus {
	case compTitle:
		if key.Matches(msg, k.Open) {
			c.setFocus(compBody)
			return c, nil
		}
		c.title, cmd = c.title.Update(msg)
	case compBody:
		c.body, cmd = c.body.Update(msg)
	case compCanned:
		switch {
		case msg.String() == "up":
			c.cannedSel = max(0, c.cannedSel-1)
		case msg.String() == "down":
			c.cannedSel = min(len(c.canned)-1, c.cannedSel+1)
		case key.Matches(msg, k.Insert):
			text := c.canned[c.cannedSel]
			if strings.TrimSpace(c.body.Value()) == "" {
				c.body.SetValue(text)
			} else {
				c.body.SetValue(strings.TrimRight(c.body.Value(), "\n") + "\n" + text)
			}
			c.setFocus(compBody)
		}
	}
	return c, cmd
}

// send validates and queues the message; nothing is sent while invalid.
func (c *composer) send() tea.Cmd {
	out := domain.OutgoingMessage{
		ID: c.opts.NewID(), PatientID: c.patientID, ThreadID: c.threadID, InReplyTo: c.replyTo,
		Title: strings.TrimSpace(c.title.Value()), Body: strings.TrimRight(c.body.Value(), " \n"),
		Author: c.opts.User, Created: c.opts.Now(),
	}
	c.errs, c.general = nil, ""
	if err := out.Validate(); err != nil {
		c.setProblems(c.t, domain.AsProblems(err))
		return nil
	}
	c.busy = true
	ctx, act, a := c.ctx, c.opts.Actions, &c.t.Act
	markRead := c.replyUnread
	return func() tea.Msg {
		if err := act.SendMessage(ctx, out); err != nil {
			return actionDoneMsg{from: c, err: fmt.Errorf("send message: %w", err)}
		}
		flash := a.MessageQueued
		if markRead {
			// The message is answered, so it has been read. The reply is
			// queued already: a failure here is reported, not a reason to
			// keep the composer open (sending again would send twice).
			if err := act.MarkRead(ctx, out.InReplyTo, true); err != nil {
				flash += " " + fmt.Sprintf(a.MarkReadFailed, err)
			}
		}
		return actionDoneMsg{from: c, flash: flash}
	}
}

func (c *composer) View() string {
	w, h := c.w, c.h
	t, a := c.t, &c.t.Act
	out := []string{c.st.title.Render(fmt.Sprintf(a.ComposeTitle, c.patientName))}
	out = append(out, c.st.dim.Render(t.NotAcute))
	mark := func(i int) string {
		if c.focus == i {
			return "> "
		}
		return "  "
	}
	c.title.SetWidth(max(10, w-14))
	out = append(out, mark(compTitle)+fit(a.TitleLabel, 8, false)+" "+c.title.View())
	if e, ok := c.errs["title"]; ok {
		out = append(out, c.st.err.Render("  "+SymImplausible+" "+e))
	}
	n := utf8.RuneCountInString(c.body.Value())
	counter := fmt.Sprintf("%d/%d", n, domain.MaxBody)
	if n > domain.MaxBody {
		counter = c.st.err.Render(counter + " " + SymImplausible)
	} else {
		counter = c.st.dim.Render(counter)
	}
	out = append(out, spread(mark(compBody)+a.BodyLabel, counter, w))
	var tail []string
	if e, ok := c.errs["body"]; ok {
		tail = append(tail, c.st.err.Render("  "+SymImplausible+" "+e))
	}
	if len(c.canned) > 0 {
		tail = append(tail, mark(compCanned)+a.CannedLabel)
		show := min(len(c.canned), 3)
		first := min(max(0, c.cannedSel-show+1), len(c.canned)-show)
		for i := first; i < first+show; i++ {
			line := "    " + safetext.Sanitize(c.canned[i])
			if c.focus == compCanned && i == c.cannedSel {
				line = c.st.selected.Render("  > " + safetext.Sanitize(c.canned[i]))
			}
			tail = append(tail, truncate(line, w))
		}
	}
	if c.general != "" {
		tail = append(tail, c.st.err.Render(SymImplausible+" "+c.general))
	}
	switch {
	case c.busy:
		tail = append(tail, c.st.dim.Render(a.Saving))
	case c.confirmQuit:
		tail = append(tail, c.st.bold.Render(a.DiscardMsgQ+" "+c.confirmHint()))
	}
	bh := max(3, h-len(out)-len(tail))
	c.body.SetWidth(max(20, w-2))
	c.body.SetHeight(bh)
	out = append(out, strings.Split(c.body.View(), "\n")...)
	return strings.Join(append(out, tail...), "\n")
}

func (c *composer) ShortHelp() []key.Binding {
	k := c.keys
	if c.confirmQuit {
		return c.confirmKeys()
	}
	short := []key.Binding{k.Save, k.NextField}
	if len(c.canned) > 0 {
		short = append(short, k.Canned)
		if c.focus == compCanned {
			short = append(short, k.Insert)
		}
	}
	return append(short, k.Cancel)
}

func (c *composer) FullHelp() [][]key.Binding {
	if c.confirmQuit {
		return [][]key.Binding{c.confirmKeys()}
	}
	return [][]key.Binding{c.ShortHelp(), {c.keys.ForceQuit}}
}
