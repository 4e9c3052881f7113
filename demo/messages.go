package demo

import (
	"fmt"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

// Older, answered threads: a patient's question and the clinic's reply.
var threads = [...]struct{ title, question, reply string }{
	{"Måling i weekenden", "Vi skal i sommerhus i weekenden. Skal jeg tage vægten med?",
		"Ja, tag gerne vægten med, så du kan veje dig hver morgen som du plejer."},
	{"Ny medicin", "Jeg er begyndt på den nye tablet fra lægen. Skal jeg stadig måle blodtryk hver dag?",
		"Ja, fortsæt med blodtryk hver morgen, indtil vi har talt sammen ved næste kontrol."},
	{"Glemt måling", "Jeg glemte at veje mig i morges. Jeg har vejet mig nu.",
		"Tak for beskeden. Det er fint. Husk helst at veje dig om morgenen før morgenmaden."},
	{"Hævede ankler", "Mine ankler er lidt hævede om aftenen, men vægten er den samme. Er det noget?",
		"Hold øje med vægten. Tager du mere end 2 kg på, så følg handlekortet eller ring til os i åbningstiden."},
}

// Text of the dizziness story's unread message.
const (
	dizzyTitle = "Svimmel"
	dizzyBody  = "Jeg har været svimmel de sidste to morgener, mest når jeg rejser mig fra sengen. Er det den nye medicin? Skal jeg gøre noget?"
)

// messages generates the patient's messages, oldest first.
func (c *clock) messages(p *profile) []domain.Message {
	r := p.rng
	var out []domain.Message
	seq := 0
	add := func(thread string, fromPatient bool, title, body string, sent time.Time, read bool) {
		if !c.inWindow(sent) {
			return
		}
		seq++
		sender := p.person.Name
		if !fromPatient {
			sender = NurseName
		}
		out = append(out, domain.Message{
			ID:          fmt.Sprintf("msg-%s-%03d", p.id[len("pat-"):], seq),
			PatientID:   p.id,
			ThreadID:    thread,
			FromPatient: fromPatient,
			Sender:      sender,
			Title:       title,
			Body:        body,
			Sent:        sent,
			Read:        read,
		})
	}
	if p.thread && c.o.Days > 4 {
		th := threads[p.n%len(threads)]
		k := -(3 + r.IntN(min(c.o.Days-3, 28)))
		k = max(k, p.startDay+1)
		asked := c.at(k, 9*time.Hour+time.Duration(r.IntN(120))*time.Minute)
		replied := c.at(k+1, 10*time.Hour+time.Duration(r.IntN(120))*time.Minute)
		id := fmt.Sprintf("thr-%s-1", p.id[len("pat-"):])
		add(id, true, th.title, th.question, asked, true)
		add(id, false, "Sv: "+th.title, th.reply, replied, true)
	}
	if p.story == StoryDizzyMessage {
		add(fmt.Sprintf("thr-%s-2", p.id[len("pat-"):]), true, dizzyTitle, dizzyBody, c.at(c.storyDay, 7*time.Hour+50*time.Minute), false)
	}
	return out
}
