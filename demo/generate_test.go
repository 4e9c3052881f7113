package demo

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/telehjerte/telehjerte-tui/domain"
)

func TestGenerateIsDeterministic(t *testing.T) {
	opts := Options{Seed: 7, Now: testNow(t)}
	a, b := collect(t, opts), collect(t, opts)
	if len(a) != DefaultPatients {
		t.Fatalf("got %d patients, want the default %d", len(a), DefaultPatients)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs with the same options differ")
	}
	opts.Seed = 8
	c := collect(t, opts)
	if reflect.DeepEqual(a, c) {
		t.Fatal("a different seed gave the same clinic")
	}
}

func TestPatientDoesNotDependOnClinicSize(t *testing.T) {
	small := collect(t, Options{Patients: 20, Seed: 3, Now: testNow(t)})
	big := collect(t, Options{Patients: 60, Seed: 3, Now: testNow(t)})
	for i := range small {
		if !reflect.DeepEqual(small[i], big[i]) {
			t.Fatalf("%s differs between a clinic of 20 and one of 60", small[i].Patient.ID)
		}
	}
}

func TestStories(t *testing.T) {
	for _, seed := range []int64{0, 1, 2, 3} {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) { stories(t, seed) })
	}
}

func stories(t *testing.T, seed int64) {
	now := testNow(t)
	loc := copenhagen(t)
	recs := collect(t, Options{Seed: seed, Now: now})
	today := time.Date(2025, 3, 14, 0, 0, 0, 0, loc)

	t.Run("stable", func(t *testing.T) {
		r := byStory(t, recs, StoryStable)
		if o := openItems(r); o.Any() {
			t.Errorf("stable patient has open items: %+v", o)
		}
		for _, rd := range r.Readings {
			if !rd.Acknowledged {
				t.Errorf("reading %s not acknowledged", rd.ID)
			}
			if rd.Color != domain.Green && !(rd.Kind == domain.KindSteps && rd.Color == domain.Unclassified) {
				t.Errorf("reading %s %s %g is %s, want green", rd.ID, rd.Kind, rd.Value, rd.Color)
			}
		}
	})

	t.Run("weight gain", func(t *testing.T) {
		r := byStory(t, recs, StoryWeightGain)
		var ws []domain.Reading
		for _, rd := range r.Readings {
			if rd.Kind == domain.KindWeight {
				ws = append(ws, rd)
			}
		}
		if len(ws) < 4 {
			t.Fatalf("only %d weights", len(ws))
		}
		last4 := ws[len(ws)-4:]
		last := last4[3]
		ref := mustRegimeAt(t, r.Regimes, last.Taken).Thresholds.ReferenceWeight
		if last.Color != domain.Red || last.Value < ref+3 {
			t.Errorf("last weight %g (reference %g) is %s, want red at reference+3 or more", last.Value, ref, last.Color)
		}
		if last4[2].Color != domain.Yellow {
			t.Errorf("yesterday's weight %g is %s, want yellow", last4[2].Value, last4[2].Color)
		}
		if gain := last.Value - last4[0].Value; gain < 2.45 || gain > 2.55 {
			t.Errorf("gain over three days %.2f kg, want 2.5", gain)
		}
		for i := 1; i < 4; i++ {
			if last4[i].Value <= last4[i-1].Value {
				t.Errorf("weight did not rise: %g then %g", last4[i-1].Value, last4[i].Value)
			}
			if d := last4[i].Taken.In(loc).YearDay() - last4[i-1].Taken.In(loc).YearDay(); d != 1 {
				t.Errorf("weights %d days apart, want consecutive mornings", d)
			}
		}
		if !sameDay(last.Taken, today, loc) {
			t.Errorf("last weight taken %s, want this morning", last.Taken)
		}
		if tk := taskFor(t, r, last.ID); tk.Done || tk.Color != domain.Red {
			t.Errorf("red weight task %+v, want open and red", tk)
		}
		if g := openItems(r).Group(); g != domain.GroupRed {
			t.Errorf("group %s, want red", g)
		}
	})

	t.Run("pulse 92", func(t *testing.T) {
		r := byStory(t, recs, StoryPulseHigh)
		p := lastOfKind(t, r, domain.KindPulse)
		if p.Value != 92 || p.Color != domain.Yellow || !sameDay(p.Taken, today, loc) {
			t.Errorf("last pulse %g %s at %s, want 92 yellow this morning", p.Value, p.Color, p.Taken)
		}
		if tk := taskFor(t, r, p.ID); tk.Done {
			t.Error("pulse 92 task is done, want open")
		}
		if g := openItems(r).Group(); g != domain.GroupYellow {
			t.Errorf("group %s, want yellow", g)
		}
	})

	t.Run("pulse 41", func(t *testing.T) {
		r := byStory(t, recs, StoryPulseLow)
		p := lastOfKind(t, r, domain.KindPulse)
		if p.Value != 41 || p.Color != domain.Red || !sameDay(p.Taken, today, loc) {
			t.Errorf("last pulse %g %s at %s, want 41 red this morning", p.Value, p.Color, p.Taken)
		}
		if len(r.Regimes) != 2 {
			t.Fatalf("%d regime versions, want 2 (individual pulse limits)", len(r.Regimes))
		}
		// The same 41 would have been yellow by the first version: history
		// keeps the colour of the version in force.
		if c := domain.Classify(p.Measurement, r.Regimes[0].Thresholds).Color; c != domain.Yellow {
			t.Errorf("41 by the first version is %s, want yellow", c)
		}
		if tk := taskFor(t, r, p.ID); tk.Done {
			t.Error("pulse 41 task is done, want open")
		}
	})

	t.Run("missed mornings", func(t *testing.T) {
		r := byStory(t, recs, StoryMissedMornings)
		days := map[string]int{}
		for _, tk := range openTasks(r) {
			if tk.Category != domain.TaskMissing {
				t.Errorf("open task %s is %s, want only missing tasks", tk.ID, tk.Category)
				continue
			}
			if tk.Due.In(loc).Hour() != 12 {
				t.Errorf("missing task due %s, want 12:00", tk.Due.In(loc))
			}
			days[tk.Due.In(loc).Format(time.DateOnly)]++
		}
		want := []string{"2025-03-12", "2025-03-13", "2025-03-14"}
		if len(days) != 3 {
			t.Fatalf("missing tasks on days %v, want %v", days, want)
		}
		for _, d := range want {
			if days[d] != 3 { // weight, pulse, blood pressure
				t.Errorf("%s: %d missing tasks, want 3", d, days[d])
			}
		}
		last := r.Readings[len(r.Readings)-1]
		if !last.Taken.Before(time.Date(2025, 3, 12, 0, 0, 0, 0, loc)) {
			t.Errorf("a reading taken %s during the missed mornings", last.Taken)
		}
		if g := openItems(r).Group(); g != domain.GroupMissing {
			t.Errorf("group %s, want missing", g)
		}
	})

	t.Run("dizziness message", func(t *testing.T) {
		r := byStory(t, recs, StoryDizzyMessage)
		var unread []domain.Message
		for _, m := range r.Messages {
			if m.FromPatient && !m.Read {
				unread = append(unread, m)
			}
		}
		if len(unread) != 1 || !strings.Contains(strings.ToLower(unread[0].Title+unread[0].Body), "svimmel") {
			t.Fatalf("unread messages %+v, want one about dizziness (svimmel)", unread)
		}
		if g := openItems(r).Group(); g != domain.GroupMessages {
			t.Errorf("group %s, want messages", g)
		}
	})

	t.Run("blood pressure without thresholds", func(t *testing.T) {
		r := byStory(t, recs, StoryBPUnclassified)
		for _, v := range r.Regimes {
			if _, ok := v.Thresholds.ByKind[domain.KindBloodPressure]; ok {
				t.Errorf("regime version %s has blood-pressure thresholds", v.Version)
			}
		}
		n := 0
		for _, rd := range r.Readings {
			switch rd.Kind {
			case domain.KindBloodPressure:
				n++
				if rd.Color != domain.Unclassified {
					t.Errorf("BP %g/%g is %s, want unclassified", rd.Value, rd.Value2, rd.Color)
				}
			case domain.KindWeight, domain.KindPulse:
				if rd.Color == domain.Unclassified {
					t.Errorf("%s %g unclassified, want a colour", rd.Kind, rd.Value)
				}
			}
		}
		if n == 0 {
			t.Fatal("no blood-pressure readings")
		}
		if bp := lastOfKind(t, r, domain.KindBloodPressure); taskFor(t, r, bp.ID).Done {
			t.Error("this morning's BP task is done, want open")
		}
	})

	t.Run("start-up with implausible weight", func(t *testing.T) {
		r := byStory(t, recs, StoryStartUp)
		if len(r.Regimes) != 1 || r.Regimes[0].Phase != domain.PhaseStartUp {
			t.Fatalf("regimes %+v, want one start-up version", r.Regimes)
		}
		if want := today.AddDate(0, 0, -5); !r.Regimes[0].Start.Equal(want) {
			t.Errorf("start %s, want %s", r.Regimes[0].Start, want)
		}
		if first := r.Readings[0].Taken; first.Before(today.AddDate(0, 0, -5)) {
			t.Errorf("reading taken %s before inclusion", first)
		}
		var implausible []domain.Reading
		for _, rd := range r.Readings {
			if rd.Implausible != "" {
				implausible = append(implausible, rd)
			}
		}
		if len(implausible) != 1 {
			t.Fatalf("%d implausible readings, want 1", len(implausible))
		}
		bad := implausible[0]
		if bad.Kind != domain.KindWeight || bad.Color != domain.Unclassified || !sameDay(bad.Taken, today, loc) {
			t.Errorf("implausible reading %+v, want an unclassified weight this morning", bad)
		}
		if tk := taskFor(t, r, bad.ID); tk.Done || !tk.Implausible {
			t.Errorf("implausible task %+v, want open and flagged", tk)
		}
		if g := openItems(r).Group(); g != domain.GroupYellow {
			t.Errorf("group %s, want yellow (implausible)", g)
		}
	})

	t.Run("COPD with yellow questionnaire", func(t *testing.T) {
		r := byStory(t, recs, StoryCOPD)
		if !reflect.DeepEqual(r.Patient.Programmes, []string{domain.ProgrammeHeartFailure, domain.ProgrammeCOPD}) {
			t.Errorf("programmes %v, want heart-failure and copd", r.Patient.Programmes)
		}
		sp := lastOfKind(t, r, domain.KindSpO2)
		if sp.Color == domain.Unclassified || sp.Limits.Primary.RedLow != domain.L(88) || sp.Limits.Primary.YellowLow != domain.L(92) {
			t.Errorf("SpO2 %g %s limits %+v, want classified by red low 88, yellow low 92", sp.Value, sp.Color, sp.Limits)
		}
		if len(r.Questionnaires) == 0 {
			t.Fatal("no questionnaires")
		}
		q := r.Questionnaires[len(r.Questionnaires)-1]
		if q.Color() != domain.Yellow || !sameDay(q.Taken, today, loc) {
			t.Errorf("latest questionnaire %s is %s, want yellow this morning", q.Taken, q.Color())
		}
		if len(q.Answers) != 4 || !strings.Contains(q.Answers[3].Question, "forpustet") || q.Answers[3].Severity != domain.Yellow {
			t.Errorf("answers %+v, want four with a yellow breathlessness answer", q.Answers)
		}
		if tk := taskFor(t, r, q.ID); tk.Done || tk.Color != domain.Yellow {
			t.Errorf("questionnaire task %+v, want open and yellow", tk)
		}
	})

	t.Run("late arrival", func(t *testing.T) {
		r := byStory(t, recs, StoryLateArrival)
		w := lastOfKind(t, r, domain.KindWeight)
		if lt := w.Taken.In(loc); !sameDay(w.Taken, today, loc) || lt.Hour() != 14 || lt.Minute() != 10 {
			t.Fatalf("last weight taken %s, want 14:10 today", lt)
		}
		var late []domain.Task
		for _, tk := range r.Tasks {
			if tk.Category == domain.TaskMissing && tk.DoneBy == domain.LateArrival {
				late = append(late, tk)
			}
		}
		found := false
		for _, tk := range late {
			if tk.Kind == domain.KindWeight && sameDay(tk.Due, today, loc) {
				found = true
				if !tk.Done || !tk.DoneAt.Equal(w.Taken) || tk.Due.In(loc).Hour() != 12 {
					t.Errorf("late weight task %+v, want done at 14:10, due 12:00", tk)
				}
			}
		}
		if !found {
			t.Errorf("no missing weight task resolved by late arrival today; got %+v", late)
		}
		for _, tk := range openTasks(r) {
			if tk.Category == domain.TaskMissing {
				t.Errorf("open missing task %s: the late arrival should have resolved it", tk.ID)
			}
		}
	})
}

func TestPersonsAreSyntheticAndConsistent(t *testing.T) {
	now := testNow(t)
	for _, r := range collect(t, Options{Patients: 300, Days: 2, Seed: 11, Now: now}) {
		p := r.Patient
		if !p.Synthetic {
			t.Errorf("%s not marked synthetic", p.ID)
		}
		if len(p.CPR) != 10 {
			t.Fatalf("%s CPR %q, want 10 digits", p.ID, p.CPR)
		}
		day := int(p.CPR[0]-'0')*10 + int(p.CPR[1]-'0')
		if day < 61 || day > 91 {
			t.Errorf("%s CPR day field %d, want 61–91", p.ID, day)
		}
		born, err := CPRBirthDate(p.CPR)
		if err != nil {
			t.Fatalf("%s: %v", p.ID, err)
		}
		if !born.Equal(p.BirthDate) {
			t.Errorf("%s CPR says born %s, birth date %s", p.ID, born.Format(time.DateOnly), p.BirthDate.Format(time.DateOnly))
		}
		if a := domain.Age(p.BirthDate, birthReference); a < 45 || a > 90 {
			t.Errorf("%s aged %d on %s, want 45–90", p.ID, a, birthReference.Format(time.DateOnly))
		}
		if p.Name == "" || !strings.Contains(p.Name, " ") {
			t.Errorf("%s name %q, want given name and surname", p.ID, p.Name)
		}
	}
}

func TestCPRBirthDateRejectsBadInput(t *testing.T) {
	for _, s := range []string{"", "123", "6413xx1234", "6113731234" /* month 13 */, "9102731234" /* 31 Feb */} {
		if _, err := CPRBirthDate(s); err == nil {
			t.Errorf("CPRBirthDate(%q) gave no error", s)
		}
	}
}

// urlSafe is the FHIR id alphabet.
var urlSafe = regexp.MustCompile(`^[A-Za-z0-9.-]{1,64}$`)

func TestRecordsAreComplete(t *testing.T) {
	for _, now := range []time.Time{
		testNow(t),
		time.Date(2025, 3, 14, 6, 30, 0, 0, copenhagen(t)),   // before anyone measured today
		time.Date(2025, 3, 30, 11, 0, 0, 0, copenhagen(t)),   // clocks went forward this night
		time.Date(2025, 10, 27, 23, 59, 0, 0, copenhagen(t)), // the day after clocks went back
	} {
		t.Run(now.Format(time.RFC3339), func(t *testing.T) {
			checkRecords(t, now, 60, collect(t, Options{Patients: 40, Days: 60, Seed: 5, Now: now}))
		})
	}
}

// checkRecords checks invariants every record must keep.
func checkRecords(t *testing.T, now time.Time, days int, recs []PatientRecord) {
	t.Helper()
	loc := copenhagen(t)
	y, m, d := now.In(loc).Date()
	first := time.Date(y, m, d-(days-1), 0, 0, 0, 0, loc)
	ids := map[string]string{}
	unique := func(id, what string) {
		if !urlSafe.MatchString(id) {
			t.Errorf("%s id %q is not URL-safe", what, id)
		}
		if prev, ok := ids[id]; ok {
			t.Errorf("%s id %q already used by a %s", what, id, prev)
		}
		ids[id] = what
	}
	inRange := func(what string, at time.Time) {
		if at.Before(first) || at.After(now) {
			t.Errorf("%s at %s outside [%s, %s]", what, at, first, now)
		}
	}
	onWorklist := 0
	for _, r := range recs {
		unique(r.Patient.ID, "patient")
		for _, v := range r.Regimes {
			if err := v.Validate(); err != nil {
				t.Errorf("%s regime %s: %v", r.Patient.ID, v.Version, err)
			}
			if v.PatientID != r.Patient.ID {
				t.Errorf("regime %s for %s in %s's record", v.ID, v.PatientID, r.Patient.ID)
			}
		}
		tasksByFocus := map[string]int{}
		for _, tk := range r.Tasks {
			unique(tk.ID, "task")
			if tk.PatientID != r.Patient.ID {
				t.Errorf("task %s for %s in %s's record", tk.ID, tk.PatientID, r.Patient.ID)
			}
			if tk.FocusID != "" {
				tasksByFocus[tk.FocusID]++
			}
			inRange("task "+tk.ID+" created", tk.Created)
			if tk.Done {
				if tk.DoneBy == "" || tk.DoneAt.Before(tk.Created) || tk.DoneAt.After(now) {
					t.Errorf("task %s done by %q at %s, created %s", tk.ID, tk.DoneBy, tk.DoneAt, tk.Created)
				}
			}
		}
		for i, rd := range r.Readings {
			unique(rd.ID, "reading")
			inRange("reading "+rd.ID+" taken", rd.Taken)
			if rd.Received.Before(rd.Taken) || rd.Received.After(now) {
				t.Errorf("reading %s received %s, taken %s", rd.ID, rd.Received, rd.Taken)
			}
			if i > 0 && rd.Taken.Before(r.Readings[i-1].Taken) {
				t.Errorf("reading %s out of order", rd.ID)
			}
			if !domain.ReviewNeeded(rd, r.Regimes) {
				// Information only (steps without limits): no item, and
				// nothing to acknowledge.
				if tasksByFocus[rd.ID] != 0 || !rd.Acknowledged {
					t.Errorf("informational reading %s has %d review tasks (acknowledged %v), want none", rd.ID, tasksByFocus[rd.ID], rd.Acknowledged)
				}
				continue
			}
			if tasksByFocus[rd.ID] != 1 {
				t.Errorf("reading %s has %d review tasks, want 1", rd.ID, tasksByFocus[rd.ID])
			}
			// Classified by the version in force when taken.
			again, _ := domain.Arrive(rd.Measurement, r.Regimes)
			if !reflect.DeepEqual(again.Classification, rd.Classification) {
				t.Errorf("reading %s classification %+v, want %+v", rd.ID, rd.Classification, again.Classification)
			}
			if ack := !taskFor(t, r, rd.ID).Done; ack == rd.Acknowledged {
				t.Errorf("reading %s acknowledged=%v but its task done=%v", rd.ID, rd.Acknowledged, !ack)
			}
		}
		for _, q := range r.Questionnaires {
			unique(q.ID, "questionnaire")
			inRange("questionnaire "+q.ID, q.Taken)
			if n := tasksByFocus[domain.QuestionnaireFocus(q.ID)]; n != 1 {
				t.Errorf("questionnaire %s has %d review tasks, want 1", q.ID, n)
			}
		}
		for _, msg := range r.Messages {
			unique(msg.ID, "message")
			inRange("message "+msg.ID, msg.Sent)
		}
		if openItems(r).Any() {
			onWorklist++
		}
	}
	if len(recs) == 40 && days >= 7 && (onWorklist < 15 || onWorklist > 25) {
		t.Errorf("%d of 40 patients on the worklist, want 15–25", onWorklist)
	}
}

// Short histories cut the multi-day stories but keep every invariant.
func TestShortHistories(t *testing.T) {
	for _, days := range []int{1, 2, 3, 4} {
		for _, patients := range []int{1, 10, 12} {
			recs := collect(t, Options{Patients: patients, Days: days, Now: testNow(t)})
			if len(recs) != patients {
				t.Fatalf("%d patients, want %d", len(recs), patients)
			}
			checkRecords(t, testNow(t), days, recs)
		}
	}
}

func TestTinyClinic(t *testing.T) {
	recs := collect(t, Options{Patients: 1, Days: 1, Now: testNow(t)})
	if len(recs) != 1 {
		t.Fatalf("got %d patients, want 1", len(recs))
	}
	r := recs[0]
	if r.Story != StoryNone || r.Patient.ID != "pat-0001" {
		t.Errorf("got %s with story %s, want pat-0001 without a story", r.Patient.ID, r.Story)
	}
	first := time.Date(2025, 3, 14, 0, 0, 0, 0, copenhagen(t))
	for _, rd := range r.Readings {
		if rd.Taken.Before(first) || rd.Taken.After(testNow(t)) {
			t.Errorf("reading taken %s outside today", rd.Taken)
		}
	}
	if len(r.Regimes) == 0 {
		t.Error("no regime")
	}
}

func TestStoriesNeedTenPatients(t *testing.T) {
	for _, r := range collect(t, Options{Patients: 9, Now: testNow(t)}) {
		if r.Story != StoryNone {
			t.Errorf("%s has story %s in a clinic of 9", r.Patient.ID, r.Story)
		}
	}
	recs := collect(t, Options{Patients: 10, Now: testNow(t)})
	for i, s := range Stories() {
		if recs[i].Story != s || recs[i].Patient.ID != StoryPatientID(s) {
			t.Errorf("patient %d: %s with %s, want %s with %s", i, recs[i].Patient.ID, recs[i].Story, StoryPatientID(s), s)
		}
	}
}

func TestBadOptions(t *testing.T) {
	emit := func(PatientRecord) error { return nil }
	now := testNow(t)
	for _, tc := range []struct {
		opts Options
		want string
	}{
		{Options{}, "Now is required"},
		{Options{Patients: -1, Now: now}, "Patients must not be negative"},
		{Options{Days: -3, Now: now}, "Days must not be negative"},
		{Options{Patients: maxPatients + 1, Now: now}, "exceeds the maximum"},
		{Options{Days: maxDays + 1, Now: now}, "exceeds the maximum"},
	} {
		err := Generate(tc.opts, emit)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Generate(%+v) = %v, want an error containing %q", tc.opts, err, tc.want)
		}
	}
	if err := Generate(Options{}, emit); !errors.Is(err, ErrNoNow) {
		t.Errorf("zero Now: %v, want ErrNoNow", err)
	}
	if err := Generate(Options{Now: now}, nil); err == nil {
		t.Error("nil emit gave no error")
	}
}

func TestEmitErrorStopsGeneration(t *testing.T) {
	stop := errors.New("disk full")
	n := 0
	err := Generate(Options{Now: testNow(t)}, func(r PatientRecord) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || !strings.Contains(err.Error(), "pat-0003") {
		t.Errorf("got %v, want the emit error wrapped with the patient id", err)
	}
	if n != 3 {
		t.Errorf("emit called %d times, want 3", n)
	}
}

func TestTeams(t *testing.T) {
	teams := Teams()
	if len(teams) != 2 || teams[0].Name != ClinicName || teams[0].ID == teams[1].ID {
		t.Fatalf("teams %+v, want the demo clinic first and a distinct cover clinic", teams)
	}
	for _, tm := range teams {
		if !strings.Contains(tm.Name, "Demo") {
			t.Errorf("team %q is not labelled Demo", tm.Name)
		}
	}
}

func mustRegimeAt(t *testing.T, vs []domain.Regime, at time.Time) domain.Regime {
	t.Helper()
	v, ok := domain.RegimeAt(vs, at)
	if !ok {
		t.Fatalf("no regime in force at %s", at)
	}
	return v
}

func sameDay(a, b time.Time, loc *time.Location) bool {
	return a.In(loc).Format(time.DateOnly) == b.In(loc).Format(time.DateOnly)
}

// The generator evaluates slots only on days that can hold a missed or late
// measurement; evaluating the whole history must find the same tasks.
func TestMissingTasksMatchFullEvaluation(t *testing.T) {
	for _, now := range []time.Time{testNow(t), time.Date(2025, 3, 30, 11, 0, 0, 0, copenhagen(t))} {
		o, err := Options{Patients: 60, Days: 90, Seed: 2, Now: now}.normalize()
		if err != nil {
			t.Fatal(err)
		}
		c := newClock(o)
		for _, r := range collect(t, o) {
			ms := make([]domain.Measurement, len(r.Readings))
			for i, rd := range r.Readings {
				ms[i] = rd.Measurement
			}
			want := map[string]bool{}
			for _, tk := range c.evaluate(nil, r.Patient.ID, r.Regimes, ms, c.first, c.day(1)) {
				want[tk.ID] = tk.DoneBy == domain.LateArrival
			}
			got := map[string]bool{}
			for _, tk := range r.Tasks {
				if tk.Category == domain.TaskMissing {
					got[tk.ID] = tk.DoneBy == domain.LateArrival
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s at %s: missing tasks %v, full evaluation %v", r.Patient.ID, now, got, want)
			}
		}
	}
}

// Before 08:00 the stories happened yesterday morning, and before the 12:00
// deadline today's missing readings are not missing yet.
func TestStoriesEarlyMorning(t *testing.T) {
	loc := copenhagen(t)
	for _, now := range []time.Time{
		time.Date(2025, 3, 14, 6, 0, 0, 0, loc),
		time.Date(2025, 3, 14, 7, 59, 0, 0, loc), // filler patients have measured today
	} {
		for _, seed := range []int64{1, 2, 3} {
			t.Run(fmt.Sprintf("%s/seed%d", now.Format("15:04"), seed), func(t *testing.T) { earlyMorning(t, now, seed) })
		}
	}
}

func earlyMorning(t *testing.T, now time.Time, seed int64) {
	loc := copenhagen(t)
	yesterday := time.Date(2025, 3, 13, 0, 0, 0, 0, loc)
	recs := collect(t, Options{Seed: seed, Now: now})

	w := lastOfKind(t, byStory(t, recs, StoryWeightGain), domain.KindWeight)
	if w.Color != domain.Red || !sameDay(w.Taken, yesterday, loc) {
		t.Errorf("weight gain: last weight %s at %s, want red yesterday", w.Color, w.Taken)
	}
	p := lastOfKind(t, byStory(t, recs, StoryPulseLow), domain.KindPulse)
	if p.Value != 41 || p.Color != domain.Red {
		t.Errorf("pulse low: last pulse %g %s, want 41 red", p.Value, p.Color)
	}
	late := lastOfKind(t, byStory(t, recs, StoryLateArrival), domain.KindWeight)
	if lt := late.Taken.In(loc); !sameDay(late.Taken, yesterday, loc) || lt.Hour() != 14 || lt.Minute() != 10 {
		t.Errorf("late arrival: last weight at %s, want 14:10 yesterday", lt)
	}
	days := map[string]bool{}
	for _, tk := range openTasks(byStory(t, recs, StoryMissedMornings)) {
		days[tk.Due.In(loc).Format(time.DateOnly)] = true
	}
	if want := map[string]bool{"2025-03-11": true, "2025-03-12": true, "2025-03-13": true}; !reflect.DeepEqual(days, want) {
		t.Errorf("missed mornings on %v, want %v", days, want)
	}
}

// A training script written on Monday must still match on Friday: the
// same seed gives the same names and CPR numbers whatever the day (the
// birth dates used to be counted back from today, so every CPR number
// moved by a day each day).
func TestPersonsAreTheSameEveryDay(t *testing.T) {
	monday := time.Date(2026, time.November, 23, 9, 0, 0, 0, time.UTC)
	later := []time.Time{monday.AddDate(0, 0, 4), monday.AddDate(0, 0, 40), monday.AddDate(0, 0, -200)}
	base := collect(t, Options{Patients: 40, Days: 14, Seed: 1, Now: monday})
	for _, day := range later {
		got := collect(t, Options{Patients: 40, Days: 14, Seed: 1, Now: day})
		if len(got) != len(base) {
			t.Fatalf("%d patients on %s, %d on Monday", len(got), day.Format(time.DateOnly), len(base))
		}
		for i := range base {
			a, b := base[i].Patient, got[i].Patient
			if a.ID != b.ID || a.Name != b.Name || a.CPR != b.CPR || !a.BirthDate.Equal(b.BirthDate) {
				t.Errorf("patient %d on %s: %s %s %s, on Monday %s %s %s", i, day.Format(time.DateOnly),
					b.ID, b.Name, b.CPR, a.ID, a.Name, a.CPR)
			}
		}
	}
}
