package main

// Every key binding of the console, pressed on the real binary in tmux
// against the real telehjerte-central (the defect: the tests drove the tui
// model with doubles and missed what the wired binary did). The journey
// below is table-driven: each step names the screen, the binding(s) and the
// key it exercises, what must change on the screen and, for keys that act,
// on the central. TestE2EKeyCoverage lists the key map (tui.KeyBindings)
// and fails when a binding's key has no end-to-end step.

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/telehjerte/telehjerte-tui/tui"
)

// keyStep is one key press of the journey.
type keyStep struct {
	screen   string   // where it is pressed
	bindings []string // the tui.KeyBinding names it exercises
	key      string   // the key as the key map names it
	tmux     []string // what is sent (tmux send-keys)
	what     string   // what must happen
	// want is given the screen before and after and says whether the
	// press had its effect; nil: the screen changed.
	want func(before, after string) bool
	// central, when set, must hold afterwards (checked with eventually).
	central func(r *keyRig) (bool, string)
}

// keyRig is the console and the central of the journey.
type keyRig struct {
	t        *testing.T
	c        *actCentral
	con      *actConsole
	requests atomic.Int64 // requests the console sent to the central
	tasks    map[string]taskState
	comms    int
}

// elsewhere lists bindings pressed, with their effect checked, by other
// end-to-end tests of the real binary (test name → screen, binding, key).
var elsewhere = []struct{ test, screen, binding, key string }{
	{"TestE2ESyncProblemsOnTheRealBinary", "sync problem", "SyncKeepMine", "m"},
	{"TestE2ESyncProblemsOnTheRealBinary", "sync problem", "SyncKeepTheirs", "t"},
	{"TestE2ESyncProblemsOnTheRealBinary", "sync problems", "Open", "enter"},
	{"TestE2ESyncProblemsOnTheRealBinary", "regime conflict", "BackToForm", "esc"},
	{"TestE2EAccessReportFromTheConsole", "worklist", "AccessReport", "U"},
	{"TestE2EAccessReportInTheDemo", "DEMO worklist", "AccessReport", "U"},
}

// keyGaps are bindings without an end-to-end step yet, each with why.
// The coverage check accepts them by name only; any other binding without
// a step fails it.
var keyGaps = map[string]string{}

// changed reports a change on the screen other than on the status line
// (whose data age moves by itself).
func changed(before, after string) bool { return body(before) != body(after) }

func body(scr string) string {
	var out []string
	for _, l := range strings.Split(scr, "\n") {
		if !strings.HasPrefix(l, "─ ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func has(subs ...string) func(string, string) bool {
	return func(_, after string) bool { return containsAll(after, subs...) }
}

func hasNot(sub string) func(string, string) bool {
	return func(_, after string) bool { return !strings.Contains(after, sub) }
}

func cursorMoved(before, after string) bool { return cursorLine(before) != cursorLine(after) }

func tabOn(n string) func(string, string) bool {
	return func(_, after string) bool { return strings.Contains(after, "["+n+" ") }
}

// journey is the table of key presses, run in order on one console.
func journey(name, msgName string) []keyStep {
	wl, pv := "worklist", "patient view"
	s := func(screen string, bindings []string, key string, tmux []string, what string, want func(string, string) bool) keyStep {
		return keyStep{screen: screen, bindings: bindings, key: key, tmux: tmux, what: what, want: want}
	}
	var steps []keyStep
	add := func(st ...keyStep) { steps = append(steps, st...) }
	add(
		keyStep{screen: wl, bindings: []string{"SyncNow"}, key: "ctrl+r", tmux: []string{"C-r"}, what: "a sync round now",
			want:    func(string, string) bool { return true },
			central: func(r *keyRig) (bool, string) { return r.requests.Load() > 0, "no request" }},
		s(wl, []string{"Down", "Move"}, "j", []string{"j"}, "cursor down", cursorMoved),
		s(wl, []string{"Up", "Move"}, "k", []string{"k"}, "cursor up", cursorMoved),
		s(wl, []string{"Down", "Move"}, "down", []string{"Down"}, "cursor down", cursorMoved),
		s(wl, []string{"Up", "Move"}, "up", []string{"Up"}, "cursor up", cursorMoved),
		s(wl, []string{"End"}, "G", []string{"G"}, "cursor to the last row", cursorMoved),
		s(wl, []string{"Home"}, "g", []string{"g"}, "cursor to the first row", cursorMoved),
		s(wl, []string{"End"}, "end", []string{"End"}, "cursor to the last row", cursorMoved),
		s(wl, []string{"Home"}, "home", []string{"Home"}, "cursor to the first row", cursorMoved),
		s(wl, []string{"PageDown"}, "pgdown", []string{"NPage"}, "a page down", cursorMoved),
		s(wl, []string{"PageUp"}, "pgup", []string{"PPage"}, "a page up", cursorMoved),
		s(wl, []string{"PageDown"}, "space", []string{"Space"}, "a page down", cursorMoved),
		s(wl, []string{"PageUp"}, "b", []string{"b"}, "a page up", cursorMoved),
		s(wl, []string{"PageDown"}, "f", []string{"f"}, "a page down", cursorMoved),
		s(wl, []string{"Home"}, "g", []string{"g"}, "back to the first row", cursorMoved),
		s(wl, []string{"Filter"}, "/", []string{"/"}, "the search prompt", has("Søg:")),
		s(wl, []string{"ArrowMove"}, "down", []string{"Down"}, "the arrows move while searching", cursorMoved),
		s(wl, []string{"ArrowMove"}, "up", []string{"Up"}, "the arrows move while searching", cursorMoved),
		s(wl, nil, "", []string{"-l", name}, "the name typed", func(_, a string) bool { return len(worklistRows(a)) == 1 }),
		s(wl, []string{"Apply"}, "enter", []string{"Enter"}, "the search applied", func(b, a string) bool {
			return len(worklistRows(a)) == 1 && changed(b, a)
		}),
		s(wl, []string{"Clear"}, "esc", []string{"Escape"}, "the search cleared", func(_, a string) bool {
			return len(worklistRows(a)) > 1 && !strings.Contains(a, "Søg:")
		}),
		s(wl, []string{"All"}, "a", []string{"a"}, "every patient", func(_, a string) bool { return !strings.Contains(a, "(kun åbne)") }),
		s(wl, []string{"All"}, "a", []string{"a"}, "only open", has("(kun åbne)")),
		s(wl, []string{"Help"}, "?", []string{"?"}, "the help", has("Hjælp – taster")),
		s("help", []string{"CloseHelp"}, "?", []string{"?"}, "help closed", hasNot("Hjælp – taster")),
		s(wl, []string{"Help"}, "?", []string{"?"}, "the help", has("Hjælp – taster")),
		s("help", []string{"CloseHelp"}, "esc", []string{"Escape"}, "help closed", hasNot("Hjælp – taster")),
		s(wl, []string{"Help"}, "?", []string{"?"}, "the help", has("Hjælp – taster")),
		s("help", []string{"CloseHelp"}, "q", []string{"q"}, "help closed", func(_, a string) bool { return onWorklist(a) }),
		s(wl, []string{"SyncProblems"}, "S", []string{"S"}, "the sync problems", has("Synk-problemer", "Ingen synk-problemer.")),
		s("sync problems", []string{"Back"}, "esc", []string{"Escape"}, "back to the worklist", func(_, a string) bool { return onWorklist(a) }),
		s(wl, []string{"SyncProblems"}, "S", []string{"S"}, "the sync problems", has("Synk-problemer")),
		s("sync problems", []string{"Back"}, "q", []string{"q"}, "back to the worklist", func(_, a string) bool { return onWorklist(a) }),
		s(wl, []string{"Enrol"}, "n", []string{"n"}, "the enrolment form", has("Opret borger")),
		s("enrolment", []string{"Cancel"}, "esc", []string{"Escape"}, "the form closed", func(_, a string) bool { return onWorklist(a) }),
		s(wl, []string{"EndedCourses"}, "F", []string{"F"}, "the ended courses", has("Afsluttede forløb")),
		s("ended courses", []string{"EndedCourses"}, "F", []string{"F"}, "closed again", func(_, a string) bool { return onWorklist(a) }),
		s(wl, []string{"AckAll"}, "X", []string{"X"}, "the bulk acknowledgement asked", has("(y/enter = ja")),
		s("bulk acknowledgement", []string{"No"}, "esc", []string{"Escape"}, "nothing acknowledged", func(_, a string) bool { return onWorklist(a) }),
		s(wl, []string{"AckAll"}, "X", []string{"X"}, "the bulk acknowledgement asked", has("(y/enter = ja")),
		s("bulk acknowledgement", []string{"No"}, "n", []string{"n"}, "nothing acknowledged", func(_, a string) bool { return onWorklist(a) }),
		// The patient view of the first (red) patient.
		s(wl, []string{"Open"}, "enter", []string{"Enter"}, "the patient view", has("Vægtkurve")),
		s(pv, []string{"NextPane"}, "tab", []string{"Tab"}, "the next pane", changed),
		s(pv, []string{"PrevPane"}, "shift+tab", []string{"BTab"}, "the previous pane", changed),
	)
	for _, n := range []string{"6", "5", "4", "3", "2", "1"} {
		add(s(pv, []string{"Pane"}, n, []string{n}, "pane "+n, tabOn(n)))
	}
	add(
		s(pv, []string{"Pane"}, "5", []string{"5"}, "the open items", tabOn("5")),
		s(pv, []string{"End"}, "G", []string{"G"}, "the last item", cursorMoved),
		s(pv, []string{"Home"}, "g", []string{"g"}, "the first item", cursorMoved),
		s(pv, []string{"Ack"}, "x", []string{"x"}, "the one-item acknowledgement", func(_, a string) bool { return oneItemRE.MatchString(a) }),
		keyStep{screen: "acknowledgement", bindings: []string{"ConfirmForm"}, key: "enter", tmux: []string{"Enter"}, what: "acknowledged",
			want: func(_, a string) bool { return !oneItemRE.MatchString(a) },
			central: func(r *keyRig) (bool, string) {
				return len(completedSince(r.t, r.tasks, tasksOnCentral(r.c))) >= 1, "no task completed"
			}},
		s(pv, []string{"Ack"}, "x", []string{"x"}, "the one-item acknowledgement", func(_, a string) bool { return oneItemRE.MatchString(a) }),
		keyStep{screen: "acknowledgement", bindings: []string{"ConfirmForm"}, key: "ctrl+s", tmux: []string{"C-s"}, what: "acknowledged",
			want: func(_, a string) bool { return !oneItemRE.MatchString(a) },
			central: func(r *keyRig) (bool, string) {
				return len(completedSince(r.t, r.tasks, tasksOnCentral(r.c))) >= 2, "not two tasks completed"
			}},
		s(pv, []string{"Regime"}, "e", []string{"e"}, "the regime form", has("Måleregime for")),
		s("regime form", []string{"NextField"}, "tab", []string{"Tab"}, "the next field", cursorMoved),
		s("regime form", []string{"NextField"}, "tab", []string{"Tab"}, "the next field", cursorMoved),
		s("regime form", []string{"NextField"}, "tab", []string{"Tab"}, "the next field", cursorMoved),
		s("regime form", []string{"Cycle"}, "right", []string{"Right"}, "the value cycles", cursorMoved),
		s("regime form", []string{"Cycle"}, "left", []string{"Left"}, "the value cycles back", cursorMoved),
		s("regime form", []string{"Cycle"}, "space", []string{"Space"}, "the value cycles", cursorMoved),
		s("regime form", []string{"PrevField"}, "shift+tab", []string{"BTab"}, "the previous field", cursorMoved),
		s("regime form", []string{"Cancel"}, "esc", []string{"Escape"}, "asked to discard", has("Kassér det indtastede?")),
		s("discard question", []string{"No"}, "n", []string{"n"}, "back in the form", hasNot("Kassér det indtastede?")),
		s("regime form", []string{"Cancel"}, "esc", []string{"Escape"}, "asked to discard", has("Kassér det indtastede?")),
		s("discard question", []string{"No"}, "esc", []string{"Escape"}, "back in the form", hasNot("Kassér det indtastede?")),
		s("regime form", []string{"Cancel"}, "esc", []string{"Escape"}, "asked to discard", has("Kassér det indtastede?")),
		s("discard question", []string{"Yes"}, "y", []string{"y"}, "the form discarded", has("Vægtkurve")),
		s(pv, []string{"History"}, "v", []string{"v"}, "the regime versions", has("Versioner af måleregimet for")),
		s("versions", []string{"Back"}, "esc", []string{"Escape"}, "back to the patient", hasNot("Versioner af måleregimet for")),
		s(pv, []string{"Pause"}, "p", []string{"p"}, "the pause form", has("Pause i målingerne for")),
		s("pause form", []string{"Cancel"}, "esc", []string{"Escape"}, "asked to discard or closed", changed),
		s(pv, []string{"Reevaluation"}, "R", []string{"R"}, "the re-evaluation form", has("Revurdering af")),
		s("re-evaluation form", []string{"Cancel"}, "esc", []string{"Escape"}, "asked to discard or closed", changed),
		s(pv, []string{"EndCourse"}, "A", []string{"A"}, "the end-of-course form", has("Afslut forløb for")),
		s("end-of-course form", []string{"Cancel"}, "esc", []string{"Escape"}, "asked to discard or closed", changed),
	)
	return append(steps, journeyMore(name, msgName)...)
}

// journeyMore goes on from the pause form's cancel: the transfer and note
// forms, the composer, the message read state, and back to the worklist.
func journeyMore(name, msgName string) []keyStep {
	pv := "patient view"
	s := func(screen string, bindings []string, key string, tmux []string, what string, want func(string, string) bool) keyStep {
		return keyStep{screen: screen, bindings: bindings, key: key, tmux: tmux, what: what, want: want}
	}
	return []keyStep{
		s(pv, []string{"Transfer"}, "t", []string{"t"}, "the responsibility form", has("Monitoreringsansvar for")),
		s("responsibility form", []string{"Cancel"}, "esc", []string{"Escape"}, "asked to discard or closed", changed),
		s(pv, []string{"Note"}, "N", []string{"N"}, "the note form", has("Note om")),
		s("note form", nil, "", []string{"-l", "Nøglen ligger hos naboen"}, "the note typed", has("Nøglen ligger hos naboen")),
		keyStep{screen: "note form", bindings: []string{"Save"}, key: "ctrl+s", tmux: []string{"C-s"}, what: "the note saved",
			want: hasNot("Note om"),
			central: func(r *keyRig) (bool, string) {
				return communicationsWith(r.c, "Nøglen ligger hos naboen") == 1, "the note is not on the central"
			}},
		s(pv, []string{"NewMsg"}, "n", []string{"n"}, "the composer", has("Besked til")),
		s("composer", nil, "", []string{"-l", "Hej"}, "typed", has("Hej")),
		s("composer", []string{"Cancel"}, "esc", []string{"Escape"}, "asked to discard", has("Kassér beskeden?")),
		s("discard question", []string{"Yes"}, "j", []string{"j"}, "discarded", hasNot("Besked til")),
		s(pv, []string{"NewMsg"}, "n", []string{"n"}, "the composer", has("Besked til")),
		s("composer", nil, "", []string{"-l", "Hej"}, "typed", has("Hej")),
		s("composer", []string{"Cancel"}, "esc", []string{"Escape"}, "asked to discard", has("Kassér beskeden?")),
		s("discard question", []string{"Yes"}, "enter", []string{"Enter"}, "discarded", hasNot("Besked til")),
		// The patient with an unread message.
		s(pv, []string{"Back"}, "esc", []string{"Escape"}, "back to the worklist", func(b, a string) bool { return onWorklist(a) && changed(b, a) }),
		s(wl(), []string{"Filter"}, "/", []string{"/"}, "a fresh search prompt", has("Søg:")),
		s(wl(), nil, "", []string{"-l", msgName}, "the name typed", func(_, a string) bool { return len(worklistRows(a)) == 1 }),
		s(wl(), []string{"Apply"}, "enter", []string{"Enter"}, "the search applied", changed),
		s(wl(), []string{"Open"}, "enter", []string{"Enter"}, "the patient view", has("Vægtkurve")),
		s(pv, []string{"Pane"}, "4", []string{"4"}, "the messages", tabOn("4")),
		s(pv, []string{"ReadToggle"}, "u", []string{"u"}, "read state toggled", func(_, a string) bool {
			return strings.Contains(a, "Markeret som læst.") || strings.Contains(a, "Markeret som ulæst.")
		}),
		s(pv, []string{"Reply"}, "r", []string{"r"}, "the reply composer", has("Besked til")),
		s("composer", []string{"NextField"}, "tab", []string{"Tab"}, "the next field", cursorMoved),
		s("composer", []string{"PrevField"}, "shift+tab", []string{"BTab"}, "the previous field", cursorMoved),
		s("composer", []string{"Canned"}, "ctrl+t", []string{"C-t"}, "the canned replies", changed),
		s("canned replies", []string{"Insert"}, "enter", []string{"Enter"}, "a canned reply inserted", changed),
		keyStep{screen: "composer", bindings: []string{"Save"}, key: "ctrl+s", tmux: []string{"C-s"}, what: "the reply sent",
			want: has("Beskeden er lagt i kø til afsendelse."),
			central: func(r *keyRig) (bool, string) {
				n := len(r.c.search(actNurse, "Communication", nil))
				return n > r.comms+1, "the reply is not on the central"
			}},
		s(pv, []string{"Back"}, "q", []string{"q"}, "back to the worklist", func(b, a string) bool { return onWorklist(a) && changed(b, a) }),
		s(wl(), []string{"Quit"}, "q", []string{"q"}, "the console exits", has("EXITED 0")),
	}
}

func wl() string { return "worklist" }

// communicationsWith counts the Communications on the central holding text.
func communicationsWith(c *actCentral, text string) int {
	n := 0
	for _, r := range c.search(actNurse, "Communication", nil) {
		if strings.Contains(string(r.Raw), text) {
			n++
		}
	}
	return n
}

// coveredKeys are the (binding, key) pairs the journey and the other
// end-to-end tests press, plus ctrl+c (TestE2EKeysOnTheRealBinary's second
// session).
func coveredKeys() map[[2]string]bool {
	out := map[[2]string]bool{{"ForceQuit", "ctrl+c"}: true}
	for _, st := range journey("x", "y") {
		for _, b := range st.bindings {
			out[[2]string{b, st.key}] = true
		}
	}
	for _, e := range elsewhere {
		out[[2]string{e.binding, e.key}] = true
	}
	return out
}

// TestE2EKeyCoverage fails when a key of the console's key map has no
// end-to-end step (and is not a named gap).
func TestE2EKeyCoverage(t *testing.T) {
	covered := coveredKeys()
	known := map[string]bool{}
	for _, b := range tui.KeyBindings("da") {
		known[b.Name] = true
		if _, gap := keyGaps[b.Name]; gap {
			continue
		}
		for _, k := range b.Keys {
			if !covered[[2]string{b.Name, k}] {
				t.Errorf("binding %s, key %q (%s) is pressed by no end-to-end test of the real binary", b.Name, k, b.Desc)
			}
		}
	}
	for pair := range covered {
		if !known[pair[0]] {
			t.Errorf("an end-to-end step names binding %s, which the key map does not have", pair[0])
		}
	}
	for name := range keyGaps {
		if !known[name] {
			t.Errorf("key gap %s is not in the key map", name)
		}
	}
}

// TestE2EKeysOnTheRealBinary runs the journey.
func TestE2EKeysOnTheRealBinary(t *testing.T) {
	requireTmux(t)
	c := newActCentral(t)
	r := &keyRig{t: t, c: c}
	target, err := url.Parse(c.url)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	ps := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.requests.Add(1)
		rp.ServeHTTP(w, req)
	}))
	t.Cleanup(ps.Close)

	// ctrl+c ends the console from anywhere (here: the help).
	{
		con := startActConsoleAt(t, c, actNurse, ps.URL)
		onlineWorklist(con)
		con.send("?")
		con.waitFor("the help", func(s string) bool { return strings.Contains(s, "Hjælp – taster") })
		con.send("C-c")
		con.waitFor("the console to exit", func(s string) bool { return strings.Contains(s, "EXITED") })
	}

	// The journey's console syncs only when asked (ctrl+r) or after an
	// action.
	con := startActConsoleAt(t, c, actNurse, ps.URL, "TELEHJERTE_SYNC_INTERVAL=1h")
	r.con = con
	onlineWorklist(con)
	// The first round's reload may come just after "online": wait for the
	// synced worklist (a red row and a row with an unread message).
	scr := con.waitFor("the synced worklist with a red patient and a message", func(s string) bool {
		rows := worklistRows(s)
		var red, msg bool
		for _, sym := range rows {
			red = red || sym == "!!"
			msg = msg || sym == "✉"
		}
		return red && msg && strings.Contains(s, "● online")
	})
	rows := worklistRows(scr)
	var first, msg string
	for _, l := range strings.Split(scr, "\n") {
		if strings.HasPrefix(l, ">") {
			for n := range rows {
				if strings.Contains(l, n) {
					first = n
				}
			}
		}
	}
	for n, sym := range rows {
		if sym == "✉" {
			msg = n
		}
	}
	if first == "" || msg == "" {
		t.Fatalf("no first patient (%q) or patient with a message (%q):\n%s", first, msg, scr)
	}
	r.tasks = tasksOnCentral(c)
	r.comms = len(c.search(actNurse, "Communication", nil))
	// The first round has ended (online is shown at its end); count from
	// here.
	r.requests.Store(0)

	for i, st := range journey(first, msg) {
		before := con.screen()
		con.send(st.tmux...)
		want := st.want
		if want == nil {
			want = changed
		}
		// Every press must show its effect before the next key goes (an
		// escape and the next key sent together read as alt+key).
		con.waitFor(st.screen+": "+st.what+" ("+strings.Join(st.bindings, ",")+" "+st.key+", step "+itoa(i+1)+")", func(after string) bool {
			return (st.central != nil || changed(before, after)) && want(before, after)
		})
		if st.central != nil {
			eventually(t, st.what+" on the central", func() (bool, string) { return st.central(r) })
		}
		// Cancelling a form may ask whether to discard its defaults.
		if strings.Contains(st.what, "or closed") && strings.Contains(con.screen(), "Kassér det indtastede?") {
			con.send("y")
			con.waitFor("the form discarded", func(s string) bool { return !strings.Contains(s, "Kassér det indtastede?") })
		}
	}
}
