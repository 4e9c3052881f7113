package domain

import (
	"sort"
	"strings"
	"time"
)

// Group is a patient's place on the worklist. Lower groups come first.
type Group int

// Worklist groups in display order.
const (
	GroupRed          Group = iota // an open red reading
	GroupYellow                    // an open yellow or implausible reading
	GroupMissing                   // a missing measurement
	GroupMessages                  // unread messages, nothing above
	GroupGreen                     // only green readings open
	GroupUnclassified              // only unclassified readings open
	GroupNone                      // nothing open
)

func (g Group) String() string {
	names := [...]string{"red", "yellow", "missing", "messages", "green", "unclassified", "none"}
	if g < 0 || int(g) >= len(names) {
		return "unknown"
	}
	return names[g]
}

// OpenItems counts what is open for one patient.
type OpenItems struct {
	Red, Yellow, Green, Unclassified int // unacknowledged readings and questionnaires by colour
	Implausible                      int // of those, flagged implausible (counted under Unclassified)
	Missing                          int // missing measurements
	Unread                           int // unread messages from the patient
	// ByConsole counts the open readings the console classified itself
	// (the central sent no triage); they are also counted by colour above.
	ByConsole int
	Oldest    time.Time
}

// New is the number of unacknowledged readings and questionnaires.
func (o OpenItems) New() int { return o.Red + o.Yellow + o.Green + o.Unclassified }

// Any reports whether anything is open.
func (o OpenItems) Any() bool { return o.New()+o.Missing+o.Unread > 0 }

// Group places the patient on the worklist: red, yellow (or implausible),
// missing, unread messages, green, unclassified. A patient with unread
// messages ranks above one with only green readings, because a message is
// read as part of the review.
func (o OpenItems) Group() Group {
	switch {
	case o.Red > 0:
		return GroupRed
	case o.Yellow > 0 || o.Implausible > 0:
		return GroupYellow
	case o.Missing > 0:
		return GroupMissing
	case o.Unread > 0:
		return GroupMessages
	case o.Green > 0:
		return GroupGreen
	case o.Unclassified > 0:
		return GroupUnclassified
	}
	return GroupNone
}

// Add counts one open task; a task that is Done is ignored.
func (o *OpenItems) Add(t Task) {
	if t.Done {
		return
	}
	if t.ByConsole {
		o.ByConsole++
	}
	switch {
	case t.Category == TaskMissing:
		o.Missing++
	case t.Implausible:
		o.Implausible++
		o.Unclassified++
	case t.Color == Red:
		o.Red++
	case t.Color == Yellow:
		o.Yellow++
	case t.Color == Green:
		o.Green++
	default:
		o.Unclassified++
	}
	o.Seen(t.Created)
}

// Seen records that an open item arose at t.
func (o *OpenItems) Seen(t time.Time) {
	if !t.IsZero() && (o.Oldest.IsZero() || t.Before(o.Oldest)) {
		o.Oldest = t
	}
}

// Latest is a patient's most recent reading of one kind.
type Latest struct {
	Value, Value2 float64
	Color         Color
	Implausible   bool
	Taken         time.Time
}

// Severity ranks a reading's classification for "the most severe one":
// red, then yellow or implausible, then green, then unclassified.
func Severity(c Color, implausible bool) int {
	switch {
	case c == Red:
		return 3
	case implausible || c == Yellow:
		return 2
	case c == Green:
		return 1
	}
	return 0
}

// MoreSevere reports whether a is to be shown before b: more severe, or as
// severe and newer.
func (a Latest) MoreSevere(b Latest) bool {
	sa, sb := Severity(a.Color, a.Implausible), Severity(b.Color, b.Implausible)
	if sa != sb {
		return sa > sb
	}
	return a.Taken.After(b.Taken)
}

// WorklistRow is one patient on the worklist.
type WorklistRow struct {
	Patient Patient
	Open    OpenItems
	Latest  map[Kind]Latest
	// WorstOpen is, per kind, the most severe open (unacknowledged)
	// reading (see Latest.MoreSevere), and OpenReadings how many readings
	// of that kind are open. The worklist shows it rather than Latest, so
	// a red reading is never hidden behind a later yellow one.
	WorstOpen      map[Kind]Latest
	OpenReadings   map[Kind]int
	Responsibility Responsibility
	// Notes are the patient's handover notes that may flag the row (an
	// important one or a due reminder, see NoteFlagged); a source may pass
	// only those.
	Notes []Note
	// Course are the course reminders of the patient now (CourseFlags):
	// they show on the row and may move it up (CourseGroup).
	Course []CourseFlag
}

// OrderWorklist sorts rows in place: by group (red, yellow, missing,
// messages, green, unclassified, none), within a group the oldest open item
// first, then by name and id so the order is stable.
func OrderWorklist(rows []WorklistRow) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if ga, gb := a.Group(), b.Group(); ga != gb {
			return ga < gb
		}
		if oa, ob := a.Open.Oldest, b.Open.Oldest; !oa.Equal(ob) {
			if oa.IsZero() || ob.IsZero() {
				return !oa.IsZero()
			}
			return oa.Before(ob)
		}
		if na, nb := strings.ToLower(a.Patient.Name), strings.ToLower(b.Patient.Name); na != nb {
			return na < nb
		}
		return a.Patient.ID < b.Patient.ID
	})
}

// GroupCounts counts rows per group, for the worklist header.
func GroupCounts(rows []WorklistRow) map[Group]int {
	m := make(map[Group]int)
	for _, r := range rows {
		m[r.Group()]++
	}
	return m
}

// Shown is the reading of kind k the worklist shows for the row: the most
// severe open one (several reports that more than one is open), else the
// latest. ok is false when there is none.
func (r WorklistRow) Shown(k Kind) (l Latest, several, ok bool) {
	if w, ok := r.WorstOpen[k]; ok {
		return w, r.OpenReadings[k] > 1, true
	}
	l, ok = r.Latest[k]
	return l, false, ok
}
